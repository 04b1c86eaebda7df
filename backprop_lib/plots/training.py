"""Pictures of training: the loss going down, the decision regions taking shape, train versus
validation curves, and what a trained digit classifier still gets wrong.

Every function takes what the engine computed (a ``History``, a trained model, a confusion
matrix), draws it on an ``ax`` (a new figure if none) and returns the artists it made, so a
widget can update them in place. ``training_figure`` + ``update_training_figure`` is the pair the
live view and the slider panel use.

    fig, view = training_figure(model, X, y, history)
    ...train more...
    update_training_figure(view, model, history)
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from . import style

# ------------------------------------------------------------------------------- loss curves


def _ax(ax, width=6.0, height=4.0):
    if ax is None:
        _, ax = style.new_figure(width=width, height=height)
    return ax


def plot_loss_curve(history, ax=None, label: str = "loss per step", color_index: int = 0,
                    log: bool = True):
    """The loss of every step of ``history`` (``History.loss``, shape (steps,)) against the step.

    Returns the Line2D; ``update_loss_curve(line, history)`` redraws it from a longer history.
    """
    ax = _ax(ax)
    steps = np.arange(1, len(history.loss) + 1)
    (line,) = ax.plot(steps, history.loss, color=style.color(color_index),
                      linestyle=style.linestyle(color_index), lw=1.5, label=label)
    if log:
        style.log_axis(ax)
    ax.set_xlabel("step (one update of the weights)")
    ax.set_ylabel("loss")
    ax.grid(True, which="major", alpha=0.3)
    _rescale_loss_axis(ax, history.loss)
    return line


def _rescale_loss_axis(ax, loss):
    ax.set_xlim(0, max(len(loss), 1) + 1)
    style.fit_ylim(ax, loss)


def update_loss_curve(line, history) -> None:
    """Give ``line`` (from ``plot_loss_curve``) the loss of ``history`` and rescale its axes."""
    loss = np.asarray(history.loss, dtype=float)
    line.set_data(np.arange(1, len(loss) + 1), loss)
    _rescale_loss_axis(line.axes, loss)


def plot_train_val(history, ax=None, metric: str = "loss"):
    """Training and validation ``metric`` ("loss" or "accuracy") after every epoch.

    Needs a history trained with ``validation=``. The gap between the two curves is
    overfitting: the network learns its training set by heart. Returns {"train": Line2D,
    "validation": Line2D, "best": Line2D (a vertical line at ``history.best_epoch``, the lowest
    validation loss, on the accuracy panel too, so that both panels mark the same epoch)}.
    """
    if metric not in ("loss", "accuracy"):
        raise ValueError(f"metric must be 'loss' or 'accuracy', got {metric!r}")
    train = np.asarray(getattr(history, f"train_{metric}"), dtype=float)
    val = np.asarray(getattr(history, f"val_{metric}"), dtype=float)
    if val.size == 0:
        raise ValueError("this history has no validation curve: train with "
                         "validation=(X_val, y_val)")
    ax = _ax(ax)
    epochs = np.arange(1, len(train) + 1)
    (tr,) = ax.plot(epochs, train, color=style.color(0), linestyle=style.linestyle(0), lw=2,
                    label=f"training {metric}")
    (va,) = ax.plot(epochs, val, color=style.color(1), linestyle=style.linestyle(1), lw=2,
                    label=f"validation {metric}")
    best = history.best_epoch       # lowest validation loss: the same epoch on either panel
    vline = ax.axvline(best, color=style.color(7), lw=1, linestyle=":",
                       label=f"lowest validation loss (epoch {best})")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    if metric == "accuracy":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.grid(True, alpha=0.3)
    ax.legend()
    return {"train": tr, "validation": va, "best": vline}


# ------------------------------------------------------------------------------- decision regions


def decision_grid(X, resolution: int = 100, margin: float = 0.25):
    """A square grid around the 2-D points X (n, 2): returns (points (resolution², 2), extent
    (x0, x1, y0, y1)) for ``imshow``."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"decision regions need 2-D inputs X of shape (n, 2), got {X.shape}")
    lo = X.min(axis=0) - margin
    hi = X.max(axis=0) + margin
    xs = np.linspace(lo[0], hi[0], resolution)
    ys = np.linspace(lo[1], hi[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()]), (lo[0], hi[0], lo[1], hi[1])


