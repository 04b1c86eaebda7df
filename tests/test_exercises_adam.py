"""The Adam exercise's checker: right answers written differently pass (an in-place one
included), each classic mistake is named, hostile code gets an answer in the learner's terms."""

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib.exercises import adam as ex


# ---------------------------------------------------------------- right answers
def adam_plain(w, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_in_place(w, grad, m, v, t, lr, beta1, beta2, eps):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad * grad
    w -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return w, m, v


def adam_lists(w, grad, m, v, t, lr, beta1, beta2, eps):
    """Entry by entry, returning lists of lists and a list (not a tuple)."""
    W, M, V = [], [], []
    for wr, gr, mr, vr in zip(w.tolist(), grad.tolist(), m.tolist(), v.tolist()):
        W.append([]), M.append([]), V.append([])
        for wi, gi, mi, vi in zip(wr, gr, mr, vr):
            mi = beta1 * mi + (1 - beta1) * gi
            vi = beta2 * vi + (1 - beta2) * gi * gi
            step = lr * (mi / (1 - beta1 ** t)) / ((vi / (1 - beta2 ** t)) ** 0.5 + eps)
            W[-1].append(wi - step), M[-1].append(mi), V[-1].append(vi)
    return [W, M, V]


@pytest.mark.parametrize("fn", [adam_plain, adam_in_place, adam_lists, ex.adam_step_reference])
def test_right_answers_pass_and_are_used(fn):
    answer = ex.check_adam_step(fn)
    assert answer.ok, answer.message
    assert answer.use is fn and "correct" in answer.message


def test_reference_matches_the_engines_adam():
    rng = np.random.default_rng(0)
    p = bp.Parameter("w", rng.normal(size=(2, 3)))
    opt = bp.Adam(lr=0.1)
    w, m, v = p.value.copy(), np.zeros((2, 3)), np.zeros((2, 3))
    for t in range(1, 6):
        p.grad[...] = rng.normal(size=(2, 3))
        w, m, v = ex.adam_step_reference(w, p.grad.copy(), m, v, t, lr=0.1)
        opt.step([p])
        assert np.allclose(p.value, w, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- named mistakes
def no_correction(w, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return w - lr * m / (np.sqrt(v) + eps), m, v


def only_m_corrected(w, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return w - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v) + eps), m, v


def no_sqrt(w, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return w - lr * (m / (1 - beta1 ** t)) / (v / (1 - beta2 ** t) + eps), m, v


def v_of_grad(w, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad
    with np.errstate(invalid="ignore"):
        return w - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v


def swapped_weights(w, grad, m, v, t, lr, beta1, beta2, eps):
    m = (1 - beta1) * m + beta1 * grad
    v = (1 - beta2) * v + beta2 * grad ** 2
    return w - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v


def uphill(w, grad, m, v, t, lr, beta1, beta2, eps):
    w2, m2, v2 = ex.adam_step_reference(w, grad, m, v, t, lr, beta1, beta2, eps)
    return 2 * w - w2, m2, v2


def corrected_state(w, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m, v = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m / (np.sqrt(v) + eps), m, v


def t_minus_one(w, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return (w - lr * (m / (1 - beta1 ** (t - 1))) / (np.sqrt(v / (1 - beta2 ** (t - 1)))
                                                          + eps), m, v)


@pytest.mark.parametrize("fn,words", [
    (no_correction, "no bias correction"),
    (only_m_corrected, "only m is bias-corrected"),
    (no_sqrt, "divides by v̂ itself"),
    (v_of_grad, "not its square"),
    (swapped_weights, "weights are swapped"),
    (uphill, "wrong sign"),
    (corrected_state, "bias-corrected value was returned as the new state"),
    (t_minus_one, "t counts from 1"),
])
def test_each_mistake_is_named(fn, words):
    answer = ex.check_adam_step(fn)
    assert not answer.ok
    assert words in answer.message, answer.message
    assert answer.use is ex.adam_step_reference and "step t = " in answer.message


# ---------------------------------------------------------------- hostile code
def stub(*args):
    raise NotImplementedError


def returns_none(*args):
    return None


def returns_two(w, grad, m, v, t, *rest):
    return w, m


def returns_text(*args):
    return "w, m, v"


def raises(w, *args):
    return w[5, 5]


def loops(*args):
    while True:
        pass


def prints_a_lot(*args):
    for i in range(10_000):
        print(i)
    return ex.adam_step_reference(*args)


def test_not_attempted_falls_back_quietly():
    answer = ex.check_adam_step(stub)
    assert not answer.ok and not answer.attempted and answer.use is ex.adam_step_reference


@pytest.mark.parametrize("fn,words", [
    (returns_none, "forget `return w, m, v`"),
    (returns_two, "yours returned 2 values"),
    (returns_text, "text"),
    (raises, "IndexError"),
])
def test_hostile_answers_get_a_message(fn, words):
    answer = ex.check_adam_step(fn)
    assert not answer.ok and words in answer.message, answer.message
    assert answer.use is ex.adam_step_reference


def test_an_endless_loop_is_stopped():
    answer = ex.check_adam_step(loops, limit=0.2)
    assert not answer.ok and answer.use is ex.adam_step_reference
    assert "ran for more than 0.2 s" in answer.message, answer.message


def test_printing_is_cut_short_and_a_right_answer_still_passes(capsys):
    answer = ex.check_adam_step(prints_a_lot)
    assert answer.ok
    assert len(capsys.readouterr().out.splitlines()) < 100


def test_the_checkers_cases_are_not_changed_by_an_in_place_answer():
    first = [tuple(a.copy() if isinstance(a, np.ndarray) else a for a in c) for c in ex._cases()]
    ex.check_adam_step(adam_in_place)
    for before, after in zip(first, ex._cases()):
        for a, b in zip(before, after):
            assert np.array_equal(a, b)
