"""Checkers of notebooks 08 and 09: right answers pass, typical mistakes are named, stubs fall
back to the reference."""

import numpy as np
import pytest

from backprop_lib import theory
from backprop_lib.exercises import remedies as ex


def stub(*args):
    raise NotImplementedError


GAIN = {"sigmoid": 1 / 16, "tanh": 1.0, "relu": 0.5}


@pytest.mark.parametrize("check", [ex.check_layer_factor, ex.check_he_init, ex.check_sigmoid_std,
                                   ex.check_batchnorm_backward, ex.check_clip_norm])
def test_stub_falls_back_to_reference(check):
    answer = check(stub)
    assert not answer.attempted
    assert "not attempted yet, using the reference solution" in answer.message


# ---------------------------------------------------------------- layer factor

def test_layer_factor_right():
    assert ex.check_layer_factor(ex.layer_factor_reference).ok


@pytest.mark.parametrize("wrong, words", [
    (lambda a, i, n: n * theory.weight_variance(i, n, n) * GAIN[a], "factor of the VARIANCE"),
    (lambda a, i, n: np.sqrt(n * theory.weight_variance(i, n, n)), "activation is missing"),
    (lambda a, i, n: np.sqrt(n * theory.weight_variance(i, n, n) * ex.GAIN_NEAR_ZERO[a]),
     "must be squared"),
    (lambda a, i, n: -np.sqrt(n * theory.weight_variance(i, n, n) * GAIN[a]), "wrong sign"),
    (lambda a, i, n: 2 * np.sqrt(n * theory.weight_variance(i, n, n) * GAIN[a]), "factor 2"),
])
def test_layer_factor_mistakes(wrong, words):
    answer = ex.check_layer_factor(wrong)
    assert not answer.ok and words in answer.message
    assert answer.use is ex.layer_factor_reference


def test_layer_factor_crash_is_reported():
    def broken(a, i, n):
        raise KeyError(a)
    assert "raised KeyError" in ex.check_layer_factor(broken).message


# ---------------------------------------------------------------- He init

def test_he_right():
    assert ex.check_he_init(ex.he_init_reference).ok


@pytest.mark.parametrize("wrong, words", [
    (lambda i, o, rng: rng.normal(0, np.sqrt(2 / i), (o, i)), "axes are swapped"),
    (lambda i, o, rng: rng.normal(0, np.sqrt(1 / i), (i, o)), "sqrt(2) too small"),
    (lambda i, o, rng: rng.normal(0, np.sqrt(2 / o), (i, o)), "fan_out"),
    (lambda i, o, rng: rng.normal(0, 2 / i, (i, o)), "variance 2/fan_in as the standard"),
    (lambda i, o, rng: rng.normal(0, np.sqrt(2 / (i + o)), (i, o)), "Xavier"),
    (lambda i, o, rng: np.random.default_rng().normal(0, np.sqrt(2 / i), (i, o)), "rng"),
    (lambda i, o, rng: rng.normal(1.0, np.sqrt(2 / i), (i, o)), "centred on 0"),
    (lambda i, o, rng: None, "returned None"),
])
def test_he_mistakes(wrong, words):
    answer = ex.check_he_init(wrong)
    assert not answer.ok and words in answer.message


# ---------------------------------------------------------------- sigmoid std

def test_sigmoid_std_right_reports_measurement():
    answer = ex.check_sigmoid_std(ex.sigmoid_std_reference)
    assert answer.ok and "Measured at depth 10" in answer.message


@pytest.mark.parametrize("wrong, words", [
    (lambda n: 2 / np.sqrt(n), "(1/4)² = 1/16"), (lambda n: 1 / np.sqrt(n), "ignores"),
    (lambda n: 16 / n, "is the variance"), (lambda n: np.sqrt(2 / n), "He's"),
    (lambda n: -4 / np.sqrt(n), "wrong sign"),
])
def test_sigmoid_std_mistakes(wrong, words):
    answer = ex.check_sigmoid_std(wrong)
    assert not answer.ok and words in answer.message


