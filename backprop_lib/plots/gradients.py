"""Pictures of gradients layer by layer: how big the backpropagated error and the weight
gradients are in each layer, at initialization and during training, next to what theory
predicts; a network diagram whose edges show |dL/dW_ij|; histograms of activations.

The functions are general: they take a ``gradient_profile`` dict, a ``History``, a model or
plain arrays, draw on an ``ax`` (a new figure when None) and return the artists, so widgets can
update them in place and any notebook can reuse them.

This file holds the per-layer profiles and their history during training; the network diagram
is in ``network_diagram`` and the activation histograms in ``saturation``, both imported here.

Layers are numbered 1, 2, ... from the input: layer 1 is the first Dense layer, the last one is
the output layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.ticker import NullFormatter

from . import style
from .network_diagram import (  # the diagram and the histograms, so that they are found here too
    DiagramView,
    diagram_title,
    plot_network_gradients,
    update_network_gradients,
)
from .saturation import (
    HistogramView,
    hidden_activations,
    pick_layers,
    plot_activation_histograms,
    update_activation_histograms,
)

STAT_LABELS = {
    "grad_norm": "‖dL/dW‖ (weight-gradient norm)",
    "delta_rms": "RMS of dL/dZ (backpropagated error)",
    "act_mean": "mean activation",
    "act_std": "std of activations",
    "saturation": "fraction of saturated units",
}


def _ax(ax, width=6.0, height=4.0):
    if ax is None:
        _, ax = style.new_figure(width=width, height=height)
    return ax


def _layer_axis(ax, n_layers):
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_xlim(0.5, n_layers + 0.5)
    step = 1 if n_layers <= 12 else (2 if n_layers <= 24 else 5)
    ax.set_xticks(np.arange(1, n_layers + 1, step))


def _positive(values):
    """Zeros cannot go on a log axis: show them as NaN (a gap) instead."""
    values = np.asarray(values, dtype=float).copy()
    values[~(values > 0)] = np.nan
    return values


def _fit_log_ylim(ax, *arrays):
    vals = np.concatenate([np.ravel(_positive(a)) for a in arrays])
    vals = vals[np.isfinite(vals)]
    if vals.size:
        lo, hi = vals.min(), vals.max()
        ax.set_ylim(lo / 3, hi * 3)


# ----------------------------------------------------------------------- per-layer profiles


def plot_layer_values(values, ax=None, label: str | None = None, color_index: int = 0,
                      marker: str = "o", stat: str | None = None, linestyle=None, **kw):
    """One number per layer (shape (layers,)) against the layer number, on a log y axis.

    ``stat`` (a key of ``STAT_LABELS``) names the y axis. Returns the Line2D; update it with
    ``update_layer_values(line, values)``.
    """
    values = np.asarray(values, dtype=float)
    ax = _ax(ax)
    layers = np.arange(1, len(values) + 1)
    (line,) = ax.plot(layers, _positive(values), marker=marker, color=style.color(color_index),
                      linestyle=linestyle or style.linestyle(color_index), lw=1.8, ms=5,
                      label=label, **kw)
    style.log_axis(ax)
    ax.yaxis.set_minor_formatter(NullFormatter())
    _layer_axis(ax, len(values))
    if stat is not None:
        ax.set_ylabel(STAT_LABELS.get(stat, stat))
    ax.grid(True, which="major", alpha=0.3)
    return line


def update_layer_values(line, values, rescale: bool = True) -> None:
    """New per-layer values for a line of ``plot_layer_values`` (the number of layers may
    change); rescales the axes to every line on them when ``rescale``."""
    values = np.asarray(values, dtype=float)
    line.set_data(np.arange(1, len(values) + 1), _positive(values))
    if rescale:
        ax = line.axes
        _layer_axis(ax, max(len(ln.get_xdata()) for ln in ax.get_lines()))
        _fit_log_ylim(ax, *[ln.get_ydata() for ln in ax.get_lines()])


@dataclass
class ProfileView:
    """Artists of ``plot_gradient_profile``: measured error, theory, weight-gradient norms."""

    fig: object
    delta: object
    theory: object
    grad: object
    title: object


def plot_gradient_profile(profile, predicted=None, axes=None, title: str | None = None):
    """Two panels from a ``bp.gradient_profile`` dict: left the RMS of dL/dZ per layer
    (measured, and the theory's prediction when ``predicted`` is given), right ‖dL/dW‖ per layer.

    ``predicted``: per-hidden-layer values (``theory.predicted_delta_rms(...)``), drawn over
    the first ``len(predicted)`` layers. Returns a ``ProfileView``; update it with
    ``update_gradient_profile(view, profile, predicted)``.
    """
    if axes is None:
        fig, axes = style.new_figure(2, width=4.8, height=3.8)
    fig = axes[0].figure
    delta = plot_layer_values(profile["delta_rms"], ax=axes[0], label="measured",
                              stat="delta_rms")
    theory = plot_layer_values(np.full(len(profile["delta_rms"]) - 1, np.nan)
                               if predicted is None else predicted, ax=axes[0],
                               label="theory (anchored at the last hidden layer)",
                               color_index=1, marker="", linestyle="--")
    axes[0].legend(fontsize="small", loc="lower right")
    axes[0].set_title("error reaching each layer", fontsize="medium")
    grad = plot_layer_values(profile["grad_norm"], ax=axes[1], stat="grad_norm", color_index=2,
                             marker="s")
    axes[1].set_title("how hard each layer's weights are pushed", fontsize="medium")
    text = fig.suptitle(title or "", fontsize="medium")
    _layer_axis(axes[0], len(profile["delta_rms"]))
    _fit_log_ylim(axes[0], profile["delta_rms"], theory.get_ydata())
    _fit_log_ylim(axes[1], profile["grad_norm"])
    return ProfileView(fig, delta, theory, grad, text)


def update_gradient_profile(view: ProfileView, profile, predicted=None,
                            title: str | None = None) -> None:
    """Redraw a ``plot_gradient_profile`` for a new profile (any number of layers)."""
    update_layer_values(view.delta, profile["delta_rms"], rescale=False)
    update_layer_values(view.theory, np.full(1, np.nan) if predicted is None else predicted,
                        rescale=False)
    update_layer_values(view.grad, profile["grad_norm"], rescale=False)
    for line in (view.delta, view.grad):
        _layer_axis(line.axes, len(profile["delta_rms"]))
    _fit_log_ylim(view.delta.axes, profile["delta_rms"], view.theory.get_ydata())
    _fit_log_ylim(view.grad.axes, profile["grad_norm"])
    if title is not None:
        view.title.set_text(title)


# ----------------------------------------------------------------------- during training


def _layer_colors(n):
    if n <= len(style.PALETTE):
        return [style.color(i) for i in range(n)]
    cmap = mpl.colormaps[style.SEQUENTIAL_CMAP]
    return [cmap(x) for x in np.linspace(0.0, 0.9, n)]


def plot_gradient_history(history, stat: str = "grad_norm", ax=None, layers=None,
                          smooth: int = 1):
    """Nielsen's plot: one curve per layer of ``history.<stat>`` (shape (steps, layers)) against
    the training step, on a log axis. With many layers colours run along a sequential map
    (dark = near the input) and a colour bar replaces the legend.

    ``layers``: indices of the columns to draw (default all); ``smooth``: a running mean over
    that many steps, to see trends through mini-batch noise. Returns the list of Line2D.
    """
    if stat not in STAT_LABELS:
        raise ValueError(f"stat must be one of {list(STAT_LABELS)}, got {stat!r}")
    data = np.asarray(getattr(history, stat), dtype=float)
    if data.ndim != 2 or data.shape[0] == 0:
        raise ValueError(f"history.{stat} is empty: train for at least one step first")
    names = list(history.layers)
    layers = list(range(data.shape[1])) if layers is None else list(layers)
    ax = _ax(ax, 7.0, 4.0)
    colors = _layer_colors(len(layers))
    lines = []
    for k, j in enumerate(layers):
        series = data[:, j]
        if smooth > 1 and len(series) >= smooth:
            series = np.convolve(series, np.ones(smooth) / smooth, mode="valid")
        steps = np.arange(1, len(series) + 1) + (smooth - 1 if smooth > 1 else 0)
        label = f"layer {j + 1}" + (" (output)" if j == len(names) - 1 else "")
        (line,) = ax.plot(steps, _positive(series), color=colors[k],
                          linestyle=style.linestyle(k) if len(layers) <= 8 else "-",
                          lw=1.5, label=label)
        lines.append(line)
    style.log_axis(ax)
    ax.set_xlabel("training step")
    ax.set_ylabel(STAT_LABELS[stat])
    ax.grid(True, which="major", alpha=0.3)
    if len(layers) <= 8:                      # outside the axes: the curves fill the plot
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    else:
        cmap = mpl.colormaps[style.SEQUENTIAL_CMAP]
        norm = mpl.colors.Normalize(vmin=layers[0] + 1, vmax=layers[-1] + 1)
        ax.figure.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, label="layer")
    return lines


__all__ = [
    "STAT_LABELS", "plot_layer_values", "update_layer_values", "ProfileView",
    "plot_gradient_profile", "update_gradient_profile", "plot_gradient_history",
    "DiagramView", "plot_network_gradients", "diagram_title", "update_network_gradients",
    "hidden_activations", "pick_layers", "HistogramView", "plot_activation_histograms",
    "update_activation_histograms",
]
