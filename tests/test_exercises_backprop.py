"""Checkers of the exercises of notebooks 03 (chain rule), 04 (backprop) and 05 (descent):
right answers pass, typical mistakes are named, a stub falls back to the reference."""

import numpy as np
import pytest

from backprop_lib.exercises import backprop as B
from backprop_lib.exercises import chain_rule as C
from backprop_lib.exercises import descent as D


def stub(*args):
    raise NotImplementedError


def _dense_with(**override):
    def fn(dZ, X, W):
        out = dict(zip(("dX", "dW", "db"), B.dense_backward_reference(dZ, X, W)))
        for k, f in override.items():
            out[k] = f(dZ, X, W)
        return out["dX"], out["dW"], out["db"]
    return fn


# ---------------------------------------------------------------- notebook 04: backprop
def test_correct_backward_passes_the_gradient_check():
    report = B.check_backward(B.dense_backward_reference, B.sigmoid_backward_reference)
    assert report.ok and not report.wrong
    assert set(report.errors) == {"dense1.W", "dense1.b", "dense2.W", "dense2.b", "input"}
    assert "good" in str(report) and "agrees" in str(report)


ALL = {"dense1.W", "dense1.b", "dense2.W", "dense2.b", "input"}


@pytest.mark.parametrize("dense, sigmoid, wrong, words", [
    (_dense_with(dW=lambda dZ, X, W: dZ.T @ X), B.sigmoid_backward_reference,
     {"dense1.W", "dense2.W"}, "dW = dZ.T @ X: a transpose is missing"),
    (_dense_with(db=lambda dZ, X, W: dZ), B.sigmoid_backward_reference,
     {"dense1.b", "dense2.b"}, "forgot to sum the bias gradient over the batch"),
    (B.dense_backward_reference, lambda dY, Z, Y: dY * Z * (1 - Z),
     {"dense1.W", "dense1.b", "input"}, "used Z instead of Y"),
    (_dense_with(dW=lambda dZ, X, W: -(X.T @ dZ)), B.sigmoid_backward_reference,
     {"dense1.W", "dense2.W"}, "wrong sign"),
    (_dense_with(dX=lambda dZ, X, W: W @ dZ.T), B.sigmoid_backward_reference,   # stops the pass
     ALL, "dX = W @ dZ.T: the transpose of the answer"),
])
def test_broken_backward_is_caught_and_named(dense, sigmoid, wrong, words):
    report = B.check_backward(dense, sigmoid)
    assert not report.ok
    assert set(report.wrong) == wrong
    assert words in str(report)
    assert "WRONG" in str(report)


def test_backward_stub_falls_back_to_reference():
    report = B.check_backward(stub, stub)
    assert report.ok
    assert str(report).count("not attempted yet, using the reference solution") == 2
    assert report.dense_backward is B.dense_backward_reference


def test_backward_that_raises_is_reported():
    def boom(dZ, X, W):
        raise IndexError("oops")
    report = B.check_backward(boom, B.sigmoid_backward_reference)
    assert not report.ok and "IndexError" in str(report)


def test_dense_checker_messages():
    assert B.check_dense_backward(B.dense_backward_reference).ok
    ans = B.check_dense_backward(_dense_with(db=lambda dZ, X, W: dZ.mean(axis=0)))
    assert not ans.ok and "averaged instead of summed" in ans.message
    assert ans.use is B.dense_backward_reference
    ans = B.check_dense_backward(_dense_with(dW=lambda dZ, X, W: 2 * X.T @ dZ))
    assert "factor 2" in ans.message
    ans = B.check_dense_backward(lambda dZ, X, W: (1, 2))
    assert not ans.ok and "three arrays" in ans.message
    ans = B.check_dense_backward(stub)
    assert not ans.attempted and "not attempted yet" in ans.message


@pytest.mark.parametrize("kind", ["sigmoid", "tanh"])
def test_activation_checker(kind):
    ref = B.sigmoid_backward_reference if kind == "sigmoid" else B.tanh_backward_reference
    assert B.check_activation_backward(ref, kind).ok
    ans = B.check_activation_backward(lambda dY, Z, Y: -ref(dY, Z, Y), kind)
    assert "wrong sign" in ans.message
    ans = B.check_activation_backward(lambda dY, Z, Y: ref(dY, Z, Y) / dY, kind)
    assert "upstream gradient" in ans.message
    ans = B.check_activation_backward(stub, kind)
    assert "not attempted yet" in ans.message and ans.use is ref
    zy = (lambda dY, Z, Y: dY * Z * (1 - Z)) if kind == "sigmoid" else (
        lambda dY, Z, Y: dY * (1 - Z * Z))
    assert "used Z instead of Y" in B.check_activation_backward(zy, kind).message


