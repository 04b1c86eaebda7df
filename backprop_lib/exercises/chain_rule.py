"""Checkers for notebook 03 (the chain rule): a local derivative and a node's gradient by hand.

Each ``check_*`` runs the learner's function on a few cases, compares it with the reference and
with the typical mistakes (each written out as code below), and returns an ``Answer`` (see
``feedback``) whose message names the mistake. A function that still raises NotImplementedError
is replaced by the reference, and the message says so, so the notebook runs top to bottom.

Engine floor: numpy only.
"""

from __future__ import annotations

import numpy as np

from .feedback import FALLBACK_NOTE, STUB, Answer, attempt, explain, not_attempted


def is_stub(fn, *args) -> bool:
    """True when ``fn(*args)`` still raises NotImplementedError (another error is the
    learner's own, reported by the checker)."""
    return attempt(fn, *args)[1] == STUB


def run_cases(name: str, fn, reference, cases, mistakes_for=None,
              derivative: bool = False) -> Answer:
    """Call ``fn(*case)`` (through ``attempt``: copied inputs, a time limit, errors caught) for
    each case; the first wrong case decides the message.

    ``reference(*case)`` gives the right answer, ``mistakes_for(*case)`` the dict of wrong ones.
    """
    remark = ""
    for i, case in enumerate(cases):
        got, why = attempt(fn, *case)
        if why == STUB and i == 0:
            return not_attempted(name, reference)
        if i > 0 and (why == STUB or "NotImplementedError" in str(why)):   # right so far
            why = "your function raised NotImplementedError for this case: finish it"
        if why:
            return Answer(False, f"{name}: {why}\n{FALLBACK_NOTE}", use=reference)
        verdict = explain(name, got, reference(*case), mistakes_for(*case) if mistakes_for
                          else None, derivative=derivative)
        if not verdict.ok:
            args = ", ".join(f"{a:.3g}" if np.ndim(a) == 0 else f"array{np.shape(a)}"
                             for a in case)
            return Answer(False, f"{verdict.message}  [for the inputs ({args})]", use=reference)
        if "(remark:" in verdict.message and not remark:
            remark = " " + verdict.message[verdict.message.index("(remark:"):]
    return Answer(True, f"{name}: correct ✓ ({len(cases)} cases){remark}", use=fn)


# ---------------------------------------------------------------- exercise 1: sigmoid'(z)
def _sigmoid(z):
    return 0.5 * (np.tanh(0.5 * np.asarray(z, dtype=np.float64)) + 1.0)


def sigmoid_derivative_reference(z):
    """dσ/dz = σ(z)·(1 - σ(z))."""
    s = _sigmoid(z)
    return s * (1.0 - s)


def _sigmoid_mistakes(z):
    s = _sigmoid(z)
    z = np.asarray(z, dtype=np.float64)
    return {
        "this is σ(z) itself, not its slope: the derivative is σ(z)·(1 - σ(z))": s,
        "you used z where σ(z) belongs: the derivative is σ(z)·(1 - σ(z)), not z·(1 - z)":
            z * (1 - z),
        "wrong sign: σ is increasing everywhere, so its slope is positive": -s * (1 - s),
        "σ(z)·(1 + σ(z))? the second factor is (1 - σ(z))": s * (1 + s),
        "the square is missing: σ'(z) = e^-z / (1 + e^-z)², which equals σ(z)·(1 - σ(z))":
            np.exp(-z) / (1 + np.exp(-z)),
        "1 - σ(z)² follows tanh's pattern (tanh' = 1 - tanh²); the sigmoid's slope is "
        "σ(z)·(1 - σ(z))": 1 - s * s,
        "σ(z)·(1 - z) mixes σ(z) and z: both factors use σ(z), σ(z)·(1 - σ(z))": s * (1 - z),
        "σ(z)² is not the slope: σ'(z) = σ(z)·(1 - σ(z))": s * s,
    }


SIGMOID_CASES = [(np.array([-3.0, -0.5, 0.0, 0.7, 2.5]),), (np.array([1.2]),)]


