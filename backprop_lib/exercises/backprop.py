"""Checkers for notebook 04 (backpropagation): the learner writes the backward pass of Dense and
of Sigmoid; a gradient check grades every parameter of a small network built with them, and the
report says WHICH one is wrong and WHY (a missing transpose, a bias not summed over the batch,
Z used where Y belongs in the sigmoid's derivative, a wrong sign).

    report = check_backward(dense_backward, sigmoid_backward)
    print(report)              # a graded table, then one line per mistake found
    report.ok                  # True when every parameter is 'good'

The learner's functions:
    dense_backward(dZ, X, W) -> (dX, dW, db)     X (n, fan_in), W (fan_in, fan_out), dZ (n, fan_out)
    sigmoid_backward(dY, Z, Y) -> dZ             Y = sigmoid(Z), all (n, units)

Engine floor: numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..activations import Sigmoid
from ..gradcheck import GOOD, SUSPICIOUS, grade, numerical_gradient, relative_error
from ..layers import Dense, Layer
from ..losses import mse
from ..network import Sequential
from .feedback import (
    NOT_ATTEMPTED,
    STUB,
    Answer,
    Verdict,
    as_array,
    attempt,
    close,
    explain,
    not_attempted,
    run,
    show_printed,
)
from .sandbox import TIMED_OUT, describe


# ---------------------------------------------------------------- the reference answers
def dense_backward_reference(dZ, X, W):
    """Backward of Z = X @ W + b: dL/dX = dL/dZ · W^T, dL/dW = X^T · dL/dZ, dL/db = Σ_n dL/dZ
    (· the matrix product, ⊙ the elementwise one, as in notebook 04)."""
    dX = dZ @ W.T                 # (n, fan_out) @ (fan_out, fan_in) -> (n, fan_in)
    dW = X.T @ dZ                 # (fan_in, n) @ (n, fan_out)      -> (fan_in, fan_out)
    db = dZ.sum(axis=0)           # b is added to every row: sum over the batch -> (fan_out,)
    return dX, dW, db


def sigmoid_backward_reference(dY, Z, Y):
    """Backward of Y = σ(Z): dL/dZ = dL/dY ⊙ σ'(Z) = dL/dY ⊙ Y ⊙ (1 - Y)."""
    return dY * Y * (1.0 - Y)


def tanh_backward_reference(dY, Z, Y):
    """Backward of Y = tanh(Z): dL/dZ = dL/dY ⊙ (1 - Y²)."""
    return dY * (1.0 - Y * Y)


# ---------------------------------------------------------------- the typical mistakes
def dense_mistakes(dZ, X, W) -> dict:
    """For each output of dense_backward: {message: the wrong value that mistake gives}.
    (Some products exist only when the shapes allow them: on a square case, where they do not
    raise, every missing transpose is named.)"""
    n = X.shape[0]
    mistakes = {
        "dW": {
            "dW = dZ.T @ X: a transpose is missing or extra: dL/dW = X.T @ dL/dZ (shape "
            "(fan_in, fan_out)), not dL/dZ.T @ X": dZ.T @ X,
            "wrong sign: the gradient of the loss, not its negative": -(X.T @ dZ),
            "divided by the batch size: the loss already averages (its gradient carries 1/n); "
            "dL/dW sums over the batch": X.T @ dZ / n,
        },
        "db": {
            "forgot to sum the bias gradient over the batch: b is added to every row, so "
            "dL/db = dL/dZ.sum(axis=0)": dZ,
            "summed over the wrong axis: dL/db sums over the batch, axis=0": dZ.sum(axis=1),
            "averaged instead of summed over the batch: dL/db = dL/dZ.sum(axis=0)":
                dZ.mean(axis=0),
            "wrong sign on dL/db": -dZ.sum(axis=0),
            "db has shape (1, fan_out): sum without keepdims=True, so that db has the shape "
            "of b, (fan_out,)": dZ.sum(axis=0, keepdims=True),
            "summed over every entry (dZ.sum() gives one number): b has one entry per output, "
            "so sum over the batch only, dL/db = dL/dZ.sum(axis=0)": dZ.sum(),
            "only the first example's row: b is added to every row, so dL/db sums all rows, "
            "dL/dZ.sum(axis=0)": dZ[0],
        },
        "dX": {
            "wrong sign on dL/dX": -(dZ @ W.T),
            "dX = W @ dZ.T: the transpose of the answer: dL/dX = dL/dZ @ W.T": W @ dZ.T,
            "dX divided by the batch size: the loss already averages (its gradient carries "
            "1/n), dL/dX = dL/dZ @ W.T": dZ @ W.T / n,
        },
    }
    if dZ.shape[1] == W.shape[0]:
        mistakes["dX"]["dX = dZ @ W: a transpose is missing: dL/dX = dL/dZ @ W.T"] = dZ @ W
    if X.shape[1] == dZ.shape[1]:
        mistakes["dW"]["dW = X @ dZ.T: the transposes are on the wrong factors: dL/dW = "
                       "X.T @ dL/dZ"] = X @ dZ.T
    if X.shape[0] == X.shape[1] and X.shape[0] == dZ.shape[1]:
        mistakes["dW"]["dW = X @ dZ: a transpose is missing: dL/dW = X.T @ dL/dZ"] = X @ dZ
    return mistakes


