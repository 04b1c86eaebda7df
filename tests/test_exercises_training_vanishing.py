"""Checkers of notebooks 06 and 07: right answers pass, typical mistakes are named, stubs fall
back to the reference."""

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib.exercises import training as ex6
from backprop_lib.exercises import vanishing as ex7


def stub(*args):
    raise NotImplementedError


# ------------------------------------------------------------------ 06: training step


def test_training_step_reference_passes():
    result = ex6.check_training_step(ex6.reference_training_step)
    assert result.ok and "correct" in result.message
    assert result.use is ex6.reference_training_step


def test_training_step_stub_falls_back():
    result = ex6.check_training_step(stub)
    assert not result.ok and "not attempted yet" in result.message
    assert result.use is ex6.reference_training_step


def _step(sign=1.0, factor=1.0, biases=True, ret=True, copy=False):
    def step(model, X, y, lr):
        out = model.forward(X)
        loss, dout = bp.softmax_cross_entropy(out, y)
        model.backward(dout)
        for p in model.parameters():
            if not biases and p.name.endswith(".b"):
                continue
            if copy:
                p.value.copy()
                continue
            p.value -= sign * factor * lr * p.grad
        return loss if ret else None
    return step


@pytest.mark.parametrize("kw, words", [
    ({"sign": -1.0}, "uphill"),
    ({"factor": 2.0}, "moved 2 times the right amount"),
    ({"biases": False}, "biases"),
    ({"ret": False}, "return the loss"),
    ({"copy": True}, "did not change"),
])
def test_training_step_mistakes_are_named(kw, words):
    result = ex6.check_training_step(_step(**kw))
    assert not result.ok and words in result.message
    assert result.use is ex6.reference_training_step


def test_training_step_loss_after_update_is_named():
    def step(model, X, y, lr):
        ex6.reference_training_step(model, X, y, lr)
        return bp.softmax_cross_entropy(model.forward(X), y)[0] + 1.0
    result = ex6.check_training_step(step)
    assert "before the update" in result.message


# ------------------------------------------------------------------ 06: confusion matrix


def test_confusion_matrix_right_and_wrong():
    ref = ex6.reference_confusion_matrix
    assert ex6.check_confusion_matrix(ref).ok
    assert "not attempted" in ex6.check_confusion_matrix(stub).message
    swapped = ex6.check_confusion_matrix(lambda t, p, k: ref(p, t, k))
    assert "swapped" in swapped.message
    fractions = ex6.check_confusion_matrix(lambda t, p, k: ref(t, p, k) / len(t))
    assert "fractions" in fractions.message
    small = ex6.check_confusion_matrix(lambda t, p, k: ref(t, p, k)[:3, :3])
    assert "shape" in small.message
    zeros = ex6.check_confusion_matrix(lambda t, p, k: np.zeros((k, k)))
    assert "all zeros" in zeros.message


# ------------------------------------------------------------------ 06: best epoch


def test_best_epoch_right_and_wrong():
    assert ex6.check_best_epoch(ex6.reference_best_epoch).ok
    assert "not attempted" in ex6.check_best_epoch(stub).message
    zero_based = ex6.check_best_epoch(lambda h: int(np.argmin(h.val_loss)))
    assert "off by one" in zero_based.message
    train = ex6.check_best_epoch(lambda h: int(np.argmin(h.train_loss)) + 1)
    assert "TRAINING loss" in train.message
    worst = ex6.check_best_epoch(lambda h: int(np.argmax(h.val_loss)) + 1)
    assert "worst" in worst.message
    none = ex6.check_best_epoch(lambda h: None)
    assert "None" in none.message


# ------------------------------------------------------------------ 07: predicted ratio


def test_predicted_ratio_matches_theory_module():
    sizes = [10] + [100] * 10 + [3]
    predicted = bp.theory.predicted_delta_rms(sizes, "sigmoid", "standard")
    assert np.isclose(ex7.reference_predicted_ratio("sigmoid", "standard", 100, 10),
                      predicted[0] / predicted[-1])


def test_predicted_ratio_right_and_wrong():
    ref = ex7.reference_predicted_ratio
    assert ex7.check_predicted_ratio(ref).ok
    assert "not attempted" in ex7.check_predicted_ratio(stub).message

    def factor(a, i, w):
        return ref(a, i, w, 2)

    too_many = ex7.check_predicted_ratio(lambda a, i, w, d: factor(a, i, w) ** d)
    assert "depth - 1" in too_many.message
    variance = ex7.check_predicted_ratio(lambda a, i, w, d: ref(a, i, w, d) ** 2)
    assert "VARIANCES" in variance.message
    upside = ex7.check_predicted_ratio(lambda a, i, w, d: 1 / ref(a, i, w, d))
    assert "upside down" in upside.message

    def unsquared(a, i, w, d):
        gain = {"sigmoid": 0.25, "tanh": 1.0, "relu": 0.5 ** 0.5}[a]
        var = bp.theory.weight_variance(i, w, w)
        return np.sqrt(w * var * gain) ** (d - 1)
    assert "SQUARE" in ex7.check_predicted_ratio(unsquared).message


# ------------------------------------------------------------------ 07: measured factors


def test_measured_factors_right_and_wrong():
    ref = ex7.reference_measured_factors
    assert ex7.check_measured_factors(ref).ok
    assert "not attempted" in ex7.check_measured_factors(stub).message
    upside = ex7.check_measured_factors(lambda p: 1 / ref(p))
    assert "upside down" in upside.message
    d = lambda p: np.asarray(p["delta_rms"])  # noqa: E731
    extra = ex7.check_measured_factors(lambda p: d(p)[:-1] / d(p)[1:])
    assert "OUTPUT layer" in extra.message


def test_measured_factors_on_a_real_profile():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((128, 20)), rng.integers(0, 3, 128)
    model = bp.mlp([20] + [64] * 6 + [3], activation="tanh", init="standard", seed=0)
    factors = ex7.reference_measured_factors(bp.gradient_profile(model, X, y))
    assert factors.shape == (5,)
    theory_factor = bp.theory.layer_factor("tanh", "standard", 64, 64)
    assert np.all((factors > theory_factor / 2) & (factors < theory_factor * 2))


# ------------------------------------------------------------------ 07: stalled layer


def test_stalled_layer_right_and_wrong():
    ref = ex7.reference_stalled_layer
    assert ex7.check_stalled_layer(ref).ok
    assert "not attempted" in ex7.check_stalled_layer(stub).message
    zero = ex7.check_stalled_layer(lambda h: ref(h) - 1)
    assert "off by one" in zero.message
    most = ex7.check_stalled_layer(
        lambda h: int(np.argmax(np.median(h.grad_norm, axis=0))) + 1)
    assert "MOST" in most.message
    axis = ex7.check_stalled_layer(
        lambda h: int(np.argmin(np.median(h.grad_norm, axis=1))) + 1)
    assert "axis=0" in axis.message
    first_step = ex7.check_stalled_layer(lambda h: int(np.argmin(h.grad_norm[0])) + 1)
    assert not first_step.ok and first_step.use is ref


def test_stalled_layer_on_a_trained_sigmoid_network():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((100, 8)), rng.integers(0, 3, 100)
    model = bp.mlp([8] + [16] * 5 + [3], activation="sigmoid", init="standard", seed=0)
    history = bp.train(model, X, y, epochs=10)
    assert ex7.reference_stalled_layer(history) == 1