def check_sigmoid_derivative(fn) -> Answer:
    """Exercise: ``fn(z)`` returns dσ/dz for an array z."""
    return run_cases("sigmoid_derivative", fn, sigmoid_derivative_reference, SIGMOID_CASES,
                     _sigmoid_mistakes, derivative=True)


# ---------------------------------------------------------------- exercise 2: dL/dw, dL/db
def neuron_gradients_reference(x, w, b, t):
    """For L = (σ(w·x + b) - t)²: (dL/dw, dL/db) by the chain rule."""
    y = float(_sigmoid(w * x + b))
    dL_dy = 2.0 * (y - t)            # d(e²)/de · de/dy, with e = y - t
    dL_dz = dL_dy * y * (1.0 - y)    # · dy/dz = σ'(z)
    return np.array([dL_dz * x, dL_dz])    # dz/dw = x, dz/db = 1


def _neuron_mistakes(x, w, b, t):
    y = float(_sigmoid(w * x + b))
    s1 = y * (1 - y)
    return {
        "the factor 2 from d(e²)/de = 2e is missing (both gradients are half the answer)":
            np.array([(y - t) * s1 * x, (y - t) * s1]),
        "wrong sign: e = y - t, so dL/dy = 2·(y - t), not 2·(t - y)":
            -np.array([2 * (y - t) * s1 * x, 2 * (y - t) * s1]),
        "the sigmoid's local derivative dy/dz = y·(1 - y) is missing":
            np.array([2 * (y - t) * x, 2 * (y - t)]),
        "the two are swapped: return (dL/dw, dL/db), in that order; dL/dw carries the x":
            np.array([2 * (y - t) * s1, 2 * (y - t) * s1 * x]),
        "dL/dw lacks the last local derivative dz/dw = x (you returned dL/dz for both)":
            np.array([2 * (y - t) * s1, 2 * (y - t) * s1]),
        "dz/dw is x, not w: in z = w·x + b the partner of w is x":
            np.array([2 * (y - t) * s1 * w, 2 * (y - t) * s1]),
        "dL/db lacks the sigmoid's local derivative y·(1 - y): dL/db = dL/dz, the same "
        "chain as dL/dw without the final x": np.array([2 * (y - t) * s1 * x, 2 * (y - t)]),
        "dL/db carries an x: dz/db = 1 (only dz/dw = x)":
            np.array([2 * (y - t) * s1 * x, 2 * (y - t) * s1 * x]),
        "dy/dz is y·(1 - y), not y: the sigmoid's slope":
            np.array([2 * (y - t) * y * x, 2 * (y - t) * y]),
        "this is the loss (y - t)², not its gradient: multiply the local derivatives "
        "2(y - t) · y(1 - y) · x":
            np.array([(y - t) ** 2 * x, (y - t) ** 2]),
        "dy/dz is y·(1 - y) with y = σ(z), not z·(1 - z)":
            np.array([2 * (y - t) * (w * x + b) * (1 - w * x - b) * x,
                      2 * (y - t) * (w * x + b) * (1 - w * x - b)]),
    }


NEURON_CASES = [(1.5, 0.8, -0.5, 1.0), (-0.7, 1.3, 0.2, 0.0), (2.0, -0.4, 0.9, 1.0)]


def check_neuron_gradients(fn) -> Answer:
    """Exercise: ``fn(x, w, b, t)`` returns (dL/dw, dL/db) for L = (σ(w·x + b) - t)²."""
    answer = run_cases("neuron_gradients (dL/dw, dL/db)", fn, neuron_gradients_reference,
                       NEURON_CASES, _neuron_mistakes)
    if not answer.ok and ": shape (), expected (2,)" in answer.message:    # one number back
        return Answer(False, "neuron_gradients (dL/dw, dL/db): you returned one number; return "
                             "both gradients, (dL/dw, dL/db), in that order\n" + FALLBACK_NOTE,
                      use=neuron_gradients_reference)
    return answer