# ---------------------------------------------------------------- BatchNorm backward

def test_batchnorm_right():
    assert ex.check_batchnorm_backward(ex.batchnorm_backward_reference).ok


@pytest.mark.parametrize("wrong, words", [
    (lambda dY, Xh, s, g: dY * g * s, "as constants"),
    (lambda dY, Xh, s, g: s * (dY * g - Xh * np.mean(dY * g * Xh, axis=0)),
     "through the batch mean"),
    (lambda dY, Xh, s, g: s * (dY * g - (dY * g).mean(axis=0)), "through the batch variance"),
    (lambda dY, Xh, s, g: ex.batchnorm_backward_reference(dY, Xh, s, np.ones_like(g)),
     "gamma is missing"),
    (lambda dY, Xh, s, g: ex.batchnorm_backward_reference(dY, Xh, s, g) / s, "1/σ"),
    (lambda dY, Xh, s, g: -ex.batchnorm_backward_reference(dY, Xh, s, g), "wrong sign"),
    (lambda dY, Xh, s, g: ex.batchnorm_backward_reference(dY, Xh, s, g).T, "shape"),
    (lambda dY, Xh, s, g: ex.batchnorm_backward_reference(dY, Xh, s, g).sum(axis=0),
     "shape"),
])
def test_batchnorm_mistakes(wrong, words):
    answer = ex.check_batchnorm_backward(wrong)
    assert not answer.ok and words in answer.message


# ---------------------------------------------------------------- broken networks

@pytest.mark.parametrize("name", list(ex.REFERENCE_FIXES))
def test_reference_fixes_learn(name):
    answer = ex.check_fix(name, ex.reference_fix(name))
    assert answer.ok and "it learns" in answer.message


def test_fix_unchanged_and_wrong_fix_report_the_checklist():
    unchanged = ex.check_fix("zero_init", lambda c: c)
    assert not unchanged.ok and "unchanged" in unchanged.message
    assert "identical" in unchanged.message
    wrong = ex.check_fix("dead_relu", lambda c: {**c, "epochs": 70})
    assert not wrong.ok and "still does not learn" in wrong.message
    assert "dead ReLUs" in wrong.message


@pytest.mark.parametrize("name, change, words", [
    ("deep_sigmoid", {"norm": "layer"}, "cannot bring back differences between examples"),
    ("deep_sigmoid", {"lr": 1.0}, "scales every layer's step alike"),
    ("dead_relu", {"activation": "leaky_relu"}, "passes back only its slope (1%)"),
    ("dead_relu", {"lr": 0.01}, "no learning rate can move"),
])
def test_typical_wrong_fixes_are_named_in_the_learners_terms(name, change, words):
    answer = ex.check_fix(name, lambda c: {**c, **change})
    assert not answer.ok and words in answer.message, answer.message
    assert "checklist" in answer.message                      # and the checklist still speaks


def test_fix_bad_returns():
    assert "returned None" in ex.check_fix("zero_init", lambda c: None).message
    bad_key = ex.check_fix("zero_init", lambda c: {**c, "learning_rate": 0.1})
    assert "unknown config entries" in bad_key.message
    assert "not attempted yet" in ex.check_fix("zero_init", stub).message
    with pytest.raises(ValueError, match="unknown broken network"):
        ex.reference_fix("nope")


# ---------------------------------------------------------------- clipping

def test_clip_norm_answers():
    assert ex.check_clip_norm(lambda: 1.0).ok
    assert "no clipping" in ex.check_clip_norm(lambda: None).message
    assert "crawls" in ex.check_clip_norm(lambda: 1e-4).message
    assert "positive number" in ex.check_clip_norm(lambda: "1").message
    assert "still diverges" in ex.check_clip_norm(lambda: 100.0).message    # too loose a clip
