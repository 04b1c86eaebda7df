"""Checker for notebook 09's clipping exercise: ``clip_by_norm(g, max_norm)``.

The gradient g (all parameters' gradients as one vector) is rescaled as a whole when its norm
exceeds ``max_norm``, so that its norm becomes ``max_norm`` and its direction stays; a shorter
gradient, the zero vector included, is returned unchanged. The learner's function runs through
the safe runner (copied inputs, a time limit, printing kept short, every exception caught).
"""

from __future__ import annotations

import numpy as np

from .feedback import Answer, as_array, call, fall_back


def reference_clip_by_norm(g, max_norm):
    """g · min(1, max_norm / ‖g‖): the direction kept, the norm at most max_norm."""
    g = np.asarray(g, dtype=float)
    norm = np.linalg.norm(g)
    return g * (max_norm / norm) if norm > max_norm else g.copy()


def _cases():
    rng = np.random.default_rng(9)
    long = rng.normal(size=12) * 3.0                  # norm about 10
    short = long / np.linalg.norm(long) * 0.5         # norm 0.5
    return [("a gradient of norm %.3g, max_norm 1" % np.linalg.norm(long), long, 1.0),
            ("a gradient of norm 0.5, max_norm 1", short, 1.0),
            ("a zero gradient, max_norm 1", np.zeros(5), 1.0),
            ("a gradient of norm %.3g, max_norm 4" % np.linalg.norm(long), long, 4.0)]


def _mistakes(g, max_norm):
    norm = np.linalg.norm(g)
    with np.errstate(divide="ignore", invalid="ignore"):
        return [
            (np.clip(g, -max_norm, max_norm), "you clipped each entry to [-max_norm, max_norm] "
             "(clipping by value): the direction changes; rescale the whole vector instead"),
            (g * max_norm / norm, "a gradient already shorter than max_norm must stay as it is: "
             "rescale only when its norm exceeds max_norm"),
            (g / norm, "this has norm 1: multiply by max_norm, g · max_norm / ‖g‖"),
            (g * max_norm / norm ** 2, "divided by the squared norm: ‖g‖ is np.linalg.norm(g), "
             "a square root already taken"),
            (-g * max_norm / norm, "the sign flipped: clipping shortens the step, it never "
             "turns it around"),
        ]


def check_clip_by_norm(fn) -> Answer:
    """Run ``fn(g, max_norm)`` on a long, a short and a zero gradient and name the mistake."""
    title = "clip_by_norm"
    for what, g, max_norm in _cases():
        got, answer = call(fn, g, max_norm, reference=reference_clip_by_norm, title=title,
                           on=f"on {what}: ")
        if answer is not None:
            return answer
        if np.ndim(got) == 0 and got is not None:
            return fall_back(reference_clip_by_norm, f"on {what}: you returned one number (a "
                             "norm?); return the clipped gradient vector", title)
        value, why = as_array(got, f"on {what}")
        if why:
            return fall_back(reference_clip_by_norm, why, title)
        expected = reference_clip_by_norm(g, max_norm)
        if value.shape != expected.shape:
            return fall_back(reference_clip_by_norm, f"on {what}: shape {value.shape}, expected "
                             f"{expected.shape}", title)
        if not np.all(np.isfinite(value)):
            return fall_back(reference_clip_by_norm, f"on {what}: NaN or inf; a zero gradient has "
                             "norm 0 and dividing by it gives NaN: rescale only when the norm "
                             "exceeds max_norm", title)
        if np.allclose(value, expected, rtol=1e-9, atol=1e-12):
            continue
        for wrong, message in _mistakes(g, max_norm):
            if np.all(np.isfinite(wrong)) and np.allclose(value, wrong, rtol=1e-9, atol=1e-12):
                return fall_back(reference_clip_by_norm, f"on {what}: {message}", title)
        return fall_back(reference_clip_by_norm, f"on {what}: norm {np.linalg.norm(value):.4g}, "
                         f"expected {np.linalg.norm(expected):.4g}, cosine with g "
                         f"{_cosine(value, g):.3f} (1 = same direction)", title)
    return Answer(True, f"{title}: correct ✓ (the direction kept, long gradients shortened to "
                        "max_norm, short ones left alone)", use=fn)


def _cosine(a, b):
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return float(a @ b / (na * nb)) if na > 0 and nb > 0 else float("nan")


__all__ = ["check_clip_by_norm", "reference_clip_by_norm"]
