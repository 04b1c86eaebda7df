"""What ``train`` writes down: ``History`` (the loss of every step, per-epoch figures, and per
Dense layer and step the numbers of ``diagnostics.STATS``) and ``Step`` (what a callback sees
after every step).

The per-step records are preallocated arrays that grow by doubling (``_room``); the History's
fields are views of their finished rows (``_fill``).

Engine floor: numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .diagnostics import STATS
from .network import Sequential


@dataclass
class History:
    """What happened during ``train``.

    Per step: ``loss`` (steps,), and for every Dense layer (columns, named in ``layers``):
    ``grad_norm``, ``delta_rms``, ``act_mean``, ``act_std``, ``saturation``, each (steps, layers).
    Per epoch: ``train_loss``, ``train_accuracy``, ``val_loss``, ``val_accuracy`` (accuracy only
    for classification, validation only with ``validation=``).
    """

    layers: list
    loss: np.ndarray = None
    grad_norm: np.ndarray = None
    delta_rms: np.ndarray = None
    act_mean: np.ndarray = None
    act_std: np.ndarray = None
    saturation: np.ndarray = None
    epoch_step: list = field(default_factory=list)   # the step at which each epoch ended
    train_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    diverged: bool = False
    diverged_at: int | None = None
    stopped_early: bool = False

    @property
    def steps(self) -> int:
        return len(self.loss)

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    @property
    def best_epoch(self) -> int:
        """The epoch with the lowest validation loss, counted from 1 as on the plots' x axis (the
        first one if several tie): where early stopping would have kept the weights."""
        if len(self.val_loss) == 0:
            raise ValueError("this history has no validation loss, so no best epoch: train with "
                             "validation=(X_val, y_val)")
        return int(np.argmin(self.val_loss)) + 1

    def summary(self) -> str:
        parts = [f"{self.epochs} epochs, {self.steps} steps"]
        if self.train_loss:
            parts.append(f"loss {self.train_loss[-1]:.4f}")
        if self.train_accuracy:
            parts.append(f"train accuracy {self.train_accuracy[-1]:.1%}")
        if self.val_accuracy:
            parts.append(f"validation accuracy {self.val_accuracy[-1]:.1%}")
        if self.diverged:
            parts.append(f"DIVERGED at step {self.diverged_at}")
        if self.stopped_early:
            parts.append("stopped early by the callback")
        return ", ".join(parts)


@dataclass
class Step:
    """What a callback sees after every step. Return False from the callback to stop."""

    step: int
    epoch: int
    loss: float
    epoch_end: bool
    model: Sequential
    history: History


def _room(records, step):
    """``records`` with a row ``step`` to write into: the same array, or a copy twice as long."""
    if step < len(records):
        return records
    bigger = np.full((2 * len(records), *records.shape[1:]), np.nan)
    bigger[:len(records)] = records
    return bigger


def _fill(history, losses, stats, step):
    # views of the first `step` rows: those rows are final, the loop writes only later ones
    history.loss = losses[:step]
    for k, name in enumerate(STATS):
        setattr(history, name, stats[:step, k, :])


__all__ = ["History", "Step"]
