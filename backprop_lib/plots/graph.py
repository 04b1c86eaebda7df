"""Pictures of a scalar computational graph (``backprop_lib.graph``): every node a box with its
value and its gradient written on it, every edge labelled with its local derivative; and the
forward and backward passes one step at a time. Matplotlib only (no graphviz).
"""

from __future__ import annotations

import numpy as np
from matplotlib.transforms import Affine2D

from ..gradcheck import GRADES
from ..graph import Value, backward_order, forward_order, topological_order
from .style import PALETTE, new_figure
from .style import caption as add_caption

VALUE_COLOR = PALETTE[0]        # blue: values, the forward pass
GRAD_COLOR = PALETTE[3]         # vermillion: gradients, the backward pass
ACTIVE_COLOR = PALETTE[1]       # orange: the node this step works on
X_SCALE, Y_SCALE = 2.3, 1.25
ARC_RAD = -0.5                  # a value used twice: the second edge bows away from the others


def layout(root: Value, spread: float = 1.0) -> dict:
    """Positions for drawing small graphs: {value: (x, y)}. x is the longest distance from the
    leaves (0, 1, 2, ...), except that a leaf sits one column before the first node that uses it;
    y places each node's inputs around the node, as in a tree (a shared value keeps its first
    place). Layout is a matter of drawing, so it lives here, not in the engine."""
    order = topological_order(root)
    depth = {}
    for v in order:
        depth[id(v)] = 1 + max((depth[id(i)] for i in v.inputs), default=-1)
    for v in order:                                   # leaves next to their first consumer
        for inp in v.inputs:
            if not inp.inputs:
                depth[id(inp)] = min(depth[id(inp)] if depth[id(inp)] > 0 else 10**9,
                                     depth[id(v)] - 1)
    pos = {root: (float(depth[id(root)]), 0.0)}
    for v in reversed(order):                         # from the output back to the leaves
        k = len(v.inputs)
        for j, inp in enumerate(v.inputs):
            if inp not in pos:
                pos[inp] = (float(depth[id(inp)]), pos[v][1] + ((k - 1) / 2.0 - j) * spread)
    return pos


def total_steps(root: Value) -> int:
    """Steps of the whole pass: one per computing node forward, one per node backward."""
    return 2 * len(forward_order(root))


def describe_step(root: Value, step: int) -> str:
    """One sentence for step ``step`` of ``pass_state``: what was just computed."""
    fwd = forward_order(root)
    F = len(fwd)
    if step == 0:
        return "start: only the inputs and parameters are known"
    if step <= F:
        v = fwd[step - 1]
        args = ", ".join(i.name for i in v.inputs)
        return f"forward {step}/{F}: {v.name} = {v.op}({args}) = {v.data:.4g}"
    k = step - F
    node = backward_order(root)[k - 1]
    parts = [f"dL/d{i.name} += {g:.3g}·{node.grad:.3g}" for i, g in
             zip(node.inputs, node.local_grads)]
    return f"backward {k}/{F}: from {node.name}: " + ";  ".join(parts)


def pass_state(root: Value, step: int) -> tuple[int, int]:
    """Split one step count over forward then backward: (forward_steps, backward_steps)."""
    F = len(forward_order(root))
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or not 0 <= step <= 2 * F:
        raise ValueError(f"step must be a whole number from 0 to {2 * F} (forward, then "
                         f"backward), got {step!r}")
    return (int(step), 0) if step <= F else (F, int(step) - F)


