"""Pictures of a network while it trains: its decision regions over the plane and its loss curve.

Each drawing function takes the axes to draw on and returns the artist that a later call of the
matching ``update_...`` function changes in place, so that a live view redraws without rebuilding
the figure::

    fig, (ax_regions, ax_loss) = style.new_figure(2, width=4.5, height=4)
    image = decision_regions(ax_regions, model, X, y)
    line = loss_curve(ax_loss, history)
    ...                                   # train a little more
    update_decision_regions(image, model)
    update_loss_curve(line, history)

Used by ``widgets.live`` (the live training view) and by the notebooks directly.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from . import style

REGION_ALPHA = 0.35


def plane_grid(lim: float | tuple, resolution: int = 120):
    """A grid over the plane for evaluating a model everywhere.

    ``lim`` is a half-width (the square [-lim, lim]²) or (xmin, xmax, ymin, ymax).
    Returns (points (resolution², 2), extent (xmin, xmax, ymin, ymax)); the points run row by row
    from the bottom, so ``values.reshape(resolution, resolution)`` is an image with origin "lower".
    """
    if np.isscalar(lim):
        extent = (-float(lim), float(lim), -float(lim), float(lim))
    else:
        extent = tuple(float(v) for v in lim)
        if len(extent) != 4:
            raise ValueError(f"lim must be a number or (xmin, xmax, ymin, ymax), got {lim!r}")
    x0, x1, y0, y1 = extent
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    xx, yy = np.meshgrid(xs, ys)
    return np.column_stack([xx.ravel(), yy.ravel()]), extent


def data_extent(X, margin: float = 0.25):
    """(xmin, xmax, ymin, ymax) around the points of X (n, 2), with a margin, as a square."""
    X = np.asarray(X, dtype=float)
    lo, hi = X.min(axis=0), X.max(axis=0)
    centre = (lo + hi) / 2
    half = (hi - lo).max() / 2 + margin
    return (centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)


def predicted_classes(model, points) -> np.ndarray:
    """The class the model picks at each point: argmax of (n, C) outputs, or logit > 0 for one
    output. ``model`` is a ``Sequential`` (or anything with ``forward``); run in eval mode."""
    if hasattr(model, "restoring_state"):     # modes and running statistics left as they were
        with model.restoring_state():
            model.eval()
            out = np.asarray(model.forward(points))
    else:
        out = np.asarray(model.forward(points))
    if out.ndim == 2 and out.shape[1] > 1:
        return out.argmax(axis=1)
    return (out.reshape(-1) > 0).astype(int)


def scatter_classes(ax, X, y, size: float = 22, labels: bool = True):
    """The data points, one colour and marker a class, with black edges so they show on top of
    the regions. Returns the list of PathCollections."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).reshape(-1).astype(int)
    artists = []
    for k in np.unique(y):
        pts = X[y == k]
        artists.append(ax.scatter(pts[:, 0], pts[:, 1], s=size, color=style.CLASS_COLORS[k],
                                  marker=style.MARKERS[k % len(style.MARKERS)],
                                  edgecolors="black", linewidths=0.5,
                                  label=f"class {k}" if labels else None, zorder=3))
    return artists


def decision_regions(ax, model, X, y, lim=None, resolution: int = 120, classes: int | None = None,
                     title: str | None = "decision regions"):
    """Colour the plane by the class ``model`` predicts there, with the points (X, y) on top.

    X (n, 2), y (n,) class ids. ``lim`` as in ``plane_grid`` (default: around the data).
    Returns the AxesImage of the regions; ``update_decision_regions(image, model)`` redraws it.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"decision regions are drawn for 2 features: X must be (n, 2), got "
                         f"{X.shape}")
    y = np.asarray(y).reshape(-1).astype(int)
    k = classes if classes is not None else max(int(y.max()) + 1, 2)
    points, extent = plane_grid(lim if lim is not None else data_extent(X), resolution)
    regions = predicted_classes(model, points).reshape(resolution, resolution)
    image = ax.imshow(regions, origin="lower", extent=extent, cmap=style.class_cmap(k),
                      vmin=-0.5, vmax=k - 0.5, alpha=REGION_ALPHA, interpolation="nearest",
                      aspect="auto", zorder=1)
    scatter_classes(ax, X, y)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel("x1 (feature 1)")
    ax.set_ylabel("x2 (feature 2)")
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    if k <= 4:
        ax.legend(loc="upper right", fontsize="small", framealpha=0.8)
    return image


def update_decision_regions(image, model) -> None:
    """Recompute the regions of ``image`` (from ``decision_regions``) for ``model``, in place."""
    resolution = image.get_array().shape[0]
    points, _ = plane_grid(tuple(image.get_extent()), resolution)
    image.set_data(predicted_classes(model, points).reshape(resolution, resolution))


def loss_curve(ax, history=None, steps: int | None = None, log: bool = True,
               title: str | None = "training loss"):
    """The loss at every training step (``history.loss``), on a log axis by default.

    ``steps`` fixes the x range in advance (a live view knows how many steps will come).
    Returns the Line2D; ``update_loss_curve(line, history)`` extends it.
    """
    values = getattr(history, "loss", None)
    loss = np.zeros(0) if values is None else np.asarray(values, dtype=float).reshape(-1)
    (line,) = ax.plot(np.arange(1, loss.size + 1), loss, color=style.color(0), lw=1.5,
                      label="loss per step")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    if log:
        style.log_axis(ax)
    ax.grid(True, alpha=0.3)
    if steps is not None:
        ax.set_xlim(0, max(int(steps), 1))
    if title:
        ax.set_title(title)
    _rescale(ax, line, steps)
    return line


def update_loss_curve(line, history, steps: int | None = None) -> None:
    """Show ``history.loss`` on ``line`` (from ``loss_curve``) and refit the axes."""
    loss = np.asarray(history.loss, dtype=float)
    line.set_data(np.arange(1, loss.size + 1), loss)
    _rescale(line.axes, line, steps)


def _rescale(ax, line, steps):
    shown = style.fit_ylim(ax, line.get_ydata())
    if steps is None:
        ax.set_xlim(0, max(len(shown), 1))


def training_figure(model, X, y, history=None, steps: int | None = None, figure=None):
    """The live view's picture: decision regions (left) and the loss curve (right).

    ``figure``: draw into this matplotlib Figure (empty) instead of a new pyplot one.
    Returns (fig, image, line), the artists for ``update_decision_regions`` / ``update_loss_curve``.
    """
    if figure is None:
        fig, (ax_regions, ax_loss) = style.new_figure(2, width=4.6, height=4.0)
    else:
        fig = figure
        ax_regions, ax_loss = fig.subplots(1, 2)
        fig.set_layout_engine("constrained")
    image = decision_regions(ax_regions, model, X, y)
    line = loss_curve(ax_loss, history, steps=steps)
    return fig, image, line


def offscreen_figure(width: float = 9.2, height: float = 4.0, dpi: int = 80) -> Figure:
    """A Figure outside pyplot (rendered with Agg on request), for views that send PNGs."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def freeze_layout(fig) -> None:
    """Lay the figure out once and keep that layout: redraws of a live view then skip the
    layout engine (a third of the drawing time). The layout is computed without rendering, so
    an ipympl canvas is not asked to draw before the browser has shown it (it then never
    draws)."""
    fig.draw_without_rendering()
    fig.set_layout_engine("none")


def to_png(fig) -> bytes:
    """The figure rendered as PNG bytes (light compression: fast to make, fine to send)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", pil_kwargs={"compress_level": 1})
    return buf.getvalue()