def _predicted_classes(model, grid, resolution):
    out = model.forward(grid)
    if out.shape[1] == 1:                       # one logit: class 1 where it is positive
        classes = (out[:, 0] > 0).astype(int)
    else:
        classes = out.argmax(axis=1)
    return classes.reshape(resolution, resolution)


@dataclass
class RegionsView:
    """The artists of a decision-region picture, for in-place updates."""

    image: object
    points: object
    grid: np.ndarray
    resolution: int


def plot_decision_regions(model, X, y, ax=None, resolution: int = 100, margin: float = 0.25,
                          num_classes: int | None = None) -> RegionsView:
    """The class ``model`` predicts at every point of the plane (shaded) with the data on top.

    X (n, 2), y (n,) class ids. Evaluates the model on a resolution x resolution grid (one
    forward pass, no gradient). Update with ``update_decision_regions(view, model)``.
    """
    ax = _ax(ax, 5.0, 4.5)
    y = np.asarray(y).astype(int).ravel()
    k = int(num_classes or max(int(y.max()) + 1, 2))
    grid, extent = decision_grid(X, resolution, margin)
    classes = _predicted_classes(model, grid, resolution)
    cmap = style.class_cmap(k)
    image = ax.imshow(classes, origin="lower", extent=extent, cmap=cmap, vmin=-0.5,
                      vmax=k - 0.5, alpha=0.35, interpolation="nearest", aspect="auto")
    points = ax.scatter(X[:, 0], X[:, 1], c=y, cmap=cmap, vmin=-0.5, vmax=k - 0.5, s=14,
                        edgecolors="white", linewidths=0.4)
    ax.set_xlabel("x₁ (input feature 1)")
    ax.set_ylabel("x₂ (input feature 2)")
    handles = [Line2D([], [], marker="o", linestyle="", color=style.CLASS_COLORS[c],
                          label=f"class {c}") for c in range(k)]
    ax.legend(handles=handles, loc="upper right", fontsize="small", framealpha=0.8)
    return RegionsView(image, points, grid, resolution)


def update_decision_regions(view: RegionsView, model) -> None:
    """Recolour the regions for the current weights of ``model``."""
    view.image.set_data(_predicted_classes(model, view.grid, view.resolution))


# ------------------------------------------------------------------------------- training figure


@dataclass
class TrainingView:
    """A loss curve and decision regions side by side (see ``training_figure``)."""

    fig: object
    loss_line: object
    regions: RegionsView
    title: object


def _status(history) -> str:
    if history is None or len(history.loss) == 0:
        return "not trained yet"
    text = f"step {len(history.loss)}, loss {history.loss[-1]:.3g}"
    if history.train_accuracy:
        text += f", training accuracy {history.train_accuracy[-1]:.0%}"
    if history.diverged:
        text += f", DIVERGED at step {history.diverged_at}"
    return text


class _NoHistory:
    loss = np.array([])
    train_accuracy: list = []
    diverged = False
    diverged_at = None


def training_figure(model, X, y, history=None, title: str | None = None, axes=None,
                    resolution: int = 80):
    """Left: the loss per step; right: the decision regions of ``model`` on 2-D data (X, y).

    ``history`` may be None (an untrained network). Returns (fig, TrainingView); update both
    panels with ``update_training_figure(view, model, history)``.
    """
    if axes is None:
        fig, axes = style.new_figure(2, width=4.8, height=3.8)
    else:
        fig = axes[0].figure
    hist = history if history is not None else _NoHistory()
    loss_line = plot_loss_curve(hist, ax=axes[0])
    axes[0].set_title("loss", fontsize="medium")
    regions = plot_decision_regions(model, X, y, ax=axes[1], resolution=resolution)
    text = axes[1].set_title(title or _status(history), fontsize="medium")
    return fig, TrainingView(fig, loss_line, regions, text)


