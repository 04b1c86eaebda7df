"""Pictures of a scalar computational graph (``backprop_lib.graph``): every node a box with its
value and its gradient written on it, every edge labelled with its local derivative; and the
forward and backward passes one step at a time. Matplotlib only (no graphviz).

The pictures of gradient checking (``sensitivity``, ``finite_difference_errors``,
``check_errors``, ``grade_bands``) are in ``plots.gradcheck``; they are imported here too.
"""

from __future__ import annotations

import numpy as np
from matplotlib.transforms import Affine2D

from ..graph import Value, backward_order, forward_order, topological_order
from .gradcheck import check_errors, finite_difference_errors, grade_bands, sensitivity
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


def _factor(x: float) -> str:
    """A factor of a printed product: a negative one in parentheses with a true minus sign,
    so that 0.222·(−0.664) cannot be read as a subtraction."""
    text = f"{x:.3g}"
    return f"(−{text[1:]})" if text.startswith("-") else text


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
    parts = [f"dL/d{i.name} += {_factor(g)}·{_factor(node.grad)}" for i, g in
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


__all__ = ["check_errors", "grade_bands", "draw_graph", "draw_pass", "describe_step", "pass_state",
           "total_steps", "sensitivity", "finite_difference_errors", "layout"]
