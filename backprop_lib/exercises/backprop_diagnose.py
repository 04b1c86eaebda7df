"""Notebook 04's backward exercises, each function on its own: run the learner's
``dense_backward`` or ``sigmoid_backward`` (``tanh_backward``) on a small test case, compare
with the reference answer and name the mistake (``backprop_answers``), and give the exercise's
Answer (``check_dense_backward``, ``check_activation_backward``).

Engine floor: numpy only.
"""

from __future__ import annotations

import numpy as np

from .backprop_answers import (
    activation_mistakes,
    dense_backward_reference,
    dense_mistakes,
    sigmoid_backward_reference,
    tanh_backward_reference,
)
from .feedback import STUB, Answer, Verdict, as_array, attempt, close, explain, not_attempted
from .sandbox import TIMED_OUT, describe


def _case(seed=3, n=5, fan_in=3, fan_out=4):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, fan_out)), rng.standard_normal((n, fan_in)),
            rng.standard_normal((fan_in, fan_out)))


def _dense_verdicts(fn, case) -> tuple[dict | None, str | None]:
    """({'dX'|'dW'|'db': Verdict}, None) for ``fn`` on ``case``, or (None, the problem) when it
    raised, looped or did not return three arrays."""
    dZ, X, W = case
    out, why = attempt(fn, dZ, X, W)
    if why:
        return None, why
    if out is None:
        return None, "your function returned None; did you forget `return dX, dW, db`?"
    if not isinstance(out, tuple | list) or len(out) != 3:
        return None, ("return the three arrays (dX, dW, db), as `return dX, dW, db`; got "
                      f"{describe(out)}")
    ref = dict(zip(("dX", "dW", "db"), dense_backward_reference(dZ, X, W)))
    wrong = dense_mistakes(dZ, X, W)
    got = dict(zip(("dX", "dW", "db"), out))
    found = [next((k for k in ref if close(g, ref[k])), None) for g in out]
    if None not in found and found != ["dX", "dW", "db"]:
        order = ", ".join(found)
        return None, (f"the three arrays are right but returned in the order ({order}): "
                      "return them as (dX, dW, db)")
    return {k: explain(f"dense {k}", got[k], ref[k], wrong[k]) for k in ("dX", "dW", "db")}, None


def diagnose_dense(fn) -> dict:
    """{'dX'|'dW'|'db': Verdict} for the learner's dense_backward on a test case
    (n=5, fan_in=3, fan_out=4: every shape different, so a transpose shows). When the function
    raises there (numpy refuses a product whose shapes do not fit, as with a missing
    transpose), it is run again on a square case (all sizes 4), where such products exist and
    the mistake can be named; the outputs right there are said to be right."""
    verdicts, why = _dense_verdicts(fn, _case())
    if verdicts is not None:
        return verdicts
    if why == STUB:
        return {k: Verdict(False, STUB) for k in ("dX", "dW", "db")}
    square = None
    if TIMED_OUT not in why:                      # a loop would only loop again
        square, _ = _dense_verdicts(fn, _case(7, 4, 4, 4))
    if square is None or all(v.ok for v in square.values()):
        return {k: Verdict(False, f"dense {k}: dense_backward: {why}") for k in ("dX", "dW", "db")}
    head = why.split("\n")[0]
    return {k: v if v.ok else Verdict(False, f"{v.message} (with n=5, fan_in=3, fan_out=4 "
                                              f"{head.replace('your function ', 'it ')})")
            for k, v in square.items()}


def diagnose_activation(fn, kind: str = "sigmoid"):
    """A Verdict for the learner's sigmoid_backward (or tanh_backward) on a test case."""
    rng = np.random.default_rng(4)
    Z = rng.standard_normal((5, 4)) * 2
    Y = 1 / (1 + np.exp(-Z)) if kind == "sigmoid" else np.tanh(Z)
    dY = rng.standard_normal((5, 4))
    ref = (sigmoid_backward_reference if kind == "sigmoid" else tanh_backward_reference)(dY, Z, Y)
    got, why = attempt(fn, dY, Z, Y)
    if why:
        return Verdict(False, why if why == STUB else f"{kind} dZ: {kind}_backward: {why}")
    if isinstance(got, tuple | list) and len(got) == 1 and np.shape(got[0]) == ref.shape:
        return Verdict(False, f"{kind} dZ: returned a {type(got).__name__} holding one array "
                              "(a trailing comma, `return dZ,`?): return the array itself, "
                              "`return dZ`")
    arr, _ = as_array(got)
    if arr is not None and arr.shape != ref.shape and arr.ndim == 2 and \
            arr.shape[0] == arr.shape[1] in ref.shape:
        return Verdict(False, f"{kind} dZ: shape {arr.shape}, expected {ref.shape}: a matrix "
                              "product (@) where the elementwise product (*) belongs: each "
                              "entry of dL/dZ is dL/dY times the derivative at that entry")
    return explain(f"{kind} dZ", got, ref, activation_mistakes(dY, Z, Y, kind), derivative=True)


def check_dense_backward(fn) -> Answer:
    """Exercise: ``fn(dZ, X, W) -> (dX, dW, db)``; each output checked, mistakes named."""
    verdicts = diagnose_dense(fn)
    if all(v.message == STUB for v in verdicts.values()):
        return not_attempted("dense_backward", dense_backward_reference)
    ok = all(v.ok for v in verdicts.values())
    whole = {v.message.removeprefix(f"dense {k}: ") for k, v in verdicts.items()}
    if len(whole) == 1 and not ok:                # one problem of the whole function: said once
        text = whole.pop()
    else:
        text = "\n".join(v.message for v in verdicts.values())
    return Answer(ok, text, use=fn if ok else dense_backward_reference)


def check_activation_backward(fn, kind: str = "sigmoid") -> Answer:
    """Exercise: ``fn(dY, Z, Y) -> dZ`` for the sigmoid (or tanh); mistakes named."""
    ref = sigmoid_backward_reference if kind == "sigmoid" else tanh_backward_reference
    v = diagnose_activation(fn, kind)
    if v.message == STUB:
        return not_attempted(f"{kind}_backward", ref)
    return Answer(v.ok, v.message, use=fn if v.ok else ref)
