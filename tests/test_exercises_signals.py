"""Checkers of the forward-signal exercises (07: alignment, 09: input-dependent share): right
answers written differently pass, each typical mistake is named, hostile code is survived."""

import numpy as np
import pytest

from backprop_lib import signals
from backprop_lib.exercises import sandbox
from backprop_lib.exercises import signals as ex


def stub(*args):
    raise NotImplementedError


# ------------------------------------------------------------------ alignment (07)
def align_einsum(A, dZ):
    G = np.einsum("ni,nj->ij", A, dZ)
    return np.sqrt((G ** 2).sum()) / np.sqrt((A ** 2).sum() * (dZ ** 2).sum())


def align_transposed(A, dZ):                   # (dZᵀ·A) has the same norm as (Aᵀ·dZ)
    return float(np.linalg.norm(dZ.T @ A) / np.linalg.norm(A) / np.linalg.norm(dZ))


def align_in_place(A, dZ):                     # rescales its inputs in place: still right
    A /= np.linalg.norm(A)
    dZ /= np.linalg.norm(dZ)
    return np.array([np.linalg.norm(A.T @ dZ)])


@pytest.mark.parametrize("fn", [ex.reference_alignment, align_einsum, align_transposed,
                                align_in_place])
def test_alignment_right_answers_pass(fn):
    result = ex.check_alignment(fn)
    assert result.ok, result.message
    assert result.use is fn


def test_alignment_agrees_with_the_engine():
    rng = np.random.default_rng(0)
    A, dZ = rng.normal(size=(20, 4)), rng.normal(size=(20, 3))
    # signals.weight_gradient_parts's alignment is the same number for a Dense layer
    assert np.isclose(ex.reference_alignment(A, dZ),
                      np.linalg.norm(A.T @ dZ) / (np.linalg.norm(A) * np.linalg.norm(dZ)))
    assert "alignment" in signals.weight_gradient_parts.__doc__


def rms(M):
    return np.sqrt(np.mean(M ** 2))


ALIGNMENT_MISTAKES = [
    (lambda A, dZ: np.linalg.norm(A.T @ dZ), "‖dL/dW‖ itself"),
    (lambda A, dZ: np.linalg.norm(A.T @ dZ) / (rms(A) * rms(dZ)), "RMS"),
    (lambda A, dZ: np.linalg.norm(A) * np.linalg.norm(dZ) / np.linalg.norm(A.T @ dZ),
     "upside down"),
    (lambda A, dZ: np.linalg.norm(A.T @ dZ) / (np.linalg.norm(A) ** 2 * np.linalg.norm(dZ) ** 2),
     "squared"),
    (lambda A, dZ: (np.linalg.norm(A.T @ dZ) / (np.linalg.norm(A) * np.linalg.norm(dZ))) ** 2,
     "square of the alignment"),
    (lambda A, dZ: np.abs(A.T @ dZ).sum() / (np.abs(A).sum() * np.abs(dZ).sum()), "L1"),
    (lambda A, dZ: np.linalg.norm(A @ A.T @ dZ) / (np.linalg.norm(A) * np.linalg.norm(dZ)),
     "A.T @ dZ"),
    (lambda A, dZ: np.linalg.norm(A.T @ dZ) / (len(A) * np.linalg.norm(A) * np.linalg.norm(dZ)),
     "extra 1/n"),
    (lambda A, dZ: A.T @ dZ, "matrix of shape"),
]


@pytest.mark.parametrize("fn, words", ALIGNMENT_MISTAKES)
def test_alignment_mistakes_are_named(fn, words):
    result = ex.check_alignment(fn)
    assert not result.ok and words in result.message, result.message
    assert result.use is ex.reference_alignment


@pytest.mark.parametrize("fn, words", [
    (stub, "not attempted yet"),
    (lambda A, dZ: None, "return"),
    (lambda A, dZ: "0.5", "one number"),
    (lambda A, dZ: 1 / 0, "ZeroDivisionError"),
    (lambda A, dZ: 0.123, "expected"),
])
def test_alignment_hostile_or_unknown_answers(fn, words):
    result = ex.check_alignment(fn)
    assert not result.ok and words in result.message, result.message
    assert result.use is ex.reference_alignment


