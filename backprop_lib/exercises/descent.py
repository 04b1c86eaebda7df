"""Checkers for notebook 05 (gradient descent): the update rule, the largest stable learning
rate of a quadratic, and a momentum step. Each names the typical mistake; an exercise left as
NotImplementedError falls back to the reference (and says so).

Engine floor: numpy only.
"""

from __future__ import annotations

import numpy as np

from .chain_rule import run_cases
from .feedback import FALLBACK_NOTE, Answer, as_array, attempt, call, explain, fall_back
from .sandbox import describe


# ---------------------------------------------------------------- exercise 1: one step
def gd_step_reference(w, grad, lr):
    """w <- w - lr · dL/dw: a step downhill, against the gradient."""
    return w - lr * grad


def _gd_mistakes(w, grad, lr):
    return {
        "you stepped uphill: the gradient points up the slope, so subtract it (w - lr·grad)":
            w + lr * grad,
        "you returned the step, not the new w: w_new = w - lr·grad": -lr * grad,
        "the learning rate is missing: w - lr·grad": w - grad,
        "lr divides instead of multiplying: w - lr·grad": w - grad / lr,
        "you used w where the gradient belongs: w - lr·grad": w - lr * w,
        "the gradient is squared: the step is lr times the gradient itself, w - lr·grad":
            w - lr * grad ** 2,
        "you stepped by the gradient's sign only (np.sign): plain descent steps by lr·grad, "
        "its size included": w - lr * np.sign(grad),
        "lr is squared: w - lr·grad": w - lr ** 2 * grad,
        "the gradient was divided by its length: plain descent steps by lr·grad, its size "
        "included": w - lr * grad / np.linalg.norm(grad),
    }


GD_CASES = [(np.array([1.0, -2.0]), np.array([0.5, 3.0]), 0.1),
            (np.array([0.3]), np.array([-4.0]), 0.05)]


def _one_value_expected(answer: Answer, fn, case, reference, title: str, what: str) -> Answer:
    """A learner who returns several values (``return w, grad``) is told to return one, rather
    than read a message about shapes."""
    if answer.ok or "shape" not in answer.message:     # (a loop is not run a second time)
        return answer
    got, why = attempt(fn, *case)
    if why or not isinstance(got, tuple | list) or len(got) < 2:
        return answer
    right = np.asarray(reference(*case))
    if any(np.shape(g) == right.shape for g in got if isinstance(g, float | int | np.ndarray)):
        return Answer(False, f"{title}: you returned a {type(got).__name__} of {len(got)} values: "
                             f"return only {what}\n{FALLBACK_NOTE}", use=reference)
    return answer


def check_gd_step(fn) -> Answer:
    """Exercise: ``fn(w, grad, lr)`` returns the parameters after one step."""
    answer = run_cases("gd_step", fn, gd_step_reference, GD_CASES, _gd_mistakes)
    return _one_value_expected(answer, fn, GD_CASES[0], gd_step_reference, "gd_step",
                               "the new w")


# ---------------------------------------------------------------- exercise 2: stability
def max_stable_lr_reference(a):
    """On L = a/2·w², each step multiplies w by (1 - lr·a): |1 - lr·a| < 1 needs lr < 2/a."""
    return 2.0 / a


def _lr_mistakes(a):
    return {
        "1/a is the edge of *monotone* convergence; between 1/a and 2/a descent oscillates "
        "but still converges. Where does |1 - lr·a| reach 1?": 1.0 / a,
        "the lr scales inversely with the curvature: a sharper bowl needs a smaller step":
            2.0 * a,
        "check the factor: each step multiplies w by (1 - lr·a); solve |1 - lr·a| = 1":
            a / 2.0,
        "a² where a belongs: each step multiplies w by (1 - lr·a); solve |1 - lr·a| = 1":
            2.0 / a ** 2,
        "a square root too many: each step multiplies w by (1 - lr·a), so |1 - lr·a| = 1 "
        "gives lr = 2/a directly": np.sqrt(2.0 / a),
        "integer division (//) rounds down: use 2 / a": 2.0 // a,
    }


