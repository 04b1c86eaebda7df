"""Checkers of notebooks 01 and 02: right answers pass, the usual slips are named, stubs fall
back to the reference."""

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib.exercises import error as E
from backprop_lib.exercises import forward as F


def stub(*args):
    raise NotImplementedError


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _onehot(y, c):
    return np.eye(c)[y]


# ------------------------------------------------------------------ dense_forward
def test_dense_forward_right_answer_passes_and_is_kept():
    def mine(X, W, b):
        return X @ W + b
    result = F.check_dense_forward(mine)
    assert result.ok and "correct" in result.message and result.use is mine


def test_dense_forward_stub_falls_back_to_the_reference():
    result = F.check_dense_forward(stub)
    assert not result.ok and not result.attempted
    assert "not attempted yet" in result.message and "reference" in result.message
    X, W, b = np.ones((2, 3)), np.ones((3, 4)), np.arange(4.0)
    assert np.allclose(result.use(X, W, b), X @ W + b)


@pytest.mark.parametrize("wrong,words", [
    (lambda X, W, b: W @ X + b, "order of the product"),
    (lambda X, W, b: X @ W, "bias is missing"),
    (lambda X, W, b: X @ W + 2 * b, "added twice"),
    (lambda X, W, b: X @ W - b, "wrong sign"),
    (lambda X, W, b: np.tanh(X @ W + b), "activation"),
    (lambda X, W, b: (X @ W + b).T, "transpose"),
    (lambda X, W, b: (X @ W + b).sum(axis=0), "shape"),
    (lambda X, W, b: None, "return"),
])
def test_dense_forward_mistakes_are_named(wrong, words):
    result = F.check_dense_forward(wrong)
    assert not result.ok and result.attempted
    assert words in result.message
    assert result.use is F.dense_forward_reference


def test_dense_forward_transposed_W_is_named_on_the_square_case():
    def wrong(X, W, b):
        return X @ W.T + b if W.shape[0] == W.shape[1] else X @ W + b
    assert "W transposed" in F.check_dense_forward(wrong).message


def test_dense_forward_matches_bp_dense():
    layer = bp.Dense(3, 2, rng=0)
    X = np.random.default_rng(1).standard_normal((4, 3))
    assert np.allclose(F.dense_forward_reference(X, layer.W.value, layer.b.value), layer(X))


# ------------------------------------------------------------------ shapes
def test_shapes_reference_matches_bp_mlp():
    ref = F.shapes_reference()
    model = bp.mlp(F.SHAPE_QUESTION["sizes"], seed=0)
    X = np.zeros(ref["X"])
    out = model.forward(X)
    assert model.layers[0].W.value.shape == ref["W1"]
    assert model.outputs[0].shape == ref["Z1"] and model.outputs[1].shape == ref["H1"]
    assert model.layers[2].W.value.shape == ref["W2"] and out.shape == ref["outputs"]


def test_shapes_right_answers_pass():
    assert F.check_shapes(dict(F.shapes_reference())).ok


def test_shapes_not_attempted():
    result = F.check_shapes({name: None for name in F.SHAPE_QUESTION["names"]})
    assert not result.ok and not result.attempted and "not attempted" in result.message


def test_shapes_transposed_weight_and_missing_answers_are_named():
    answers = dict(F.shapes_reference())
    answers["W1"] = answers["W1"][::-1]
    answers["b2"] = None
    answers["outputs"] = (3, 10)
    result = F.check_shapes(answers)
    assert not result.ok
    assert "W1: you said (8, 4) (the transpose)" in result.message
    assert "(fan_in, fan_out)" in result.message
    assert "not answered yet: b2" in result.message
    assert "outputs" in result.message and "2 wrong" in result.message


def test_shapes_refuses_a_non_dict():
    assert "dict" in F.check_shapes([(10, 4)]).message


# ------------------------------------------------------------------ two_layer_forward
def test_two_layer_forward_right_answer_passes_and_matches_a_sequential():
    def mine(X, W1, b1, W2, b2):
        return 1 / (1 + np.exp(-(X @ W1 + b1))) @ W2 + b2
    assert F.check_two_layer_forward(mine).ok
    X, W1, b1, W2, b2 = F._two_layer_case()
    model = bp.Sequential([bp.Dense(2, 3), bp.Sigmoid(), bp.Dense(3, 2)])
    for p, v in zip(model.parameters(), (W1, b1, W2, b2)):
        p.value[...] = v
    assert np.allclose(model.forward(X), F.two_layer_forward_reference(X, W1, b1, W2, b2))


def test_two_layer_forward_stub():
    result = F.check_two_layer_forward(stub)
    assert "not attempted yet" in result.message
    assert result.use is F.two_layer_forward_reference


