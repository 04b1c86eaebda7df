"""Sliders for notebook 02 (the error): slide one prediction's logit, pick the target, and watch
MSE and cross-entropy and their gradients (``plots.losses.logit_loss_figure``)."""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..plots import losses as lplots
from .controls import dropdown, slider
from .forward import Explorer


def loss_explorer(z: float = -4.0, target: int = 1) -> Explorer:
    """A slider for the logit z (p = σ(z)) and a menu for the target (0 or 1). Moving z only
    moves markers; changing the target recomputes the curves (321 points)."""
    with plt.ioff():
        fig, artists = lplots.logit_loss_figure(z, target)
    controls = {
        "z": slider("logit z", z, lplots.Z_RANGE[0], lplots.Z_RANGE[1], 0.1),
        "target": dropdown("target t", [1, 0], value=int(target)),
    }
    state = {"target": int(target)}

    def update(z, target):
        changed = int(target) != state["target"]
        state["target"] = int(target)
        lplots.update_logit_loss(artists, z, target, target_changed=changed)

    return Explorer(controls, fig, update, title="one prediction, two losses")
