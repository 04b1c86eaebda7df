"""Controls with the course's defaults: they report only when released
(``continuous_update=False``), so a slider that retrains never queues stale work.

``explore`` wires controls to one ``LiveFigure``, which keeps the pictures it has drawn: a
setting seen before is shown again without being drawn again (drawing, not computing, is most
of a move's time: ``python benchmarks/widget_latency.py --kernel``).
"""

from __future__ import annotations

import math
import threading
import time
import zlib
from collections import OrderedDict

import ipywidgets as W
import numpy as np

from ..plots.live import freeze_layout
from .ahead import moving
from .kept_text import keep_text_pictures
from .png import send_light_png


def slider(description: str, value: float, min: float, max: float, step: float = 0.01,
           **kw) -> W.FloatSlider:
    return W.FloatSlider(value=value, min=min, max=max, step=step, description=description,
                         continuous_update=False, style={"description_width": "initial"}, **kw)


def int_slider(description: str, value: int, min: int, max: int, step: int = 1,
               **kw) -> W.IntSlider:
    return W.IntSlider(value=value, min=min, max=max, step=step, description=description,
                       continuous_update=False, style={"description_width": "initial"}, **kw)


def log_slider(description: str, value: float, min_exp: float, max_exp: float,
               step: float = 0.1, **kw) -> W.FloatLogSlider:
    """A slider over 10**min_exp .. 10**max_exp, evenly spaced in the exponent, whose steps pass
    through ``value``: one step right and one step left comes back to it (0.03 -> 0.0378 ->
    0.03, not 0.0316), so a learner can return to where the lesson started, and the picture
    kept for it is shown again. The ends move outwards to the first step past the range, so
    every value of the range (0.001 and 1 for 06's lr) can still be typed in."""
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise ValueError(f"log_slider {description!r}: the value must be a positive number, "
                         f"got {value!r}")
    exponent = math.log10(value)
    below = math.ceil((exponent - min_exp) / step - 1e-9)       # whole steps down past min_exp
    above = math.ceil((max_exp - exponent) / step - 1e-9)
    return W.FloatLogSlider(value=value, base=10, min=exponent - below * step,
                            max=exponent + above * step, step=step,
                            description=description, continuous_update=False,
                            readout_format=".3g", style={"description_width": "initial"}, **kw)


def dropdown(description: str, options, value=None, **kw) -> W.Dropdown:
    options = list(options)
    return W.Dropdown(options=options, value=options[0] if value is None else value,
                      description=description, style={"description_width": "initial"}, **kw)


def panel(controls, figure_widget=None, title: str | None = None) -> W.VBox:
    """Controls in a row (wrapping), the figure underneath."""
    rows = []
    if title:
        rows.append(W.HTML(f"<b>{title}</b>"))
    rows.append(W.HBox(list(controls), layout=W.Layout(flex_flow="row wrap")))
    if figure_widget is not None:
        rows.append(figure_widget)
    return W.VBox(rows)


def _is_ipympl(fig) -> bool:
    """True when the figure's canvas is ipympl's widget (``%matplotlib widget``, which matplotlib
    reports as the backend "widget", not "ipympl")."""
    return type(fig.canvas).__module__.startswith("ipympl")


class LiveFigure:
    """One matplotlib figure that controls redraw in place.

    ``show(key)`` redraws for the setting ``key`` (the controls' values) and keeps the picture
    (compressed, about 75 KB for 960x380 pixels; the last ``frames`` settings): showing a kept
    setting again puts its pixels back instead of drawing. The caller has moved the artists to
    that setting first, so the figure and its pixels always agree (a later redraw, asked by the
    page, draws the same picture).

    With ipympl (``%matplotlib widget``) the figure's canvas is itself a widget and
    ``refresh()`` asks it to redraw. With the inline backend a figure is a static picture, so
    ``refresh()`` shows it again inside an Output widget. ``widget`` goes into the layout either
    way.
    Build the figure inside ``with plt.ioff():`` so that pyplot does not show it a second time.
    The layout is computed once, here (``freeze_layout``): every redraw then skips the layout
    engine, which took a third to a half of a live figure's drawing time.
    """

    def __init__(self, fig, frames: int = 64):
        import matplotlib.pyplot as plt

        freeze_layout(fig)
        self.fig = fig
        self.frames: OrderedDict = OrderedDict()      # key -> (shape, compressed RGBA)
        self.max_frames = int(frames)
        self.reused = 0                               # pictures shown again, not drawn
        self.shown = None          # the setting whose picture the canvas holds (if it drew)
        self.interactive = _is_ipympl(fig)
        if self.interactive:
            fig.canvas.header_visible = False
            fig.canvas.toolbar_visible = False
            fig.canvas.resizable = False
            # pyplot redraws an interactive figure whenever an artist changes (draw_idle: the
            # page asks the kernel for a new picture): a second full drawing of every move,
            # after the one show() makes. This figure is redrawn by show() and refresh() only.
            fig.stale_callback = None
            keep_text_pictures(fig.canvas)     # labels drawn once, pasted at every redraw
            send_light_png(fig.canvas)         # encoded 2-3x faster, a few percent larger
            self.widget = fig.canvas
        else:
            self.widget = W.Output()
            self._show()
            plt.close(fig)          # shown through the Output widget only

    def _show(self):
        from IPython.display import display

        self.widget.clear_output(wait=True)
        with self.widget:
            display(self.fig)

    def show(self, key=None):
        """Show the figure for the setting ``key`` (hashable): its kept picture if there is one
        at the canvas's current size, else a new drawing, which is then kept."""
        canvas = self.fig.canvas
        if key is None or not self.interactive or getattr(canvas, "syncing_data_url", True):
            # the page draws later, or has not said it is ready: which setting the canvas's
            # pixels then show is not known here, so none is kept under a setting's name
            self.shown = None
            return self.refresh()
        size = _pixel_size(canvas)
        kept = self.frames.get(key)
        if kept is not None and kept[0] == size:
            self.frames.move_to_end(key)
            pixels = np.asarray(canvas.get_renderer().buffer_rgba())
            pixels[...] = np.frombuffer(zlib.decompress(kept[1]), np.uint8).reshape(pixels.shape)
            self.fig.stale = False                    # the pixels are the artists' picture
            canvas._png_is_old = True                 # ipympl sends the change (a diff)
            canvas.manager.refresh_all()
            self.reused += 1
            self.shown = key
            return
        if self.shown is not None:
            self._keep(self.shown)    # the picture the page drew before this move, if not kept
        canvas.draw()
        self.shown = key
        self._keep(key)

    def _keep(self, key):
        """Keep the canvas's picture as ``key``'s, if the canvas holds one at its current size."""
        renderer = getattr(self.fig.canvas, "renderer", None)     # None before the first draw
        if key in self.frames or renderer is None:
            return
        pixels = np.asarray(renderer.buffer_rgba())
        size = (pixels.shape[1], pixels.shape[0], renderer.dpi)
        if size != _pixel_size(self.fig.canvas):     # drawn before the page resized it
            return
        self.frames[key] = (size, zlib.compress(pixels.tobytes(), 1))
        while len(self.frames) > self.max_frames:
            self.frames.popitem(last=False)

    def refresh(self):
        if self.interactive:
            canvas = self.fig.canvas
            if getattr(canvas, "syncing_data_url", True):
                # no view in a browser has said it is ready: an image sent now arrives broken
                # ("drawImage ... broken state"); the view asks for one when it is ready
                canvas.draw_idle()
            else:
                # draw now: ipympl sends the new image at once. draw_idle() would ask the browser
                # to ask the kernel for it, a round trip that waits for the kernel to be idle.
                canvas.draw()
        else:
            self._show()


