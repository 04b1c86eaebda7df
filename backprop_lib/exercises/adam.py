"""Exercise of notebook 05: write Adam's update for one parameter array.

    adam_step(w, grad, m, v, t, lr, beta1, beta2, eps) -> (new w, new m, new v)

t is the number of this step, counting from 1; m and v start at zeros. The checker runs the
learner's function on a sequence of steps (so that the bias correction's t matters), each from
the reference state, through ``sandbox.run`` (copied inputs, a time limit, every exception told
in the learner's terms), and names the classic mistakes by comparing with each of them.

An in-place update (``w -= ...``, ``m *= beta1``) is fine as long as the function returns the
three arrays: it works on copies. Both forms of the step in Kingma and Ba (2015) pass: the
paper's Algorithm 1, lr·m̂/(√v̂ + ε), and its "efficient" form, lr_t·m/(√v + ε) with
lr_t = lr·√(1 - β2^t)/(1 - β1^t), which differs only in where ε sits (it acts as
ε/√(1 - β2^t) there). One column of gradients is tiny (1e-4), so that ε matters and ε inside the
square root is caught.
"""

from __future__ import annotations

import numpy as np

from .feedback import Answer, call, close, diagnose, fall_back
from .sandbox import LIMIT, as_array

TITLE = "adam_step"
HYPER = dict(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8)