def activation_mistakes(dY, Z, Y, kind: str = "sigmoid") -> dict:
    if kind == "sigmoid":
        return {
            "used Z instead of Y in the sigmoid's derivative: σ'(Z) = Y ⊙ (1 - Y) with "
            "Y = σ(Z), not Z ⊙ (1 - Z)": dY * Z * (1 - Z),
            "forgot to multiply by the upstream gradient dL/dY (chain rule: dL/dZ = dL/dY ⊙ "
            "σ'(Z))": Y * (1 - Y),
            "returned dL/dY unchanged: the sigmoid's local derivative Y ⊙ (1 - Y) is missing": dY,
            "wrong sign: σ'(Z) = Y ⊙ (1 - Y) is positive": -dY * Y * (1 - Y),
            "the factor (1 - Y) is missing: σ'(Z) = Y ⊙ (1 - Y)": dY * Y,
            "(1 - Y) is squared: σ'(Z) = Y ⊙ (1 - Y)": dY * Y * (1 - Y) ** 2,
            "1 + Y where 1 - Y belongs: σ'(Z) = Y ⊙ (1 - Y)": dY * Y * (1 + Y),
            "divided by the number of rows: an activation's backward is elementwise, the "
            "loss's gradient already carries the 1/N": dY * Y * (1 - Y) / Z.shape[0],
            "1 - Y² is tanh's derivative; the sigmoid's is σ'(Z) = Y ⊙ (1 - Y)":
                dY * (1 - Y * Y),
            "divided by σ'(Z) where the chain rule multiplies: dL/dZ = dL/dY ⊙ Y ⊙ (1 - Y)":
                dY / (Y * (1 - Y)),
            "the sigmoid applied to Y again: Y already is σ(Z), so σ'(Z) = Y ⊙ (1 - Y)":
                dY * _sigmoid(Y) * (1 - _sigmoid(Y)),
            "1/4 is only the largest value of σ'(Z) (at Z = 0): use Y ⊙ (1 - Y) at every "
            "entry": dY / 4,
            "added where the chain rule multiplies: dL/dZ = dL/dY ⊙ Y ⊙ (1 - Y)":
                dY + Y * (1 - Y),
        }
    return {
        "used Z instead of Y in tanh's derivative: 1 - Y² with Y = tanh(Z), not 1 - Z²":
            dY * (1 - Z * Z),
        "1 - Y, not 1 - Y²: tanh'(Z) = 1 - tanh(Z)²": dY * (1 - Y),
        "forgot to multiply by the upstream gradient dL/dY": 1 - Y * Y,
        "returned dL/dY unchanged: tanh's local derivative 1 - Y² is missing": dY,
        "wrong sign: tanh'(Z) = 1 - Y² is positive": -dY * (1 - Y * Y),
        "divided by the number of rows: an activation's backward is elementwise, the loss's "
        "gradient already carries the 1/N": dY * (1 - Y * Y) / Z.shape[0],
        "Y ⊙ (1 - Y) is the sigmoid's derivative; tanh's is 1 - Y²": dY * Y * (1 - Y),
        "tanh applied to Y again: Y already is tanh(Z), so tanh'(Z) = 1 - Y²":
            dY * (1 - np.tanh(Y) ** 2),
        "(1 - Y)², not 1 - Y²: square Y first, then subtract it from 1": dY * (1 - Y) ** 2,
        "1 + Y² where 1 - Y² belongs: tanh'(Z) = 1 - tanh(Z)²": dY * (1 + Y * Y),
        "added where the chain rule multiplies: dL/dZ = dL/dY ⊙ (1 - Y²)": dY + 1 - Y * Y,
    }


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


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