# ---------------------------------------------------------------- exercise 3: a local derivative
def local_derivative_reference(op: str, a: float, b: float = 0.0):
    """d(out)/d(a) for out = op(a, b) with op in '*', '+', '-', 'sigmoid', 'tanh', '**2'."""
    if op == "*":
        return b
    if op in ("+", "-"):
        return 1.0
    if op == "sigmoid":
        return float(sigmoid_derivative_reference(a))
    if op == "tanh":
        return 1.0 - np.tanh(a) ** 2
    if op == "**2":
        return 2.0 * a
    raise ValueError(f"unknown op {op!r}")


LOCAL_CASES = [("*", 1.5, 0.8), ("+", 1.2, -0.5), ("-", 0.7, 1.0), ("sigmoid", 0.7, 0.0),
               ("tanh", 0.4, 0.0), ("**2", -0.33, 0.0)]


def _local_mistakes(op, a, b=0.0):
    wrong = {
        "*": {"d(a·b)/da is the other factor b, not a": a, "d(a·b)/da = b, not 1": 1.0,
              "a·b is the product's value, not its derivative: d(a·b)/da = b": a * b},
        "+": {"d(a + b)/da = 1: adding passes the gradient on unchanged": b,
              "d(a + b)/da = 1, not 2: only a's own term depends on a": 2.0},
        "-": {"d(a - b)/da = +1 (it is the derivative with respect to b that is -1)": -1.0,
              "d(a - b)/da = +1, not 0: a moves the result one for one": 0.0},
        "sigmoid": {"σ'(a) = σ(a)·(1 - σ(a)), not σ(a)": float(_sigmoid(a)),
                    "σ'(a) uses σ(a), not a: σ(a)·(1 - σ(a))": a * (1 - a),
                    "the sigmoid is of a alone: use a, not b": float(
                        sigmoid_derivative_reference(b))},
        "tanh": {"tanh'(a) = 1 - tanh(a)², not 1 - a²": 1 - a * a,
                 "tanh'(a) = 1 - tanh(a)²: the square is missing": 1 - np.tanh(a),
                 "tanh'(a) = 1 - tanh(a)², not tanh(a)": np.tanh(a),
                 "tanh'(a) = 1/cosh(a)², the square is missing": 1 / np.cosh(a),
                 "tanh is of a alone: use a, not b": 1 - np.tanh(b) ** 2},
        "**2": {"d(a²)/da = 2a: the factor 2 is missing": a, "d(a²)/da = 2a, not a²": a * a,
                "d(a²)/da = 2a, not 2: keep the a": 2.0},
    }
    return wrong.get(op, {})


_FORMULA = {"*": "a·b", "+": "a + b", "-": "a - b", "sigmoid": "σ(a)", "tanh": "tanh(a)",
            "**2": "a²"}


def check_local_derivative(fn) -> Answer:
    """Exercise: ``fn(op, a, b)`` returns d(op(a, b))/da for each operation of the graph."""
    for i, case in enumerate(LOCAL_CASES):
        got, why = attempt(fn, *case)
        if why == STUB and i == 0:
            return not_attempted("local_derivative", local_derivative_reference)
        if i > 0 and (why == STUB or "NotImplementedError" in str(why)):
            why = f"your function raised NotImplementedError for {case[0]!r}: add that operation"
        if why:
            return Answer(False, f"local_derivative({case[0]!r}): {why}\n{FALLBACK_NOTE}",
                          use=local_derivative_reference)
        name = f"local derivative of {case[0]!r} at a={case[1]:g}"
        expected = local_derivative_reference(*case)
        verdict = explain(name, got, expected, _local_mistakes(*case))
        if not verdict.ok and verdict.message.startswith(f"{name}: yours "):
            # no known slip matched (diagnose found no telling factor): say what to redo
            verdict.message = (f"{name}: yours {float(got):.6g}, expected {expected:.6g}: not a "
                               f"slip of sign or factor; rederive d({_FORMULA[case[0]]})/da")
        if not verdict.ok:
            return Answer(False, verdict.message, use=local_derivative_reference)
    return Answer(True, f"local_derivative: correct ✓ (all {len(LOCAL_CASES)} operations)",
                  use=fn)


__all__ = ["is_stub", "run_cases", "check_sigmoid_derivative", "check_neuron_gradients",
           "check_local_derivative", "sigmoid_derivative_reference", "neuron_gradients_reference",
           "local_derivative_reference"]