def adam_step_reference(w, grad, m, v, t, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
    """One step of Adam, returning (w, m, v). The moments are running averages that start at 0,
    so after t steps of a constant gradient g, m = (1 - beta1^t)·g: the bias correction divides
    that factor back out."""
    m = beta1 * m + (1 - beta1) * grad                 # running mean of g (momentum)
    v = beta2 * v + (1 - beta2) * grad * grad          # running mean of g² (RMSProp)
    m_hat = m / (1 - beta1 ** t)                       # bias correction: m_t = (1 - β1^t)·g
    v_hat = v / (1 - beta2 ** t)
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w, m, v


def adam_step_efficient(w, grad, m, v, t, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
    """The paper's "efficient" ordering: fold both corrections into the learning rate."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    lr_t = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    return w - lr_t * m / (np.sqrt(v) + eps), m, v


def _mistakes(w, grad, m, v, t, lr, beta1, beta2, eps) -> dict:
    """The classic wrong versions, {"m": {message: m}, "v": {...}, "w": {...}}, each computed
    from the right state so that one mistake changes one of the three."""
    m1 = beta1 * m + (1 - beta1) * grad
    v1 = beta2 * v + (1 - beta2) * grad * grad
    c1, c2 = 1 - beta1 ** t, 1 - beta2 ** t

    def w_after(m_hat, v_hat, sign=-1.0, root=np.sqrt):
        return w + sign * lr * m_hat / (root(v_hat) + eps)

    swapped = ("the average's weights are swapped: keep most of the old value, "
               "beta*old + (1 - beta)*new")
    corrected = ("the bias-corrected value was returned as the new state: keep the uncorrected "
                 "running average (the correction is recomputed from t at every step)")
    stale = ("unchanged from the input: compute the new running average and return it, or "
             "the next step starts from the old state")
    inside = ("ε is inside the square root: it belongs outside, sqrt(v̂) + eps (inside, it "
              "acts as √ε = 1e-4 and swamps small gradients)")
    betas = "beta1 and beta2 are swapped: m uses beta1 (0.9), v uses beta2 (0.999)"
    lr_t = lr * np.sqrt(c2) / c1
    return {
        "m": {swapped: (1 - beta1) * m + beta1 * grad, corrected: m1 / c1, stale: m,
              betas: beta2 * m + (1 - beta2) * grad},
        "v": {"v averages the gradient, not its square: v = beta2*v + (1 - beta2) * grad**2":
              beta2 * v + (1 - beta2) * grad,
              swapped: (1 - beta2) * v + beta2 * grad * grad, corrected: v1 / c2, stale: v,
              betas: beta1 * v + (1 - beta1) * grad * grad},
        "w": {
            inside: w - lr * (m1 / c1) / np.sqrt(v1 / c2 + eps),
            "ε is inside the square root: it belongs outside, sqrt(v) + eps (inside, it acts "
            "as √ε = 1e-4 and swamps small gradients)": w - lr_t * m1 / np.sqrt(v1 + eps),
            "the step uses the raw gradient, not the running mean m̂ (that is RMSProp with a "
            "bias correction): w - lr * m̂ / (sqrt(v̂) + eps)":
                w_after(grad, v1 / c2),
            "the correction uses t + 1 (beta**(t+1)); t counts from 1 and the correction "
            "uses this step's t": w_after(m1 / (1 - beta1 ** (t + 1)), v1 / (1 - beta2 ** (t + 1))),
            "no bias correction: divide m by (1 - beta1**t) and v by (1 - beta2**t) before the "
            "step (the averages start at 0, so early on they are too small)": w_after(m1, v1),
            "only m is bias-corrected: v needs its own correction, v / (1 - beta2**t)":
                w_after(m1 / c1, v1),
            "only v is bias-corrected: m needs its own correction, m / (1 - beta1**t)":
                w_after(m1, v1 / c2),
            "the step divides by v̂ itself: divide by its square root, sqrt(v̂) + eps (v̂ is a "
            "mean of squares, its root has the gradient's size)":
                w_after(m1 / c1, v1 / c2, root=lambda x: x),
            "the correction multiplies by (1 - beta**t) where it divides: m̂ = m / (1 - "
            "beta1**t), v̂ = v / (1 - beta2**t)": w_after(m1 * c1, v1 * c2),
            "ε is missing: sqrt(v̂) + eps (it keeps the step finite where v̂ is about 0)":
                w - lr * (m1 / c1) / np.sqrt(v1 / c2),
            "wrong sign: the step goes uphill; subtract lr * m̂ / (sqrt(v̂) + eps)":
                w_after(m1 / c1, v1 / c2, sign=+1.0),
            "the correction uses the step count of the previous step (beta**(t-1)); t counts "
            "from 1 and the correction uses this step's t":
                w_after(m1 / (1 - beta1 ** (t - 1)), v1 / (1 - beta2 ** (t - 1)))
                if t > 1 else w_after(m1 / c1, v1 / c2) + np.nan,
        },
    }


def _cases():
    """Four steps on a (2, 3) array from zero moments, the gradient changing between them; each
    case starts from the reference's state, so one mistake shows at one step only."""
    rng = np.random.default_rng(5)
    w = rng.normal(size=(2, 3))
    m, v = np.zeros_like(w), np.zeros_like(w)
    cases = []
    for t in range(1, 5):
        grad = rng.normal(size=w.shape) * np.array([[1.0, 10.0, 1e-4]])  # different scales
        cases.append((w, grad, m, v, t))
        w, m, v = adam_step_reference(w, grad, m, v, t, **HYPER)
    return cases


def _as_triple(value):
    if value is None:
        return None, "your function returned None; did you forget `return w, m, v`?"
    if isinstance(value, tuple | list) and len(value) != 3:
        return None, (f"return the three arrays (w, m, v), in that order; yours returned "
                      f"{len(value)} values")
    if not isinstance(value, tuple | list):
        _, why = as_array(value, "your answer")
        return None, why or ("your function returned one array; return all three: "
                             "`return w, m, v`")
    arrays = []
    for name, x in zip("wmv", value):
        arr, why = as_array(x, f"the new {name}")
        if why:
            return None, why
        arrays.append(arr)
    return arrays, None


def _matches(got, *expected):
    """For each returned array, the index of the expected array it equals (or -1)."""
    return [next((i for i, e in enumerate(expected) if close(g, e)), -1) for g in got]


def check_adam_step(fn, limit: float = LIMIT) -> Answer:
    """Exercise: ``fn(w, grad, m, v, t, lr, beta1, beta2, eps)`` returns (w, m, v) after one step
    of Adam. Right: ``use`` is ``fn``; otherwise the reference, with the mistake named."""
    for w, grad, m, v, t in _cases():
        args = (w, grad, m, v, t, HYPER["lr"], HYPER["beta1"], HYPER["beta2"], HYPER["eps"])
        value, answer = call(fn, *args, reference=adam_step_reference, title=TITLE, limit=limit)
        if answer is not None:
            return answer
        got, why = _as_triple(value)
        if why:
            return fall_back(adam_step_reference, why, TITLE)
        w_ref, m_ref, v_ref = adam_step_reference(*args)
        w_eff = adam_step_efficient(*args)[0]            # the paper's other form: also right
        wrong = _mistakes(*args)
        at = f"at step t = {t}: "
        if not all(close(g, e) for g, e in zip(got, (w_ref, m_ref, v_ref))) and \
                sorted(_matches(got, w_ref, m_ref, v_ref)) == [0, 1, 2]:
            return fall_back(adam_step_reference, f"{at}the three arrays are right but in another "
                             "order: return them as (w, m, v)", TITLE)
        for name, g, e in (("m", got[1], m_ref), ("v", got[2], v_ref), ("w", got[0], w_ref)):
            if close(g, e) or (name == "w" and close(g, w_eff)):
                continue
            for message, wrong_value in wrong[name].items():
                if close(g, wrong_value):
                    if name in "mv" and message.startswith("the bias-corrected") and not (
                            close(got[0], w_ref) or close(got[0], w_eff)):
                        beta = "beta1" if name == "m" else "beta2"   # m = grad (t = 1): no weight
                        new = "grad" if name == "m" else "grad**2"
                        message = (f"the factor (1 - {beta}) is missing: {name} = {beta}*{name} "
                                   f"+ (1 - {beta}) * {new}, a weighted average")
                    return fall_back(adam_step_reference, f"{at}new {name}: {message}", TITLE)
            if name == "w" and t == 1 and not np.all(np.isfinite(g)):
                return fall_back(adam_step_reference, at + "the new w is NaN or inf: does the "
                                 "bias correction divide by 1 - beta**(t-1) = 0? t counts from "
                                 "1, so the first step divides by 1 - beta1**1", TITLE)
            if name == "w":
                step, right_step = g - w, w_ref - w
                factor = float(np.vdot(step, right_step) / np.vdot(right_step, right_step))
                if np.allclose(step, factor * right_step, rtol=1e-6, atol=1e-12):
                    return fall_back(adam_step_reference, f"{at}new w: your step is {factor:.3g} "
                                     "times the right one: is the learning rate the argument lr, "
                                     "used once? w - lr * m̂ / (sqrt(v̂) + eps)", TITLE)
            return fall_back(adam_step_reference, at + diagnose(f"new {name}", g, e).message,
                             TITLE)
    return Answer(True, f"{TITLE}: correct ✓ on 4 steps, gradients of three different scales",
                  use=fn)


__all__ = ["check_adam_step", "adam_step_reference", "adam_step_efficient", "HYPER"]
