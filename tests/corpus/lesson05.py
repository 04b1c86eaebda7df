"""Notebook 05 (gradient descent): gd_step(w, grad, lr), max_stable_lr(a),
momentum_step(w, v, grad, lr, mu) -> (w, v), adam_step(w, grad, m, v, t, ...) -> (w, m, v)."""

import numpy as np

from backprop_lib.exercises import adam as A
from backprop_lib.exercises import descent as D

from . import Exercise


# ---------------------------------------------------------------- gd_step
def gd_uphill(w, grad, lr):
    return w + lr * grad


def gd_step_only(w, grad, lr):
    return -lr * grad


def gd_no_lr(w, grad, lr):
    return w - grad


def gd_divide(w, grad, lr):
    return w - grad / lr


def gd_smaller(w, grad, lr):
    return 0.995 * (w - lr * grad)


def gd_no_return(w, grad, lr):
    w -= lr * grad


def gd_in_place(w, grad, lr):
    w -= lr * grad
    return w


def gd_list(w, grad, lr):
    return [wi - lr * gi for wi, gi in zip(w, grad)]


def gd_float32(w, grad, lr):
    return (w.astype(np.float32) - np.float32(lr) * grad.astype(np.float32))


# ---------------------------------------------------------------- max_stable_lr(a)
def lr_one_over_a(a):
    return 1 / a


def lr_times_a(a):
    return 2 * a


def lr_half_a(a):
    return a / 2


def lr_text(a):
    return "2/a"


def lr_fixed(a):
    return 2.0


def lr_right_formula(a):
    return 2 * a ** -1


def lr_numpy(a):
    return np.float64(2) / np.float64(a)


def lr_bisect(a):
    lo, hi = 0.0, 100.0                          # the edge of |1 - lr·a| < 1, by bisection
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if abs(1 - mid * a) < 1 else (lo, mid)
    return (lo + hi) / 2


# ---------------------------------------------------------------- momentum_step
def mom_uphill(w, v, grad, lr, mu):
    v = mu * v + lr * grad
    return w + v, v


def mom_no_decay(w, v, grad, lr, mu):
    v = v - lr * grad
    return w + v, v


def mom_old_v(w, v, grad, lr, mu):
    v_new = mu * v - lr * grad
    return w + v, v_new


def mom_plain(w, v, grad, lr, mu):
    return w - lr * grad, -lr * grad


def mom_only_w(w, v, grad, lr, mu):
    v = mu * v - lr * grad
    return w + v


def mom_swapped(w, v, grad, lr, mu):
    v = mu * v - lr * grad
    return v, w + v


def mom_in_place(w, v, grad, lr, mu):
    v *= mu
    v -= lr * grad
    w += v
    return w, v


def mom_list(w, v, grad, lr, mu):
    v = [mu * vi - lr * gi for vi, gi in zip(v, grad)]
    return [wi + vi for wi, vi in zip(w, v)], v


def mom_float32(w, v, grad, lr, mu):
    v = (np.float32(mu) * v - np.float32(lr) * grad).astype(np.float32)
    return (w + v).astype(np.float32), v


def mom_v_not_updated(w, v, grad, lr, mu):
    w = w + mu * v - lr * grad
    return w, v


def mom_against_v(w, v, grad, lr, mu):
    v = mu * v - lr * grad
    return w - v, v


def mom_mu_on_grad(w, v, grad, lr, mu):
    v = v - mu * lr * grad
    return w + v, v


def mom_averaging(w, v, grad, lr, mu):
    v = mu * v - (1 - mu) * lr * grad
    return w + v, v


def mom_sums_gradients(w, v, grad, lr, mu):
    v = mu * v + grad
    return w - lr * v, v


# ---------------------------------------------------------------- adam_step
def _moments(grad, m, v, beta1, beta2):
    return beta1 * m + (1 - beta1) * grad, beta2 * v + (1 - beta2) * grad ** 2


