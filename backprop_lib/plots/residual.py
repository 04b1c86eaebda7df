"""Pictures for notebook 10 (residual connections). Every number comes from
``backprop_lib.deep`` (or the engine); these functions only draw it.

- ``plot_delta_profiles``: per-layer RMS of dL/dZ, plain against residual, theory dashed over
  the measurement, one panel per (activation, depth);
- ``plot_explorer`` / ``update_explorer``: one network's profile, redrawn in place (the widget);
- ``plot_training_profiles``: loss and per-layer error during training, plain against residual;
- ``plot_depth_sweep``: the capstone, depth against accuracy for each remedy, over seeds.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import LogLocator

from .style import color, fit_ylim, linestyle, log_axis, new_figure

KIND_COLORS = {"plain": 3, "residual": 0}


def _draw_profile(ax, profile, label, i):
    layer = profile["layer"]
    ax.plot(layer, profile["measured"], color=color(i), lw=2, label=f"{label}: measured")
    ax.plot(layer, profile["theory"], color=color(i), lw=1.2, ls=":", label=f"{label}: theory")


def plot_delta_profiles(profiles: dict):
    """``profiles``: {(activation, depth): {"plain": profile, "residual": profile}} with the
    profiles of ``deep.delta_profile``. One row per activation, one column per depth."""
    if not profiles:
        raise ValueError("pass at least one profile, as {(activation, depth): {...}}")
    activations = list(dict.fromkeys(a for a, _ in profiles))
    depths = list(dict.fromkeys(d for _, d in profiles))
    fig, axes = new_figure(len(depths), len(activations), width=3.6, height=2.6,
                           squeeze=False, sharey="row")
    for r, act in enumerate(activations):
        for c, depth in enumerate(depths):
            ax = axes[r][c]
            log_axis(ax)
            shown = []
            for kind, profile in profiles.get((act, depth), {}).items():
                _draw_profile(ax, profile, kind, KIND_COLORS.get(kind, 2))
                shown.append(profile["measured"])
                shown.append(profile["theory"])
            if shown:
                fit_ylim(ax, np.concatenate(shown))
            ax.set_title(f"{act}, {depth} hidden layers", fontsize="medium")
            if r == len(activations) - 1:
                ax.set_xlabel("hidden layer (1 = nearest the input)")
            if c == 0:
                ax.set_ylabel("RMS of dL/dZ")
            ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize="small", loc="best")
    return fig


def plot_forward_growth(growths: dict):
    """``growths``: {label: ``deep.forward_growth(...)``}; the RMS of the residual stream per
    block, measured (solid) and predicted (dotted), on a log scale."""
    fig, ax = new_figure(1, 1, width=7.0, height=4.0)
    log_axis(ax)
    shown = []
    for i, (label, g) in enumerate(growths.items()):
        ax.plot(g["block"], g["measured"], color=color(i), ls=linestyle(i), lw=2, label=label)
        ax.plot(g["block"], g["theory"], color="k", ls=":", lw=1)
        shown += [g["measured"], g["theory"]]
    ax.plot([], [], color="k", ls=":", lw=1, label="theory (each block adds its variance)")
    fit_ylim(ax, np.concatenate(shown))
    ax.set(xlabel="residual block", ylabel="RMS of the signal after the block",
           title="the forward signal of a residual stack")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")
    return fig


# --------------------------------------------------------------------------- the explorer
def plot_explorer(profile: dict, title: str = ""):
    """One network's per-layer RMS of dL/dZ (measured, and theory where it applies)."""
    fig, ax = new_figure(1, 1, width=6.4, height=3.6)
    log_axis(ax)
    (measured,) = ax.plot(profile["layer"], profile["measured"], color=color(0), lw=2,
                          label="measured")
    (predicted,) = ax.plot(profile["layer"], profile["theory"], color=color(1), lw=1.5,
                           ls="--", label="theory (measured E[f'²])")
    ax.set(xlabel="hidden layer (1 = nearest the input)", ylabel="RMS of dL/dZ", xlim=(1, 100))
    # redraw cost is text layout: at most 6 labelled decades, and a title at a fixed height
    # (matplotlib otherwise re-measures every tick label to place it): about half the time
    ax.yaxis.set_major_locator(LogLocator(numticks=6))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    fig.lines_ = (measured, predicted)
    update_explorer(fig, profile, title)
    return fig