class LearnerProblem(Exception):
    """A learner's backward function, called inside a network, raised or returned something
    that is not an array of the right shape; the message says which and how."""


def _learners(fn, name, shapes, *args):
    """Call the learner's ``fn(*args)`` inside a network (through ``run``: copies, a time
    limit, errors caught); the arrays it returns, or LearnerProblem when it raised or returned
    something else than arrays. A dL/dX or dL/dZ of the wrong shape stops the pass too (the
    layer below needs it); a dW or db of the wrong shape is kept, and the report grades it
    "wrong shape"."""
    outcome = run(fn, *args)
    show_printed(outcome)
    if outcome.stub:
        raise LearnerProblem(f"{name}: {NOT_ATTEMPTED}")
    if outcome.problem:
        raise LearnerProblem(f"{name}: {outcome.problem}")
    value = outcome.value
    if len(shapes) > 1:
        if value is None:
            raise LearnerProblem(f"{name}: your function returned None; did you forget "
                                 "`return`?")
        if not isinstance(value, tuple | list) or len(value) != len(shapes):
            raise LearnerProblem(f"{name}: return the {len(shapes)} arrays (dX, dW, db); got "
                                 f"{describe(value)}")
    else:
        value = (value,)
    arrays = []
    for part, (label, shape) in zip(value, shapes):
        arr, why = as_array(part, f"{name}'s {label}")
        if why:
            raise LearnerProblem(why)
        if arr.shape != shape and label not in ("dW", "db"):
            raise LearnerProblem(f"{name}'s {label}: shape {arr.shape}, expected {shape}")
        arrays.append(arr)             # a dW or db of the wrong shape is kept: graded as such
    return arrays


# ---------------------------------------------------------------- layers that use them
class LearnerDense(Dense):
    """A Dense layer whose backward is ``backward_fn(dZ, X, W) -> (dX, dW, db)``, called
    through ``run``; what is not three arrays of the right shapes raises LearnerProblem."""

    def __init__(self, fan_in, fan_out, backward_fn, rng=None):
        super().__init__(fan_in, fan_out, rng=rng)
        self.backward_fn = backward_fn

    def backward(self, dZ, input_grad=True):
        X = self._read_cache()
        W = self.W.value
        dX, dW, db = _learners(self.backward_fn, "dense_backward",
                               [("dX", X.shape), ("dW", W.shape), ("db", self.b.value.shape)],
                               dZ, X, W)
        self.W.grad, self.b.grad = dW, db
        return dX


class LearnerActivation(Layer):
    """Y = σ(Z) (or tanh) whose backward is ``backward_fn(dY, Z, Y) -> dZ``."""

    def __init__(self, backward_fn, kind: str = "sigmoid"):
        super().__init__()
        if kind not in ("sigmoid", "tanh"):
            raise ValueError(f"kind must be 'sigmoid' or 'tanh', got {kind!r}")
        self.backward_fn = backward_fn
        self.kind = kind
        self.name = kind

    def forward(self, Z):
        Y = Sigmoid().forward(Z) if self.kind == "sigmoid" else np.tanh(Z)
        self.cache = (Z, Y)
        return Y

    def backward(self, dY):
        Z, Y = self._read_cache()
        return _learners(self.backward_fn, f"{self.kind}_backward", [("dZ", Z.shape)],
                         dY, Z, Y)[0]