def test_alignment_endless_loop_and_printing_are_survived(monkeypatch, capsys):
    monkeypatch.setattr(sandbox, "LIMIT", 0.2)

    def loops(A, dZ):
        while True:
            pass

    result = ex.check_alignment(loops)
    assert not result.ok and result.use is ex.reference_alignment

    def chatty(A, dZ):
        for i in range(10_000):
            print("line", i)
        return ex.reference_alignment(A, dZ)

    monkeypatch.setattr(sandbox, "LIMIT", 5.0)     # a busy machine must not turn slow printing
    # into a time-out: this case is about the printing, the loop above about the limit
    assert ex.check_alignment(chatty).ok
    assert len(capsys.readouterr().out.splitlines()) < 100


# ------------------------------------------------------------------ input-dependent share (09)
def share_total_variance(A):                   # law of total variance spelled out
    across_examples = A.var(axis=0).mean()
    between_units = A.mean(axis=0).var()
    return across_examples / (across_examples + between_units)


def share_complement(A):
    return 1 - A.mean(axis=0).var() / A.var()


def share_loops(A):
    n, d = A.shape
    grand = sum(sum(row) for row in A) / (n * d)
    total = sum((a - grand) ** 2 for row in A for a in row) / (n * d)
    per_unit = [sum((A[i, j] - A[:, j].mean()) ** 2 for i in range(n)) / n for j in range(d)]
    return sum(per_unit) / d / total


@pytest.mark.parametrize("fn", [ex.reference_input_dependent_share, share_total_variance,
                                share_complement, share_loops])
def test_share_right_answers_pass(fn):
    result = ex.check_input_dependent_share(fn)
    assert result.ok, result.message
    assert result.use is fn


def test_share_reference_is_the_engine_function():
    import backprop_lib as bp

    X = np.random.default_rng(0).normal(size=(30, 3))
    model = bp.mlp([3, 5, 2], activation="tanh", seed=0)
    engine = signals.input_dependent_share(model, X)[0]
    assert np.isclose(engine, ex.reference_input_dependent_share(model.outputs[1]))


SHARE_MISTAKES = [
    (lambda A: A.mean(axis=0).var() / A.var(), "OTHER part"),
    (lambda A: A.var(axis=0).mean(), "divide it by the"),
    (lambda A: A.var(axis=1).mean() / A.var(), "axis=1"),
    (lambda A: np.sqrt(A.var(axis=0).mean() / A.var()), "standard deviations"),
    (lambda A: A.std(axis=0).mean() / A.std(), "standard deviations"),
    (lambda A: A.var(axis=0).mean() / A.var(axis=0).mean(), "always 1"),
    (lambda A: A.var(axis=0) / A.var(), "numbers; average"),
]


@pytest.mark.parametrize("fn, words", SHARE_MISTAKES)
def test_share_mistakes_are_named(fn, words):
    result = ex.check_input_dependent_share(fn)
    assert not result.ok and words in result.message, result.message
    assert result.use is ex.reference_input_dependent_share


@pytest.mark.parametrize("fn, words", [
    (stub, "not attempted yet"),
    (lambda A: None, "return"),
    (lambda A: [0.5, 0.5], "one number"),
    (lambda A: A[100], "IndexError"),
])
def test_share_hostile_answers(fn, words):
    result = ex.check_input_dependent_share(fn)
    assert not result.ok and words in result.message, result.message


def test_share_in_place_change_does_not_corrupt_the_cases():
    def destroys(A):
        A[...] = 0.0
        return 0.0

    assert not ex.check_input_dependent_share(destroys).ok
    assert ex.check_input_dependent_share(ex.reference_input_dependent_share).ok


# ------------------------------------------------------------------ standardize (07)
def std_explicit(X_train, X_test):
    mean = X_train.sum(axis=0) / len(X_train)
    std = np.sqrt(((X_train - mean) ** 2).mean(axis=0))
    std[std == 0] = 1
    return (X_train - mean) / std, (X_test - mean) / std


def std_engine(X_train, X_test):
    import backprop_lib as bp

    return bp.datasets.standardize(X_train, X_test)


def std_in_place(X_train, X_test):             # changes its inputs in place, returns lists
    mean, std = X_train.mean(0), X_train.std(0)
    std = np.maximum(std, 1e-300) * (std > 0) + (std == 0)
    X_test -= mean
    X_test /= std
    X_train -= mean
    X_train /= std
    return [X_train, X_test]


