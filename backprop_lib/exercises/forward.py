"""Exercises of notebook 01 (the forward pass), with checkers that say what is wrong.

- ``check_dense_forward(fn)``: a layer's forward pass, fn(X, W, b) -> Z = X @ W + b.
- ``check_shapes(answers)``: predict the shapes in a small network's forward pass.
- ``check_two_layer_forward(fn)``: a 2-layer network, fn(X, W1, b1, W2, b2) -> outputs.

Each checker returns an ``Answer`` (see ``feedback``): ``ok``, a ``message`` that names the
mistake, and ``use``, the function (or answer) to go on with: yours when it is right, the
reference otherwise, so the notebook still runs top to bottom.

Also ``tiny_network``: the hand-set 2-2-1 network of the notebook, which solves XOR.
Engine floor: numpy only.
"""

from __future__ import annotations

import numpy as np

from ..activations import Sigmoid
from ..layers import Dense
from ..losses import sigmoid
from ..network import Sequential
from .feedback import STUB, Answer, attempt, diagnose, fall_back, not_attempted


def _call(fn, *args):
    """(result, None) or (None, message) for a learner's function that raised."""
    with np.errstate(all="ignore"):          # overflow becomes NaN, which the checker explains
        value, why = attempt(fn, *args)
    if why and why != STUB:
        why = why.removeprefix("your function ")
    return value, why


# ------------------------------------------------------------------ exercise 1: dense_forward
def dense_forward_reference(X, W, b):
    """Z = X @ W + b. X (n, fan_in), W (fan_in, fan_out), b (fan_out,) -> Z (n, fan_out)."""
    return X @ W + b


def _dense_cases():
    rng = np.random.default_rng(7)
    cases = []
    for n, fan_in, fan_out in ((4, 3, 2), (5, 2, 3), (1, 4, 4)):
        X = rng.standard_normal((n, fan_in))
        W = rng.standard_normal((fan_in, fan_out))
        b = rng.standard_normal(fan_out) + 0.5
        cases.append((X, W, b))
    return cases


def _shapes_text(*shapes) -> str:
    """numpy's way of writing shapes in a broadcasting error: '(4,3) (3,2)'."""
    return " ".join("(" + ",".join(str(d) for d in shape) + ")" for shape in shapes)


