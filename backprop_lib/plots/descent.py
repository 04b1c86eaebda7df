"""Pictures of gradient descent: paths on 1-D and 2-D loss surfaces (``backprop_lib.surfaces``),
loss per step on a log axis, and training curves of real networks side by side.

Functions that a widget redraws come in pairs: ``lr_explorer`` draws the figure once and
``update_lr_explorer`` moves its lines in place (likewise for ``compare_paths``).
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import LogNorm

from ..regimes import CRAWL_BELOW, path_regime
from ..surfaces import Path, Surface, descend
from .style import PALETTE, SEQUENTIAL_CMAP, color, linestyle, log_axis, new_figure
from .style import caption as add_caption

LOSS_FLOOR = 1e-16          # a loss of exactly 0 cannot be drawn on a log axis
VIEW = 4.0                  # explorers stop a path this many half-windows from the centre


def _explorer_bound(surface: Surface) -> float:
    return VIEW * max((hi - lo) / 2 for lo, hi in surface.bounds)


def _fit_1d(ax, surface: Surface, path: Path):
    """Axis limits that show the surface's window and, if it left, the whole path."""
    (lo, hi), = surface.bounds
    w = path.points[:, 0]
    x0, x1 = min(lo, float(w.min())), max(hi, float(w.max()))
    pad = 0.05 * (x1 - x0)
    ax.set_xlim(x0 - pad, x1 + pad)
    top = max(float(surface.loss_grid(np.array([[x0], [x1]])).max()), float(path.losses.max()))
    ax.set_ylim(-0.05 * top, 1.05 * top)


REGIME_WORDS = {"crawl": "crawls (lr far too small)", "converge": "converges",
                "oscillate": "oscillates (but converges)",
                "bounce": "bounces across the minimum, getting no closer",
                "diverge": "DIVERGES"}


def _axes(ax, ncols=1, width=6.0, height=4.0):
    if ax is None:
        fig, ax = new_figure(ncols=ncols, width=width, height=height)
        return fig, ax
    return ax.figure if not isinstance(ax, np.ndarray) else ax.flat[0].figure, ax


def _grid(surface: Surface, n: int = 100):
    (x0, x1), (y0, y1) = surface.bounds
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    X, Y = np.meshgrid(xs, ys)
    return X, Y, surface.loss_grid(np.stack([X, Y], axis=-1))


def draw_surface_1d(surface: Surface, ax=None):
    """L(w) over the surface's bounds. Returns the axes."""
    fig, ax = _axes(ax)
    (lo, hi), = surface.bounds
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    ws = np.linspace(mid - 1.5 * VIEW * half, mid + 1.5 * VIEW * half, 1500)   # room to diverge
    ax.plot(ws, surface.loss_grid(ws[:, None]), color="0.35", lw=1.5, label="loss L(w)")
    ax.set_xlim(lo, hi)
    ax.set_xlabel("parameter w")
    ax.set_ylabel("loss L(w)")
    return ax


def draw_surface_2d(surface: Surface, ax=None, levels: int = 20):
    """Contours of L(w0, w1) over the surface's bounds (log-spaced levels). Returns the axes."""
    fig, ax = _axes(ax)
    X, Y, Z = _grid(surface)
    lo = max(float(Z.min()), 1e-3 * float(Z.max()))
    lv = np.geomspace(lo, float(Z.max()), levels)
    ax.contourf(X, Y, Z, levels=lv, cmap=SEQUENTIAL_CMAP, alpha=0.55, extend="min",
                norm=LogNorm(lv[0], lv[-1]))
    ax.contour(X, Y, Z, levels=lv, colors="0.4", linewidths=0.4)
    if surface.minimum is not None:
        ax.plot(*surface.minimum, "*", color="white", mec="black", ms=13, label="minimum")
    ax.set_xlim(*surface.bounds[0])
    ax.set_ylim(*surface.bounds[1])
    ax.set_xlabel("parameter w0")
    ax.set_ylabel("parameter w1")
    return ax


def _path_xy(path: Path):
    """Coordinates to draw: (w, L) in 1-D, (w0, w1) in 2-D."""
    if path.points.shape[1] == 1:
        return path.points[:, 0], path.losses
    return path.points[:, 0], path.points[:, 1]


def _losses(path: Path):
    """The losses as computed; only an exact 0 (undrawable on a log axis) is lifted to the floor,
    so a line that flattens out really did stop falling."""
    losses = np.asarray(path.losses, dtype=float)
    return np.where(losses > 0, losses, LOSS_FLOOR)


def _first_color(surface: Surface) -> int:
    return 0 if surface.dim == 1 else 1          # no blue paths on the blue-green contours


