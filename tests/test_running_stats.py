"""The noise of BatchNorm's running statistics (running_stats.py)."""

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib.running_stats import predicted_running_mean_error, running_mean_error


def model_and_data(seed=0):
    X, _ = bp.datasets.moons(600, noise=0.15, seed=seed)
    return bp.mlp([2, 16, 16, 2], activation="sigmoid", norm="batch", seed=seed), X


@pytest.mark.parametrize("seed", range(5))
def test_running_mean_error_follows_one_over_sqrt_batch(seed):
    model, X = model_and_data(seed)
    errors = {b: running_mean_error(model, X, b, seed=seed) for b in (8, 128)}
    assert errors[8] > 2.5 * errors[128]                    # theory: 4x
    for b, e in errors.items():
        assert 0.7 < e / predicted_running_mean_error(b) < 1.3


def test_running_mean_error_leaves_the_model_as_it_was():
    model, X = model_and_data()
    model.eval()
    bn = model.layers[1]
    weights = [p.value.copy() for p in model.parameters()]
    before = (bn.running_mean.copy(), bn.running_var.copy(), weights)
    running_mean_error(model, X, 16, steps=20)
    assert not model.training
    assert np.array_equal(bn.running_mean, before[0]) and np.array_equal(bn.running_var, before[1])
    assert all(np.array_equal(a, p.value) for a, p in zip(before[2], model.parameters()))


def test_prediction_formula():
    assert np.isclose(predicted_running_mean_error(1, 0.1), np.sqrt(2 / np.pi) * np.sqrt(0.1 / 1.9))
    assert np.isclose(predicted_running_mean_error(4) * 2, predicted_running_mean_error(1))


@pytest.mark.parametrize("call, error, match", [
    (lambda m, X: running_mean_error("m", X, 8), TypeError, "bp.mlp"),
    (lambda m, X: running_mean_error(m, X, 1), ValueError, "batch_size"),
    (lambda m, X: running_mean_error(bp.mlp([2, 4, 2], seed=0), X, 8), ValueError, "norm='batch'"),
    (lambda m, X: predicted_running_mean_error(0), ValueError, "batch_size"),
])
def test_bad_input_is_named(call, error, match):
    model, X = model_and_data()
    with pytest.raises(error, match=match):
        call(model, X)
