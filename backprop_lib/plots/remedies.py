"""Pictures for the remedies (notebooks 08 and 09): activations and their derivatives, the
per-layer error measured against theory, training grids, normalization, clipping, broken runs.

Every ``plot_*`` returns a figure; the ``update_*`` functions redraw one in place from new numbers
(the widgets call them). The numbers come from ``backprop_lib.debugging`` and the engine.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import debugging
from ..activations import activation as make_activation
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


def _line(ax, gid):
    for line in ax.lines:
        if line.get_gid() == gid:
            return line
    raise KeyError(f"no line {gid!r} in this figure; was it drawn by plots.remedies?")


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


# --------------------------------------------------------------------------- normalization

def plot_norm_comparison(profiles: dict, histories: dict | None = None):
    """Left: RMS of dL/dZ per hidden layer at initialization for each variant (label ->
    ``debugging.init_profile``), log scale. Right (with ``histories``, label -> History): the
    training loss per step."""
    if not profiles:
        raise ValueError("pass at least one profile, as {'label': init_profile(...)}")
    ncols = 2 if histories else 1
    fig, axes = new_figure(ncols, 1, width=5.0, height=3.6)
    axes = np.atleast_1d(axes)
    ax_g = axes[0]
    for k, (label, p) in enumerate(profiles.items()):
        ax_g.plot(p["layer"], p["delta_rms"], marker="o", color=color(k), linestyle=linestyle(k),
                  lw=2, gid=f"profile:{label}", label=label)
    log_axis(ax_g)
    ax_g.set(xlabel="layer (1 = next to the input)", ylabel="RMS of dL/dZ at init (log scale)")
    ax_g.legend(loc="best", fontsize="small")
    ax_g.grid(alpha=0.3)
    if histories:
        ax_l = axes[1]
        # runs stuck at the same loss (log 2) draw on top of each other: staggered markers keep
        # every one of them visible
        spacing = max(max(h.steps for h in histories.values()) // 6, len(histories))
        for k, (label, h) in enumerate(histories.items()):
            ax_l.plot(np.arange(1, h.steps + 1), h.loss, color=color(k), linestyle=linestyle(k),
                      lw=1.2, marker="osD^v<>"[k % 7], ms=6,
                      markevery=(k * spacing // len(histories), spacing),
                      gid=f"loss:{label}", label=label)
        ax_l.set(xlabel="step", ylabel="training loss (per batch)")
        ax_l.legend(loc="upper right", fontsize="small")
        ax_l.grid(alpha=0.3)
    _rescale_norm(fig, profiles, histories)
    return fig


def _rescale_norm(fig, profiles, histories):
    ax_g = fig.axes[0]
    values = np.concatenate([p["delta_rms"] for p in profiles.values()])
    values = values[np.isfinite(values) & (values > 0)]
    if values.size:
        ax_g.set_ylim(values.min() / 3, values.max() * 3)
    ax_g.set_xlim(0.5, max(len(p["layer"]) for p in profiles.values()) + 0.5)
    if histories:
        ax_l = fig.axes[1]
        losses = np.concatenate([h.loss for h in histories.values()] + [np.array([1.0])])
        losses = losses[np.isfinite(losses)]
        ax_l.set_xlim(0, max(max(h.steps for h in histories.values()), 1))
        ax_l.set_ylim(0, min(float(np.max(losses)) * 1.05, 3.0))


def update_norm_comparison(fig, profiles: dict, histories: dict | None = None) -> None:
    """Redraw a figure of ``plot_norm_comparison`` in place (same labels, new numbers)."""
    for label, p in profiles.items():
        _line(fig.axes[0], f"profile:{label}").set_data(p["layer"], p["delta_rms"])
    if histories:
        for label, h in histories.items():
            _line(fig.axes[1], f"loss:{label}").set_data(np.arange(1, h.steps + 1), h.loss)
    _rescale_norm(fig, profiles, histories)


def plot_batch_dependence(result: dict, output: int = 0):
    """One example's output (logit ``output``) in each of several random batches: it moves with
    the batch in training mode and stays put in evaluation mode (``debugging.batch_dependence``)."""
    fig, ax = new_figure(1, 1, width=6.0, height=3.4)
    for k, mode in enumerate(("train", "eval")):
        values = result[mode][:, output]
        ax.plot(np.arange(1, len(values) + 1), values, marker="os"[k], color=color(k),
                linestyle=linestyle(k), label=f"{mode} mode")
    ax.set(xlabel="batch the example was placed in", ylabel=f"output {output} for the same example")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="best")
    ax.grid(alpha=0.3)
    return fig


# --------------------------------------------------------------------------- clipping

def plot_clipping(histories: dict):
    """Training loss per step (log scale, cut at 1e4) of each run (label -> History); a run that
    diverged ends in a cross at its last finite step."""
    if not histories:
        raise ValueError("pass at least one History, as {'label': history}")
    fig, ax = new_figure(1, 1, width=6.4, height=3.6)
    for k, (label, h) in enumerate(histories.items()):
        ax.plot(np.arange(1, h.steps + 1), h.loss, color=color(k), linestyle=linestyle(k), lw=1.5,
                gid=f"loss:{label}", label=label)
        ax.plot([], [], "X", color=color(k), ms=11, gid=f"end:{label}")
    log_axis(ax)
    ax.set(xlabel="step", ylabel="training loss (log scale, cut at 1e4)")
    ax.legend(loc="upper right", fontsize="small")
    ax.grid(alpha=0.3)
    update_clipping(fig, histories)
    return fig


def update_clipping(fig, histories: dict, ceiling: float = 1e4) -> None:
    """Redraw a figure of ``plot_clipping`` in place (same labels, new histories). Losses above
    ``ceiling`` are drawn at the ceiling (a diverging loss reaches 1e80 in a few steps)."""
    ax = fig.axes[0]
    top, bottom, right = 1.0, 1.0, 1
    for label, h in histories.items():
        steps = np.arange(1, h.steps + 1)
        shown = np.minimum(h.loss, ceiling)
        _line(ax, f"loss:{label}").set_data(steps, shown)
        end = _line(ax, f"end:{label}")
        if h.diverged and h.steps:
            end.set_data([h.steps], [shown[-1]])
        else:
            end.set_data([], [])
        finite = shown[np.isfinite(shown) & (shown > 0)]
        if finite.size:
            top, bottom = max(top, float(finite.max())), min(bottom, float(finite.min()))
        right = max(right, h.steps)
    ax.set_xlim(0, right + 1)
    ax.set_ylim(bottom / 2, top * 3)


# --------------------------------------------------------------------------- broken networks

def plot_broken_runs(runs: dict):
    """Small multiples: the training loss per epoch of each broken network (name -> Run),
    titled with its verdict and the first finding of the checklist."""
    if not runs:
        raise ValueError("pass at least one run, as {'name': debugging.run(...)}")
    n = len(runs)
    ncols = min(n, 3)
    nrows = int(np.ceil(n / ncols))
    fig, axes = new_figure(ncols, nrows, width=3.6, height=2.8, squeeze=False)
    for k, (ax, (name, r)) in enumerate(zip(axes.flat, runs.items())):
        h = r.history
        if h.steps:
            ax.plot(np.arange(1, h.steps + 1), h.loss, color=color(k), lw=1.2)
            finite = h.loss[np.isfinite(h.loss) & (h.loss > 0)]
            if finite.size and finite.max() > 100 * finite.min():
                log_axis(ax)                      # a diverging loss spans many powers of ten
        if h.diverged:
            # a run stopped after a step or two is one point: give it room and say what happened
            ax.plot([h.steps], [h.loss[-1]] if h.steps else [1.0], "X", color=color(3), ms=10)
            ax.set_xlim(0, max(10, 2 * h.steps))
            ax.text(0.5, 0.5, f"diverged at step {h.diverged_at}:\ntraining stopped",
                    transform=ax.transAxes, ha="center", va="center", fontsize="small")
        problem = r.diagnosis.problems[0] if r.diagnosis else "no finding"
        verdict = "learns" if r.learned else ("diverged" if h.diverged else "stuck")
        ax.set_title(f"{name}\n{verdict}; checklist: {problem}", fontsize="small")
        ax.set(xlabel="step", ylabel="training loss")
        ax.grid(alpha=0.3, )
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    return fig


__all__ = [
    "activation_curves", "plot_activations", "plot_hidden_weights", "plot_init_profile",
    "update_init_profile", "plot_training_grid", "plot_norm_comparison", "update_norm_comparison",
    "plot_batch_dependence", "plot_clipping", "update_clipping", "plot_broken_runs",
]
