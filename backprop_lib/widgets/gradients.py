"""Sliders for vanishing gradients: change the depth, the activation, the init or the scale of
the weights, and see the error that reaches each layer (with theory's prediction), the network
diagram going dark, and the activations saturating.

Each control builds a fresh network with the same seed and runs ONE forward and backward pass
(``bp.gradient_profile``: no training); redrawing the figure costs more than computing it
(``make bench-widgets`` measures both, per move).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

import backprop_lib as bp

from .. import theory
from ..plots import gradients as gplots
from .controls import LiveFigure, dropdown, explore, int_slider, log_slider

INITS = ["standard", "xavier", "he", "small"]


def deep_network(X, y, depth: int, width: int = 32, activation: str = "sigmoid",
                 init: str = "standard", weight_scale: float = 1.0, seed=0):
    """``bp.mlp`` with ``depth`` hidden layers of ``width`` units on (X, y), its weights
    multiplied by ``weight_scale``, after one forward and backward pass.

    Returns (model, profile, predicted): ``profile`` from ``bp.gradient_profile``, ``predicted``
    the theory's RMS of dL/dZ per hidden layer anchored at the measured last hidden layer.
    """
    k = int(max(y)) + 1
    sizes = [X.shape[1]] + [width] * depth + [k]
    model = bp.mlp(sizes, activation=activation, init=init, seed=seed)
    if weight_scale != 1.0:
        for dense in model.dense_layers():
            dense.W.value *= weight_scale
    profile = bp.gradient_profile(model, X, y, bp.softmax_cross_entropy)
    predicted = theory.predicted_delta_rms(sizes, activation, init,
                                           last_hidden_rms=profile["delta_rms"][-2])
    if weight_scale != 1.0:          # theory's Var(W) for this init, scaled: factor x scale
        predicted = predicted * weight_scale ** (len(predicted) - 1 - np.arange(len(predicted)))
    return model, profile, predicted


def _title(profile, depth, activation, init):
    d = profile["delta_rms"]
    return (f"{depth} hidden layers, {activation}, {init} init: RMS dL/dZ at layer 1 / layer "
            f"{depth} = {d[0] / d[depth - 1]:.2g}")


def _controls(depth, activation, init, max_depth):
    return {
        "depth": int_slider("hidden layers", depth, 1, max_depth),
        "activation": dropdown("activation", list(bp.ACTIVATIONS), activation),
        "init": dropdown("init", INITS, init),
    }


def _explorer(controls, fig, view, title, draw):
    """``controls.explore`` with ``draw(settings)`` (settings: name -> the controls' values)
    updating ``view``; ``.view`` is attached too."""
    box = explore(controls, LiveFigure(fig), lambda **settings: draw(settings), title=title,
                  draw_next=("activation", "init"))      # the menus' next options, drawn
    box.view = view
    return box


def depth_explorer(X, y, depth: int = 10, activation: str = "sigmoid", init: str = "standard",
                   width: int = 32, max_depth: int = 25, seed=0):
    """A depth slider (1 to ``max_depth`` hidden layers), activation and init menus over
    ``plots.gradients.plot_gradient_profile``: measured RMS of dL/dZ per layer with the theory
    on top, and ‖dL/dW‖ per layer. ``.controls``, ``.figure``, ``.view`` are attached."""
    controls = _controls(depth, activation, init, max_depth)
    model, profile, predicted = deep_network(X, y, depth, width, activation, init, seed=seed)
    with plt.ioff():
        view = gplots.plot_gradient_profile(profile, predicted,
                                            title=_title(profile, depth, activation, init))

    def draw(s):
        _, prof, pred = deep_network(X, y, s["depth"], width, s["activation"], s["init"],
                                     seed=seed)
        gplots.update_gradient_profile(view, prof, pred,
                                       title=_title(prof, s["depth"], s["activation"], s["init"]))

    return _explorer(controls, view.fig, view, f"One forward and backward pass at init (width "
                                               f"{width}, {len(X)} examples)", draw)


def diagram_explorer(X, y, depth: int = 5, activation: str = "sigmoid", init: str = "standard",
                     width: int = 32, max_units: int = 7, max_depth: int = 12, seed=0):
    """The network diagram of ``plots.gradients.plot_network_gradients`` (edge width and
    darkness: |dL/dW_ij| at init) with a depth slider and activation / init menus."""
    controls = _controls(depth, activation, init, max_depth)
    model, _, _ = deep_network(X, y, depth, width, activation, init, seed=seed)
    with plt.ioff():
        fig, ax = plt.subplots(figsize=(9, 4.2), layout="constrained")
        view = gplots.plot_network_gradients(model, ax=ax, max_units=max_units)

    def draw(s):
        new_model, _, _ = deep_network(X, y, s["depth"], width, s["activation"], s["init"],
                                       seed=seed)
        gplots.update_network_gradients(view, new_model)

    return _explorer(controls, fig, view, "Edges drawn by the size of their gradient |dL/dW_ij|",
                     draw)


def saturation_explorer(X, y, depth: int = 8, activation: str = "sigmoid",
                        init: str = "xavier", weight_scale: float = 1.0, width: int = 32,
                        max_depth: int = 25, seed=0):
    """Histograms of the activations of five layers (first to last hidden) from
    ``plots.gradients.plot_activation_histograms``, with a depth slider, activation and init
    menus and a weight-scale slider (x0.1 to x10 the init's weights)."""
    controls = _controls(depth, activation, init, max_depth)
    controls["weight_scale"] = log_slider("weight scale", weight_scale, -1, 1)
    model, _, _ = deep_network(X, y, depth, width, activation, init, weight_scale, seed)
    with plt.ioff():
        view = gplots.plot_activation_histograms(gplots.hidden_activations(model),
                                                 value_range=_range(activation))
        fig = view.axes[0].figure
        title = fig.suptitle(_saturation_title(model), fontsize="medium")
    view.activation = activation

    def draw(s):
        new_model, _, _ = deep_network(X, y, s["depth"], width, s["activation"], s["init"],
                                       s["weight_scale"], seed)
        acts = gplots.hidden_activations(new_model)
        if s["activation"] != view.activation:
            _rebin(view, s["activation"])
        gplots.update_activation_histograms(view, acts, gplots.pick_layers(len(acts),
                                                                          len(view.axes)))
        title.set_text(_saturation_title(new_model))

    return _explorer(controls, fig, view, "Activations of the hidden layers at init", draw)


def _range(activation):
    return {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}.get(activation, (0.0, 3.0))


def _rebin(view, activation):
    lo, hi = _range(activation)
    view.edges = np.linspace(lo, hi, len(view.edges))
    for ax in view.axes:
        ax.set_xlim(lo, hi)
    view.activation = activation


def _saturation_title(model):
    sat = bp.layer_statistics(model)[bp.STATS.index("saturation")][:-1]
    return (f"saturated units (f' < 5% of its peak): {sat[0]:.0%} in layer 1, "
            f"{sat[-1]:.0%} in the last hidden layer")
