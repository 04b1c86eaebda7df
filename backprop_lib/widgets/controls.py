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
from collections import OrderedDict

import ipywidgets as W

from .ahead import moving, step_from
from .live_figure import LiveFigure, setting_key


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


def explore(controls: dict, live: LiveFigure, update, title: str | None = None,
            timing: str = "updated in", ahead=None, draw_next=()):
    """The panel every explorer shares: ``controls`` (name -> widget) in a row with a timing
    line, the live figure underneath. Any change calls ``update(**values)``, which moves the
    figure's artists, then ``live.show(values)``; with ``ahead`` (a ``widgets.ahead.Ahead``)
    the settings one step away are then computed in the background. For the controls named in
    ``draw_next`` the next setting's picture is drawn right after the move's picture was sent
    (``LiveFigure.draw_ahead``): a menu's next option, a slider's next step in the direction it
    last moved, so a learner trying options one after the other, or stepping a slider along,
    sees each at once; the kernel stays busy that much longer after the picture. Returns the VBox
    with ``.controls``, ``.figure``, ``.live``, ``.ahead`` and ``.last_seconds`` (the time of
    the last update, picture sent) attached."""
    status = W.HTML("")
    box = panel(list(controls.values()) + [status], live.widget, title=title)

    direction = {name: 1 for name in draw_next}          # a slider's last move: up or down

    def on_change(change=None):
        start = time.perf_counter()
        values = {name: c.value for name, c in controls.items()}
        moved = next((n for n, c in controls.items() if change and change["owner"] is c), None)
        if moved in direction and getattr(controls[moved], "options", None) is None:
            direction[moved] = 1 if change["new"] > change["old"] else -1
        with moving():                       # background work waits: the move goes first
            update(**values)
            live.show(setting_key(values))
            box.last_seconds = time.perf_counter() - start
            status.value = f"<i>{timing} {box.last_seconds * 1000:.0f} ms</i>"
            live.draw_ahead(_next_settings(controls, values, direction), update, values)
        if ahead is not None:
            ahead.around(controls)

    for control in controls.values():
        control.observe(on_change, names="value")
    live.shown = setting_key({name: c.value for name, c in controls.items()})  # first picture
    box.controls, box.figure, box.live, box.last_seconds = controls, live.fig, live, None
    box.ahead = ahead
    return box


def _next_settings(controls: dict, values: dict, direction: dict) -> list[dict]:
    """For each control in ``direction``: the setting with its next option (a menu, the first
    after the last) or its next step that way (a slider, none past its end)."""
    out = []
    for name, way in direction.items():
        c = controls[name]
        if getattr(c, "options", None) is not None:
            options = [o[1] if isinstance(o, tuple) else o for o in c.options]
            out.append({**values, name: options[(options.index(c.value) + 1) % len(options)]})
        elif (value := step_from(c, way)) is not None:
            out.append({**values, name: value})
    return out


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
