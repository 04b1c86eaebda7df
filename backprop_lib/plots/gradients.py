"""Pictures of gradients layer by layer: how big the backpropagated error and the weight
gradients are in each layer, at initialization and during training, next to what theory
predicts; a network diagram whose edges show |dL/dW_ij|; histograms of activations.

The functions are general: they take a ``gradient_profile`` dict, a ``History``, a model or
plain arrays, draw on an ``ax`` (a new figure when None) and return the artists, so widgets can
update them in place and any notebook can reuse them.

Layers are numbered 1, 2, ... from the input: layer 1 is the first Dense layer, the last one is
the output layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.ticker import NullFormatter

from ..network import dense_blocks
from . import style

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


# ----------------------------------------------------------------------- network diagram


@dataclass
class DiagramView:
    """Artists of ``plot_network_gradients``."""

    edges: LineCollection
    units: object
    max_units: int


def _diagram_geometry(model, max_units):
    blocks = dense_blocks(model)
    if not blocks:
        raise ValueError("the model has no Dense layer to draw")
    widths = [blocks[0][1].fan_in] + [dense.fan_out for _, dense, _ in blocks]
    shown = [min(w, max_units) for w in widths]
    ys = [np.linspace(-(s - 1) / 2, (s - 1) / 2, s) if s > 1 else np.zeros(1) for s in shown]
    segments, magnitudes = [], []
    for col, (_, dense, _) in enumerate(blocks):
        g = np.abs(dense.W.grad[: shown[col], : shown[col + 1]])     # |dL/dW_ij| of drawn units
        for i in range(shown[col]):
            for j in range(shown[col + 1]):
                segments.append([(col, ys[col][i]), (col + 1, ys[col + 1][j])])
                magnitudes.append(g[i, j])
    units = np.array([(col, y) for col, yy in enumerate(ys) for y in yy])
    return np.array(segments), np.array(magnitudes), units, widths, shown


def _edge_style(magnitudes, gamma):
    top = magnitudes.max() if magnitudes.size and magnitudes.max() > 0 else 1.0
    strength = (magnitudes / top) ** gamma                    # 0 (no gradient) .. 1 (largest)
    colors = np.tile(to_rgba(style.color(3)), (len(magnitudes), 1))
    colors[:, 3] = 0.03 + 0.97 * strength
    return colors, 0.3 + 3.7 * strength


def plot_network_gradients(model, ax=None, max_units: int = 7, gamma: float = 0.5):
    """The network as columns of units (dots) joined by edges whose width and opacity show
    |dL/dW_ij| after the last backward pass, scaled to the largest in the whole network.

    Draws at most ``max_units`` units per layer (the first ones) so the picture stays readable.
    ``gamma`` < 1 makes small gradients a little more visible (strength = (|g| / max)^gamma);
    a layer whose edges fade out is one that hardly learns. Returns a ``DiagramView``; update it
    with ``update_network_gradients(view, model)`` (the depth may change).
    """
    segments, magnitudes, units, widths, shown = _diagram_geometry(model, max_units)
    ax = _ax(ax, max(5.0, 0.55 * len(widths) + 2), 4.0)
    colors, lws = _edge_style(magnitudes, gamma)
    edges = LineCollection(segments, colors=colors, linewidths=lws, zorder=1,
                           label="edge: |dL/dW_ij| (width and darkness)")
    ax.add_collection(edges)
    dots = ax.scatter(units[:, 0], units[:, 1], s=40, color=style.color(0), zorder=2,
                      edgecolors="white", linewidths=0.6, label="unit")
    view = DiagramView(edges, dots, max_units)
    view.gamma = gamma
    _diagram_axes(ax, widths, shown)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2, fontsize="small",
              frameon=False)
    return view


def diagram_title(widths, max_units: int) -> str:
    """'5 hidden layers of 32 units (the first 7 of each layer drawn; input 64, output 10)':
    the hidden width, not the widest layer (which may be the input), and what was left out."""
    hidden, n = widths[1:-1], len(widths) - 2
    if not hidden:
        sizes = ""
    elif len(set(hidden)) == 1:
        sizes = f"of {hidden[0]} units"
    elif len(hidden) <= 4:
        sizes = "of " + "-".join(map(str, hidden)) + " units"
    else:                                        # a long list would not fit: the range
        sizes = f"of {min(hidden)} to {max(hidden)} units"
    title = f"{n} hidden layer{'s' if n != 1 else ''} {sizes}".strip()
    if max(widths) > max_units:
        title += f" (the first {max_units} units of each layer drawn; input {widths[0]}, " \
                 f"output {widths[-1]})"
    return title


def _diagram_axes(ax, widths, shown):
    n = len(widths)
    ax.set_xlim(-0.5, n - 0.5)
    top = max(shown) / 2 + 0.6
    ax.set_ylim(-top, top)
    ax.set_xticks(range(n), ["input"] + [str(i) for i in range(1, n - 1)] + ["output"]
                  if n > 2 else ["input", "output"])
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("layer (input → output)")
    ax.set_title(diagram_title(widths, max(shown)), fontsize="medium")


def update_network_gradients(view: DiagramView, model) -> None:
    """Recompute edges and units for ``model``'s current gradients (any depth)."""
    segments, magnitudes, units, widths, shown = _diagram_geometry(model, view.max_units)
    colors, lws = _edge_style(magnitudes, getattr(view, "gamma", 0.5))
    view.edges.set_segments(segments)
    view.edges.set_color(colors)
    view.edges.set_linewidths(lws)
    view.units.set_offsets(units)
    _diagram_axes(view.edges.axes, widths, shown)


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
