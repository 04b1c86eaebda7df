"""Controls for the remedies (notebooks 08 and 09).

- ``init_explorer``: depth, activation and init; ONE forward and backward pass of a fresh network
  (width 32, 256 points).
- ``norm_explorer``: depth, activation, init and the normalization; the per-layer error at init
  and a short training run (32 steps at batch 64) with and without normalization.
- ``clipping_explorer``: the learning rate, the weight gain and the clipping threshold; two
  short runs (140 steps, 10 hidden ReLU layers) without and with clipping.

Each returns a VBox with ``.controls`` (name -> widget), ``.figure`` (the matplotlib figure,
updated in place) and ``.last_seconds`` (how long the last update took) attached;
``make bench-widgets`` measures each move (computing and drawing apart).
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from .. import debugging
from ..plots import remedies as rplots
from .ahead import Ahead, in_background, pause_point
from .controls import LiveFigure, dropdown, explore, int_slider, log_slider, memoize, slider

ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu"]
INITS = ["standard", "xavier", "he", "small"]


# --------------------------------------------------------------------------- notebook 08

def init_explorer(depth: int = 10, activation: str = "tanh", init: str = "standard",
                  width: int = 32, n: int = 256, max_depth: int = 20):
    """Depth slider, activation and init menus over ``plots.remedies.plot_init_profile``."""
    controls = {
        "depth": int_slider("hidden layers", depth, 2, max_depth),
        "activation": dropdown("activation", ACTIVATIONS, activation),
        "init": dropdown("init", INITS, init),
    }

    def profile(depth, activation, init):
        return debugging.init_profile(depth, activation, init, width=width, n=n)

    with plt.ioff():
        live = LiveFigure(rplots.plot_init_profile(profile(depth, activation, init)))
    return explore(controls, live, lambda **s: rplots.update_init_profile(live.fig, profile(**s)),
                   "the error per layer at initialization: measured vs theory",
                   draw_next=("activation", "init"))     # the menus' next options, drawn


# --------------------------------------------------------------------------- notebook 09

NORM_LABELS = ("without normalization", "with normalization")


def norm_runs(depth: int = 10, activation: str = "sigmoid", init: str = "standard",
              norm: str = "batch", steps: int = 32, batch_size: int = 64, lr: float = 0.1,
              callback=None):
    """Profiles at init and short training histories of the same deep network without and with
    ``norm``: two dicts label -> profile and label -> History (labels ``NORM_LABELS``).
    ``callback`` goes to every training step (the explorer's: wait while a move is handled)."""
    profiles, histories = {}, {}
    for label, nm in zip(NORM_LABELS, (None, norm)):
        profiles[label] = debugging.init_profile(depth, activation, init, norm=nm)
        steps_per_epoch = -(-225 // batch_size)                # 225 training points
        config = {"sizes": debugging.hidden_sizes(depth, 32), "activation": activation,
                  "init": init, "norm": nm, "lr": lr, "batch_size": batch_size,
                  "epochs": max(1, round(steps / steps_per_epoch))}
        histories[label] = debugging.train_history(config, callback=callback,
                                                   quiet=not in_background())
    return profiles, histories


def norm_explorer(depth: int = 10, activation: str = "sigmoid", init: str = "standard",
                  norm: str = "batch", max_depth: int = 12):
    """Depth, activation, init and normalization over ``plots.remedies.plot_norm_comparison``."""
    controls = {
        "depth": int_slider("hidden layers", depth, 2, max_depth),
        "activation": dropdown("activation", ["sigmoid", "tanh"], activation),
        "init": dropdown("init", ["standard", "xavier"], init),
        "norm": dropdown("normalization", ["batch", "layer"], norm),
    }

    # a setting seen before is not trained again; the settings one step away are trained in
    # the background while the learner looks (widgets/ahead.py)
    runs = memoize(lambda **s: norm_runs(callback=pause_point, **s))
    with plt.ioff():
        live = LiveFigure(rplots.plot_norm_comparison(*runs(depth=depth, activation=activation,
                                                            init=init, norm=norm)))
    return explore(controls, live, lambda **s: rplots.update_norm_comparison(live.fig, *runs(**s)),
                   "the same deep network without and with normalization", ahead=Ahead(runs))


CLIP_LABELS = ("plain SGD", "SGD with clip_norm")


def clipping_runs(lr: float = 0.5, gain: float = 1.5, clip_norm: float = 1.0, depth: int = 10,
                  epochs: int = 20, validate: bool = True, callback=None):
    """Two short runs of a deep ReLU network with He init x ``gain``: plain SGD and SGD with
    ``clip_norm``; dict label -> History (labels ``CLIP_LABELS``). ``validate=False`` skips the
    held-out figures (the explorer draws only the loss); ``callback`` then goes to every
    training step."""
    base = {"sizes": debugging.hidden_sizes(depth, 32), "activation": "relu", "init": "he",
            "weight_gain": gain, "lr": lr, "epochs": epochs}

    def history(config):
        if validate:
            return debugging.run(config, diagnose_it=False).history
        return debugging.train_history(config, callback=callback, quiet=not in_background())

    return {label: history({**base, "clip_norm": clip})
            for label, clip in zip(CLIP_LABELS, (None, clip_norm))}


def clipping_explorer(lr: float = 0.5, gain: float = 1.5, clip_norm: float = 1.0):
    """Learning rate, weight gain and clipping threshold over ``plots.remedies.plot_clipping``."""
    controls = {
        "lr": log_slider("lr", lr, -3, 1),
        "gain": slider("init gain (x He)", gain, 0.5, 3.0, step=0.25),
        "clip_norm": log_slider("clip_norm", clip_norm, -1, 2),
    }

    # a setting seen before is not trained again; the settings one step away are trained in
    # the background while the learner looks (widgets/ahead.py)
    runs = memoize(lambda **s: clipping_runs(validate=False, callback=pause_point, **s))
    with plt.ioff():
        live = LiveFigure(rplots.plot_clipping(runs(lr=lr, gain=gain, clip_norm=clip_norm)))
    return explore(controls, live, lambda **s: rplots.update_clipping(live.fig, runs(**s)),
                   "exploding gradients and gradient clipping", ahead=Ahead(runs))


__all__ = ["init_explorer", "norm_explorer", "norm_runs", "clipping_explorer", "clipping_runs"]
