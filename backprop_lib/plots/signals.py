"""Pictures of the forward signal beside the backward one (``backprop_lib.signals``).

- ``plot_signal_product``: per layer, on one log axis, the RMS of each Dense layer's input A
  (forward), the RMS of dL/dZ (backward) and ‖dL/dW‖ = ‖Aᵀ·dL/dZ‖, their product; one panel per
  network, so that two networks can be compared side by side.
- ``plot_input_dependence``: the input-dependent share of each hidden layer's activation
  variance, one line per network.
"""

from __future__ import annotations

import numpy as np

from . import style
from .gradients import _fit_log_ylim, _layer_axis, plot_layer_values

SIGNAL_LINES = (                      # key of signals.weight_gradient_parts, label, marker
    ("input_rms", "forward: RMS of the layer's input A", "o"),
    ("delta_rms", "backward: RMS of dL/dZ", "s"),
    ("grad_norm", "product: ‖dL/dW‖ = ‖Aᵀ·dL/dZ‖", "D"),
)


def plot_signal_product(parts: dict, axes=None):
    """``parts``: {title: ``signals.weight_gradient_parts(...)``}, one panel each. Returns the
    figure; each panel's three lines are labelled by ``SIGNAL_LINES``."""
    if not isinstance(parts, dict) or not parts:
        raise ValueError("plot_signal_product takes {title: signals.weight_gradient_parts(...)}")
    if axes is None:
        fig, axes = style.new_figure(len(parts), width=5.2, height=4.0)
    axes = np.atleast_1d(axes)
    for ax, (title, p) in zip(axes, parts.items()):
        lines = [plot_layer_values(p[key], ax=ax, label=label, color_index=k, marker=marker)
                 for k, (key, label, marker) in enumerate(SIGNAL_LINES)]
        _layer_axis(ax, len(p["grad_norm"]))
        _fit_log_ylim(ax, *[line.get_ydata() for line in lines])
        ax.set_ylabel("size (log scale)")
        ax.set_title(title, fontsize="medium")
    axes[0].legend(fontsize="small", loc="best")
    return axes[0].figure


def plot_input_dependence(shares: dict, ax=None):
    """``shares``: {label: ``signals.input_dependent_share(...)``} (one value per hidden layer,
    between 0 and 1). Returns the axes."""
    if not isinstance(shares, dict) or not shares:
        raise ValueError("plot_input_dependence takes {label: signals.input_dependent_share(...)}")
    if ax is None:
        _, ax = style.new_figure(width=6.0, height=3.8)
    n = max(len(v) for v in shares.values())
    for k, (label, values) in enumerate(shares.items()):
        values = np.asarray(values, dtype=float)
        ax.plot(np.arange(1, len(values) + 1), values, marker="o", color=style.color(k),
                linestyle=style.linestyle(k), lw=1.8, ms=5, label=label)
    _layer_axis(ax, n)
    ax.set_ylim(-0.03, 1.05)
    ax.set_ylabel("share of activation variance\nthat changes with the example")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", loc="best")
    return ax


__all__ = ["SIGNAL_LINES", "plot_input_dependence", "plot_signal_product"]
