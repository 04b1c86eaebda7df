"""Feedback that points at the mistake: compare a learner's array with the expected one and say
*how* it differs (shape, a missing transpose, the sign, a constant factor), not only that it does.

Every checker of ``exercises`` returns an ``Answer``: ``ok``, a ``message`` that names the
mistake, ``use`` (what the notebook goes on with: the learner's function or answer when it is
right, the reference otherwise) and ``attempted`` (False while the learner's function is still
the template's stub; code that reaches a leftover ``raise NotImplementedError`` is an attempt,
and the message names that line: see ``stubs``). Shown in a notebook, an Answer is its message.

Learner code is called only through ``call`` / ``attempt`` / ``sandbox.run``; a returned value
becomes an array, or named feedback, through ``sandbox.as_array`` (the first step of ``diagnose``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .sandbox import Outcome, as_array, describe, run


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


@dataclass(repr=False)
class Answer(Verdict):
    """A checker's result: a Verdict plus ``use``, what the notebook goes on with (the learner's
    function or answer when right, the reference otherwise), and ``attempted``, False while the
    learner's function is still the template's stub. Shows as its message; ``bool(answer)`` is
    ``ok``."""

    use: object = None
    attempted: bool = True

    def __repr__(self):
        return self.message


STUB = "not attempted yet"          # the reason ``attempt`` gives for an exercise left undone
NOT_ATTEMPTED = f"{STUB}, using the reference solution"
FALLBACK_NOTE = "(the notebook goes on with the reference solution until yours passes)"


def not_attempted(title: str, reference) -> Answer:
    """The Answer for an exercise left undone: say so, and go on with ``reference``."""
    return Answer(False, f"{title}: {NOT_ATTEMPTED}", reference, attempted=False)


def fall_back(reference, why, title: str) -> Answer:
    """Not ok: say ``why`` (a text or a Verdict), and go on with ``reference``."""
    if str(why) == STUB:
        return not_attempted(title, reference)
    return Answer(False, f"{title}: {why}\n{FALLBACK_NOTE}", reference)


def tolerances(got, expected, rtol: float, atol: float) -> tuple[float, float]:
    """(rtol, atol) for comparing a learner's ``got``: loosened for a float32 (or float16)
    answer, whose own rounding (about 1e-7 relative) is not a mistake."""
    dtype = getattr(got, "dtype", None)
    if dtype is None and isinstance(got, list | tuple) and got:
        dtype = getattr(got[0], "dtype", None)
    if dtype is not None and dtype.kind == "f" and dtype.itemsize < 8:
        eps = float(np.finfo(dtype).eps)
        scale = float(np.max(np.abs(expected), initial=1.0))
        return max(rtol, 100 * eps), max(atol, 100 * eps * scale)
    return rtol, atol


def close(a, b, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """True when ``a`` is numeric, has the shape of ``b`` and is allclose to it (within the
    ``tolerances`` of its dtype)."""
    rtol, atol = tolerances(a, np.asarray(b, dtype=np.float64), rtol, atol)
    a, why = as_array(a)
    if why:
        return False
    b = np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def diagnose(name: str, got, expected, rtol: float = 1e-6, atol: float = 1e-9) -> Verdict:
    """Compare ``got`` with ``expected`` and explain the first difference found."""
    expected = np.asarray(expected, dtype=np.float64)
    rtol, atol = tolerances(got, expected, rtol, atol)
    got, why = as_array(got, name)
    if why:
        return Verdict(False, why)
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
            hint = telling_factor(factor)
            # Two arrays that are proportional is a finding; two single numbers always are
            # (yours = (yours/expected) · expected): for them only a telling factor is news.
            if hint is not None or np.count_nonzero(expected) > 1:
                hint = hint or ""
                size = "too large" if abs(factor) > 1 else "too small"
                sign = ", and the sign is wrong" if factor < 0 else ""
                return Verdict(False, f"{name}: proportional to the answer: {factor:.4g} times "
                                      f"the answer ({size}{sign}){hint}; is a factor such as "
                                      "1/n or 2 missing or extra?")
    if got.size == 1:
        g, e = float(got.reshape(())), float(expected.reshape(()))
        digits = _digits(g, e)
        return Verdict(False, f"{name}: yours {g:.{digits}g}, expected {e:.{digits}g}")
    worst = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape)
    digits = _digits(got[worst], expected[worst])
    return Verdict(False, f"{name}: differs from the answer; largest difference at index "
                          f"{tuple(int(i) for i in worst)}: yours {got[worst]:.{digits}g}, "
                          f"expected {expected[worst]:.{digits}g}")


def _digits(got: float, expected: float) -> int:
    """Significant digits enough to show where two different numbers differ (6 at least)."""
    digits = 6
    while digits < 17 and f"{got:.{digits}g}" == f"{expected:.{digits}g}":
        digits += 1
    return digits


def telling_factor(factor: float) -> str | None:
    """A hint when ``factor`` (yours / expected) is a factor a slip produces: 2 or 1/2 (the
    derivative of a square, a mean), a whole number n or 1/n (a count: a sum where a mean
    belongs, or the other way round); "" for a sign slip alone (-1); None for any other."""
    size = abs(factor)
    if np.isclose(size, 1.0, rtol=1e-6):
        return ""
    for guess, text in ((2.0, "2"), (0.5, "1/2")):
        if np.isclose(size, guess, rtol=1e-6):
            return f" (a factor {text}: check the derivative of a square or a mean)"
    k = round(size if size > 1 else 1 / size)
    if 3 <= k <= 10_000 and np.isclose(size if size > 1 else 1 / size, k, rtol=1e-6):
        if size > 1:
            return f" (a whole-number factor {k}: a sum where a mean belongs, or a count n extra?)"
        return f" (a factor 1/{k}: a mean where a sum belongs, or a division by a count extra?)"
    return None


def explain(name: str, got, expected, mistakes: dict | None = None, rtol: float = 1e-6,
            atol: float = 1e-9, derivative: bool = False) -> Verdict:
    """Like ``diagnose``, but first compares ``got`` with each known wrong answer in
    ``mistakes`` {message: wrong_value}, and names that mistake when one matches. With
    ``derivative``, a right answer that looks like a finite difference gets a remark."""
    if got is not None and close(got, expected, rtol, atol):
        remark = approximation_remark(got, expected) if derivative else ""
        return Verdict(True, f"{name}: correct ✓{remark}")
    for message, wrong in (mistakes or {}).items():
        if got is not None and close(got, wrong, rtol, atol) and not close(wrong, expected, rtol,
                                                                           atol):
            return Verdict(False, f"{name}: {message}")
    return diagnose(name, got, expected)


def approximation_remark(got, expected) -> str:
    """A remark, not a failure, for a float64 answer that agrees with the formula only to about
    1e-10 (a finite difference does; two ways of writing the formula agree to about 1e-15)."""
    if getattr(got, "dtype", np.dtype(np.float64)) != np.float64:
        return ""
    got, why = as_array(got)
    expected = np.asarray(expected, dtype=np.float64)
    if why or got.shape != expected.shape or not np.any(expected):
        return ""
    gap = float(np.max(np.abs(got - expected)) / np.max(np.abs(expected)))
    if gap > 1e-11:
        return (f" (remark: it agrees with the formula only to about {gap:.0e}: a finite "
                "difference? It passes, but the exercise asks for the derivative's formula)")
    return ""


def attempt(fn, *args, limit: float | None = None):
    """Call a learner's function through ``run`` (copied inputs, a time limit, printing kept
    short, every exception caught): (value, None), or (None, why) where ``why`` is ``STUB``
    while it is still the template's stub, else the problem in the learner's terms. What it
    printed is shown (at most ``sandbox.PRINT_LINES`` lines)."""
    outcome = run(fn, *args, limit=limit)
    show_printed(outcome)
    if outcome.stub:
        return None, STUB
    return outcome.value, outcome.problem


def refusal(outcome: Outcome, reference, title: str, on: str = "") -> Answer | None:
    """Echo what the learner's function printed; then the Answer that falls back to
    ``reference`` when it did not return (not attempted yet, or the problem prefixed by ``on``,
    such as "on a zero gradient: "), else None. For a checker that looks at ``outcome.args``."""
    show_printed(outcome)
    if outcome.stub:
        return not_attempted(title, reference)
    if outcome.problem:
        return fall_back(reference, on + outcome.problem, title)
    return None


def call(fn, *args, reference, title: str, on: str = "", limit: float | None = None):
    """Run a learner's ``fn(*args)`` through ``run``: (value, None) when it returned, else
    (None, the Answer of ``refusal``) for the checker to return. Test the Answer with
    ``is not None``: a refusal is not ok, so it is falsy."""
    outcome = run(fn, *args, limit=limit)
    answer = refusal(outcome, reference, title, on)
    return (None, answer) if answer is not None else (outcome.value, None)


_last_printed = [""]          # what show_printed echoed last: the same text is not repeated


def show_printed(outcome: Outcome) -> None:
    """Echo what the learner's function printed (already cut to its first lines), once: a
    checker calls it on several cases, and the same lines again are only noise."""
    if outcome.printed and outcome.printed != _last_printed[0]:
        print(f"(your function printed)\n{outcome.printed}")
    _last_printed[0] = outcome.printed


def whole_number(value) -> int:
    """``value`` as an int, when it is a whole number (an int, a numpy integer, a float such as
    4.0, a one-entry array of one); ValueError for 4.9, a text, True. No silent truncation: a
    non-integer is named, not rounded."""
    if isinstance(value, bool | np.bool_ | str | bytes):
        raise ValueError(value)
    arr = np.asarray(value)
    if arr.size != 1 or arr.dtype.kind not in "iuf":
        raise ValueError(value)
    x = arr.reshape(()).item()
    if x != int(x):
        raise ValueError(value)
    return int(x)


def number(value) -> float:
    """``value`` as a float (a Python or numpy number, a one-entry array); ValueError for a
    text, None, True or a many-entry array."""
    if isinstance(value, bool | np.bool_ | str | bytes):
        raise ValueError(value)
    arr = np.asarray(value)
    if arr.size != 1 or arr.dtype.kind not in "iuf":
        raise ValueError(value)
    return float(arr.reshape(()).item())


def attempt_number(fn, args, kind, what: str, reference, title: str):
    """Call the learner's ``fn(*args)`` for a number: (``kind(result)``, None), or (None, the
    Answer that falls back to ``reference`` and says why: not attempted, None returned, or
    not ``what`` was asked for, such as "an epoch number")."""
    got, answer = call(fn, *args, reference=reference, title=title)
    if answer is not None:
        return None, answer
    if got is None:
        return None, fall_back(reference, "your function returned None; did you forget "
                                          "`return`?", title)
    try:
        return kind(got), None
    except (TypeError, ValueError, OverflowError):
        shown = repr(got) if len(repr(got)) < 60 else describe(got)
        return None, fall_back(reference, f"expected {what}, got {shown}", title)