def path_on_surface(surface: Surface, paths, ax=None, caption: str | None = None):
    """The surface (curve in 1-D, contours in 2-D) with one descent path or a dict
    {label: Path} drawn on it, points joined in order. Returns the figure."""
    fig, ax = _axes(ax)
    c0 = _first_color(surface)
    paths = paths if isinstance(paths, dict) else {f"lr = {paths.lr:.3g}": paths}
    draw = draw_surface_1d if surface.dim == 1 else draw_surface_2d
    draw(surface, ax)
    for i, (label, path) in enumerate(paths.items()):
        x, y = _path_xy(path)
        ax.plot(x, y, marker="o", ms=3.5, lw=1.3, color=color(i + c0),
                ls=linestyle(i), label=label)
        ax.plot(x[:1], y[:1], "o", color="black", ms=6)
    if surface.dim == 1:
        _fit_1d(ax, surface, next(iter(paths.values())))
    ax.legend(fontsize=8, loc="upper center" if surface.dim == 1 else "best")
    ax.set_title(f"gradient descent on {surface.name}", fontsize=10)
    if caption:
        add_caption(fig, caption)
    return fig


def loss_curves(paths: dict, ax=None, caption: str | None = None, first_color: int = 0):
    """Loss per step of each path in {label: Path}, log y axis. Returns the figure."""
    fig, ax = _axes(ax)
    log_axis(ax)
    for i, (label, path) in enumerate(paths.items()):
        ax.plot(np.arange(len(path.losses)), _losses(path), color=color(i + first_color),
                ls=linestyle(i), lw=1.8, label=label + (" (diverged)" if path.diverged else ""))
    ax.set_xlabel("step")
    ax.set_ylabel("loss (log scale)")
    ax.legend(fontsize=8)
    if caption:
        add_caption(fig, caption)
    return fig


def compare_paths(surface: Surface, paths: dict, caption: str | None = None):
    """Two panels: the paths on the surface, and their losses per step (log axis)."""
    fig, (ax0, ax1) = new_figure(ncols=2, width=5.2, height=4.2)
    path_on_surface(surface, paths, ax=ax0)
    loss_curves(paths, ax=ax1, first_color=_first_color(surface))    # same colours as the paths
    ax1.set_title("loss per step", fontsize=10)
    if caption:
        add_caption(fig, caption)
    return fig


def _number(x: float, edges=()) -> str:
    """x with 3 significant digits, or more when 3 would round it onto one of the regime
    ``edges`` (1.995 must not read "2": at lr·a = 2 descent bounces, at 1.995 it converges)."""
    for digits in range(3, 8):
        short = f"{x:.{digits}g}"
        if float(short) == x or float(short) not in edges:
            return short
    return short


def regime_title(path: Path) -> str:
    """'lr = 0.3: converges' and, on a quadratic, lr·a beside it."""
    words = REGIME_WORDS[path_regime(path)]
    if path.momentum:
        return (f"lr = {path.lr:.3g}, momentum = {path.momentum:.2g}: {words}, loss after "
                f"{path.steps} steps {path.final_loss:.2g}")
    a = getattr(path.surface, "max_curvature", None)
    if a is None:
        return f"lr = {path.lr:.3g}: {words}"
    edges = (CRAWL_BELOW, 1.0, 2.0)                        # of lr·a
    lr_edges = tuple(float(f"{e / a:.3g}") for e in edges)
    return (f"lr = {_number(path.lr, lr_edges)}: {words}  "
            f"(lr·a = {_number(path.lr * a, edges)})")


def lr_explorer(surface: Surface, lr: float = 0.3, start=None, steps: int = 25,
                momentum: float = 0.0, caption: str | None = None):
    """Left: the descent path for ``lr`` on ``surface``; right: its loss per step (log axis).
    The title names the regime: crawl, converge, oscillate, bounce or diverge. Returns the figure;
    ``update_lr_explorer(fig, lr)`` redraws it in place for another lr."""
    if start is None:
        start = [0.85 * b[0] for b in surface.bounds]
    path = descend(surface, start, lr, steps, momentum=momentum, bound=_explorer_bound(surface))
    fig, (ax0, ax1) = new_figure(ncols=2, width=5.0, height=3.9)
    draw = draw_surface_1d if surface.dim == 1 else draw_surface_2d
    draw(surface, ax0)
    x, y = _path_xy(path)
    (line,) = ax0.plot(x, y, "o-", ms=4, lw=1.2, color=PALETTE[3], label="descent path")
    (first,) = ax0.plot(x[:1], y[:1], "o", color="black", ms=7, label="start")
    if surface.dim == 1:
        _fit_1d(ax0, surface, path)
    ax0.legend(fontsize=8, loc="upper center")
    log_axis(ax1)
    (curve,) = ax1.plot(np.arange(len(path.losses)), _losses(path), "o-", ms=3,
                        color=PALETTE[3], label="loss")
    ax1.set_xlim(-0.5, steps + 0.5)
    ax1.set_ylim(1e-12, 1e5)
    ax1.set_xlabel("step")
    ax1.set_ylabel("loss (log scale)")
    ax1.legend(fontsize=8, loc="upper right")
    title = fig.suptitle(regime_title(path), fontsize=11)
    fig._lr_explorer = dict(surface=surface, start=start, steps=steps, momentum=momentum,
                            line=line, curve=curve, title=title, path=path)
    if caption:
        add_caption(fig, caption)
    return fig


