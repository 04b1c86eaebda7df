"""What a learner's function returned, read as an array of numbers: ``as_array(value, name,
shape) -> (array, None)`` or ``(None, why)``.

``sandbox.run`` runs the learner's code; this reads its answer. Learners return None (a forgotten
``return``), a text, a dict, several arrays (``return a, b``), an object, complex numbers; each is
named in their terms instead of failing later inside a comparison. ``sandbox`` imports
``as_array``, so it is still found there. Engine floor: numpy only.
"""

from __future__ import annotations

import numpy as np


def _a(value) -> str:
    """'a list of 2 things', 'an object of type Dense', ..."""
    if isinstance(value, list | tuple):
        return f"a {type(value).__name__} of {len(value)} items that do not form an array"
    return f"an object of type `{type(value).__name__}`"


def as_array(value, name: str = "your answer", shape: tuple | None = None):
    """(array of float64, None), or (None, why) naming what was returned instead of an array
    of numbers: None (a forgotten ``return``), a text, several values, an arbitrary object,
    complex numbers. A list or tuple of numbers is fine. With ``shape``, a wrong shape is named.
    NaN and inf are left to the caller (``diagnose`` names them)."""
    if value is None:
        return None, f"{name}: your function returned None; did you forget `return`?"
    if isinstance(value, str | bytes):
        shown = value[:40] + ("..." if len(value) > 40 else "")
        return None, (f"{name}: your function returned the text {shown!r}: return the numbers "
                      "(an array), not a text")
    if isinstance(value, dict):
        return None, f"{name}: your function returned a dict; expected an array of numbers"
    if isinstance(value, list | tuple) and value and all(
            isinstance(v, np.ndarray) and v.ndim >= 1 for v in value) and len(
            {np.shape(v) for v in value}) > 1:
        return None, (f"{name}: your function returned a {type(value).__name__} of "
                      f"{len(value)} arrays of different shapes where one array was expected; "
                      "did you return several values (`return a, b`)?")
    try:
        with np.errstate(all="ignore"):
            raw = np.asarray(value)
            if raw.dtype.kind == "c":
                return None, f"{name}: complex numbers; expected real numbers"
            if raw.dtype.kind not in "biuf":
                raise TypeError
            array = raw.astype(np.float64)
    except (TypeError, ValueError, OverflowError):
        return None, (f"{name}: your function returned {_a(value)}, not an array of numbers")
    if shape is not None and array.shape != tuple(shape):
        return None, f"{name}: shape {array.shape}, expected {tuple(shape)}"
    return array, None


__all__ = ["as_array"]
