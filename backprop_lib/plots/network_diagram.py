"""The network as a diagram whose edges show |dL/dW_ij|: columns of units (dots) joined by edges
whose width and opacity grow with the gradient of that weight after the last backward pass, so a
layer that hardly learns fades out.

Like every picture of ``gradients`` (which imports the names here, so they are still found
there), it draws on an ``ax`` (a new figure when None) and returns its artists, which
``update_network_gradients`` redraws in place for a network of any depth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba

from ..network import dense_blocks
from . import style


def _ax(ax, width=6.0, height=4.0):
    if ax is None:
        _, ax = style.new_figure(width=width, height=height)
    return ax


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
