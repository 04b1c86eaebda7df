"""Every misjudgement of issue 10, each a test: right answers written in place pass (and leave
the checker's cases intact for the next attempt), learner errors come back as feedback, named
mistakes are named, and the wrong answers that used to pass are rejected."""

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib.exercises import backprop as B
from backprop_lib.exercises import chain_rule as C
from backprop_lib.exercises import descent as D
from backprop_lib.exercises import error as E
from backprop_lib.exercises import forward as F
from backprop_lib.exercises import remedies as R
from backprop_lib.exercises import training as T
from backprop_lib.exercises import vanishing as V


# ---------------------------------------------------------------- right answers, in place
def gd_in_place(w, grad, lr):
    w -= lr * grad
    return w


def sigmoid_derivative_in_place(z):
    z[...] = 1 / (1 + np.exp(-z))
    z *= 1 - z
    return z


def momentum_in_place(w, v, grad, lr, mu):
    v *= mu
    v -= lr * grad
    w += v
    return w, v


def dense_backward_in_place(dZ, X, W):
    dX = dZ @ W.T
    dW = X.T @ dZ
    db = dZ.sum(axis=0)
    dZ *= 0                                    # scribbles on its input afterwards
    X[...] = 0
    return dX, dW, db


def sigmoid_backward_in_place(dY, Z, Y):
    dY *= Y * (1 - Y)
    return dY


def batchnorm_in_place(dY, X_hat, inv_std, gamma):
    dY *= gamma
    dY -= dY.mean(axis=0) + X_hat * np.mean(dY * X_hat, axis=0)
    dY *= inv_std
    return dY


def training_step_in_place(model, X, y, lr):
    out = model.forward(X)
    loss, dout = bp.softmax_cross_entropy(out, y)
    model.backward(dout)
    for p in model.parameters():
        p.value -= lr * p.grad
    return loss


@pytest.mark.parametrize("check, fn", [
    (D.check_gd_step, gd_in_place),
    (C.check_sigmoid_derivative, sigmoid_derivative_in_place),
    (D.check_momentum_step, momentum_in_place),
    (B.check_dense_backward, dense_backward_in_place),
    (B.check_activation_backward, sigmoid_backward_in_place),
    (R.check_batchnorm_backward, batchnorm_in_place),
    (T.check_training_step, training_step_in_place),
], ids=lambda x: getattr(x, "__name__", ""))
def test_in_place_answers_pass_twice(check, fn):
    assert check(fn).ok, check(fn).message
    assert check(fn).ok                     # the checker's cases were not changed by the first


def test_in_place_answers_pass_the_network_check():
    report = B.check_backward(dense_backward_in_place, sigmoid_backward_in_place)
    assert report.ok, str(report)


def test_the_gd_cases_are_intact_after_an_in_place_answer():
    before = [tuple(np.copy(a) for a in case[:2]) for case in D.GD_CASES]
    D.check_gd_step(gd_in_place)
    after = [case[:2] for case in D.GD_CASES]
    assert all(np.array_equal(a, b) for x, y in zip(before, after) for a, b in zip(x, y))


# ---------------------------------------------------------------- learner errors are feedback
def step_with_typo(model, X, y, lr):
    out = model.forwrd(X)
    return out


@pytest.mark.parametrize("check, fn, phrase", [
    (T.check_training_step, step_with_typo, "model.forwrd(X)"),
    (T.check_training_step, lambda model, X, y, lr: 1 / 0, "ZeroDivisionError"),
    (T.check_best_epoch, lambda h: h.val_loss[99], "IndexError"),
    (T.check_best_epoch, lambda h: (1, 2), "expected a whole epoch number"),
    (V.check_stalled_layer, lambda h: h.grad_nrm, "AttributeError"),
    (V.check_predicted_ratio, lambda a, i, w, d: "0.5", "expected a number"),
    (V.check_measured_factors, lambda p: p["rms"], "KeyError"),
    (R.check_layer_factor, lambda a, i, n: object(), "object"),
    (R.check_he_init, lambda fi, fo, rng: "W", "text"),
    (R.check_sigmoid_std, lambda n: [1, 2], "sigmoid_std"),
])
def test_learner_errors_come_back_as_feedback(check, fn, phrase):
    answer = check(fn)
    assert not answer.ok and phrase in answer.message, answer.message