def update_lr_explorer(fig, lr: float, momentum: float | None = None) -> Path:
    """Recompute the path of an ``lr_explorer`` figure for a new ``lr`` and move its lines in
    place (no new figure). Returns the new path."""
    state = getattr(fig, "_lr_explorer", None)
    if state is None:
        raise TypeError("update_lr_explorer needs a figure made by lr_explorer")
    if momentum is not None:
        state["momentum"] = momentum
    path = descend(state["surface"], state["start"], lr, state["steps"],
                   momentum=state["momentum"], bound=_explorer_bound(state["surface"]))
    x, y = _path_xy(path)
    state["line"].set_data(x, y)
    if path.points.shape[1] == 1:
        _fit_1d(state["line"].axes, state["surface"], path)
    state["curve"].set_data(np.arange(len(path.losses)), _losses(path))
    state["title"].set_text(regime_title(path))
    state["path"] = path
    return path


def regime_map(curvature: float = 1.0, lrs=None, ax=None, caption: str | None = None):
    """The factor |1 - lr·a| by which each step scales the distance to the minimum, against lr
    (log axis), with the regimes shaded: below 1 it converges, above 1 it diverges, and exactly
    at lr = 2/a (dashed line) it bounces. The labels of the narrow bands stand upright so that
    none overlaps its neighbour."""
    fig, ax = _axes(ax)
    a = float(curvature)
    lrs = np.geomspace(1e-3 / a, 6.0 / a, 300) if lrs is None else np.asarray(lrs, dtype=float)
    log_axis(ax, "x")
    ax.plot(lrs, np.abs(1 - lrs * a), color=PALETTE[0], lw=2, label="|1 - lr·a| per step")
    ax.axhline(1.0, color="0.3", lw=0.8, ls=":")
    spans = [("crawl", lrs[0], CRAWL_BELOW / a), ("converge", CRAWL_BELOW / a, 1 / a),
             ("oscillate", 1 / a, 2 / a), ("diverge", 2 / a, lrs[-1])]
    for i, (name, lo, hi) in enumerate(spans):
        ax.axvspan(lo, hi, color=color(i + 1), alpha=0.18, lw=0)
        upright = np.log10(hi / lo) < 0.6                    # too narrow for a level label
        ax.text(np.sqrt(lo * hi), 2.0 if upright else 2.5, name, ha="center", va="center",
                fontsize=8, rotation=90 if upright else 0)
    ax.axvline(2 / a, color="0.2", lw=1.2, ls="--")
    ax.text(2 / a * 1.04, 0.15, "bounce\n(lr = 2/a)", fontsize=7, ha="left", va="bottom")
    ax.set_ylim(0, 3.0)
    ax.set_xlabel(f"learning rate lr (curvature a = {a:g})")
    ax.set_ylabel("distance factor per step")
    ax.legend(fontsize=8, loc="center left")
    if caption:
        add_caption(fig, caption)
    return fig


def training_curves(histories: dict, x: str = "step", ax=None, caption: str | None = None):
    """Training loss of each run in {label: History} against 'step' or 'epoch', log y axis.
    A diverged run ends where it stopped. Returns the figure."""
    if x not in ("step", "epoch"):
        raise ValueError(f"x must be 'step' or 'epoch', got {x!r}")
    fig, ax = _axes(ax)
    log_axis(ax)
    for i, (label, h) in enumerate(histories.items()):
        if x == "step":
            xs, ys = np.arange(1, len(h.loss) + 1), np.asarray(h.loss)
        else:
            xs, ys = np.arange(1, len(h.train_loss) + 1), np.asarray(h.train_loss)
        ax.plot(xs, np.maximum(ys, LOSS_FLOOR), color=color(i), ls=linestyle(i), lw=1.4,
                label=label + (" (diverged)" if h.diverged else ""))
    ax.set_xlabel(x)
    ax.set_ylabel("training loss (log scale)")
    ax.legend(fontsize=8)
    if caption:
        add_caption(fig, caption)
    return fig


def compare_training(histories: dict, caption: str | None = None):
    """Two panels: the loss of each run per step and per epoch (log axes)."""
    fig, (ax0, ax1) = new_figure(ncols=2, width=5.2, height=4.0)
    training_curves(histories, "step", ax=ax0)
    training_curves(histories, "epoch", ax=ax1)
    log_axis(ax0, "x")
    ax0.set_title("per step (update)", fontsize=10)
    ax1.set_title("per epoch (pass over the data)", fontsize=10)
    if caption:
        add_caption(fig, caption)
    return fig


__all__ = ["draw_surface_1d", "draw_surface_2d", "path_on_surface", "loss_curves",
           "compare_paths", "lr_explorer", "update_lr_explorer", "regime_title", "regime_map",
           "training_curves", "compare_training"]
