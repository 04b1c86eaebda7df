"""Bad input gets a clear error that names the problem and the fix, before any state changes."""

import re
import warnings

import numpy as np
import pytest

import backprop_lib as bp


@pytest.fixture
def model():
    return bp.mlp([2, 4, 3], seed=0)


def snapshot(model):
    return [p.value.copy() for p in model.parameters()]


def unchanged(model, before):
    return all(np.array_equal(p.value, b) for p, b in zip(model.parameters(), before))


def test_wrong_number_of_features(model):
    with pytest.raises(ValueError, match=r"X has 3 features .* expects 2.*\(n, 2\)"):
        model.forward(np.zeros((5, 3)))


def test_one_dimensional_input_suggests_reshape(model):
    with pytest.raises(ValueError, match=r"2 axes.*reshape\(1, -1\)"):
        model.forward(np.zeros(2))


@pytest.mark.parametrize("bad,word", [(np.nan, "NaN"), (np.inf, "inf")])
def test_nan_and_inf_inputs(model, bad, word):
    X = np.zeros((4, 2))
    X[2, 1] = bad
    with pytest.raises(ValueError, match=rf"X contains {word} \(first at index \(2, 1\)\)"):
        model.forward(X)


def test_non_numeric_dtype(model):
    with pytest.raises(TypeError, match=r"real numbers.*dtype"):
        model.forward(np.array([["a", "b"]]))


def test_labels_out_of_range(model):
    with pytest.raises(ValueError, match=r"label 3.*3 outputs.*0\.\.2"):
        bp.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))


def test_labels_not_integers(model):
    with pytest.raises(TypeError, match=r"integer class ids.*astype\(int\)"):
        bp.softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(TypeError, match="integer class ids"):
        bp.softmax_cross_entropy(np.zeros((2, 3)), np.array([0.5, 1.0]))


def test_one_hot_labels_suggest_argmax():
    with pytest.raises(ValueError, match=r"argmax\(axis=1\)"):
        bp.softmax_cross_entropy(np.zeros((2, 3)), np.eye(3)[:2])


def test_mismatched_lengths(model):
    with pytest.raises(ValueError, match=r"X has 5 rows but y has 4"):
        bp.train(model, np.zeros((5, 2)), np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match=r"one target per output"):
        bp.mse(np.zeros((3, 2)), np.zeros((3, 3)))


@pytest.mark.parametrize("kind,kwargs,valid", [
    ("activation", {"activation": "softplus"}, "'sigmoid', 'tanh', 'relu', 'leaky_relu'"),
    ("init", {"init": "glorot"}, "'small', 'standard', 'xavier', 'he', 'zeros'"),
    ("norm", {"norm": "group"}, "None, 'batch', 'layer'"),
])
def test_unknown_names_list_the_valid_ones(kind, kwargs, valid):
    with pytest.raises(ValueError, match=rf"unknown {kind} .*; choose one of {valid}"):
        bp.mlp([2, 3, 2], **kwargs)


@pytest.mark.parametrize("sizes,msg", [
    ([3], "at least two entries"),
    ([], "at least two entries"),
    ([2, 0, 1], "positive whole number"),
    ([2, -3, 1], "positive whole number"),
    ([2, 2.5, 1], "positive whole number"),
])
def test_bad_sizes(sizes, msg):
    with pytest.raises(ValueError, match=msg):
        bp.mlp(sizes)


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf")])
def test_learning_rate_must_be_positive_and_finite(lr):
    with pytest.raises(ValueError, match=r"lr must be a finite number above 0"):
        bp.SGD(lr)
    with pytest.raises(ValueError, match=r"lr must be a finite number above 0"):
        bp.Adam(lr)


def test_learning_rate_must_be_a_number():
    with pytest.raises(TypeError, match=r"lr must be a number"):
        bp.SGD("0.1")


@pytest.mark.parametrize("batch_size,err,msg", [
    (0, ValueError, "at least 1"),
    (11, ValueError, r"between 1 and the number of examples \(10\)"),
    (2.5, TypeError, "whole number"),
])
def test_batch_size_out_of_range(model, batch_size, err, msg):
    X, y = np.zeros((10, 2)), np.zeros(10, dtype=int)
    before = snapshot(model)
    with pytest.raises(err, match=msg):
        bp.train(model, X, y, batch_size=batch_size)
    assert unchanged(model, before)


def test_backward_before_forward(model):
    with pytest.raises(RuntimeError, match=r"backward was called before forward"):
        model.backward(np.zeros((2, 3)))
    with pytest.raises(RuntimeError, match=r"dense1.backward was called before forward"):
        bp.Dense(2, 3).backward(np.zeros((1, 3))) if False else model.layers[0].backward(
            np.zeros((2, 4)))


