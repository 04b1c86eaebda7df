"""Feedback that points at the mistake: compare a learner's array with the expected one and say
*how* it differs (shape, a missing transpose, the sign, a constant factor), not only that it does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Verdict:
    ok: bool
    message: str

    def __bool__(self):
        return self.ok

    def __str__(self):
        return self.message

    def _repr_pretty_(self, p, cycle):
        p.text(self.message)


def diagnose(name: str, got, expected, rtol: float = 1e-6, atol: float = 1e-9) -> Verdict:
    """Compare ``got`` with ``expected`` and explain the first difference found."""
    if got is None:
        return Verdict(False, f"{name}: your function returned None; did you forget `return`?")
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return Verdict(False, f"{name}: expected a numeric array, got {type(got).__name__}")
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        if got.shape == expected.shape[::-1] and got.ndim == 2:
            return Verdict(False, f"{name}: shape {got.shape}, expected {expected.shape}: the "
                                  "axes are swapped; a transpose (.T) is missing or extra")
        if got.size == expected.size:
            return Verdict(False, f"{name}: shape {got.shape}, expected {expected.shape}: the "
                                  "right number of entries in the wrong shape")
        if got.ndim == expected.ndim + 1 or (expected.ndim == 1 and got.ndim == 2):
            return Verdict(False, f"{name}: shape {got.shape}, expected {expected.shape}: did "
                                  "you forget to sum over the batch (axis=0)?")
        return Verdict(False, f"{name}: shape {got.shape}, expected {expected.shape}")
    if not np.all(np.isfinite(got)):
        return Verdict(False, f"{name}: contains NaN or inf")
    if np.allclose(got, expected, rtol=rtol, atol=atol):
        return Verdict(True, f"{name}: correct ✓")
    if np.allclose(got, -expected, rtol=rtol, atol=atol):
        return Verdict(False, f"{name}: right size, wrong sign: check the direction of each "
                              "term (a gradient points uphill)")
    if got.ndim == 2 and got.shape[0] == got.shape[1] and np.allclose(got, expected.T, rtol=rtol,
                                                                         atol=atol):
        return Verdict(False, f"{name}: this is the transpose of the answer: swap the order of "
                              "the product or transpose it")
    denom = float(np.vdot(expected, expected))
    if denom > 0:
        factor = float(np.vdot(got, expected)) / denom
        if abs(factor) > 1e-12 and np.allclose(got, factor * expected, rtol=1e-6, atol=atol):
            hint = ""
            for guess, text in ((2.0, "2"), (0.5, "1/2")):
                if np.isclose(factor, guess):
                    hint = f" (a factor {text}: check the derivative of a square or a mean)"
            return Verdict(False, f"{name}: proportional to the answer but {factor:.4g} times "
                                  f"too large{hint}; is a factor such as 1/n or 2 missing or "
                                  "extra?")
    worst = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape)
    return Verdict(False, f"{name}: differs from the answer; largest difference at index "
                          f"{tuple(int(i) for i in worst)}: yours {got[worst]:.6g}, expected "
                          f"{expected[worst]:.6g}")


def attempt(fn, *args):
    """Call a learner's function; None (and the reason) when it is still a to-do."""
    try:
        return fn(*args), None
    except NotImplementedError:
        return None, "not attempted yet"