def _pixel_size(canvas):
    """The size of the picture the canvas draws now: width and height in whole pixels (its
    buffer's), dpi. Not ``figure.bbox.size``: a 4.6-inch height at 100 dpi is 459.99999...
    there and 460 pixels here, and comparing the two never matched: 01's network sliders never
    showed a kept picture again."""
    w, h = canvas.get_width_height(physical=True)
    return int(w), int(h), canvas.figure.dpi


def setting_key(values: dict) -> tuple:
    """A hashable key for the controls' values; floats to 9 significant digits, so a value the
    page computed (0.1 + 0.2) and the same value computed here are one setting."""
    return tuple((name, float(f"{v:.9g}") if isinstance(v, float) else v)
                 for name, v in values.items())


def explore(controls: dict, live: LiveFigure, update, title: str | None = None,
            timing: str = "updated in", ahead=None):
    """The panel every explorer shares: ``controls`` (name -> widget) in a row with a timing
    line, the live figure underneath. Any change calls ``update(**values)``, which moves the
    figure's artists, then ``live.show(values)``; with ``ahead`` (a ``widgets.ahead.Ahead``)
    the settings one step away are then computed in the background. Returns the VBox with
    ``.controls``, ``.figure``, ``.live``, ``.ahead`` and ``.last_seconds`` (the time of the
    last update) attached."""
    status = W.HTML("")
    box = panel(list(controls.values()) + [status], live.widget, title=title)

    def on_change(_change=None):
        start = time.perf_counter()
        values = {name: c.value for name, c in controls.items()}
        with moving():                       # background work waits: the move goes first
            update(**values)
            live.show(setting_key(values))
        box.last_seconds = time.perf_counter() - start
        status.value = f"<i>{timing} {box.last_seconds * 1000:.0f} ms</i>"
        if ahead is not None:
            ahead.around(controls)

    for control in controls.values():
        control.observe(on_change, names="value")
    live.shown = setting_key({name: c.value for name, c in controls.items()})  # first picture
    box.controls, box.figure, box.live, box.last_seconds = controls, live.fig, live, None
    box.ahead = ahead
    return box


def memoize(fn, size: int = 64, ahead: int = 32):
    """``fn(**settings)`` remembered for the last ``size`` settings: a setting seen before
    costs nothing to compute again (the widgets' computations are deterministic: fixed
    seeds). Settings are matched as ``setting_key`` matches them; ``has(**settings)`` tells
    whether one is remembered. ``prepare(**settings)`` computes one that no move has asked for
    yet (``widgets.ahead``, from a background thread) into a store of its own (the last
    ``ahead``), so it never pushes out a setting the learner visited; a move that asks for it
    moves it over."""
    kept: OrderedDict = OrderedDict()
    prepared: OrderedDict = OrderedDict()
    lock = threading.Lock()

    def key_of(settings):
        return setting_key(dict(sorted(settings.items())))

    def store(where, key, value, limit):
        with lock:
            where[key] = value
            while len(where) > limit:
                where.popitem(last=False)

    def remembered(**settings):
        key = key_of(settings)
        with lock:
            if key in kept:
                kept.move_to_end(key)
                return kept[key]
            found = prepared.pop(key, None)
        value = fn(**settings) if found is None else found   # a move never waits on the lock
        store(kept, key, value, size)
        return value

    def prepare(**settings):
        key = key_of(settings)
        with lock:
            if key in kept or key in prepared:
                return
        store(prepared, key, fn(**settings), ahead)

    def has(**settings):
        key = key_of(settings)
        with lock:
            return key in kept or key in prepared

    remembered.kept, remembered.prepared = kept, prepared
    remembered.prepare, remembered.has = prepare, has
    return remembered
