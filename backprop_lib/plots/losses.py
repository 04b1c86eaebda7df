"""Pictures for notebook 02 (the error): residuals of a regression, the losses and their
gradients as one prediction slides, and the softmax cross-entropy's gradient per class.

Every number drawn comes from the engine's losses (``bp.mse``, ``bp.binary_cross_entropy``,
``bp.softmax_cross_entropy``) and its ``Sigmoid`` layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..activations import Sigmoid
from ..losses import binary_cross_entropy, mse, sigmoid, softmax, softmax_cross_entropy
from . import style

__all__ = ["LogitLossArtists", "logit_loss_curves", "logit_loss_figure", "loss_and_gradient",
           "residuals", "softmax_figure", "update_logit_loss"]

Z_RANGE = (-8.0, 8.0)


# ------------------------------------------------------------------ regression: residuals
def residuals(ax, x, target, pred, title: str | None = None):
    """Targets as points, predictions as a line, and each error pred - target as a vertical
    segment. x (n,), target (n,), pred (n,). Returns the mean squared error (``bp.mse``)."""
    x, target, pred = (np.asarray(a, dtype=float).reshape(-1) for a in (x, target, pred))
    order = np.argsort(x)
    loss, _ = mse(pred, target)
    ax.vlines(x, target, pred, color=style.color(4), lw=1.5, label="error: prediction - target")
    ax.scatter(x, target, color=style.color(0), s=22, zorder=3, label="target y")
    ax.plot(x[order], pred[order], color=style.color(1), lw=2, label="prediction ŷ")
    ax.set_xlabel("input x")
    ax.set_ylabel("output")
    ax.set_title(title if title is not None else f"mean squared error = {loss:.3f}")
    ax.legend(loc="best", fontsize="small")
    ax.grid(True, alpha=0.3)
    return loss


# ------------------------------------------------------------------ one prediction, two losses
def loss_and_gradient(z: float, target: float) -> dict:
    """For one logit z and a target t in {0, 1}: the probability p = σ(z), and for MSE on p and
    for binary cross-entropy on z, the loss and dL/dz (both from the engine).

    MSE on p: L = (p - t)², dL/dz = dL/dp · σ'(z) = 2(p - t) · p(1 - p)  (Sigmoid.backward).
    Cross-entropy: L = -t log p - (1-t) log(1-p), dL/dz = p - t.
    """
    z_arr = np.array([[float(z)]])
    t_arr = np.array([[float(target)]])
    act = Sigmoid()
    p = act.forward(z_arr)
    mse_loss, dp = mse(p, t_arr)
    mse_grad = act.backward(dp)              # chain rule through the sigmoid
    ce_loss, ce_grad = binary_cross_entropy(z_arr, t_arr)
    return {"p": float(p[0, 0]), "mse": mse_loss, "mse_grad": float(mse_grad[0, 0]),
            "ce": ce_loss, "ce_grad": float(ce_grad[0, 0])}


def _curves(target, zs):
    rows = [loss_and_gradient(z, target) for z in zs]
    return {key: np.array([r[key] for r in rows]) for key in rows[0]}


@dataclass
class LogitLossArtists:
    """What ``update_logit_loss`` changes: curves, markers, the z line and the readout."""

    lines: dict
    markers: dict
    vlines: list
    text: object
    zs: np.ndarray


LABELS = {"mse": "MSE on p = σ(z)", "ce": "cross-entropy"}


def logit_loss_curves(ax_loss, ax_grad, z: float = -4.0, target: int = 1,
                      points: int = 321) -> LogitLossArtists:
    """Left: each loss as the logit z slides; right: its gradient dL/dz. A marker at ``z``.

    Shows why classification uses cross-entropy: for a confident mistake (z far on the wrong
    side) the MSE gradient through the sigmoid is nearly 0, the cross-entropy gradient near ±1.
    """
    zs = np.linspace(*Z_RANGE, points)
    curves = _curves(target, zs)
    now = loss_and_gradient(z, target)
    lines, markers = {}, {}
    for i, key in enumerate(("mse", "ce")):
        color, ls = style.color(i), style.linestyle(i)
        lines[key] = ax_loss.plot(zs, curves[key], color=color, ls=ls, lw=2, label=LABELS[key])[0]
        lines[key + "_grad"] = ax_grad.plot(zs, curves[key + "_grad"], color=color, ls=ls, lw=2,
                                            label=LABELS[key])[0]
        markers[key] = ax_loss.plot([z], [now[key]], "o", color=color, ms=8, mec="black")[0]
        markers[key + "_grad"] = ax_grad.plot([z], [now[key + "_grad"]], "o", color=color, ms=8,
                                              mec="black")[0]
    vlines = [ax.axvline(z, color="grey", lw=1, ls=":", label="current logit z")
              for ax in (ax_loss, ax_grad)]
    ax_loss.set_xlabel("logit z (p = σ(z))")
    ax_loss.set_ylabel("loss L")
    ax_loss.set_ylim(-0.2, 8.5)
    ax_grad.set_xlabel("logit z (p = σ(z))")
    ax_grad.set_ylabel("gradient dL/dz")
    ax_grad.set_ylim(-1.1, 1.1)
    ax_grad.axhline(0, color="black", lw=0.6)
    for ax in (ax_loss, ax_grad):
        ax.grid(True, alpha=0.3)
        ax.legend(loc="best", fontsize="small")
    text = ax_loss.figure.suptitle("")
    artists = LogitLossArtists(lines, markers, vlines, text, zs)
    _readout(artists, z, target, now)
    return artists


def _readout(artists, z, target, now):
    artists.text.set_text(
        f"target t = {int(target)}, logit z = {z:.2f}, p = σ(z) = {now['p']:.3f}:   "
        f"MSE {now['mse']:.3f} (dL/dz {now['mse_grad']:+.3f}),   "
        f"cross-entropy {now['ce']:.3f} (dL/dz {now['ce_grad']:+.3f})")


def update_logit_loss(artists: LogitLossArtists, z: float, target: int,
                      target_changed: bool = True) -> None:
    """Move the markers to ``z``; redraw the curves too when the target changed."""
    if target_changed:
        curves = _curves(target, artists.zs)
        for key, line in artists.lines.items():
            line.set_ydata(curves[key])
    now = loss_and_gradient(z, target)
    for key, marker in artists.markers.items():
        marker.set_data([z], [now[key]])
    for line in artists.vlines:
        line.set_xdata([z, z])
    _readout(artists, z, target, now)


def logit_loss_figure(z: float = -4.0, target: int = 1):
    """``logit_loss_curves`` in a new figure. Returns (fig, LogitLossArtists)."""
    fig, (ax_loss, ax_grad) = style.new_figure(2, width=5.4, height=4.2)
    artists = logit_loss_curves(ax_loss, ax_grad, z, target)
    style.caption(fig, "Far on the wrong side the MSE curve flattens (gradient near 0); "
                       "cross-entropy keeps pushing (gradient near ±1)")
    return fig, artists


# ------------------------------------------------------------------ softmax cross-entropy
def softmax_figure(logits=(2.0, 1.0, -1.0), label: int = 1):
    """For one example with C logits and its true class: the probabilities softmax gives (left)
    and the gradient dL/dz = p - onehot(label) (right). Returns the figure."""
    z = np.asarray(logits, dtype=float).reshape(1, -1)
    classes = z.shape[1]
    if not 0 <= int(label) < classes:
        raise ValueError(f"label must be a class id in 0..{classes - 1}, got {label}")
    p = softmax(z)[0]
    loss, grad = softmax_cross_entropy(z, np.array([int(label)]))
    fig, (ax_p, ax_g) = style.new_figure(2, width=4.6, height=3.8)
    ids = np.arange(classes)
    colors = [style.color(1) if k == label else style.color(0) for k in ids]
    ax_p.bar(ids, p, color=colors, edgecolor="black")
    ax_p.set_ylim(0, 1)
    ax_p.set_xlabel("class")
    ax_p.set_ylabel("probability p = softmax(z)")
    ax_p.set_title(f"loss = -log p[{label}] = {loss:.3f}")
    ax_g.bar(ids, grad[0], color=colors, edgecolor="black")
    ax_g.axhline(0, color="black", lw=0.6)
    ax_g.set_ylim(-1, 1)
    ax_g.set_xlabel("class")
    ax_g.set_ylabel("gradient dL/dz = p - onehot")
    ax_g.set_title("descent raises z where the bar is negative")
    for ax in (ax_p, ax_g):
        ax.set_xticks(ids, [f"{k}{' (true)' if k == label else ''}" for k in ids])
        ax.grid(True, axis="y", alpha=0.3)
    style.caption(fig, "The true class is pulled up by 1 - p, every other class pushed down by "
                       "its own p")
    return fig


def sigmoid_probability(z):
    """p = σ(z), re-exported for labels and tests."""
    return sigmoid(z)