def test_tanh_network_check():
    assert B.check_backward(B.dense_backward_reference, B.tanh_backward_reference,
                            kind="tanh").ok
    with pytest.raises(ValueError, match="kind must be"):
        B.LearnerActivation(stub, "relu")


# ---------------------------------------------------------------- notebook 03: chain rule
def test_sigmoid_derivative_checker():
    assert C.check_sigmoid_derivative(C.sigmoid_derivative_reference).ok
    assert "used z where σ(z) belongs" in C.check_sigmoid_derivative(
        lambda z: z * (1 - z)).message
    assert "σ(z) itself" in C.check_sigmoid_derivative(lambda z: 1 / (1 + np.exp(-z))).message
    assert "wrong sign" in C.check_sigmoid_derivative(
        lambda z: -C.sigmoid_derivative_reference(z)).message
    assert "factor 2" in C.check_sigmoid_derivative(
        lambda z: 2 * C.sigmoid_derivative_reference(z)).message
    assert "returned None" in C.check_sigmoid_derivative(lambda z: None).message
    ans = C.check_sigmoid_derivative(stub)
    assert not ans.attempted and "not attempted yet, using the reference" in ans.message


def _neuron(mistake):
    def fn(x, w, b, t):
        y = 1 / (1 + np.exp(-(w * x + b)))
        d = {"two": 1.0, "sign": -2.0}.get(mistake, 2.0) * (y - t)
        if mistake != "sigma":
            d = d * y * (1 - y)
        dw = d * (w if mistake == "w" else 1.0 if mistake == "x" else x)
        return dw, d
    return fn


@pytest.mark.parametrize("mistake, words", [
    ("two", "factor 2"), ("sign", "wrong sign"), ("sigma", "local derivative dy/dz"),
    ("x", "dz/dw = x"), ("w", "partner of w is x"),
])
def test_neuron_gradient_checker_names_mistakes(mistake, words):
    assert C.check_neuron_gradients(_neuron("none")).ok
    ans = C.check_neuron_gradients(_neuron(mistake))
    assert not ans.ok and words in ans.message


def test_neuron_gradient_checker_wrong_shape_and_stub():
    assert "shape" in C.check_neuron_gradients(lambda x, w, b, t: (1.0, 2.0, 3.0)).message
    assert "not attempted" in C.check_neuron_gradients(stub).message


def test_local_derivative_checker():
    assert C.check_local_derivative(C.local_derivative_reference).ok

    def wrong_mul(op, a, b=0.0):
        return a if op == "*" else C.local_derivative_reference(op, a, b)
    assert "other factor b" in C.check_local_derivative(wrong_mul).message

    def wrong_sq(op, a, b=0.0):
        return a if op == "**2" else C.local_derivative_reference(op, a, b)
    assert "factor 2 is missing" in C.check_local_derivative(wrong_sq).message
    assert "not attempted" in C.check_local_derivative(stub).message


# ---------------------------------------------------------------- notebook 05: descent
def test_gd_step_checker():
    assert D.check_gd_step(D.gd_step_reference).ok
    assert "uphill" in D.check_gd_step(lambda w, g, lr: w + lr * g).message
    assert "learning rate is missing" in D.check_gd_step(lambda w, g, lr: w - g).message
    assert "shape" in D.check_gd_step(lambda w, g, lr: (w - lr * g)[:1]).message
    assert "not attempted" in D.check_gd_step(stub).message


def test_max_stable_lr_checker():
    assert D.check_max_stable_lr(D.max_stable_lr_reference).ok
    assert "monotone" in D.check_max_stable_lr(lambda a: 1 / a).message
    assert "inversely" in D.check_max_stable_lr(lambda a: 2 * a).message
    assert "not attempted" in D.check_max_stable_lr(stub).message


def test_momentum_step_checker():
    assert D.check_momentum_step(D.momentum_step_reference).ok
    assert "uphill" in D.check_momentum_step(
        lambda w, v, g, lr, mu: (w + mu * v + lr * g, mu * v + lr * g)).message
    assert "not decayed" in D.check_momentum_step(
        lambda w, v, g, lr, mu: (w + v - lr * g, v - lr * g)).message
    assert "old velocity" in D.check_momentum_step(
        lambda w, v, g, lr, mu: (w + v, mu * v - lr * g)).message
    assert "pair" in D.check_momentum_step(lambda w, v, g, lr, mu: w).message
    assert "not attempted" in D.check_momentum_step(stub).message


def test_checkers_report_an_error_the_learner_raises():
    def boom(*args):
        raise ZeroDivisionError("bad")
    for check in (C.check_sigmoid_derivative, C.check_neuron_gradients, C.check_local_derivative,
                  D.check_gd_step, D.check_max_stable_lr, D.check_momentum_step,
                  B.check_dense_backward, B.check_activation_backward):
        ans = check(boom)
        assert not ans.ok and "ZeroDivisionError" in ans.message
