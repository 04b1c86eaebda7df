"""Pictures for the remedies (notebooks 08 and 09): activations and their derivatives, the
per-layer error measured against theory, training grids, normalization, clipping, broken runs.

Every ``plot_*`` returns a figure; the ``update_*`` functions redraw one in place from new numbers
(the widgets call them). The numbers come from ``backprop_lib.debugging`` and the engine.

This file draws notebook 08's pictures (activations, symmetric weights, the error per layer at
initialization, training grids); notebook 09's (normalization, batch dependence, clipping,
broken runs) are in ``remedies_normalization`` and are imported here too.
"""

from __future__ import annotations

import numpy as np

from .. import debugging
from ..activations import activation as make_activation
from .remedies_normalization import (  # notebook 09, so that everything of 08 and 09 is here
    _line,
    plot_batch_dependence,
    plot_broken_runs,
    plot_clipping,
    plot_norm_comparison,
    update_clipping,
    update_norm_comparison,
)
from .style import DIVERGING_CMAP, SEQUENTIAL_CMAP, color, linestyle, log_axis, new_figure

ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu")


# --------------------------------------------------------------------------- activations

def activation_curves(names=ACTIVATION_NAMES, z=None, slope: float = 0.1) -> dict:
    """f(z) and f'(z) of each activation on a grid z, computed by the engine's layers
    (leaky ReLU drawn with ``slope`` so its leak is visible)."""
    z = np.linspace(-5, 5, 401) if z is None else np.asarray(z, dtype=float)
    curves = {}
    for name in names:
        layer = make_activation(name)
        if name == "leaky_relu":
            layer.slope = slope
        f = layer.forward(z[:, None])[:, 0]
        curves[name] = (f, layer.local_grad()[:, 0])
    return {"z": z, "curves": curves}


def plot_activations(names=ACTIVATION_NAMES, z=None):
    """Two panels side by side: the activations f(z) and their derivatives f'(z)."""
    data = activation_curves(names, z)
    fig, (ax_f, ax_d) = new_figure(2, 1, width=5.0, height=3.6)
    for i, (name, (f, df)) in enumerate(data["curves"].items()):
        kw = dict(color=color(i), linestyle=linestyle(i), lw=2, label=name)
        ax_f.plot(data["z"], f, **kw)
        ax_d.plot(data["z"], df, **kw)
    ax_f.set(xlabel="pre-activation z", ylabel="activation f(z)", title="the functions",
             ylim=(-1.5, 3))
    ax_d.set(xlabel="pre-activation z", ylabel="derivative f'(z)", title="their derivatives",
             ylim=(-0.05, 1.1))
    ax_d.axhline(0.25, color="0.6", lw=0.8, ls=":")
    ax_d.annotate("sigmoid's peak: 1/4", (-4.8, 0.27), fontsize="small", color="0.3")
    ax_f.legend(loc="upper left")
    ax_d.legend(loc="center right")
    for ax in (ax_f, ax_d):
        ax.grid(alpha=0.3)
    return fig


# --------------------------------------------------------------------------- symmetry

def plot_hidden_weights(models: dict, layer: int = 2):
    """Heat maps of the incoming weights W (fan_in x units) of hidden Dense layer ``layer``
    (1-based) of each model: identical columns are identical units."""
    if not models:
        raise ValueError("pass at least one model, as {'title': model}")
    fig, axes = new_figure(len(models), 1, width=4.2, height=3.4)
    axes = np.atleast_1d(axes)
    for ax, (title, model) in zip(axes, models.items()):
        dense = model.dense_layers()
        if not 1 <= layer < len(dense):
            raise ValueError(f"layer must be a hidden Dense layer, 1..{len(dense) - 1}; "
                             f"got {layer}")
        W = dense[layer - 1].W.value
        limit = max(float(np.abs(W).max()), 1e-12)
        image = ax.imshow(W, cmap=DIVERGING_CMAP, vmin=-limit, vmax=limit, aspect="auto",
                          interpolation="nearest")
        ax.set(xlabel=f"hidden unit of layer {layer}", ylabel=f"input from layer {layer - 1}",
               title=title)
        fig.colorbar(image, ax=ax, label="weight W")
    return fig


# --------------------------------------------------------------------------- init profiles

def _profile_title(p):
    norm = f", norm={p['norm']}" if p.get("norm") else ""
    factor = "" if not np.isfinite(p["factor"]) else f"; theory x{p['factor']:.2f} per layer"
    return (f"{p['activation']} + {p['init']}{norm}: first/last = {p['ratio']:.1e}{factor}")