# ---------------------------------------------------------------- named mistakes, named
def dense_missing_transpose_dX(dZ, X, W):
    return dZ @ W, X.T @ dZ, dZ.sum(axis=0)


def dense_missing_transpose_dW(dZ, X, W):
    return dZ @ W.T, X @ dZ.T, dZ.sum(axis=0)


def test_a_missing_transpose_that_raises_is_named_and_the_right_parts_are_not_blamed():
    answer = B.check_dense_backward(dense_missing_transpose_dX)
    assert not answer.ok
    assert "dX = dZ @ W: a transpose is missing: dL/dX = dL/dZ @ W.T" in answer.message
    assert "dense dW: correct" in answer.message and "dense db: correct" in answer.message
    answer = B.check_dense_backward(dense_missing_transpose_dW)
    assert "dW = X @ dZ.T" in answer.message and "dense dX: correct" in answer.message


def test_check_backward_with_a_none_returning_sigmoid_says_so_once():
    text = str(B.check_backward(B.dense_backward_reference, lambda dY, Z, Y: None))
    assert text.count("did you forget `return`") == 1
    assert "dense2 is right" not in text and "wrong shape" not in text


def test_a_factor_below_one_is_called_too_small():
    answer = D.check_gd_step(lambda w, grad, lr: 0.995 * (w - lr * grad))
    assert "0.995 times the answer (too small)" in answer.message
    assert "too large" not in answer.message


# ---------------------------------------------------------------- wrong answers rejected
def softmax_grad(z, labels):
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(labels)), labels] -= 1
    return p / len(labels)


def test_clipping_the_logits_is_rejected():
    answer = E.check_softmax_ce_grad(lambda z, y: softmax_grad(np.clip(z, -50, 50), y))
    assert not answer.ok and "clipping" in answer.message


def test_subtracting_the_batch_max_is_rejected():
    answer = E.check_softmax_ce_grad(lambda z, y: softmax_grad(z - z.max(), y))
    assert not answer.ok and "each ROW's own max" in answer.message


def test_subtracting_each_rows_max_passes():
    assert E.check_softmax_ce_grad(
        lambda z, y: softmax_grad(z - z.max(axis=1, keepdims=True), y)).ok


@pytest.mark.parametrize("given, phrase", [(8, "a one-entry shape needs a comma"),
                                           ((10.7, 4.2), "not a whole number"),
                                           ((10.0, 4.0), "not a whole number"),
                                           ("(10, 4)", "not a shape")])
def test_shapes_that_are_not_tuples_of_whole_numbers_are_rejected(given, phrase):
    answers = F.shapes_reference()
    answers["b1" if given == 8 else "X"] = given
    answer = F.check_shapes(answers)
    assert not answer.ok and phrase in answer.message


def test_a_non_integer_best_epoch_is_named_not_truncated():
    answer = T.check_best_epoch(lambda h: np.argmin(h.val_loss) + 1.9)
    assert not answer.ok and "expected a whole epoch number" in answer.message
    assert T.check_best_epoch(lambda h: float(np.argmin(h.val_loss) + 1)).ok


def test_a_finite_difference_passes_with_a_remark():
    def fd(z):
        h = 1e-6
        s = lambda x: 1 / (1 + np.exp(-x))         # noqa: E731
        return (s(z + h) - s(z - h)) / (2 * h)

    answer = C.check_sigmoid_derivative(fd)
    assert answer.ok and "a finite difference?" in answer.message
    assert "remark" not in C.check_sigmoid_derivative(C.sigmoid_derivative_reference).message
    assert "remark" not in C.check_sigmoid_derivative(
        lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2).message
