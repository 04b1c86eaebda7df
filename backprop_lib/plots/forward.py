"""Pictures for the forward pass: what one neuron computes over the plane, and the regions a
small network carves out of it.

A neuron with two inputs computes y = σ(w1·x1 + w2·x2 + b). Over the plane that is a smooth step:
0 on one side of the line w·x + b = 0, 1 on the other, 1/2 on the line itself; w is the line's
normal and points towards the side where the output goes to 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.colors import LinearSegmentedColormap

from ..losses import sigmoid
from . import style
from .live import decision_regions, plane_grid, scatter_classes, update_decision_regions

__all__ = ["INPUT_LABELS", "NeuronArtists", "TinyNetworkArtists", "boundary_segment",
           "hidden_outputs", "network_figure", "neuron_figure", "neuron_formula", "neuron_map",
           "neuron_output", "tiny_network_figure", "update_network_figure", "update_neuron_map",
           "update_tiny_network"]


def neuron_output(points, w, b) -> np.ndarray:
    """σ(points @ w + b) for points (m, 2), w (2,), b a number -> (m,)."""
    w = np.asarray(w, dtype=float).reshape(2)
    return sigmoid(np.asarray(points, dtype=float) @ w + float(b))


def boundary_segment(w, b, extent):
    """The part of the line w1·x1 + w2·x2 + b = 0 inside ``extent`` (xmin, xmax, ymin, ymax),
    as (xs, ys) of its two ends; empty lists when w = 0 (no line: the output is constant)."""
    w1, w2 = (float(v) for v in np.reshape(w, 2))
    x0, x1, y0, y1 = extent
    if abs(w1) < 1e-12 and abs(w2) < 1e-12:
        return [], []
    if abs(w2) >= abs(w1):                      # closer to horizontal: x2 as a function of x1
        xs = np.array([x0, x1])
        return list(xs), list(-(w1 * xs + b) / w2)
    ys = np.array([y0, y1])
    return list(-(w2 * ys + b) / w1), list(ys)


# white (output 0) to grey (output 1): the class colours of the points stay readable on top
NEURON_CMAP = LinearSegmentedColormap.from_list("neuron", ["#ffffff", "#5a5a5a"])


@dataclass
class NeuronArtists:
    """What ``update_neuron_map`` changes: the output image, the boundary line, the w arrow."""

    image: object
    line: object
    arrow: object
    extent: tuple


def _arrow_ends(w, b, extent):
    """From the point of the boundary nearest the centre, one unit along w (or nothing)."""
    w = np.asarray(w, dtype=float).reshape(2)
    norm2 = float(w @ w)
    if norm2 < 1e-24:
        return (0.0, 0.0), (0.0, 0.0)
    start = -float(b) * w / norm2               # the foot of the perpendicular from the origin
    half = min(extent[1] - extent[0], extent[3] - extent[2]) / 2
    start = np.clip(start, -0.8 * half, 0.8 * half)
    end = start + 0.35 * half * w / np.sqrt(norm2)
    return tuple(start), tuple(end)


def neuron_map(ax, w=(1.0, -1.0), b=0.0, X=None, y=None, lim: float = 2.5,
               resolution: int = 120, colorbar: bool = True) -> NeuronArtists:
    """A heat map of one neuron's output σ(w·x + b) over the square [-lim, lim]², with the line
    w·x + b = 0 (where the output is 1/2), an arrow along w, and the points (X, y) on top."""
    points, extent = plane_grid(lim, resolution)
    values = neuron_output(points, w, b).reshape(resolution, resolution)
    image = ax.imshow(values, origin="lower", extent=extent, cmap=NEURON_CMAP, vmin=0,
                      vmax=1, interpolation="bilinear", aspect="equal", zorder=1)
    xs, ys = boundary_segment(w, b, extent)
    (line,) = ax.plot(xs, ys, color="black", lw=2, ls="--", label="w·x + b = 0 (output 1/2)",
                      zorder=2)
    start, end = _arrow_ends(w, b, extent)
    arrow = ax.annotate("", xy=end, xytext=start, zorder=4,
                        arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 2})
    if X is not None:
        scatter_classes(ax, X, np.zeros(len(X), int) if y is None else y)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel(INPUT_LABELS[0])
    ax.set_ylabel(INPUT_LABELS[1])
    ax.legend(loc="lower left", fontsize="small", framealpha=0.85)
    if colorbar:
        bar = ax.figure.colorbar(image, ax=ax, shrink=0.85)
        bar.set_label("neuron output σ(w·x + b)")
    artists = NeuronArtists(image, line, arrow, extent)
    _title(ax, w, b)
    return artists


INPUT_LABELS = ("x1 (input 1)", "x2 (input 2)")     # the course's word for the plane's axes


def neuron_formula(w, b) -> str:
    """'σ(1.00·x1 − 1.00·x2 + 0.50)': each term with its own sign (a minus sign, not "+ -")."""
    w1, w2 = (float(v) for v in np.reshape(w, 2))
    text = f"{_signed(w1, first=True)}·x1 {_signed(w2)}·x2 {_signed(float(b))}"
    return f"σ({text})"


def _signed(value: float, first: bool = False) -> str:
    shown = f"{abs(value):.2f}"
    negative = value < 0 and shown.strip("0.") != ""         # -0.001 shows as "+ 0.00"
    if first:
        return f"−{shown}" if negative else shown
    return f"{'−' if negative else '+'} {shown}"


def _title(ax, w, b):
    ax.set_title(f"{neuron_formula(w, b)};  arrow: w")


def update_neuron_map(artists: NeuronArtists, w, b) -> None:
    """Redraw the neuron's output, boundary and arrow for new weights, in place."""
    resolution = artists.image.get_array().shape[0]
    points, _ = plane_grid(artists.extent, resolution)
    artists.image.set_data(neuron_output(points, w, b).reshape(resolution, resolution))
    artists.line.set_data(*boundary_segment(w, b, artists.extent))
    start, end = _arrow_ends(w, b, artists.extent)
    artists.arrow.xy = end
    artists.arrow.set_position(start)
    _title(artists.image.axes, w, b)