def update_explorer(fig, profile: dict, title: str = ""):
    """Redraw ``plot_explorer``'s figure in place for a new profile."""
    ax = fig.axes[0]
    measured, predicted = fig.lines_
    measured.set_data(profile["layer"], profile["measured"])
    predicted.set_data(profile["layer"], profile["theory"])
    ax.set_xlim(1, max(2, len(profile["layer"])))
    fit_ylim(ax, np.concatenate([profile["measured"], profile["theory"]]))
    ax.set_title(title, fontsize="medium", y=1.0)
    return fig


# --------------------------------------------------------------------------- training
def plot_training_profiles(histories: dict, accuracies: dict | None = None, moments=(0, 0.5, 1)):
    """``histories``: {label: History}. Left: the training loss per step. Right: per hidden
    layer the RMS of dL/dZ at a few moments of training (fractions of the run)."""
    fig, (ax_loss, ax_delta) = new_figure(2, 1, width=5.0, height=3.6)
    log_axis(ax_delta)
    shown = []
    for i, (label, history) in enumerate(histories.items()):
        name = label if not accuracies else f"{label} ({accuracies[label]:.0%} test)"
        ax_loss.plot(np.arange(1, history.steps + 1), history.loss, color=color(i), lw=1.5,
                     label=name)
        delta = history.delta_rms[:, :-1]                   # hidden layers only
        for k, moment in enumerate(moments):
            step = min(int(moment * (history.steps - 1)), history.steps - 1)
            ax_delta.plot(np.arange(1, delta.shape[1] + 1), delta[step], color=color(i),
                          ls=linestyle(k), lw=1.5,
                          label=f"{label}, step {step + 1}")
            shown.append(delta[step])
    fit_ylim(ax_delta, np.concatenate(shown))
    ax_loss.set(xlabel="step", ylabel="training loss", title="the loss")
    ax_delta.set(xlabel="hidden layer (1 = nearest the input)", ylabel="RMS of dL/dZ",
                 title="the error reaching each layer, during training")
    for ax in (ax_loss, ax_delta):
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    return fig


def plot_depth_sweep(results: dict, depths, steps: int | None = None, chance: float = 0.1):
    """The capstone: ``results`` {remedy: accuracies (depths, seeds)} from
    ``deep.depth_sweep``; the median over seeds as a line, the min-max as a bar."""
    depths = np.asarray(list(depths))
    fig, ax = new_figure(1, 1, width=8.0, height=4.6)
    for i, (label, acc) in enumerate(results.items()):
        acc = np.asarray(acc)
        med = np.median(acc, axis=1)
        shift = (i - len(results) / 2) * 0.012 * depths.max()   # side by side, not on top
        last = i == len(results) - 1            # the combination: the course's answer, in black
        ax.errorbar(depths + shift, med, yerr=[med - acc.min(axis=1), acc.max(axis=1) - med],
                    color="black" if last else color(i), ls="-" if last else linestyle(i),
                    marker="o", lw=2.6 if last else 1.8, capsize=3, label=label,
                    zorder=3 if last else 2)
    ax.axhline(chance, color="0.5", lw=0.8, ls=":")
    ax.annotate("chance", (depths.min(), chance + 0.01), fontsize="small", color="0.4")
    budget = f" after {steps} steps" if steps else ""
    ax.set(xlabel="hidden layers", ylabel=f"test accuracy{budget}", ylim=(0, 1.02),
           title=f"what makes deep networks train\nthe digits: median, min-max over "
                 f"{np.asarray(next(iter(results.values()))).shape[1]} seeds")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.01, 0.5))
    return fig


__all__ = ["plot_delta_profiles", "plot_depth_sweep", "plot_explorer", "plot_forward_growth",
           "plot_training_profiles", "update_explorer"]