@pytest.mark.parametrize("fn", [ex.reference_standardize, std_explicit, std_engine, std_in_place])
def test_standardize_right_answers_pass(fn):
    result = ex.check_standardize(fn)
    assert result.ok, result.message


def _safe(s):
    return np.where(s == 0, 1.0, s)


STANDARDIZE_MISTAKES = [
    (lambda a, b: ((a - a.mean(0)) / _safe(a.std(0)), (b - b.mean(0)) / _safe(b.std(0))), "OWN"),
    (lambda a, b: ((a - a.mean()) / a.std(), (b - a.mean()) / a.std()), "whole array"),
    (lambda a, b: ((a - a.mean(1, keepdims=True)) / a.std(1, keepdims=True),
                   (b - b.mean(1, keepdims=True)) / b.std(1, keepdims=True)), "axis=1"),
    (lambda a, b: ((a - a.mean(0)) / _safe(a.std(0)) ** 2, (b - a.mean(0)) / _safe(a.std(0)) ** 2),
     "variance"),
    (lambda a, b: (a - a.mean(0), b - a.mean(0)), "centred only"),
    (lambda a, b: (a / _safe(a.std(0)), b / _safe(a.std(0))), "scaled only"),
    (lambda a, b: ((a - a.mean(0)) / a.std(0), (b - a.mean(0)) / a.std(0)), "std 0"),
    (lambda a, b: (a - a.mean(0)) / _safe(a.std(0)), "two arrays"),
]


@pytest.mark.parametrize("fn, words", STANDARDIZE_MISTAKES)
def test_standardize_mistakes_are_named(fn, words):
    with np.errstate(divide="ignore", invalid="ignore"):
        result = ex.check_standardize(fn)
    assert not result.ok and words in result.message, result.message
    assert result.use is ex.reference_standardize


def test_standardize_stub_and_crash():
    assert "not attempted yet" in ex.check_standardize(stub).message
    assert "KeyError" in ex.check_standardize(lambda a, b: {}["x"]).message


# ------------------------------------------------------------------ tanh slope gain (08)
def gain_cosh(Z):
    return np.mean(np.cosh(Z) ** -4)             # 1 - tanh² = 1/cosh²


def gain_loop(Z):
    total = 0.0
    for z in np.ravel(Z):
        total += (1 - np.tanh(z) ** 2) ** 2
    return total / np.size(Z)


def gain_engine(Z):
    import backprop_lib as bp

    layer = bp.Tanh()
    layer.forward(Z)
    return np.mean(layer.local_grad() ** 2)


@pytest.mark.parametrize("fn", [ex.reference_tanh_slope_gain, gain_cosh, gain_loop, gain_engine])
def test_slope_gain_right_answers_pass(fn):
    result = ex.check_tanh_slope_gain(fn)
    assert result.ok, result.message


SLOPE_MISTAKES = [
    (lambda Z: np.mean(1 - np.tanh(Z) ** 2) ** 2, "square of the mean"),
    (lambda Z: np.mean(1 - np.tanh(Z) ** 2), "mean slope"),
    (lambda Z: np.mean(np.tanh(Z) ** 2), "is not the slope"),
    (lambda Z: np.mean((1 - Z ** 2) ** 2), "only near 0"),
    (lambda Z: np.mean((1 / (1 + np.exp(-Z)) * (1 - 1 / (1 + np.exp(-Z)))) ** 2), "sigmoid"),
    (lambda Z: 1.0, "Z = 0"),
    (lambda Z: np.mean((1 - np.tanh(Z) ** 2) ** 2, axis=0), "per unit"),
    (lambda Z: "0.5", "one number"),
]


@pytest.mark.parametrize("fn, words", SLOPE_MISTAKES)
def test_slope_gain_mistakes_are_named(fn, words):
    result = ex.check_tanh_slope_gain(fn)
    assert not result.ok and words in result.message, result.message
    assert result.use is ex.reference_tanh_slope_gain


def test_slope_gain_stub_and_crash():
    assert "not attempted yet" in ex.check_tanh_slope_gain(stub).message
    assert "ValueError" in ex.check_tanh_slope_gain(lambda Z: Z.reshape(7, 7)).message