def _dense_hint(got, X, W, b, expected) -> str | None:
    """A sentence for the usual mistakes of a dense forward pass, or None."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None
    if got.shape == expected.shape[1:] and X.shape[0] > 1:
        return ("Z needs one row per example, shape (n, fan_out): compute X @ W + b for the "
                "whole batch at once (not one example, and not summed over the examples)")
    if got.shape != expected.shape:
        return None
    if np.allclose(got, X @ W):
        return "the bias is missing: Z = X @ W + b adds b to every row"
    if np.allclose(got, X @ W + 2 * b):
        return "the bias is added twice"
    if np.allclose(got, X @ W - b):
        return "the bias has the wrong sign: Z = X @ W + b"
    if np.allclose(got, X @ W + b.sum()):
        return ("you added the sum of the biases to every entry: b holds one bias per unit, "
                "added to that unit's column (X @ W + b broadcasts it over the rows)")
    if np.allclose(got, X @ W * b):
        return "the bias is added, not multiplied: Z = X @ W + b"
    if np.allclose(got, sigmoid(X @ W + b)) or np.allclose(got, np.tanh(X @ W + b)):
        return ("you applied an activation: dense_forward is only the weighted sum X @ W + b; "
                "the activation is a layer of its own")
    if W.shape[0] == W.shape[1] and np.allclose(got, X @ W.T + b):
        return ("you used W transposed: W has shape (fan_in, fan_out), so each column holds "
                "one unit's weights and Z = X @ W + b")
    return None


def check_dense_forward(fn) -> Answer:
    """Check fn(X, W, b) -> Z = X @ W + b on several shapes, including a square W."""
    title = "dense_forward"
    for X, W, b in _dense_cases():
        expected = dense_forward_reference(X, W, b)
        got, problem = _call(fn, X.copy(), W.copy(), b.copy())
        if problem == STUB:
            return not_attempted(title, dense_forward_reference)
        if problem is not None:
            hint = ""
            if _shapes_text(X.shape, W.shape) in problem:
                hint = ("X * W multiplies entry by entry, which needs equal shapes; a layer is "
                        "the matrix product X @ W (each example's row times each unit's "
                        "column). ")
            elif "broadcast" in problem:
                hint = (f"adding b failed: b has shape {b.shape}, one bias per unit, and X @ W "
                        f"has shape {(X @ W).shape}; X @ W + b adds b to every row as it is "
                        "(no reshape, no [:, None]). ")
            elif "matmul" in problem or "shapes" in problem or "align" in problem:
                hint = ("check the order of the product: rows of X are examples, so it is "
                        "X @ W with W (fan_in, fan_out), not W @ X. ")
            return fall_back(dense_forward_reference, f"with X {X.shape}, W {W.shape}, "
                             f"b {b.shape}: {hint}Your function {problem}", title)
        hint = _dense_hint(got, X, W, b, expected)
        if hint is not None:
            return fall_back(dense_forward_reference, f"with X {X.shape}, W {W.shape}: {hint}",
                             title)
        verdict = diagnose(f"Z for X {X.shape}, W {W.shape}", got, expected)
        if not verdict:
            return fall_back(dense_forward_reference, verdict, title)
    return Answer(True, f"{title}: correct ✓", fn)


# ------------------------------------------------------------------ exercise 2: shapes
SHAPE_QUESTION = {
    "sizes": [4, 8, 3],
    "n": 10,
    "names": ["X", "W1", "b1", "Z1", "H1", "W2", "b2", "outputs"],
}

SHAPE_HINTS = {
    "X": "X is batch-first: one row per example, one column per feature: (n, features)",
    "W1": "a Dense weight matrix is (fan_in, fan_out): inputs down, units across",
    "b1": "one bias per unit of the layer: (fan_out,)",
    "Z1": "Z = X @ W + b has one row per example and one column per unit: (n, fan_out)",
    "H1": "an activation works elementwise: its output has the shape of its input",
    "W2": "the second layer's fan_in is the first layer's fan_out",
    "b2": "one bias per output unit",
    "outputs": "the network's outputs: one row per example, one column per output unit",
}


def shapes_reference(sizes=None, n=None) -> dict:
    """The shapes in ``bp.mlp(sizes)`` applied to X (n, sizes[0]), for a 2-layer network."""
    sizes = SHAPE_QUESTION["sizes"] if sizes is None else sizes
    n = SHAPE_QUESTION["n"] if n is None else n
    d, h, k = sizes
    return {"X": (n, d), "W1": (d, h), "b1": (h,), "Z1": (n, h), "H1": (n, h), "W2": (h, k),
            "b2": (k,), "outputs": (n, k)}


def _as_shape(given):
    """(tuple of ints, None), or (None, why): a shape is a tuple of whole numbers. An int alone
    is not one (``(8)`` is the number 8; a 1-tuple is ``(8,)``), and floats are not sizes."""
    if isinstance(given, bool | int | np.integer):
        return None, (f"{given!r} is a number, not a shape: ({given!r}) is just {given!r} in "
                      f"Python; a one-entry shape needs a comma, ({given!r},)")
    if not isinstance(given, tuple | list):
        return None, f"{given!r} is not a shape; write a tuple such as (10, 4)"
    for v in given:
        if isinstance(v, bool) or not isinstance(v, int | np.integer):
            return None, (f"{given!r} is not a shape: {v!r} is not a whole number (a size "
                          "counts rows, columns or units)")
        if v < 0:
            return None, f"{given!r} is not a shape: sizes are not negative"
    return tuple(int(v) for v in given), None


def _unanswered(given) -> bool:
    return given is None or given is ... or (isinstance(given, str) and given == "...")


def check_shapes(answers) -> Answer:
    """``answers``: a dict name -> shape tuple for the names of ``SHAPE_QUESTION``; None or "..."
    for the ones not answered yet."""
    title = "shapes"
    expected = shapes_reference()
    if not isinstance(answers, dict):
        return Answer(False, f"{title}: give a dict such as {{'X': (10, 4), ...}}, got "
                             f"{type(answers).__name__}", expected)
    answers = {k: (tuple(v.tolist()) if isinstance(v, np.ndarray) and v.ndim == 1 else v)
               for k, v in answers.items()}        # np.array([10, 4]) reads as (10, 4)
    missing = [k for k in expected if _unanswered(answers.get(k))]
    if len(missing) == len(expected):
        return not_attempted(title, expected)
    lines = []
    for name, shape in expected.items():
        given = answers.get(name)
        if _unanswered(given):
            continue
        given_t, why = _as_shape(given)
        if why:
            lines.append(f"  {name}: {why}")
            continue
        if given_t == shape:
            continue
        extra = " (the transpose)" if given_t == shape[::-1] and len(shape) == 2 else ""
        lines.append(f"  {name}: you said {given_t}{extra}, expected {shape}: {SHAPE_HINTS[name]}")
    if not lines and not missing:
        return Answer(True, f"{title}: all {len(expected)} shapes correct ✓", expected)
    right = len(expected) - len(lines) - len(missing)
    head = f"{title}: {right} of {len(expected)} right, {len(lines)} wrong"
    if missing:
        head += f", not answered yet: {', '.join(missing)}"
    return Answer(False, "\n".join([head] + lines), expected)


# ------------------------------------------------------------------ exercise 3: two layers
def _softmax(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def two_layer_forward_reference(X, W1, b1, W2, b2):
    """outputs = σ(X @ W1 + b1) @ W2 + b2: a sigmoid hidden layer and a linear output."""
    H = sigmoid(X @ W1 + b1)
    return H @ W2 + b2


def _two_layer_case(seed=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((6, 2))
    W1 = rng.standard_normal((2, 3))
    b1 = rng.standard_normal(3)
    W2 = rng.standard_normal((3, 2))
    b2 = rng.standard_normal(2)
    return X, W1, b1, W2, b2


def check_two_layer_forward(fn) -> Answer:
    """Check fn(X, W1, b1, W2, b2) -> σ(X @ W1 + b1) @ W2 + b2 (sigmoid hidden, linear output)."""
    title = "two_layer_forward"
    ref = two_layer_forward_reference
    args = _two_layer_case()
    X, W1, b1, W2, b2 = args
    got, problem = _call(fn, *(a.copy() for a in args))
    if problem == STUB:
        return not_attempted(title, ref)
    if problem is not None:
        H_shape = (X.shape[0], W1.shape[1])
        hint = ""
        if (_shapes_text(X.shape, W1.shape) in problem
                or _shapes_text(H_shape, W2.shape) in problem):
            hint = ("\n  `*` multiplies entry by entry; each layer is a matrix product: "
                    "X @ W1 + b1, then H @ W2 + b2")
        elif "matmul" in problem:
            hint = (f"\n  follow the shapes: X {X.shape} @ W1 {W1.shape} -> H {H_shape}, then "
                    f"H @ W2 {W2.shape} -> {(X.shape[0], W2.shape[1])}: no transposes, and "
                    "X @ W, not W @ X")
        return fall_back(ref, f"your function {problem}; shapes: X {X.shape}, W1 {W1.shape}, "
                              f"W2 {W2.shape}{hint}", title)
    expected = ref(*args)
    hints = [
        (X @ W1 + b1, None),
        (sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2),
         "the output layer is linear here: no sigmoid after the last Dense"),
        ((X @ W1 + b1) @ W2 + b2,
         "the hidden activation is missing: without it two layers are one linear map"),
        (np.tanh(X @ W1 + b1) @ W2 + b2, "the hidden activation here is the sigmoid, not tanh"),
        (np.maximum(X @ W1 + b1, 0) @ W2 + b2,
         "the hidden activation here is the sigmoid, not ReLU"),
        (sigmoid(X @ W1) @ W2 + b2, "b1 is missing"),
        ((sigmoid(X @ W1) + b1) @ W2 + b2,
         "b1 is added after the activation: the bias belongs inside, σ(X @ W1 + b1)"),
        (_softmax(sigmoid(X @ W1 + b1) @ W2 + b2),
         "the output layer is linear here: no softmax after the last Dense (its outputs are "
         "logits; the loss applies the softmax)"),
        (sigmoid(X @ W1 + b1) @ W2, "b2 is missing"),
    ]
    try:
        got_arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        got_arr = None
    if got_arr is not None and got_arr.shape == expected.shape:
        for candidate, hint in hints:
            if hint and np.allclose(got_arr, candidate):
                return fall_back(ref, hint, title)
    elif got_arr is not None and got_arr.shape == (X.shape[0], W1.shape[1]):
        return fall_back(ref, f"shape {got_arr.shape} is the hidden layer's: the second layer "
                              "(W2, b2) is missing", title)
    verdict = diagnose("outputs", got, expected)
    return Answer(True, f"{title}: correct ✓", fn) if verdict else fall_back(ref, verdict, title)


# ------------------------------------------------------------------ the hand-set XOR network
def tiny_network(b_hidden=(5.0, -5.0), v=(10.0, -10.0), c=-5.0, k: float = 5.0) -> Sequential:
    """A 2-2-1 network with weights set by hand: Dense(2, 2), Sigmoid, Dense(2, 1).

    Both hidden units look at x1 + x2 (weights k, k) and differ by their bias: with the defaults
    h1 = σ(5(x1 + x2) + 5) is on when x1 + x2 > -1, h2 = σ(5(x1 + x2) - 5) when x1 + x2 > 1. The
    output logit v1·h1 + v2·h2 + c = 10·h1 - 10·h2 - 5 is positive between the two lines: XOR.
    """
    first = Dense(2, 2)
    second = Dense(2, 1)
    first.W.value[...] = float(k)                       # W1 (2, 2): both units weigh x1 + x2
    first.b.value[...] = np.asarray(b_hidden, dtype=float).reshape(2)
    second.W.value[...] = np.asarray(v, dtype=float).reshape(2, 1)
    second.b.value[...] = float(c)
    return Sequential([first, Sigmoid(), second])
