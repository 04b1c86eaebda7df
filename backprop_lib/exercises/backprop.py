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

This file holds the graded report of the whole network (``check_backward``, ``BackwardReport``).
The rest lives beside it, every name still importable from here:
    backprop_answers    the reference answers and the typical mistakes
    backprop_diagnose   each function on its own: ``check_dense_backward``,
                        ``check_activation_backward``
    backprop_network    layers whose backward is the learner's function, ``learner_network``

Engine floor: numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..gradcheck import GOOD, SUSPICIOUS, grade, numerical_gradient, relative_error
from ..losses import mse
from .backprop_answers import (
    activation_mistakes,
    dense_backward_reference,
    dense_mistakes,
    sigmoid_backward_reference,
    tanh_backward_reference,
)
from .backprop_diagnose import (
    _case,
    check_activation_backward,
    check_dense_backward,
    diagnose_activation,
    diagnose_dense,
)
from .backprop_network import LearnerActivation, LearnerDense, LearnerProblem, learner_network
from .feedback import NOT_ATTEMPTED, STUB, attempt
from .sandbox import TIMED_OUT


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


__all__ = ["dense_backward_reference", "sigmoid_backward_reference", "tanh_backward_reference",
           "dense_mistakes", "activation_mistakes", "diagnose_dense", "diagnose_activation",
           "LearnerDense", "LearnerActivation", "learner_network", "BackwardReport",
           "check_backward", "check_dense_backward", "check_activation_backward"]