def draw_graph(root: Value, forward_steps: int | None = None, backward_steps: int | None = None,
               ax=None, title: str | None = None, caption: str | None = None,
               mark_step: bool | None = None):
    """Draw the graph that computes ``root``.

    ``forward_steps`` nodes (all by default) show their value; the others show '?'.
    ``backward_steps`` (all by default once the forward pass is complete, none otherwise) runs
    ``root.backward(steps=...)`` (it overwrites the gradients) and shows grad = dL/d(node) on every
    node reached, and on each edge used the local derivative it multiplied by.

    ``mark_step``: outline in orange the node worked on last ("this step"). By default only
    when the title is the description of that step (``title`` None): a figure with its own title
    shows a state ("after the forward pass"), not a step, and marks nothing. Returns the figure.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph needs a Value (the graph's output), got "
                        f"{type(root).__name__}")
    fwd = forward_order(root)
    F = len(fwd)
    forward_steps = F if forward_steps is None else int(forward_steps)
    if not 0 <= forward_steps <= F:
        raise ValueError(f"forward_steps must be from 0 to {F}, got {forward_steps}")
    if backward_steps is None:
        backward_steps = F if forward_steps == F else 0
    if backward_steps and forward_steps < F:
        raise ValueError("the backward pass needs the whole forward pass first: use "
                         f"forward_steps={F} (or None) with backward_steps > 0")
    root.backward(steps=int(backward_steps))
    known = {id(v) for v in topological_order(root) if not v.inputs}
    known |= {id(v) for v in fwd[:forward_steps]}
    processed = backward_order(root)[:backward_steps]
    reached = set()
    if forward_steps == F and (backward_steps > 0 or F == 0):
        reached.add(id(root))
    if backward_steps:
        reached.add(id(root))
    for node in processed:
        reached |= {id(i) for i in node.inputs}
    current_back = processed[-1] if processed else None
    current_fwd = fwd[forward_steps - 1] if (forward_steps and not backward_steps) else None
    if mark_step is None:
        mark_step = title is None
    active = (current_back or current_fwd) if mark_step else None

    if ax is None:
        fig, ax = new_figure(width=10.0, height=4.6)
    else:
        fig = ax.figure
    ax.clear()
    pos = {v: (x * X_SCALE, y * Y_SCALE) for v, (x, y) in layout(root).items()}
    done_edges = {(id(n), id(i)) for n in processed for i in n.inputs}
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.9, max(xs) + 0.9)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.6)

    for v in topological_order(root):                 # edges first, under the boxes
        seen: dict = {}
        for inp, local in zip(v.inputs, v.local_grads):
            (x0, y0), (x1, y1) = pos[inp], pos[v]
            k = seen[id(inp)] = seen.get(id(inp), -1) + 1     # a value used twice: two arcs
            rad = ARC_RAD * k
            start, end = (x0 + 0.55, y0), (x1 - 0.55, y1)
            is_active = v is active
            ax.annotate("", xy=end, xytext=start,
                        arrowprops=dict(arrowstyle="-|>", lw=2.2 if is_active else 1.0,
                                        connectionstyle=f"arc3,rad={rad}",
                                        color=ACTIVE_COLOR if is_active else "0.45"))
            if (id(v), id(inp)) in done_edges:    # just above a line's middle; on an arc's
                ax.annotate(f"∂{v.name}/∂{inp.name}={local:.3g}", xy=(0, 0),
                            xycoords=_edge_middle(ax, start, end, rad),
                            xytext=(0, 0 if rad else 3), textcoords="offset points",
                            ha="center", va="center" if rad else "bottom", fontsize=7.5,
                            color=GRAD_COLOR,
                            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none",
                                      alpha=0.9))
    for v, (x, y) in pos.items():
        value = f"{v.data:.4g}" if id(v) in known else "?"
        grad = f"{v.grad:.4g}" if id(v) in reached else ""
        head = v.name if not v.inputs or v.op in (v.name, "") else f"{v.name}  [{v.op}]"
        edge = ACTIVE_COLOR if v is active else ("0.2" if v.inputs else VALUE_COLOR)
        ax.text(x, y + 0.18, head, ha="center", va="center", fontsize=9, weight="bold",
                bbox=dict(boxstyle="round,pad=0.35", fc="white", ec=edge,
                          lw=2.5 if v is active else 1.2))
        ax.text(x, y - 0.14, f"{value}", ha="center", va="center", fontsize=9,
                color=VALUE_COLOR)
        if grad:
            ax.text(x, y - 0.40, f"grad {grad}", ha="center", va="center", fontsize=8.5,
                    color=GRAD_COLOR)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_xlabel("forward: inputs (left) → loss L (right);  backward: gradients flow right → "
                  "left", fontsize=9)
    legend_handles = [
        ax.plot([], [], "s", color=VALUE_COLOR, label="value (forward)")[0],
        ax.plot([], [], "s", color=GRAD_COLOR, label="grad = dL/d(node) (backward)")[0],
    ]
    if active is not None:
        legend_handles.append(ax.plot([], [], "s", color=ACTIVE_COLOR, label="this step")[0])
    ax.legend(handles=legend_handles, loc="lower left", fontsize=8, frameon=False, ncols=3)
    if title is None:
        step = forward_steps + backward_steps
        title = describe_step(root, step)
    ax.set_title(title, fontsize=10)
    if caption:
        add_caption(fig, caption)
    return fig


def draw_pass(root: Value, step: int, ax=None, caption: str | None = None):
    """The graph after ``step`` steps of forward-then-backward (0 .. total_steps(root)), the
    node of that step outlined."""
    f, b = pass_state(root, step)
    return draw_graph(root, forward_steps=f, backward_steps=b, ax=ax, caption=caption,
                      mark_step=True)


def _edge_middle(ax, start, end, rad: float):
    """Where to write an edge's label: the middle of the edge drawn from ``start`` to ``end``
    with matplotlib's "arc3,rad=..." (a quadratic Bézier whose control point is the chord's
    middle moved by rad·(dy, -dx) in screen units, so its middle is the chord's middle moved
    by half that). Screen units are known only when the figure is drawn (its layout moves the
    axes), so this returns an annotation's ``xycoords``: called at each drawing, it places the
    point (0, 0) there."""
    def place(renderer):
        (sx0, sy0), (sx1, sy1) = ax.transData.transform([start, end])
        return Affine2D().translate((sx0 + sx1) / 2 + rad / 2 * (sy1 - sy0),
                                    (sy0 + sy1) / 2 - rad / 2 * (sx1 - sx0))
    return place


def sensitivity(f, dfdx: float, x0: float, h: float = 0.5, ax=None, x_name: str = "w",
                y_name: str = "L", xlabel: str | None = None, ylabel: str | None = None,
                caption: str | None = None):
    """A function near ``x0``, its tangent (slope dfdx: the derivative) and the secant through
    x0 ± h (the centred finite difference). Returns the figure."""
    if ax is None:
        fig, ax = new_figure(width=6.0, height=4.0)
    else:
        fig = ax.figure
    span = max(3 * h, 1.0)
    xs = np.linspace(x0 - span, x0 + span, 200)
    ys = np.array([f(x) for x in xs])
    y0 = f(x0)
    slope_fd = (f(x0 + h) - f(x0 - h)) / (2 * h)
    ax.plot(xs, ys, color=PALETTE[0], lw=2, label=f"{y_name}({x_name})")
    ax.plot(xs, y0 + dfdx * (xs - x0), color=PALETTE[3], ls="--",
            label=f"tangent, slope d{y_name}/d{x_name} = {dfdx:.4g}")
    ax.plot([x0 - h, x0 + h], [f(x0 - h), f(x0 + h)], "o-", color=PALETTE[2], ms=5,
            label=f"finite difference, h={h:g}: {slope_fd:.4g}")
    ax.plot([x0], [y0], "o", color="black", ms=6)
    pad = 0.15 * (ys.max() - ys.min() + 1e-12)
    ax.set_ylim(ys.min() - pad, ys.max() + pad)
    ax.set_xlabel(xlabel or f"weight {x_name}")
    ax.set_ylabel(ylabel or f"loss {y_name}")
    ax.legend(fontsize=8, loc="best")
    ax.set_title(f"sensitivity of {y_name} to {x_name} at {x_name} = {x0:.3g}", fontsize=10)
    if caption:
        add_caption(fig, caption)
    return fig


def finite_difference_errors(errors: dict, ax=None, caption: str | None = None):
    """Log-log error of forward and centred differences against h, from
    ``graph.finite_difference_errors``. Returns the figure."""
    if ax is None:
        fig, ax = new_figure(width=6.0, height=4.0)
    else:
        fig = ax.figure
    h = errors["h"]
    floor = 1e-18                                  # an exact hit would vanish on a log axis
    ax.loglog(h, np.maximum(errors["forward"], floor), "o-", ms=3, color=PALETTE[0],
              label="forward (f(x+h) - f(x)) / h")
    ax.loglog(h, np.maximum(errors["central"], floor), "s--", ms=3, color=PALETTE[3],
              label="central (f(x+h) - f(x-h)) / 2h")
    ax.set_xlabel("step size h")
    ax.set_ylabel("|finite difference - derivative|")
    ax.legend(fontsize=8)
    ax.set_title("too big: the curve bends; too small: rounding", fontsize=10)
    if caption:
        add_caption(fig, caption)
    return fig


def grade_bands(lo: float = 1e-16, hi: float = 10.0) -> list[tuple[float, float, str]]:
    """``bp.gradcheck.GRADES``, the one table of grades, as bands [(from, to, grade), ...]
    covering lo..hi (the last band, unbounded in the table, is drawn up to ``hi``)."""
    bands, start = [], lo
    for limit, name in GRADES:
        end = min(limit, hi)
        if end > start:
            bands.append((start, end, name))
        start = max(start, limit)
    return bands


def check_errors(checks: dict, ax=None, caption: str | None = None):
    """Relative error of each parameter (bars, log axis) for several gradient checks
    {label: {parameter: error}} (a ``GradientCheck`` or a report's ``errors``), over the grade
    bands of ``bp.grade`` itself (``grade_bands``), so that figure, text and function can never
    disagree. A wrong shape is drawn as a bar to the top."""
    if ax is None:
        fig, ax = new_figure(width=7.5, height=3.8)
    else:
        fig = ax.figure
    names = list(dict.fromkeys(k for c in checks.values() for k in c))
    width = 0.8 / max(len(checks), 1)
    top = 10.0
    for i, (label, errs) in enumerate(checks.items()):
        xs = np.arange(len(names)) + (i - (len(checks) - 1) / 2) * width
        vals = [min(max(errs.get(n, np.nan), 1e-16), top) if np.isfinite(errs.get(n, np.nan))
                else top for n in names]
        ax.bar(xs, vals, width=width, color=PALETTE[i % len(PALETTE)], label=label)
    shades = [PALETTE[2], PALETTE[6], PALETTE[1], PALETTE[3]]     # green, yellow, orange, red
    bands = grade_bands(1e-16, top)
    for k, (lo, hi, name) in enumerate(bands):
        shade = shades[min(k, len(shades) - 2)] if k < len(bands) - 1 else shades[-1]
        ax.axhspan(lo, hi, color=shade, alpha=0.12, lw=0)
        ax.text(len(names) - 0.45, np.sqrt(lo * hi), name, fontsize=8, va="center")
    ax.set_yscale("log")
    ax.set_ylim(1e-13, top)
    ax.set_xticks(np.arange(len(names)), names)
    ax.set_xlim(-0.6, len(names) + 0.2)
    ax.set_xlabel("parameter (gradient checked)")
    ax.set_ylabel("relative error (log scale)")
    # above the axes, in one row: inside, it would hide the tall (WRONG) bars of the first column
    ax.legend(fontsize=8, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=len(checks),
              frameon=False, borderaxespad=0.2)
    if caption:
        add_caption(fig, caption)
    return fig


__all__ = ["check_errors", "grade_bands", "draw_graph", "draw_pass", "describe_step", "pass_state",
           "total_steps", "sensitivity", "finite_difference_errors", "layout"]
