"""Losses: known values, the (value, gradient) contract, and stability for logits of any size."""

import warnings

import numpy as np
import pytest

import backprop_lib as bp


def test_known_values():
    assert bp.mse(np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]]))[0] == pytest.approx(2.5)
    assert bp.softmax_cross_entropy(np.zeros((4, 5)), np.arange(4))[0] == pytest.approx(np.log(5))
    assert bp.binary_cross_entropy(np.zeros(3), np.array([0.0, 1.0, 1.0]))[0] == pytest.approx(
        np.log(2))


def test_gradients_have_the_prediction_shape_and_known_form():
    z = np.array([[2.0, -1.0, 0.5], [0.0, 0.0, 0.0]])
    y = np.array([0, 2])
    _, grad = bp.softmax_cross_entropy(z, y)
    expected = bp.softmax(z)
    expected[[0, 1], y] -= 1
    np.testing.assert_allclose(grad, expected / 2)
    _, g = bp.mse(np.array([[1.0], [3.0]]), np.array([0.0, 1.0]))   # (n,) targets for (n, 1)
    np.testing.assert_allclose(g, [[1.0], [2.0]])                  # 2·(pred - target)/N


@pytest.mark.parametrize("scale", [1e2, 1e4, 1e300])
def test_cross_entropies_are_stable_for_huge_logits(scale):
    z = np.array([[scale, -scale], [-scale, scale]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss_right, grad = bp.softmax_cross_entropy(z, np.array([0, 1]))
        loss_wrong, _ = bp.softmax_cross_entropy(z, np.array([1, 0]))
        b_right, bgrad = bp.binary_cross_entropy(np.array([scale, -scale]), np.array([1.0, 0.0]))
        b_wrong, _ = bp.binary_cross_entropy(np.array([scale, -scale]), np.array([0.0, 1.0]))
        s = bp.Sigmoid().forward(np.array([[-scale, scale]]))
    assert loss_right == pytest.approx(0.0) and b_right == pytest.approx(0.0)
    assert loss_wrong == pytest.approx(2 * scale) and b_wrong == pytest.approx(scale)
    assert np.all(np.isfinite(grad)) and np.all(np.isfinite(bgrad))
    np.testing.assert_allclose(s, [[0.0, 1.0]], atol=1e-40)


def test_accuracy_for_multiclass_and_binary_outputs():
    assert bp.accuracy(np.array([[2.0, 1.0], [0.0, 3.0]]), np.array([0, 0])) == 0.5
    assert bp.accuracy(np.array([[1.5], [-0.5], [0.2]]), np.array([1, 0, 0])) == pytest.approx(
        2 / 3)


def test_losses_do_not_modify_their_inputs():
    z = np.array([[1.0, 2.0, 3.0]])
    before = z.copy()
    bp.softmax_cross_entropy(z, np.array([1]))
    bp.mse(z, np.zeros((1, 3)))
    np.testing.assert_array_equal(z, before)


def test_layers_never_change_their_input():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 4))
    before = X.copy()
    for layer in [bp.Dense(4, 3, rng=0), bp.Sigmoid(), bp.Tanh(), bp.ReLU(), bp.LeakyReLU(),
                  bp.BatchNorm(4), bp.LayerNorm(4)]:
        Y = layer.forward(X)
        layer.backward(np.ones_like(Y))
        np.testing.assert_array_equal(X, before)


@pytest.mark.parametrize("loss,pred,target", [
    (bp.mse, np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([[0.0, 1.0], [1.0, 2.0]])),
    (bp.binary_cross_entropy, np.array([[2.0], [-1.0], [0.3]]), np.array([[1.0], [0.0], [1.0]])),
    (bp.softmax_cross_entropy, np.array([[2.0, -1.0, 0.5], [0.0, 4.0, 1.0]]), np.array([0, 2])),
])
def test_checked_skips_only_the_checks(loss, pred, target):
    value, grad = loss(pred, target)
    value_c, grad_c = loss(pred, target, checked=True)       # as train calls it
    assert value_c == value and np.array_equal(grad_c, grad)


def test_train_calls_a_loss_of_its_own_without_the_flag():
    seen = []

    def my_mse(pred, target):
        seen.append(pred.shape)
        return bp.mse(pred, target)

    X = np.linspace(-1, 1, 20).reshape(-1, 1)
    h = bp.train(bp.mlp([1, 4, 1], seed=0), X, X[:, 0] ** 2, loss=my_mse, epochs=3)
    assert h.steps == 3 and seen[0] == (20, 1)