def adam_paper(w, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_efficient(w, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    lr_t = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)     # Kingma and Ba, section 2
    return w - lr_t * m / (np.sqrt(v) + eps), m, v


def adam_in_place(w, grad, m, v, t, lr, beta1, beta2, eps):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad * grad
    w -= lr * (m / (1 - beta1 ** t)) / ((v / (1 - beta2 ** t)) ** 0.5 + eps)
    return w, m, v


def adam_no_correction(w, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    return w - lr * m / (np.sqrt(v) + eps), m, v


def adam_eps_inside(w, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / np.sqrt(v_hat + eps), m, v


def adam_raw_gradient(w, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    return w - lr * grad / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v


def adam_order(w, grad, m, v, t, lr, beta1, beta2, eps):
    w, m, v = adam_paper(w, grad, m, v, t, lr, beta1, beta2, eps)
    return m, v, w


def adam_stale_state(w, grad, m, v, t, lr, beta1, beta2, eps):
    w_new, _, _ = adam_paper(w, grad, m, v, t, lr, beta1, beta2, eps)
    return w_new, m, v


def adam_t_plus_one(w, grad, m, v, t, lr, beta1, beta2, eps):
    return adam_paper(w, grad, m, v, t + 1, lr, beta1, beta2, eps)


def adam_uphill(w, grad, m, v, t, lr, beta1, beta2, eps):
    w_new, m, v = adam_paper(w, grad, m, v, t, lr, beta1, beta2, eps)
    return 2 * w - w_new, m, v


def adam_one_array(w, grad, m, v, t, lr, beta1, beta2, eps):
    return adam_paper(w, grad, m, v, t, lr, beta1, beta2, eps)[0]



# ---------------------------------------------------------------- found by the second review
def gd_uses_w(w, grad, lr):
    return w - lr * w


def gd_grad_squared(w, grad, lr):
    return w - lr * grad ** 2


def gd_sign(w, grad, lr):
    return w - lr * np.sign(grad)


def gd_lr_squared(w, grad, lr):
    return w - lr ** 2 * grad


def gd_normalised(w, grad, lr):
    return w - lr * grad / np.linalg.norm(grad)


def gd_returns_pair(w, grad, lr):
    return w - lr * grad, grad


def gd_subtract(w, grad, lr):
    return np.subtract(w, lr * np.asarray(grad))


def lr_over_a_squared(a):
    return 2 / a ** 2


def lr_square_root(a):
    return np.sqrt(2 / a)


def lr_floor_division(a):
    return 2 // a


def lr_pair(a):
    return 1 / a, 2 / a


def lr_float32(a):
    return np.float32(2) / np.float32(a)


def mom_lr_twice(w, v, grad, lr, mu):
    v = mu * v - lr * grad
    return w + lr * v, v


def mom_regrouped(w, v, grad, lr, mu):
    return w - lr * grad + mu * v, mu * v - lr * grad


def adam_betas_swapped(w, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta2, beta1)
    return w - lr * (m / (1 - beta2 ** t)) / (np.sqrt(v / (1 - beta1 ** t)) + eps), m, v


def adam_no_one_minus(w, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = beta1 * m + grad, beta2 * v + grad * grad
    return w - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v


def adam_returns_corrected(w, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat


def adam_correction_multiplies(w, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    return w - lr * (m * (1 - beta1 ** t)) / (np.sqrt(v * (1 - beta2 ** t)) + eps), m, v


def adam_no_eps(w, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    return w - lr * (m / (1 - beta1 ** t)) / np.sqrt(v / (1 - beta2 ** t)), m, v


def adam_fixed_lr(w, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    return w - 0.001 * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v


def adam_no_sqrt(w, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    return w - lr * (m / (1 - beta1 ** t)) / (v / (1 - beta2 ** t) + eps), m, v


def adam_all_in_place(w, grad, m, v, t, lr, beta1, beta2, eps):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad ** 2
    w -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return [w, m, v]

EXERCISES = {
    "gd_step": Exercise(
        D.check_gd_step, D.gd_step_reference,
        wrong=[(gd_uphill, "you stepped uphill"),
               (gd_step_only, "you returned the step, not the new w"),
               (gd_no_lr, "the learning rate is missing"),
               (gd_divide, "lr divides instead of multiplying"),
               (gd_smaller, "0.995 times the answer (too small)"),
               (gd_no_return, "did you forget `return`"),
               (gd_uses_w, "you used w where the gradient belongs"),
               (gd_grad_squared, "the gradient is squared"),
               (gd_sign, "the gradient's sign only"),
               (gd_lr_squared, "lr is squared"),
               (gd_normalised, "divided by its length"),
               (gd_returns_pair, "return only the new w")],
        right=[gd_in_place, gd_list, gd_float32, gd_subtract]),
    "max_stable_lr": Exercise(
        D.check_max_stable_lr, D.max_stable_lr_reference,
        wrong=[(lr_one_over_a, "1/a is the edge of *monotone* convergence"),
               (lr_times_a, "a sharper bowl needs a smaller step"),
               (lr_half_a, "solve |1 - lr·a| = 1"),
               (lr_text, "returned the text '2/a'"),
               (lr_fixed, "solve |1 - lr·a| = 1"),
               (lr_over_a_squared, "a² where a belongs"),
               (lr_square_root, "a square root too many"),
               (lr_floor_division, "integer division (//)"),
               (lr_pair, "return only the learning rate")],
        right=[lr_right_formula, lr_numpy, lr_bisect, lr_float32]),
    "momentum_step": Exercise(
        D.check_momentum_step, D.momentum_step_reference,
        wrong=[(mom_uphill, "uphill"),
               (mom_no_decay, "the old velocity is not decayed"),
               (mom_old_v, "the new w uses the old velocity"),
               (mom_plain, "momentum is ignored"),
               (mom_only_w, "return the pair (w, v)"),
               (mom_swapped, "the pair is swapped"),
               (mom_v_not_updated, "v was not updated"),
               (mom_against_v, "the step goes against the velocity"),
               (mom_mu_on_grad, "μ scales the gradient instead of the old velocity"),
               (mom_averaging, "this is the averaging form"),
               (mom_sums_gradients, "the form that sums gradients"),
               (mom_lr_twice, "lr is applied twice")],
        right=[mom_in_place, mom_list, mom_float32, mom_regrouped]),
    "adam_step": Exercise(
        A.check_adam_step, A.adam_step_reference,
        wrong=[(adam_no_correction, "no bias correction"),
               (adam_eps_inside, "ε is inside the square root"),
               (adam_raw_gradient, "the step uses the raw gradient, not the running mean m̂"),
               (adam_order, "in another order: return them as (w, m, v)"),
               (adam_stale_state, "new m: unchanged from the input"),
               (adam_t_plus_one, "the correction uses t + 1"),
               (adam_uphill, "wrong sign"),
               (adam_one_array, "return all three"),
               (adam_betas_swapped, "beta1 and beta2 are swapped"),
               (adam_no_one_minus, "the factor (1 - beta1) is missing"),
               (adam_returns_corrected, "the bias-corrected value was returned as the new state"),
               (adam_correction_multiplies, "multiplies by (1 - beta**t) where it divides"),
               (adam_no_eps, "ε is missing"),
               (adam_fixed_lr, "is the learning rate the argument lr"),
               (adam_no_sqrt, "divide by its square root")],
        right=[adam_paper, adam_efficient, adam_in_place, adam_all_in_place]),
}