def neuron_figure(w=(1.0, -1.0), b=0.0, X=None, y=None, lim: float = 2.5,
                  resolution: int = 120):
    """One neuron's output over the plane, in a new figure. Returns (fig, NeuronArtists)."""
    fig, ax = style.new_figure(width=6.2, height=4.8)
    artists = neuron_map(ax, w, b, X, y, lim=lim, resolution=resolution)
    style.caption(fig, "The output is 1/2 on the dashed line and goes to 1 on the side w points to")
    return fig, artists


def network_figure(model, X, y, title: str = "decision regions", resolution: int = 120,
                   lim=None):
    """The classes a network predicts over the plane, with the data on top, in a new figure.
    Returns (fig, image) for ``update_network_figure``."""
    fig, ax = style.new_figure(width=5.2, height=4.8)
    image = decision_regions(ax, model, X, y, lim=lim, resolution=resolution, title=title)
    ax.set_xlabel(INPUT_LABELS[0])
    ax.set_ylabel(INPUT_LABELS[1])
    return fig, image


def update_network_figure(image, model, title: str | None = None) -> None:
    """Recompute the regions of ``network_figure`` for another model, in place."""
    update_decision_regions(image, model)
    if title is not None:
        image.axes.set_title(title)


@dataclass
class TinyNetworkArtists:
    """What ``update_tiny_network`` changes in the two panels of ``tiny_network_figure``."""

    regions: object
    hidden_lines: list
    hidden_points: list
    output_line: object
    X: np.ndarray
    y: np.ndarray


HIDDEN_EXTENT = (-0.1, 1.1, -0.1, 1.1)       # sigmoid outputs lie in (0, 1)


