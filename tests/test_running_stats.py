"""The noise of BatchNorm's running statistics (running_stats.py)."""

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import debugging as dbg
from backprop_lib.running_stats import (
    predicted_running_mean_error,
    recompute,
    running_mean_error,
)


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


def test_recompute_sets_the_exact_statistics_and_puts_modes_back():
    model, X = model_and_data()
    model.eval()
    momenta = [layer.momentum for layer in model.layers if isinstance(layer, bp.BatchNorm)]
    weights = [p.value.copy() for p in model.parameters()]
    assert recompute(model, X) is model
    assert not model.training
    assert [layer.momentum for layer in model.layers if isinstance(layer, bp.BatchNorm)] == momenta
    assert all(np.array_equal(a, p.value) for a, p in zip(weights, model.parameters()))
    Z = X @ model.layers[0].W.value + model.layers[0].b.value      # the first BatchNorm's input
    bn = model.layers[1]
    assert np.allclose(bn.running_mean, Z.mean(axis=0), atol=1e-12)
    assert np.allclose(bn.running_var, Z.var(axis=0, ddof=1), atol=1e-12)


@pytest.mark.parametrize("call, error, match", [
    (lambda m, X: recompute("m", X), TypeError, "bp.mlp"),
    (lambda m, X: recompute(m, X[:1]), ValueError, "at least 2 rows"),
    (lambda m, X: recompute(bp.mlp([2, 4, 2], seed=0), X), ValueError, "no BatchNorm"),
])
def test_recompute_bad_input_is_named(call, error, match):
    model, X = model_and_data()
    with pytest.raises(error, match=match):
        call(model, X)


def test_deep_sigmoid_with_batchnorm_learns_whatever_the_last_digits():
    # notebook 09's claim, and check_fix's verdict on norm='batch': with the running statistics
    # recomputed (what run does), it learns on every seed, and also when the initial weights are
    # perturbed in their last digits (as another platform's arithmetic would); with the running
    # averages alone the same runs swing between 65% and 99% (measured while writing this)
    config = {**dbg.broken("deep_sigmoid"), "norm": "batch"}
    for seed in range(5):
        assert dbg.run({**config, "seed": seed}, diagnose_it=False).learned, seed
    for k in range(3):
        setup = dbg.build({**config, "seed": 2})
        rng = np.random.default_rng(k)
        for p in setup.model.parameters():
            p.value[...] *= 1 + 1e-13 * rng.normal(size=p.value.shape)
        bp.train(setup.model, setup.X_train, setup.y_train, optimizer=setup.optimizer,
                 epochs=config["epochs"], batch_size=config["batch_size"], seed=2)
        recompute(setup.model, setup.X_train)
        assert bp.evaluate(setup.model, setup.X_val, setup.y_val)[1] > dbg.LEARNS_ABOVE, k
