"""Histograms of the activations, one small panel per layer: a sigmoid piling up at 0 and 1 (tanh
at ±1) is saturated, and f' is nearly 0 there, so almost no gradient passes back.

``hidden_activations`` reads them off a model's last forward pass; ``pick_layers`` spreads a few
panels from the first layer to the last. ``gradients`` imports the names here, so they are still
found there. Layers are numbered 1, 2, ... from the input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..network import dense_blocks
from . import style

# ----------------------------------------------------------------------- saturation


def hidden_activations(model) -> list:
    """The outputs of every hidden activation layer from the last forward pass, first to last:
    a list of arrays (n, width)."""
    if model.outputs is None:
        raise RuntimeError("run model.forward(X) first: the activations come from a forward pass")
    outputs = model.leaf_outputs()
    return [outputs[a] for _, _, a in dense_blocks(model) if a is not None]


def pick_layers(n_layers: int, count: int = 5) -> list:
    """Up to ``count`` layer indices spread evenly from the first to the last (always both)."""
    if n_layers <= count:
        return list(range(n_layers))
    return sorted(set(np.linspace(0, n_layers - 1, count).round().astype(int).tolist()))


@dataclass
class HistogramView:
    axes: list
    stairs: list
    edges: np.ndarray
    layers: list


def plot_activation_histograms(activations, layers=None, axes=None, bins: int = 30,
                               value_range=(-1.0, 1.0), name: str = "activation"):
    """Histograms of activations, one small panel per layer (``layers``: indices into the list
    ``activations``, default ``pick_layers``). A sigmoid piling up at 0 and 1 (tanh at ±1) is
    saturated: f' is nearly 0 there, so almost no gradient passes back.

    Each panel shows the fraction of values per bin. Returns a ``HistogramView``; update with
    ``update_activation_histograms(view, activations)``.
    """
    layers = pick_layers(len(activations)) if layers is None else list(layers)
    if axes is None:
        _, axes = style.new_figure(len(layers), width=2.3, height=2.6, sharey=True,
                                   squeeze=False)
        axes = list(axes[0])
    edges = np.linspace(value_range[0], value_range[1], bins + 1)
    stairs = []
    for k, (ax, j) in enumerate(zip(axes, layers, strict=False)):
        counts = _fractions(activations[j], edges)
        stairs.append(ax.stairs(counts, edges, fill=True, color=style.color(k % 8), alpha=0.8))
        ax.set_title(f"layer {j + 1}", fontsize="medium")
        ax.set_xlabel(name)
    axes[0].set_ylabel("fraction of values")
    view = HistogramView(list(axes), stairs, edges, layers)
    _histogram_ylim(view)
    return view


def _histogram_ylim(view):
    top = max(float(np.max(st.get_data().values)) for st in view.stairs[: len(view.layers)])
    for ax in view.axes:
        ax.set_ylim(0, max(top, 0.05) * 1.1)


def _fractions(values, edges):
    values = np.clip(np.ravel(values), edges[0], edges[-1])
    counts, _ = np.histogram(values, bins=edges)
    return counts / max(values.size, 1)


def update_activation_histograms(view: HistogramView, activations, layers=None) -> None:
    """New activations (for example from a deeper network); ``layers`` re-picks the panels."""
    layers = view.layers if layers is None else list(layers)
    for k, (ax, st) in enumerate(zip(view.axes, view.stairs, strict=True)):
        ax.set_visible(k < len(layers))             # a shallower network fills fewer panels
        if k < len(layers):
            st.set_data(_fractions(activations[layers[k]], view.edges), view.edges)
            ax.set_title(f"layer {layers[k] + 1}", fontsize="medium")
    view.layers = layers
    _histogram_ylim(view)
