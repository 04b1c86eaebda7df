"""The residual explorer (notebook 10): depth up to 100 hidden layers, the activation, the
normalization and the connections (plain or residual); the per-layer RMS of dL/dZ of a fresh
network, measured, with theory where it applies.

Each setting is ONE forward and backward pass (width 32, 256 random points), remembered
(``deep.cached_profile``): a setting met before redraws without computing, and its picture is
kept (``controls.explore``): shown again without drawing. Measured by
``benchmarks/residual_explorer.py``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from .. import deep
from ..plots import residual as rplots
from .controls import LiveFigure, dropdown, explore, int_slider

NORMS = {"none": None, "batch": "batch", "layer": "layer"}


def explorer_profile(depth: int, activation: str, norm: str, connections: str) -> dict:
    """The profile the explorer draws, for the menus' values (norm "none", connections
    "plain" or "residual")."""
    return deep.cached_profile(int(depth), activation, connections == "residual", NORMS[norm])


def explorer_title(profile: dict, connections: str) -> str:
    ratio = deep.first_to_last(profile)
    return (f"{connections}: the error at layer 1 is {ratio:.2g} x the error at the last "
            "hidden layer")


def residual_explorer(depth: int = 50, activation: str = "sigmoid", norm: str = "none",
                      connections: str = "plain", max_depth: int = 100):
    """Depth, activation, normalization and connections over ``plots.residual.plot_explorer``.
    Returns a VBox with ``.controls``, ``.figure`` and ``.last_seconds`` attached."""
    controls = {
        "depth": int_slider("hidden layers", depth, 2, max_depth),
        "activation": dropdown("activation", ["sigmoid", "tanh", "relu", "leaky_relu"],
                               activation),
        "norm": dropdown("normalization", list(NORMS), norm),
        "connections": dropdown("connections", ["plain", "residual"], connections),
    }

    with plt.ioff():
        first = explorer_profile(depth, activation, norm, connections)
        live = LiveFigure(rplots.plot_explorer(first, explorer_title(first, connections)))

    def update(**settings):
        p = explorer_profile(**settings)
        rplots.update_explorer(live.fig, p, explorer_title(p, settings["connections"]))

    return explore(controls, live, update,
                   title="the error per layer at initialization: plain or residual")


__all__ = ["explorer_profile", "residual_explorer"]
