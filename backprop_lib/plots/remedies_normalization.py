"""Pictures for notebook 09 (normalization): the per-layer error with and without normalization,
one example's output moving with its batch, clipping, and the broken networks' runs.

Every ``plot_*`` returns a figure; the ``update_*`` functions redraw one in place from new numbers
(the widgets call them), finding their lines by ``gid`` (``_line``). ``remedies`` imports every
name here, so ``plots.remedies`` still draws everything of 08 and 09.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from .style import color, linestyle, log_axis, new_figure


def _line(ax, gid):
    for line in ax.lines:
        if line.get_gid() == gid:
            return line
    raise KeyError(f"no line {gid!r} in this figure; was it drawn by plots.remedies?")


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
    "plot_norm_comparison", "update_norm_comparison", "plot_batch_dependence", "plot_clipping",
    "update_clipping", "plot_broken_runs",
]
