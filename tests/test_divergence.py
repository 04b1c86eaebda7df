"""A run that blows up is flagged and stopped before the bad update; ordinary runs never are."""

import warnings

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib.divergence import DIVERGED_FACTOR, LOSS_FLOOR


def _issue_example():
    """issue 9: the loss goes 9.7 -> 7e13 -> 4e28 and stays finite."""
    X = np.random.default_rng(0).standard_normal((64, 2))
    y = (X[:, 0] > 0).astype(int)
    return bp.mlp([2, 32, 32, 2], activation="relu", seed=0), 10 * X, y


def test_a_blow_up_that_stays_finite_is_flagged_with_the_learning_rate():
    model, X, y = _issue_example()
    with pytest.warns(RuntimeWarning, match=r"grew past 1000x its start.*learning rate is 10000"):
        h = bp.train(model, X, y, optimizer=bp.SGD(lr=1e4), epochs=50)
    assert h.diverged and h.diverged_at == 1
    assert h.steps == 1 and np.isfinite(h.loss).all()
    assert "DIVERGED" in h.summary()


def test_the_diverging_update_is_not_applied():
    model, X, y = _issue_example()
    with pytest.warns(RuntimeWarning):
        h = bp.train(model, X, y, optimizer=bp.SGD(lr=1e4), epochs=50)
    kept = [p.value.copy() for p in model.parameters()]
    again, _, _ = _issue_example()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bp.train(again, X, y, optimizer=bp.SGD(lr=1e4), epochs=1, batch_size=64)  # one step
    for p, value in zip(again.parameters(), kept):      # the run stopped right after step 1
        np.testing.assert_array_equal(p.value, value)
    assert h.diverged_at == 1


def test_validation_on_a_diverging_run_returns_a_history_marked_diverged():
    model, X, y = _issue_example()
    with pytest.warns(RuntimeWarning):
        h = bp.train(model, X, y, optimizer=bp.SGD(lr=1e4), epochs=50, batch_size=16,
                     validation=(1e6 * X, y))
    assert h.diverged
    assert len(h.val_loss) == h.epochs


def test_a_nan_loss_is_flagged_too():
    model, X, y = _issue_example()
    with pytest.warns(RuntimeWarning, match="NaN or infinite"):
        h = bp.train(model, 1e300 * X, y, optimizer=bp.SGD(lr=0.1), epochs=3)
    assert h.diverged and h.diverged_at == 0 and h.steps == 0


def test_batchnorm_running_statistics_stay_finite_and_are_not_moved_by_the_bad_step():
    model = bp.mlp([2, 32, 32, 2], activation="relu", norm="batch", seed=0)
    _, X, y = _issue_example()
    with pytest.warns(RuntimeWarning):
        h = bp.train(model, X, y, optimizer=bp.SGD(lr=1e6), epochs=50, batch_size=16)
    assert h.diverged
    for layer in model.layers:
        for v in layer.buffers().values():
            assert np.isfinite(v).all()
    bn = bp.BatchNorm(3)
    with pytest.warns(RuntimeWarning, match="running statistics were left"):
        bn.forward(np.array([[1.0, np.inf, 0.0], [2.0, 0.0, 1.0]]))
    np.testing.assert_array_equal(bn.running_var, 1.0)


# Every data set, optimizer and batch size the notebooks train with, five seeds each.
ORDINARY = [
    ("xor", [2, 8, 2], "tanh", bp.SGD(0.5), None, 200),
    ("moons", [2, 16, 16, 2], "relu", bp.SGD(0.1), 16, 30),
    ("circles", [2, 16, 2], "tanh", bp.SGD(0.5, momentum=0.9), 32, 30),
    ("spiral", [2, 32, 32, 3], "relu", bp.Adam(0.01), 32, 30),
    ("spiral", [2, 16, 16, 3], "sigmoid", bp.SGD(1.0), 1, 2),
    ("digits", [64, 32, 10], "relu", bp.Adam(0.01), 32, 5),
]


def _data(name, seed):
    if name == "digits":
        X, y = bp.datasets.load_digits()
        return X[:600], y[:600]
    if name == "spiral":
        return bp.datasets.spiral(seed=seed)
    return bp.datasets.TOY_SETS[name](200, seed=seed)


@pytest.mark.parametrize("name,sizes,activation,optimizer,batch_size,epochs", ORDINARY)
def test_ordinary_noisy_training_never_trips_the_divergence_rule(name, sizes, activation,
                                                                  optimizer, batch_size, epochs):
    def peak_over_start(seed):
        X, y = _data(name, seed)
        opt = type(optimizer)(**{k: v for k, v in vars(optimizer).items()
                                 if k in ("lr", "momentum", "beta1", "beta2")})
        with warnings.catch_warnings():
            warnings.simplefilter("error")                 # no divergence warning
            h = bp.train(bp.mlp(sizes, activation=activation, seed=seed), X, y, optimizer=opt,
                         epochs=epochs, batch_size=batch_size, seed=seed)
        assert not h.diverged
        return float(h.loss.max() / max(h.loss[0], LOSS_FLOOR))
    spread = bp.over_seeds(peak_over_start, seeds=range(5))
    print(name, activation, batch_size, spread)
    assert spread.all(lambda r: r < DIVERGED_FACTOR / 10), str(spread)   # a margin of 10x