def update_training_figure(view: TrainingView, model, history, title: str | None = None) -> None:
    """Redraw the loss curve and the regions of a ``training_figure`` in place."""
    update_loss_curve(view.loss_line, history)
    update_decision_regions(view.regions, model)
    view.title.set_text(title or _status(history))


def comparison_figure(runs, X, y, resolution: int = 80):
    """Several trained runs side by side, one column each: loss on top, regions below.

    ``runs``: a list of (label, model, history). The loss axes share their y range so the
    curves can be compared by eye. Returns (fig, [TrainingView, ...]).
    """
    runs = list(runs)
    if not runs:
        raise ValueError("comparison_figure needs at least one (label, model, history) run")
    fig, axes = style.new_figure(len(runs), 2, width=4.3, height=3.4, squeeze=False)
    views = []
    for j, (label, model, history) in enumerate(runs):
        _, view = training_figure(model, X, y, history, axes=(axes[0, j], axes[1, j]),
                                  resolution=resolution)
        view.loss_line.set_color(style.color(j))
        axes[0, j].set_title(label, fontsize="medium")
        view.title.set_text(_status(history))
        views.append(view)
    lows = [ax.get_ylim()[0] for ax in axes[0]]
    highs = [ax.get_ylim()[1] for ax in axes[0]]
    for ax in axes[0]:
        ax.set_ylim(min(lows), max(highs))
    return fig, views


# ------------------------------------------------------------------------------- digits


def plot_digits(images, true_labels, predicted_labels=None, axes=None, ncols: int = 8,
                shape=(8, 8)):
    """Digits drawn as small grey images (ink dark), titled "true 3 → 8" when a prediction is
    given. ``images`` (n, 64) rows of pixels. Returns the list of AxesImage."""
    images = np.asarray(images, dtype=float)
    n = images.shape[0]
    if n == 0:
        raise ValueError("no digits to draw (an empty array): nothing was misclassified?")
    if axes is None:
        nrows = int(np.ceil(n / ncols))
        fig, axes = plt.subplots(nrows, ncols, figsize=(1.25 * ncols, 1.45 * nrows),
                                 layout="constrained", squeeze=False)
    axes = np.asarray(axes).ravel()
    drawn = []
    for i, ax in enumerate(axes):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= n:
            ax.set_axis_off()
            continue
        drawn.append(ax.imshow(images[i].reshape(shape), cmap="gray_r", vmin=0,
                               vmax=images.max() or 1, interpolation="nearest"))
        if predicted_labels is None:
            ax.set_title(f"{int(true_labels[i])}", fontsize="small")
        else:
            ax.set_title(f"true {int(true_labels[i])} → {int(predicted_labels[i])}",
                         fontsize="small", color=style.color(3))
    return drawn


def plot_confusion_matrix(cm, ax=None, class_names=None):
    """A confusion matrix (rows: true class, columns: predicted class) as a heat map with the
    counts written in. Off-diagonal cells are the mistakes. Returns the AxesImage."""
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"a confusion matrix is square (classes, classes), got {cm.shape}")
    ax = _ax(ax, 5.0, 4.5)
    k = cm.shape[0]
    names = [str(c) for c in (class_names if class_names is not None else range(k))]
    image = ax.imshow(cm, cmap=style.SEQUENTIAL_CMAP, interpolation="nearest")
    threshold = cm.max() / 2 if cm.size else 0
    for i in range(k):
        for j in range(k):
            if cm[i, j]:
                ax.text(j, i, f"{int(cm[i, j])}", ha="center", va="center", fontsize="x-small",
                        color="black" if cm[i, j] > threshold else "white")
    ax.set_xticks(range(k), names)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.figure.colorbar(image, ax=ax, label="number of test examples")
    return image
