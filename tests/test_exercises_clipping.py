"""Checker of notebook 09's clip_by_norm exercise: right answers written differently pass, each
typical mistake is named, hostile code is survived."""

import numpy as np
import pytest

from backprop_lib.exercises import clipping as ex


def stub(g, max_norm):
    raise NotImplementedError


def clip_min(g, max_norm):
    norm = np.sqrt(np.sum(g ** 2))
    return g * min(1.0, max_norm / norm) if norm > 0 else g


def clip_in_place(g, max_norm):               # the course's in-place habit: still right
    norm = np.linalg.norm(g)
    if norm > max_norm:
        g *= max_norm / norm
    return g


def clip_list(g, max_norm):                   # a list of floats is an array of numbers too
    norm = float(np.linalg.norm(g))
    scale = max_norm / norm if norm > max_norm else 1.0
    return [float(x) * scale for x in g]


@pytest.mark.parametrize("fn", [ex.reference_clip_by_norm, clip_min, clip_in_place, clip_list])
def test_right_answers_pass(fn):
    result = ex.check_clip_by_norm(fn)
    assert result.ok, result.message
    assert result.use is fn


def always(g, max_norm):
    return g * max_norm / np.linalg.norm(g) if np.linalg.norm(g) > 0 else g


MISTAKES = [
    (lambda g, c: np.clip(g, -c, c), "clipping by value"),
    (always, "already shorter"),
    (lambda g, c: g / np.linalg.norm(g) if np.linalg.norm(g) > c else g, "norm 1"),
    (lambda g, c: g * c / np.linalg.norm(g) ** 2 if np.linalg.norm(g) > c else g, "squared norm"),
    (lambda g, c: -g * c / np.linalg.norm(g) if np.linalg.norm(g) > c else g, "sign flipped"),
    (lambda g, c: g / np.linalg.norm(g) * min(np.linalg.norm(g), c), "NaN"),
    (lambda g, c: np.linalg.norm(g), "one number"),
    (lambda g, c: None, "return"),
]


@pytest.mark.parametrize("fn, words", MISTAKES)
def test_mistakes_are_named(fn, words):
    with np.errstate(divide="ignore", invalid="ignore"):
        result = ex.check_clip_by_norm(fn)
    assert not result.ok and words in result.message, result.message
    assert result.use is ex.reference_clip_by_norm


def test_stub_crash_and_unknown():
    assert "not attempted yet" in ex.check_clip_by_norm(stub).message
    assert "ZeroDivisionError" in ex.check_clip_by_norm(lambda g, c: 1 / 0).message
    assert "cosine" in ex.check_clip_by_norm(lambda g, c: g * 0.9).message


def test_reference_keeps_direction_and_bounds_norm():
    g = np.random.default_rng(0).normal(size=20) * 5
    clipped = ex.reference_clip_by_norm(g, 1.0)
    assert np.isclose(np.linalg.norm(clipped), 1.0)
    assert np.isclose(clipped @ g / (np.linalg.norm(clipped) * np.linalg.norm(g)), 1.0)
