"""One matplotlib figure that controls redraw in place, keeping the pictures it has drawn.

Drawing, not computing, is most of a move's time (``python benchmarks/widget_latency.py
--kernel``), so a live figure draws as little as it can: a setting seen before is shown again
from its kept picture, labels are pasted from kept pictures of their text (``kept_text.py``),
pictures travel as lightly compressed PNG (``png.py``), and ``draw_ahead`` can draw a few
settings the learner is likely to pick next (a menu's next option) right after a move.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from ..plots.live import freeze_layout
from .kept_text import keep_text_pictures
from .png import send_light_png


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

    def draw_ahead(self, settings: list, update, now: dict):
        """Draw ``settings`` (dicts of the controls' values) into kept pictures now, right after
        a move's picture was sent: the page is not sent them, and the figure is left as it was
        (its artists moved back by ``update(**now)``, its pixels put back). A move to one of
        them then only shows its picture. Returns how many were drawn. Does nothing before the
        page has shown the figure, or when the current picture is not kept."""
        canvas = self.fig.canvas
        current = self.frames.get(self.shown) if self.shown is not None else None
        if (not self.interactive or getattr(canvas, "syncing_data_url", True)
                or current is None or current[0] != _pixel_size(canvas)):
            return 0
        drawn = 0
        for values in settings:
            key = setting_key(values)
            if key in self.frames:
                continue
            update(**values)
            FigureCanvasAgg.draw(canvas)              # Agg only: ipympl sends nothing
            self._keep(key)
            drawn += 1
        if drawn:
            update(**now)
            pixels = np.asarray(canvas.get_renderer().buffer_rgba())
            pixels[...] = np.frombuffer(zlib.decompress(current[1]),
                                        np.uint8).reshape(pixels.shape)
            self.fig.stale = False                    # pixels and artists: the current setting
            self.frames.move_to_end(self.shown)
        return drawn

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