def learner_network(dense_backward, activation_backward, kind: str = "sigmoid", seed: int = 0,
                    sizes=(3, 4, 2)) -> Sequential:
    """Dense(3, 4) -> Sigmoid -> Dense(4, 2), each backward being the learner's function."""
    rng = np.random.default_rng(seed)
    model = Sequential([LearnerDense(sizes[0], sizes[1], dense_backward, rng=rng),
                        LearnerActivation(activation_backward, kind),
                        LearnerDense(sizes[1], sizes[2], dense_backward, rng=rng)])
    for layer, name in zip(model.layers, ("dense1", f"{kind}1", "dense2")):
        layer.name = name                                  # the names of the usual layers
        for p in layer.parameters():
            p.name = f"{name}.{p.name.split('.')[-1]}"
    return model


# ---------------------------------------------------------------- the graded report
@dataclass
class BackwardReport:
    """Relative error and grade per parameter (and 'input'), plus the diagnosis of each wrong
    one. ``ok`` when every error is graded "good", ``wrong`` lists those from "suspicious" up
    (the one table ``bp.gradcheck.GRADES``; NaN, a gradient not computed, counts as wrong)."""

    errors: dict
    messages: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    dense_backward: object = None
    activation_backward: object = None

    @property
    def ok(self) -> bool:
        return all(err < GOOD for err in self.errors.values())

    def __bool__(self):
        return self.ok

    @property
    def wrong(self) -> list:
        return [k for k, err in self.errors.items() if not err < SUSPICIOUS]

    @property
    def message(self) -> str:
        return str(self)

    def __str__(self):
        width = max(len(k) for k in self.errors) + 2
        lines = [f"{'parameter':<{width}}relative error  grade"]
        for k, err in self.errors.items():
            shown = ("  not computed" if np.isnan(err) else "   wrong shape" if np.isinf(err)
                     else f"{err:14.2e}")
            lines.append(f"{k:<{width}}{shown}  {grade(err)}")
        lines += self.notes
        if self.ok:
            lines.append("every gradient agrees with finite differences ✓")
        lines += self.messages
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def _objective(model, X, y):
    def f():
        return mse(model.forward(X), y)[0]
    return f


def _repeats(text: str, broken: str) -> bool:
    """True when a function's own verdict ``text`` only repeats why the pass stopped (it raised,
    returned None, ...); a verdict that names a mistake (an order, a product) is worth saying."""
    for name in ("dense_backward: ", "sigmoid_backward: ", "tanh_backward: "):
        text = text.removeprefix(name)
    head = text.split("\n")[0].split(" (inputs")[0][:30].replace("three", "3")
    return head in broken.replace("three", "3")


