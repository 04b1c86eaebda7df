"""How ``train`` tells that a run has blown up, and how it stops one without harm.

A loss that is NaN or infinite, or larger than ``DIVERGED_FACTOR`` times the loss of the first
step (a start below ``LOSS_FLOOR`` counts as ``LOSS_FLOOR``), stops the run before the update
that would make it worse; so does a gradient norm that overflows. The running statistics
(BatchNorm's) are put back as they were before that step (``_buffers``, ``_restore_buffers``),
the History is marked ``diverged`` and a warning says what to try (``_diverged``).

Engine floor: numpy only.
"""

from __future__ import annotations

import math
import warnings

# Why 1000x: a learning rate that is too large for gradient descent multiplies the error at every
# step (in tests/test_divergence.py's example the loss goes 9.7, 7e13, 4e28), so a diverging run
# passes 1000x its start within a step or two, while ordinary training, noisy minibatches
# included, stays within a few times its start: over the course's data sets and optimizers, five
# seeds each, the largest loss was at most 24x the first, with batches of one example (1.6x
# with batches of 16 or more); tests/test_divergence.py measures it and asserts a 10x margin.
DIVERGED_FACTOR = 1e3
# A model already trained starts near 0: one noisy small batch could then be 1000x that start
# without anything going wrong. Cross-entropy at chance is ln(classes) >= 0.69, so 0.1 is already
# a good fit; 1000 x 0.1 = 100 is a loss no ordinary run reaches (every example confidently wrong).
LOSS_FLOOR = 0.1


def _buffers(model):
    """The running statistics before a step, to put back if the step turns out to diverge."""
    return [{k: v.copy() for k, v in layer.buffers().items()} for layer in model.leaves()]


def _restore_buffers(model, saved):
    for layer, state in zip(model.leaves(), saved):
        for k, v in state.items():
            setattr(layer, k, v)


def _diverged(history, step, epoch, value, limit, optimizer, what="loss"):
    history.diverged, history.diverged_at = True, step
    why = "became NaN or infinite" if not math.isfinite(value) else \
        f"grew past {DIVERGED_FACTOR:g}x its start (limit {limit:.3g})"
    warnings.warn(f"the {what} {why} at step {step} (epoch {epoch}): {value:.3g}. Training "
                  f"diverged and was stopped before that update. The learning rate is "
                  f"{getattr(optimizer, 'lr', '?')}: try a smaller learning rate (10x smaller) "
                  "or gradient clipping (clip_norm=...).", RuntimeWarning, stacklevel=3)


__all__ = ["DIVERGED_FACTOR", "LOSS_FLOOR"]
