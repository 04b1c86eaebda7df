"""Vanishing gradients are real in this engine, and match what theory predicts.

At initialization, with 10 hidden layers of width 100, the RMS of dL/dZ at the first hidden layer
divided by that at the last hidden layer."""

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import theory

SIZES = [100] + [100] * 10 + [10]


def ratio(activation, init, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((256, 100))
    y = rng.integers(0, 10, 256)
    model = bp.mlp(SIZES, activation=activation, init=init, seed=seed)
    delta = bp.gradient_profile(model, X, y)["delta_rms"]
    return delta[0] / delta[9]                     # first hidden / last hidden


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sigmoid_with_standard_init_vanishes(seed):
    # σ' <= 1/4 and Var x1/3 per layer: the error shrinks by more than 7x at every layer
    assert ratio("sigmoid", "standard", seed) < 1e-3
    assert ratio("sigmoid", "standard", seed) < (0.25 / np.sqrt(3)) ** 9 * 10


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tanh_with_standard_init_shrinks_by_one_over_sqrt3_per_layer(seed):
    expected = (1 / np.sqrt(3)) ** 9
    assert expected / 2 < ratio("tanh", "standard", seed) < expected * 2


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_relu_with_he_init_keeps_the_error_size(seed):
    assert 1 / 3 < ratio("relu", "he", seed) < 3


def test_relu_with_xavier_halves_the_variance_per_layer():
    expected = (1 / np.sqrt(2)) ** 9
    assert expected / 2 < ratio("relu", "xavier") < expected * 2


def test_theory_factors():
    assert theory.layer_factor("tanh", "standard", 100, 100) == pytest.approx(1 / np.sqrt(3))
    assert theory.layer_factor("relu", "he", 100, 100) == pytest.approx(1.0)
    assert theory.layer_factor("relu", "xavier", 100, 100) == pytest.approx(1 / np.sqrt(2))
    assert theory.layer_factor("sigmoid", "standard", 100, 100) == pytest.approx(
        0.25 / np.sqrt(3))
    pred = theory.predicted_delta_rms(SIZES, "tanh", "standard", last_hidden_rms=2.0)
    assert pred.shape == (10,) and pred[-1] == 2.0
    assert pred[0] == pytest.approx(2.0 * 3 ** -4.5)
    with pytest.raises(ValueError, match="unknown init 'glorot'"):
        theory.weight_variance("glorot", 3, 3)
    with pytest.raises(ValueError, match="at least one hidden layer"):
        theory.predicted_delta_rms([2, 3], "tanh", "he")


def test_initializers_have_the_variance_theory_uses():
    rng = np.random.default_rng(0)
    for name in ["small", "standard", "xavier", "he"]:
        W = bp.initialize(name, 400, 300, rng)
        assert W.shape == (400, 300)
        assert W.var() == pytest.approx(theory.weight_variance(name, 400, 300), rel=0.02)
    assert not bp.initialize("zeros", 3, 2).any()
    lim = 1 / np.sqrt(400)
    assert np.abs(bp.initialize("standard", 400, 30, rng)).max() <= lim


def test_layer_statistics_match_a_direct_computation():
    rng = np.random.default_rng(0)
    model = bp.mlp([3, 5, 4, 2], activation="sigmoid", seed=0)
    X, y = rng.normal(size=(7, 3)), rng.integers(0, 2, 7)
    profile = bp.gradient_profile(model, X, y)
    dense2, act2 = model.layers[2], model.layers[3]
    A = model.outputs[3]
    assert profile["grad_norm"][1] == pytest.approx(np.linalg.norm(dense2.W.grad))
    assert profile["delta_rms"][1] == pytest.approx(np.sqrt(np.mean(model.output_grads[2] ** 2)))
    assert profile["act_mean"][1] == pytest.approx(A.mean())
    assert profile["act_std"][1] == pytest.approx(A.std())
    assert profile["saturation"][1] == pytest.approx(np.mean(act2.local_grad() < 0.05 * 0.25))
    assert profile["layers"] == ["dense1", "dense2", "dense3"]


def test_dead_units_and_saturation_of_relu():
    model = bp.mlp([2, 6, 2], activation="relu", seed=0)
    model.layers[0].b.value[:3] = -100.0                      # three units that never fire
    X = np.random.default_rng(0).normal(size=(20, 2))
    bp.gradient_profile(model, X, np.zeros(20, dtype=int))
    assert bp.dead_units(model)[0] == pytest.approx(0.5)
    assert bp.layer_statistics(model)[4, 0] >= 0.5
