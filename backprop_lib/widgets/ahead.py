"""Drawing ahead: after a move, the settings one more step away are drawn while the learner
looks (``controls.explore`` calls this), so the next move only shows a kept picture.

The steps are the page's: a slider's value plus or minus a step, snapped to its grid (a log
slider in the exponent: 0.3 -> 0.355 -> 0.316, as measured in JupyterLab), a menu's next option.
"""

from __future__ import annotations

import asyncio
import math
import os

import ipywidgets as W

# Settings drawn ahead after a move (each costs about one redraw of CPU), once the kernel has
# had nothing to do for PREPARE_AFTER seconds. BACKPROP_PREPARE_AHEAD=0 turns it off (the
# browser benchmark compares both).
PREPARE_AHEAD = int(os.environ.get("BACKPROP_PREPARE_AHEAD", "4"))
PREPARE_AFTER = 0.25


def setting_key(values: dict) -> tuple:
    """A hashable key for the controls' values; floats to 9 significant digits, so a value the
    page computed (0.1 + 0.2) and the same value computed here are one setting."""
    return tuple((name, float(f"{v:.9g}") if isinstance(v, float) else v)
                 for name, v in values.items())


def next_values(control, direction: int = 1) -> list:
    """The value(s) one arrow-key step away, as the page computes them (a slider's value plus
    or minus a step, snapped to its grid; a log slider in the exponent), or a menu's next
    option."""
    if isinstance(control, W.Dropdown):
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        if control.value not in options or len(options) < 2:
            return []
        return [options[(options.index(control.value) + direction) % len(options)]]
    if not isinstance(control, (W.FloatSlider, W.IntSlider, W.FloatLogSlider)):
        return []
    log = isinstance(control, W.FloatLogSlider)
    v = math.log(control.value, control.base) if log else control.value
    k = round((v + direction * control.step - control.min) / control.step)
    v = min(max(control.min + k * control.step, control.min), control.max)
    if isinstance(control, W.IntSlider):
        v = int(v)
    v = control.base ** v if log else v
    return [] if setting_key({"v": v}) == setting_key({"v": control.value}) else [v]


def settings_ahead(controls: dict, moved: str | None, direction: int) -> list[dict]:
    """The settings a learner reaches with one more step: the moved control onwards, every
    other control one step forward (its next option), then the moved control back."""
    values = {name: c.value for name, c in controls.items()}
    order = ([(moved, direction)] if moved else []) + \
        [(name, 1) for name in controls if name != moved] + ([(moved, -direction)] if moved else [])
    return [{**values, name: v} for name, d in order for v in next_values(controls[name], d)]


def lower(change) -> bool:
    try:
        return change["new"] < change["old"]
    except TypeError:
        return False


def later(fn, delay: float = 0.02):
    """Run ``fn`` on the kernel's event loop once it has looked for messages (a move is handled
    first); nothing without a running loop (a script, a test)."""
    try:
        asyncio.get_running_loop().call_later(delay, fn)
    except RuntimeError:
        pass
