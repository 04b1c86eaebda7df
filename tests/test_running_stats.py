"""BatchNorm's training and evaluation modes compared on the same examples (running_stats.py)."""

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib.running_stats import mode_accuracies


def trained(epochs=5, seed=0):
    X, y = bp.datasets.moons(128, noise=0.15, seed=seed)
    model = bp.mlp([2, 16, 16, 2], activation="tanh", norm="batch", seed=seed)
    bp.train(model, X, y, optimizer=bp.SGD(0.1), epochs=epochs, batch_size=32, seed=seed)
    return model, X, y


def test_mode_accuracies_match_a_direct_computation():
    model, X, y = trained()
    train_acc, eval_acc = mode_accuracies(model, X, y, batch_size=32)
    model.eval()
    assert eval_acc == np.mean(model.forward(X).argmax(axis=1) == y)
    model.train()
    direct = np.mean(np.concatenate([model.forward(X[i:i + 32]).argmax(axis=1)
                                     for i in range(0, len(X), 32)]) == y)
    assert train_acc == direct


def test_mode_accuracies_change_nothing():
    model, X, y = trained()
    model.eval()
    before = [p.value.copy() for p in model.parameters()]
    stats = [{k: v.copy() for k, v in layer.buffers().items()} for layer in model.layers]
    mode_accuracies(model, X, y)
    assert not model.training                                     # the mode is restored
    assert all(np.array_equal(b, p.value) for b, p in zip(before, model.parameters()))
    for layer, saved in zip(model.layers, stats):
        for key, value in saved.items():
            assert np.array_equal(layer.buffers()[key], value)   # running statistics untouched


def test_a_network_without_batchnorm_has_one_answer_in_both_modes():
    X, y = bp.datasets.moons(64, seed=0)
    model = bp.mlp([2, 8, 2], seed=0)
    train_acc, eval_acc = mode_accuracies(model, X, y, batch_size=16)
    assert train_acc == eval_acc


@pytest.mark.parametrize("bad, error, match", [
    ("model", TypeError, "bp.mlp"), (0, ValueError, "batch_size"), (2.5, TypeError, "batch_size")])
def test_mode_accuracies_bad_input(bad, error, match):
    model, X, y = trained(epochs=1)
    with pytest.raises(error, match=match):
        if bad == "model":
            mode_accuracies(bad, X, y)
        else:
            mode_accuracies(model, X, y, batch_size=bad)