def _sig(z):
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("wrong,words", [
    (lambda X, W1, b1, W2, b2: (X @ W1 + b1) @ W2 + b2, "activation is missing"),
    (lambda X, W1, b1, W2, b2: _sig(_sig(X @ W1 + b1) @ W2 + b2), "output layer is linear"),
    (lambda X, W1, b1, W2, b2: np.tanh(X @ W1 + b1) @ W2 + b2, "not tanh"),
    (lambda X, W1, b1, W2, b2: _sig(X @ W1) @ W2 + b2, "b1 is missing"),
    (lambda X, W1, b1, W2, b2: _sig(X @ W1 + b1) @ W2, "b2 is missing"),
    (lambda X, W1, b1, W2, b2: _sig(X @ W1 + b1), "second layer"),
    (lambda X, W1, b1, W2, b2: -(_sig(X @ W1 + b1) @ W2 + b2), "wrong sign"),
    (lambda X, W1, b1, W2, b2: W1 @ X, "raised"),
])
def test_two_layer_forward_mistakes_are_named(wrong, words):
    result = F.check_two_layer_forward(wrong)
    assert not result.ok and words in result.message


def test_tiny_network_solves_xor():
    X, y = bp.datasets.xor(n=200, noise=0.2, seed=0)
    assert bp.accuracy(F.tiny_network().forward(X), y) > 0.95
    # without its second hidden unit it is one straight line: XOR is out of reach
    assert bp.accuracy(F.tiny_network(v=(10.0, 0.0)).forward(X), y) <= 0.75


# ------------------------------------------------------------------ mse
def right_mse(pred, target):
    e = pred - target
    return np.mean(e * e), 2 * e / e.size


def test_mse_right_answer_passes():
    result = E.check_mse(right_mse)
    assert result.ok and result.use is right_mse


def test_mse_stub_falls_back():
    result = E.check_mse(stub)
    assert not result.attempted and "not attempted yet" in result.message
    pred, target = np.ones((2, 2)), np.zeros((2, 2))
    assert result.use(pred, target)[0] == bp.mse(pred, target)[0]


@pytest.mark.parametrize("grad,words", [
    (lambda e: e / e.size, "factor 2 is missing"),
    (lambda e: 4 * e / e.size, "extra factor 2"),
    (lambda e: 2 * e, "1/N of the mean is missing"),
    (lambda e: e, "both the 2"),
    (lambda e: -2 * e / e.size, "wrong sign"),
    (lambda e: 2 * e / e.shape[0], "divided by n = 5 (the rows)"),
    (lambda e: 2 * e.sum(axis=0) / e.size, "shape"),
])
def test_mse_gradient_mistakes_are_named(grad, words):
    def wrong(pred, target):
        e = pred - target
        return np.mean(e * e), grad(e)
    result = E.check_mse(wrong)
    assert not result.ok and words in result.message, result.message


@pytest.mark.parametrize("loss,words", [
    (lambda e: np.sum(e * e), "sum of squares"),
    (lambda e: np.sqrt(np.mean(e * e)), "RMSE"),
    (lambda e: np.mean(np.abs(e)), "absolute"),
    (lambda e: np.mean(e), "without squaring"),
    (lambda e: np.mean(e * e) / 2, "extra 1/2"),
    (lambda e: np.sum(e * e) / e.shape[0], "instead of all N"),
])
def test_mse_loss_mistakes_are_named(loss, words):
    def wrong(pred, target):
        e = pred - target
        return loss(e), 2 * e / e.size
    result = E.check_mse(wrong)
    assert not result.ok and words in result.message, result.message


def test_mse_must_return_two_things():
    assert "two things" in E.check_mse(lambda p, t: np.mean((p - t) ** 2)).message


# ------------------------------------------------------------------ softmax cross-entropy
def right_softmax_grad(z, y):
    return (_softmax(z) - _onehot(y, z.shape[1])) / z.shape[0]


def test_softmax_grad_right_answer_passes_and_matches_finite_differences():
    assert E.check_softmax_ce_grad(right_softmax_grad).ok
    z = np.random.default_rng(0).standard_normal((3, 4))
    y = np.array([0, 3, 1])
    numeric = bp.numerical_gradient(lambda: bp.softmax_cross_entropy(z, y)[0], z)
    assert bp.relative_error(E.softmax_ce_grad_reference(z, y), numeric) < 1e-7


def test_softmax_grad_stub_falls_back():
    result = E.check_softmax_ce_grad(stub)
    assert "not attempted yet" in result.message
    assert result.use is E.softmax_ce_grad_reference


@pytest.mark.parametrize("wrong,words", [
    (lambda z, y: _softmax(z) - _onehot(y, z.shape[1]), "1/n of the mean"),
    (lambda z, y: (_onehot(y, z.shape[1]) - _softmax(z)) / z.shape[0], "wrong sign"),
    (lambda z, y: _softmax(z) / z.shape[0], "one-hot is missing"),
    (lambda z, y: _softmax(z), "one-hot and the 1/n"),
    (lambda z, y: 2 * (_softmax(z) - _onehot(y, z.shape[1])) / z.shape[0], "factor"),
    (lambda z, y: ((_softmax(z) - _onehot(y, z.shape[1])) / z.shape[0]).T, "transpose"),
])
def test_softmax_grad_mistakes_are_named(wrong, words):
    result = E.check_softmax_ce_grad(wrong)
    assert not result.ok and words in result.message, result.message


def test_softmax_grad_overflow_is_named():
    def naive(z, y):
        e = np.exp(z)
        return (e / e.sum(axis=1, keepdims=True) - _onehot(y, z.shape[1])) / z.shape[0]
    result = E.check_softmax_ce_grad(naive)
    assert not result.ok and "subtract each row's max" in result.message