def _tiny_parts(model):
    dense = [layer for layer in model.layers if hasattr(layer, "W")]
    if len(dense) != 2 or dense[0].W.value.shape != (2, 2) or dense[1].W.value.shape != (2, 1):
        raise ValueError("tiny_network_figure draws a 2-2-1 network: Dense(2, 2), an "
                         "activation, Dense(2, 1); got "
                         + ", ".join(str(d.W.value.shape) for d in dense))
    return dense


def hidden_outputs(model, X):
    """The hidden layer's outputs (n, 2) of a 2-2-1 network for inputs X (n, 2)."""
    model.forward(X)
    return model.outputs[1]                  # after the hidden activation: (n, 2)


def tiny_network_figure(model, X, y):
    """A 2-2-1 network seen twice. Left: its decision regions over the inputs, with each hidden
    unit's line w·x + b = 0 dashed. Right: the points as the output unit sees them, at the hidden
    outputs (h1, h2), with the output unit's line. Returns (fig, TinyNetworkArtists)."""
    first, second = _tiny_parts(model)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).reshape(-1).astype(int)
    fig, (ax_in, ax_hid) = style.new_figure(2, width=4.8, height=4.6)
    regions = decision_regions(ax_in, model, X, y, lim=data_extent_square(X),
                               title="inputs: decision regions")
    ax_in.set_xlabel(INPUT_LABELS[0])           # the neuron figure's words for the same axes
    ax_in.set_ylabel(INPUT_LABELS[1])
    extent = regions.get_extent()
    lines = []
    for j in range(2):
        xs, ys = boundary_segment(first.W.value[:, j], first.b.value[j], extent)
        (line,) = ax_in.plot(xs, ys, color="black", lw=1.5, ls=style.linestyle(j + 1),
                             label=f"hidden unit {j + 1}: w·x + b = 0", zorder=2)
        lines.append(line)
    ax_in.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize="x-small")
    H = hidden_outputs(model, X)
    points = scatter_classes(ax_hid, H, y)
    xs, ys = boundary_segment(second.W.value[:, 0], second.b.value[0], HIDDEN_EXTENT)
    (out_line,) = ax_hid.plot(xs, ys, color="black", lw=2, ls="--",
                              label="output unit: w·h + b = 0", zorder=2)
    ax_hid.set_xlim(*HIDDEN_EXTENT[:2])
    ax_hid.set_ylim(*HIDDEN_EXTENT[2:])
    ax_hid.set_aspect("equal")
    ax_hid.set_xlabel("h1 (output of hidden unit 1)")
    ax_hid.set_ylabel("h2 (output of hidden unit 2)")
    ax_hid.set_title("hidden layer: what the output unit sees")
    ax_hid.grid(True, alpha=0.3)
    ax_hid.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize="x-small")
    style.caption(fig, "Each hidden unit draws one line; the output unit draws one line in the "
                       "(h1, h2) plane")
    return fig, TinyNetworkArtists(regions, lines, points, out_line, X, y)


def data_extent_square(X, margin: float = 0.4):
    """A square around X's points, centred on 0 when they are (as the toy sets are)."""
    half = float(np.abs(np.asarray(X, dtype=float)).max()) + margin
    return (-half, half, -half, half)


def update_tiny_network(artists: TinyNetworkArtists, model) -> None:
    """Redraw both panels of ``tiny_network_figure`` for the model's current weights."""
    first, second = _tiny_parts(model)
    update_decision_regions(artists.regions, model)
    extent = artists.regions.get_extent()
    for j, line in enumerate(artists.hidden_lines):
        line.set_data(*boundary_segment(first.W.value[:, j], first.b.value[j], extent))
    H = hidden_outputs(model, artists.X)
    for k, collection in zip(np.unique(artists.y), artists.hidden_points):
        collection.set_offsets(H[artists.y == k])
    artists.output_line.set_data(*boundary_segment(second.W.value[:, 0], second.b.value[0],
                                                   HIDDEN_EXTENT))