def check_max_stable_lr(fn) -> Answer:
    """Exercise: ``fn(a)`` returns the learning rate above which descent on a/2·w² diverges."""
    answer = run_cases("max_stable_lr", fn, max_stable_lr_reference, [(1.0,), (4.0,), (0.5,)],
                       _lr_mistakes)
    return _one_value_expected(answer, fn, (1.0,), max_stable_lr_reference, "max_stable_lr",
                               "the learning rate, one number")


# ---------------------------------------------------------------- exercise 3: momentum
def momentum_step_reference(w, v, grad, lr, mu):
    """The heavy ball (as bp.SGD): v <- μ·v - lr·grad;  w <- w + v. Returns (w, v)."""
    v = mu * v - lr * grad
    return w + v, v


def _momentum_mistakes(w, v, grad, lr, mu):
    v_ok = mu * v - lr * grad
    return {
        "uphill: the velocity gains -lr·grad, not +lr·grad": (w + (mu * v + lr * grad),
                                                              mu * v + lr * grad),
        "the old velocity is not decayed: v <- μ·v - lr·grad": (w + v - lr * grad,
                                                                v - lr * grad),
        "the new w uses the old velocity: update v first, then w <- w + v": (w + v, v_ok),
        "momentum is ignored: this is a plain step": (w - lr * grad, -lr * grad),
        "the pair is swapped: return (w, v), the new w first": (v_ok, w + v_ok),
        "w moved but v was not updated: return the new velocity v = μ·v - lr·grad too, or the "
        "next step starts from the old one": (w + v_ok, v),
        "the step goes against the velocity: v already points downhill, so w <- w + v":
            (w - v_ok, v_ok),
        "lr is applied twice: v already holds -lr·grad, so w <- w + v":
            (w + lr * v_ok, v_ok),
        "μ scales the gradient instead of the old velocity: v <- μ·v - lr·grad":
            (w + v - mu * lr * grad, v - mu * lr * grad),
        "this is the averaging form v <- μ·v + (1 - μ)·(-lr·grad): here v is the heavy ball's "
        "velocity, v <- μ·v - lr·grad (no factor 1 - μ)":
            (w + mu * v - (1 - mu) * lr * grad, mu * v - (1 - mu) * lr * grad),
        "this is the form that sums gradients (v <- μ·v + grad, w <- w - lr·v, as PyTorch "
        "writes it): here v is the velocity itself, v <- μ·v - lr·grad, then w <- w + v":
            (w - lr * (mu * v + grad), mu * v + grad),
    }


MOMENTUM_CASES = [(np.array([1.0, -1.0]), np.array([0.2, 0.1]), np.array([0.5, -2.0]), 0.1,
                   0.9)]


def check_momentum_step(fn) -> Answer:
    """Exercise: ``fn(w, v, grad, lr, mu)`` returns (new w, new v)."""
    case = MOMENTUM_CASES[0]
    got, answer = call(fn, *case, reference=momentum_step_reference, title="momentum_step")
    if answer is not None:
        return answer
    if got is None:
        return fall_back(momentum_step_reference, "your function returned None; did you forget "
                                                  "`return w, v`?", "momentum_step")
    if not (isinstance(got, tuple | list) and len(got) == 2):
        return fall_back(momentum_step_reference, "return the pair (w, v) (`return w, v`), got "
                         f"{describe(got)}", "momentum_step")
    parts = []
    for label, part in zip(("w", "v"), got):
        arr, why = as_array(part, f"the new {label}", shape=case[0].shape)
        if why:
            return fall_back(momentum_step_reference, why, "momentum_step")
        parts.append(arr)
    got_arr = np.stack(parts)
    ref = np.stack(momentum_step_reference(*case))
    wrong = {k: np.stack(v) for k, v in _momentum_mistakes(*case).items()}
    verdict = explain("momentum_step (w, v)", got_arr, ref, wrong)
    if not verdict.ok:
        return fall_back(momentum_step_reference, verdict.message.split(": ", 1)[1],
                         "momentum_step")
    return Answer(True, verdict.message, use=fn)


__all__ = ["check_gd_step", "check_max_stable_lr", "check_momentum_step", "gd_step_reference",
           "max_stable_lr_reference", "momentum_step_reference"]
