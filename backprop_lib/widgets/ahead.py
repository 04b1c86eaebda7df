"""Computing ahead: while a learner looks at a picture, the settings one step away are trained
in the background, so that the next move only draws.

A move of 06's training explorer retrains a network (65 ms at 150 full-batch epochs, 160 ms with
three batches an epoch) before it draws. After each move, ``Ahead.around`` lists the settings one
step away on every control (a slider's step either way, a menu's other options) and one
background thread computes them into the explorer's ``memoize`` store, the next step of each
control first. A move always wins: the thread stops between settings, and at every step of a
training run (``pause_point``, given to ``bp.train`` as its callback), until the move is done,
so it does not slow the move it is preparing for. Where threads cannot start (the in-browser
edition's Python), nothing is computed ahead and a move computes what it needs, as before.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections import deque

_MOVE_DONE = threading.Event()      # cleared while a move is being handled
_MOVE_DONE.set()


def moving():
    """Context manager around a move: background work waits until it is over."""
    return _Moving()


class _Moving:
    def __enter__(self):
        _MOVE_DONE.clear()

    def __exit__(self, *exc):
        _MOVE_DONE.set()


_HERE = threading.local()           # .ahead is True in the thread that computes ahead


def in_background() -> bool:
    """True in the thread that computes ahead."""
    return getattr(_HERE, "ahead", False)


def pause_point(*_):
    """Called at each step of a computation: in the thread that computes ahead, waits while a
    move is handled; anywhere else (the move itself, whichever thread the kernel handles it in)
    returns at once. Takes and ignores ``bp.train``'s step."""
    if getattr(_HERE, "ahead", False):
        _MOVE_DONE.wait()


def _quiet_here():
    """Warnings raised while computing ahead are not shown: the learner did not choose that
    setting, and the kernel would print them under whatever cell ran last. (A move that asks
    for the setting gets the result, and its picture says what happened, a divergence too.)
    ``warnings.catch_warnings`` would silence every thread, so this filters in the one place
    all warnings pass, ``warnings.showwarning``, by thread; installed once."""
    show = warnings.showwarning
    if getattr(show, "quiet_ahead", False):
        return

    def showwarning(*args, **kw):
        if not getattr(_HERE, "ahead", False):
            show(*args, **kw)

    showwarning.quiet_ahead = True
    warnings.showwarning = showwarning


def neighbours(controls: dict) -> list[dict]:
    """The settings one step away from the controls' current values: for each control, the next
    step (or option) first, then the step back and the other options. Controls without a step
    or options are left where they are."""
    now = {name: c.value for name, c in controls.items()}
    forward, other = [], []
    for name, c in controls.items():
        values = _steps(c)
        for i, value in enumerate(values):
            (forward if i == 0 else other).append({**now, name: value})
    return forward + other


def _steps(c) -> list:
    options = getattr(c, "options", None)
    if options is not None:                                  # a menu: the options after it
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        i = values.index(c.value)
        return values[i + 1:] + values[:i]
    return [v for v in (step_from(c, +1), step_from(c, -1)) if v is not None]


def step_from(c, direction: int):
    """The value one step up (``direction`` > 0) or down from a slider's current value, None
    past its ends or for a control without a step. A log slider steps in exponents."""
    if getattr(c, "options", None) is not None or not getattr(c, "step", None):
        return None
    sign = 1 if direction > 0 else -1
    if hasattr(c, "base"):
        e = math.log(c.value, c.base) + sign * c.step
        return c.base ** e if c.min - 1e-9 <= e <= c.max + 1e-9 else None
    value = c.value + sign * c.step
    value = int(value) if isinstance(c.value, int) else round(value, 12)
    return value if c.min <= value <= c.max else None


class Ahead:
    """Computes ``remembered(**settings)`` (a ``controls.memoize`` function) for the settings
    ``around`` is given, in one background thread. ``computed`` counts what it computed."""

    def __init__(self, remembered):
        self.remembered = remembered
        self.todo: deque = deque()
        self.computed = 0
        self.failed = 0
        self._wake = threading.Condition()
        self._thread = None
        self.enabled = True

    def around(self, controls: dict):
        """Forget what was still to do; compute the neighbours of the current setting."""
        todo = [s for s in neighbours(controls) if not self.remembered.has(**s)]
        with self._wake:
            self.todo.clear()
            self.todo.extend(todo)
            self._wake.notify()
        if todo and self.enabled and self._thread is None:
            try:
                self._thread = threading.Thread(target=self._work, daemon=True,
                                                name="compute ahead")
                self._thread.start()
            except RuntimeError:              # no threads here (Pyodide): compute on demand
                self.enabled, self._thread = False, None

    def _work(self):
        _HERE.ahead = True
        _quiet_here()
        while True:
            with self._wake:
                while not self.todo:
                    self._wake.wait()
                settings = self.todo.popleft()
            _MOVE_DONE.wait()
            if self.remembered.has(**settings):
                continue
            try:
                self.remembered.prepare(**settings)
                self.computed += 1
            except Exception:  # noqa: BLE001 - the move that asks for it will say what failed
                self.failed += 1