def plot_init_profile(profile: dict | None = None):
    """Left: the RMS of dL/dZ per hidden layer at initialization, measured (markers) and as
    theory predicts (dashed), log scale. Right: the fraction of saturated or dead units.
    ``profile`` comes from ``debugging.init_profile`` (default: depth 10, tanh, standard)."""
    p = debugging.init_profile() if profile is None else profile
    fig, (ax_g, ax_s) = new_figure(2, 1, width=5.0, height=3.6)
    fig.get_layout_engine().set(wspace=0.08)
    ax_g.plot(p["layer"], p["delta_rms"], "o-", color=color(0), lw=2, gid="measured",
              label="measured RMS dL/dZ")
    ax_g.plot(p["layer"], p["predicted"], "--", color=color(1), lw=2, gid="predicted",
              label="theory: x factor per layer")
    log_axis(ax_g)
    ax_g.set(xlabel="layer (1 = next to the input)", ylabel="RMS of dL/dZ (log scale)")
    ax_g.legend(loc="lower right")
    ax_g.grid(alpha=0.3)
    ax_s.plot(p["layer"], p["saturation"], "s-", color=color(3), lw=2, gid="saturation",
              label="saturated or dead (per example)")
    ax_s.plot(p["layer"], p["dead"], "^:", color=color(4), lw=2, gid="dead",
              label="quiet for every example")
    ax_s.set(xlabel="layer (1 = next to the input)", ylabel="fraction of units", ylim=(-0.03, 1.03))
    ax_s.legend(loc="upper right")
    ax_s.grid(alpha=0.3)
    fig.suptitle(_profile_title(p), fontsize="medium")
    _rescale_profile(fig, p)
    return fig


def _rescale_profile(fig, p):
    ax_g, ax_s = fig.axes[:2]
    values = np.concatenate([p["delta_rms"], p["predicted"]])
    values = values[np.isfinite(values) & (values > 0)]
    if values.size:
        lo, hi = values.min(), values.max()
        ax_g.set_ylim(lo / 3, hi * 3)
    for ax in (ax_g, ax_s):
        ax.set_xlim(0.5, len(p["layer"]) + 0.5)


def update_init_profile(fig, profile: dict) -> None:
    """Redraw a figure of ``plot_init_profile`` in place with a new profile."""
    ax_g, ax_s = fig.axes[:2]
    layer = profile["layer"]
    _line(ax_g, "measured").set_data(layer, profile["delta_rms"])
    _line(ax_g, "predicted").set_data(layer, profile["predicted"])
    _line(ax_s, "saturation").set_data(layer, profile["saturation"])
    _line(ax_s, "dead").set_data(layer, profile["dead"])
    fig._suptitle.set_text(_profile_title(profile))
    _rescale_profile(fig, profile)


# --------------------------------------------------------------------------- training grids

def plot_training_grid(runs: dict):
    """Left: training loss per epoch of every run (``debugging.compare`` with labels
    (activation, init)). Right: validation accuracy as a table of colours, activation x init."""
    if not runs:
        raise ValueError("pass at least one run, as {(activation, init): Run}")
    labels = list(runs)
    acts = list(dict.fromkeys(a for a, _ in labels))
    inits = list(dict.fromkeys(i for _, i in labels))
    fig, (ax_l, ax_t) = new_figure(2, 1, width=5.2, height=3.8)
    for (act, init), r in runs.items():
        losses = r.history.train_loss
        ax_l.plot(np.arange(1, len(losses) + 1), losses, color=color(acts.index(act)),
                  linestyle=linestyle(inits.index(init)), lw=1.8, label=f"{act} + {init}")
    log_axis(ax_l)
    ax_l.set(xlabel="epoch", ylabel="training loss (log scale)")
    ax_l.legend(fontsize="x-small", ncol=2, loc="lower left")
    ax_l.grid(alpha=0.3, )
    table = np.full((len(acts), len(inits)), np.nan)
    for (act, init), r in runs.items():
        table[acts.index(act), inits.index(init)] = r.val_accuracy
    image = ax_t.imshow(table, cmap=SEQUENTIAL_CMAP, vmin=0.4, vmax=1.0)
    for i in range(len(acts)):
        for j in range(len(inits)):
            if np.isfinite(table[i, j]):
                ax_t.text(j, i, f"{table[i, j]:.0%}", ha="center", va="center",
                          color="white" if table[i, j] < 0.75 else "black", fontsize="small")
    ax_t.set_xticks(range(len(inits)), inits)
    ax_t.set_yticks(range(len(acts)), acts)
    ax_t.set(xlabel="init", ylabel="activation", title="validation accuracy (chance 50%)")
    fig.colorbar(image, ax=ax_t, label="validation accuracy")
    return fig


__all__ = [
    "activation_curves", "plot_activations", "plot_hidden_weights", "plot_init_profile",
    "update_init_profile", "plot_training_grid", "plot_norm_comparison", "update_norm_comparison",
    "plot_batch_dependence", "plot_clipping", "update_clipping", "plot_broken_runs",
]