def check_backward(dense_backward, sigmoid_backward, kind: str = "sigmoid",
                   seed: int = 0) -> BackwardReport:
    """Grade the learner's backward functions inside a network Dense -> Sigmoid -> Dense.

    Each parameter's gradient from backpropagation is compared with centred finite differences
    (``bp.numerical_gradient``) by relative error (``bp.relative_error``, graded by ``bp.grade``
    from the one table ``bp.gradcheck.GRADES``). Then each function is tested on its own, and every
    mistake found is named. A function that raises NotImplementedError is replaced by the
    reference (the report says so).
    """
    ref_act = sigmoid_backward_reference if kind == "sigmoid" else tanh_backward_reference
    notes = []
    dY = _case(5, 5, 4, 4)[0]
    probes = {"dense_backward": (dense_backward, _case()),
              f"{kind}_backward": (sigmoid_backward, (dY, dY, 1 / (1 + np.exp(-dY))))}
    float32 = []                   # the learner's functions that answer in float32
    for name, (fn, args) in probes.items():
        out, why = attempt(fn, *args)
        if any(getattr(o, "dtype", None) == np.float32
               for o in (out if isinstance(out, tuple | list) else [out])):
            float32.append(name)
        if why == STUB:
            notes.append(f"{name}: {NOT_ATTEMPTED}")
        elif why and TIMED_OUT in why:             # no second wait: say so and stop
            errors = {k: np.nan for k in ("dense1.W", "dense1.b", "dense2.W", "dense2.b",
                                          "input")}
            return BackwardReport(errors=errors, messages=[f"→ {name}: {why}"], notes=notes,
                                  dense_backward=dense_backward_reference,
                                  activation_backward=ref_act)
    if f"dense_backward: {NOT_ATTEMPTED}" in notes:
        dense_backward = dense_backward_reference
    if f"{kind}_backward: {NOT_ATTEMPTED}" in notes:
        sigmoid_backward = ref_act

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((6, 3))
    y = rng.standard_normal((6, 2))
    model = learner_network(dense_backward, sigmoid_backward, kind, seed)
    errors, messages = {}, []
    broken = None                  # the problem that stopped the backward pass, if one did
    try:
        loss, dout = mse(model.forward(X), y)
        dX = model.backward(dout)
    except LearnerProblem as err:  # the learner's function raised or returned a non-array
        broken = str(err)
        messages.append(f"→ the backward pass stopped in {broken}")
    f = _objective(model, X, y)
    for p in model.parameters():
        try:
            errors[p.name] = np.nan if broken else relative_error(p.grad, numerical_gradient(
                f, p.value))
        except ValueError:                         # a gradient of the wrong shape
            errors[p.name] = np.inf
    errors["input"] = np.nan if broken else relative_error(dX, numerical_gradient(f, X))

    dense_v = diagnose_dense(dense_backward)
    act_v = diagnose_activation(sigmoid_backward, kind)
    said = set()
    for k, v in dense_v.items():
        text = v.message.split(": ", 1)[1]
        if v.ok or text in said or (broken and _repeats(text, broken)):
            continue
        said.add(text)
        if text.startswith("dense_backward: "):    # about the whole function (order, None...)
            messages.append(f"→ {text}")
        else:
            param = {"dW": "every dense*.W", "db": "every dense*.b",
                     "dX": "everything below the top layer"}[k]
            messages.append(f"→ {param} is off because of dense_backward's {k}: {text}")
    if not act_v.ok and not (broken and _repeats(act_v.message.split(": ", 1)[1], broken)):
        text = act_v.message.split(": ", 1)[1]
        top_right = all(errors.get(f"dense2.{p}", np.inf) < SUSPICIOUS for p in ("W", "b"))
        if top_right:
            messages.append(f"→ dense2 is right but dense1.W, dense1.b are wrong: the error "
                            f"enters between them, in {kind}_backward: {text}")
        else:
            messages.append(f"→ {kind}_backward: {text}")
    if not messages and any(not err < SUSPICIOUS for err in errors.values()):
        bad = [k for k, e in errors.items() if not e < SUSPICIOUS]
        messages.append(f"→ {', '.join(bad)} disagree with finite differences; test your "
                        "functions on the shapes of the docstring")
    closer = [k for k, e in errors.items() if GOOD <= e < SUSPICIOUS]
    if not messages and closer:                # right formulas, graded 'look closer'
        if float32:
            messages.append(f"→ {', '.join(closer)}: look closer, yet each function is right on "
                            f"its own: {' and '.join(float32)} answers in float32 (about 7 "
                            "digits), and that rounding shows in a float64 gradient check; "
                            "compute in float64 (the dtype of the inputs)")
        else:
            messages.append(f"→ {', '.join(closer)}: look closer, yet each function is right on "
                            "its own: rounding, not a wrong formula (an approximation, such as "
                            "a finite difference inside a backward, lands here)")
    return BackwardReport(errors=errors, messages=messages, notes=notes,
                          dense_backward=dense_backward, activation_backward=sigmoid_backward)


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


__all__ = ["dense_backward_reference", "sigmoid_backward_reference", "tanh_backward_reference",
           "dense_mistakes", "activation_mistakes", "diagnose_dense", "diagnose_activation",
           "LearnerDense", "LearnerActivation", "learner_network", "BackwardReport",
           "check_backward", "check_dense_backward", "check_activation_backward"]
