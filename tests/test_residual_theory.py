"""theory.residual_moments and residual_delta_rms against measurement, five seeds each."""

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import signals
from backprop_lib import theory as T
from backprop_lib.residual import Residual

BLOCKS, WIDTH = 20, 128


def _model(activation, norm, scale, seed):
    return bp.mlp([16] + [WIDTH] * (BLOCKS + 1) + [10], activation=activation, norm=norm,
                  residual=True, branch_scale=scale, seed=seed)


def _first_block_input(model, X):
    model.forward(X)
    first = next(i for i, layer in enumerate(model.layers) if isinstance(layer, Residual))
    return model.outputs[first - 1]


@pytest.mark.parametrize("activation, norm, scale, tolerance", [
    ("tanh", None, 1.0, 0.1), ("tanh", None, BLOCKS ** -0.5, 0.1),
    ("sigmoid", None, 1.0, 0.1), ("relu", "layer", 1.0, 0.1), ("relu", "batch", 1.0, 0.1),
    ("tanh", "layer", BLOCKS ** -0.5, 0.1), ("relu", None, BLOCKS ** -0.5, 0.3),
])
def test_forward_growth_matches_theory(activation, norm, scale, tolerance):
    for seed in range(5):
        model = _model(activation, norm, scale, seed)
        X = np.random.default_rng(seed).normal(size=(256, 16))
        A = _first_block_input(model, X)
        predicted = T.residual_moments(activation, model.config["init"], WIDTH, BLOCKS,
                                       norm=norm, branch_scale=scale, mean=A.mean(),
                                       mean_square=np.mean(A * A))["rms"]
        measured = bp.block_rms(model, X)
        assert np.all(np.abs(measured / predicted - 1) < tolerance), (seed, measured, predicted)


def test_unnormalized_relu_doubles_and_normalized_grows_linearly():
    """The prediction's own shape: ReLU + He without normalization at least doubles the mean
    square at every block (exactly at the first, where the mean is 0); with tanh and the
    normalization inside the branch, each block adds s²·E[tanh(z)²]; s = 1/sqrt(L) keeps the
    whole stack's growth bounded as L grows."""
    plain = T.residual_moments("relu", "he", 256, 10, mean_square=1.0)["mean_square"]
    assert abs(plain[0] - 2.0) < 1e-6 and np.all(plain[1:] / plain[:-1] > 2.0)
    assert plain[-1] > 2 ** 10
    normed = T.residual_moments("tanh", "xavier", 256, 100, norm="layer")["mean_square"]
    steps = np.diff(normed)
    np.testing.assert_allclose(steps, T.gaussian_moments("tanh")[1], rtol=1e-9)
    bounded = [T.residual_moments("tanh", "xavier", 256, L, norm="layer",
                                  branch_scale=L ** -0.5)["mean_square"][-1] for L in (10, 100)]
    assert max(bounded) < 1 + T.gaussian_moments("tanh")[1] + 1e-9


def test_gaussian_moments():
    mean, square = T.gaussian_moments("relu")
    assert abs(mean - 1 / np.sqrt(2 * np.pi)) < 1e-6 and abs(square - 0.5) < 1e-6
    assert abs(T.gaussian_moments("sigmoid")[0] - 0.5) < 1e-9


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_backward_growth_matches_theory_with_measured_slopes(activation):
    scale = BLOCKS ** -0.5
    for seed in range(5):
        model = _model(activation, None, scale, seed)
        rng = np.random.default_rng(seed)
        X, y = rng.normal(size=(256, 16)), rng.integers(0, 10, 256)
        delta = bp.gradient_profile(model, X, y)["delta_rms"][1:-1]     # the blocks' Dense
        model.forward(X)
        gains = signals.slope_gain(model)[1:]
        predicted = T.residual_delta_rms(activation, model.config["init"], WIDTH, BLOCKS,
                                         branch_scale=scale, last_rms=delta[-1], gains=gains)
        assert np.all(np.abs(delta / predicted - 1) < 0.2), (seed, delta / predicted)
        assert delta[0] >= 0.9 * delta[-1]          # the error does not shrink going back


def test_residual_delta_never_shrinks():
    for activation in ("sigmoid", "tanh", "relu"):
        d = T.residual_delta_rms(activation, bp.RECOMMENDED_INIT[activation], 64, 50)
        assert np.all(np.diff(d) <= 1e-12)          # first >= ... >= last


def test_theory_bad_input():
    with pytest.raises(ValueError, match="one E"):
        T.residual_delta_rms("tanh", "xavier", 8, 5, gains=[1, 2])
    with pytest.raises(ValueError, match="blocks"):
        T.residual_moments("tanh", "xavier", 8, 0)