def test_backward_with_wrong_gradient_shape(model):
    model.forward(np.zeros((5, 2)))
    with pytest.raises(ValueError, match=r"shape \(5, 2\).*outputs have shape \(5, 3\)"):
        model.backward(np.zeros((5, 2)))


def test_bad_training_input_leaves_the_model_unchanged(model):
    before = snapshot(model)
    X = np.ones((6, 2))
    with pytest.raises(ValueError, match="label 7"):
        bp.train(model, X, np.array([0, 1, 2, 0, 1, 7]))
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        bp.train(model, X, np.zeros(6, dtype=int))
    assert unchanged(model, before)


def test_divergence_stops_cleanly_with_a_warning():
    X, y = bp.datasets.moons(100, seed=0)
    model = bp.mlp([2, 16, 1], activation="tanh", seed=0)
    with pytest.warns(RuntimeWarning, match=r"step \d+.*smaller learning rate") as record:
        history = bp.train(model, X, y.astype(float), loss=bp.mse, optimizer=bp.SGD(lr=3.0),
                           epochs=200)
    assert len(record) == 1                       # ours, not numpy's overflow warnings
    assert history.diverged
    assert history.diverged_at is not None and history.steps == history.diverged_at
    assert np.all(np.isfinite(history.loss))
    assert all(np.all(np.isfinite(p.value)) for p in model.parameters())
    assert f"DIVERGED at step {history.diverged_at}" in history.summary()


def test_divergence_in_the_first_epoch_is_reported():
    X, y = bp.datasets.moons(64, seed=0)
    with pytest.warns(RuntimeWarning, match="step 0 "):         # outputs 1e160: loss 1e320 = inf
        h = bp.train(bp.mlp([2, 1], seed=0), X * 1e160, y.astype(float), loss=bp.mse,
                     optimizer=bp.SGD(1.0), epochs=1, batch_size=32)
    assert h.diverged and h.summary() == "0 epochs, 0 steps, DIVERGED at step 0"


def test_no_warning_when_training_is_fine():
    X, y = bp.datasets.xor(40, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = bp.train(bp.mlp([2, 4, 2], seed=0), X, y, epochs=3)
    assert not history.diverged


def test_batchnorm_refuses_a_batch_of_one():
    model = bp.mlp([2, 4, 2], norm="batch", seed=0)
    with pytest.raises(ValueError, match="batch_size >= 2"):
        bp.train(model, np.zeros((4, 2)), np.zeros(4, dtype=int), batch_size=1)
    with pytest.raises(ValueError, match="at least 2 examples"):
        model.forward(np.zeros((1, 2)))
    model.eval()
    assert model.forward(np.zeros((1, 2))).shape == (1, 2)     # evaluation mode is fine


def test_other_bad_arguments():
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        bp.SGD(0.1, momentum=1.0)
    with pytest.raises(TypeError, match="rng must be an int seed or a np.random.Generator"):
        bp.Dense(2, 3, rng="seed")
    with pytest.raises(ValueError, match=r"targets must be in \[0, 1\]"):
        bp.binary_cross_entropy(np.zeros(3), np.array([0.0, 2.0, 1.0]))
    with pytest.raises(TypeError, match="Sequential"):
        bp.train("model", np.zeros((2, 2)), np.zeros(2, dtype=int))
    with pytest.raises(TypeError, match="forward/backward"):
        bp.Sequential([bp.Dense(2, 2), "relu"])
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        bp.train(bp.mlp([2, 2]), np.zeros((2, 2)), np.zeros(2, dtype=int), epochs=0)
    with pytest.raises(ValueError, match="noise must be a number >= 0"):
        bp.datasets.moons(noise=-1)


@pytest.mark.parametrize("norm", [bp.BatchNorm, bp.LayerNorm])
@pytest.mark.parametrize("bad,words", [(np.inf, r"got inf \(first at index \(1, 2\)\)"),
                                       (1e200, r"too large to square \(up to 1e\+200\)")])
def test_a_normalization_layer_names_a_blow_up_in_its_input(norm, bad, words):
    layer = norm(3)
    stats = {k: v.copy() for k, v in layer.buffers().items()}
    X = np.ones((4, 3))
    X[1, 2] = bad
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer.forward(X)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1, messages                 # numpy's own 'invalid value' is not shown
    assert messages[0].startswith(layer.name), messages[0]
    assert re.search(words, messages[0]) and "smaller learning rate" in messages[0], messages[0]
    assert "np.isfinite(X).all()" in messages[0]
    for k, v in layer.buffers().items():                # running statistics not moved, finite
        np.testing.assert_array_equal(v, stats[k])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(invalid="ignore"):             # train's blow-up handling: no 2nd warning
            layer.forward(X)
        out = layer.forward(np.arange(12.0).reshape(4, 3))   # the next batch is normal again
    assert np.isfinite(out).all()
