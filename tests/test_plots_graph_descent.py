"""Plots and widgets of the chain rule (graph) and of gradient descent."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import backprop_lib as bp  # noqa: E402
from backprop_lib import graph as g  # noqa: E402
from backprop_lib import surfaces as S  # noqa: E402
from backprop_lib.plots import descent as dplots  # noqa: E402
from backprop_lib.plots import gradcheck as gcplots  # noqa: E402
from backprop_lib.plots import graph as gplots  # noqa: E402
from backprop_lib.widgets import descent as dwidgets  # noqa: E402
from backprop_lib.widgets import graph as gwidgets  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _labelled(fig):
    for ax in fig.axes:
        assert ax.get_xlabel() and ax.get_ylabel()


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [ax.get_title()
                                                                  for ax in fig.axes]


def test_draw_graph_shows_values_and_gradients():
    n = g.neuron()
    fig = gplots.draw_graph(n["L"])
    assert fig.axes[0].get_xlabel() and not fig.axes[0].get_ylabel()   # no y axis to name
    texts = _texts(fig)
    assert any("grad" in t for t in texts)
    assert any(f"{n['w'].grad:.4g}" in t for t in texts)
    assert fig.axes[0].get_legend() is not None


def test_draw_pass_forward_hides_unknown_values():
    n = g.neuron()
    fig = gplots.draw_pass(n["L"], 0)
    texts = _texts(fig)
    assert "?" in texts and not any(t.startswith("grad ") for t in texts)
    assert "start" in fig.axes[0].get_title()
    fig = gplots.draw_pass(n["L"], gplots.total_steps(n["L"]))
    assert "?" not in _texts(fig)


def test_value_used_twice_gets_two_arcs():
    a, b = g.Value(3.0, "a"), g.Value(-1.0, "b")
    f = a * a + a * b
    fig = gplots.draw_graph(f)
    arcs = [t.arrow_patch.get_connectionstyle() for t in fig.axes[0].texts
            if getattr(t, "arrow_patch", None) is not None]
    assert len(arcs) == 6                  # a->a·a twice, a->a·b, b->a·b, two into +
    assert sorted(arc.rad for arc in arcs) == [gplots.ARC_RAD] + [0.0] * 5   # the second: an arc


def _edge_labels(fig):
    return [t for t in fig.axes[0].texts if t.get_text().startswith("∂")
            and getattr(t, "arrow_patch", None) is None]


def _distance(point, path):
    """Pixels from ``point`` to the nearest point of ``path`` (curves flattened to segments)."""
    best = np.inf
    for poly in path.to_polygons(closed_only=False):
        for p, q in zip(poly[:-1], poly[1:]):
            t = np.clip(np.dot(point - p, q - p) / max(np.dot(q - p, q - p), 1e-12), 0, 1)
            best = min(best, float(np.hypot(*(p + t * (q - p) - point))))
    return best


def test_edge_labels_do_not_overlap_and_each_sits_by_its_edge():
    """In the a·a + a·b graph three edges leave a, two of them into a·a: every local
    derivative's label is clear of the others, and within a few pixels of its own edge."""
    a, b = g.Value(3.0, "a"), g.Value(-1.0, "b")
    f = a * a + a * b
    for name, node in (("f", f), ("neuron", g.neuron()["L"])):
        fig = node is f and gplots.draw_graph(f) or gplots.draw_pass(node, 8)
        renderer = fig.canvas.get_renderer()
        fig.draw(renderer)
        labels = _edge_labels(fig)
        boxes = [t.get_window_extent(renderer) for t in labels]
        assert len(boxes) == (6 if node is f else 4)
        for i in range(len(boxes)):
            for j in range(i):
                assert not boxes[i].overlaps(boxes[j]), (name, labels[i].get_text(),
                                                         labels[j].get_text())
        edges = [t.arrow_patch for t in fig.axes[0].texts
                 if getattr(t, "arrow_patch", None) is not None]
        for label, box in zip(labels, boxes):
            centre = np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])
            gaps = [_distance(centre, e.get_path()) for e in edges]
            assert min(gaps) < 14, (name, label.get_text(), min(gaps))


def test_a_figure_of_a_state_marks_no_step():
    """"After the forward pass" is a state: no node is outlined as "this step". A step of the
    pass (draw_pass, or draw_graph with its step as the title) marks its node."""
    n = g.neuron()
    F = len(g.forward_order(n["L"]))

    def marked(fig):
        ax = fig.axes[0]
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        outlined = [t.get_text() for t in ax.texts if t.get_bbox_patch() is not None
                    and t.get_bbox_patch().get_linewidth() > 2]
        return outlined, "this step" in legend

    assert marked(gplots.draw_graph(n["L"], backward_steps=0,
                                    title="after the forward pass")) == ([], False)
    assert marked(gplots.draw_pass(n["L"], F)) == (["L  [**2]"], True)
    assert marked(gplots.draw_graph(n["L"], backward_steps=0)) == (["L  [**2]"], True)
    assert marked(gplots.draw_graph(n["L"], title="done", mark_step=True))[1]


def test_pass_state_and_descriptions():
    n = g.neuron()
    assert gplots.pass_state(n["L"], 3) == (3, 0)
    assert gplots.pass_state(n["L"], 7) == (5, 2)
    assert "forward 2/5" in gplots.describe_step(n["L"], 2)
    assert "backward 1/5" in gplots.describe_step(n["L"], 6)
    with pytest.raises(ValueError, match="step must be"):
        gplots.pass_state(n["L"], 11)
    with pytest.raises(ValueError, match="whole forward pass"):
        gplots.draw_graph(n["L"], forward_steps=2, backward_steps=1)
    with pytest.raises(TypeError, match="Value"):
        gplots.draw_graph(1.0)


def test_sensitivity_and_fd_errors():
    fig = gcplots.sensitivity(np.sin, np.cos(0.3), 0.3)
    _labelled(fig)
    assert fig.axes[0].get_xlabel() == "weight w"
    assert len(fig.axes[0].get_legend().get_texts()) == 3
    errs = g.finite_difference_errors(np.sin, np.cos(0.3), 0.3, np.logspace(-12, 0, 13))
    fig = gcplots.finite_difference_errors(errs)
    _labelled(fig)
    assert fig.axes[0].get_xscale() == "log" and fig.axes[0].get_legend() is not None


def test_check_errors_bars():
    from backprop_lib.exercises import backprop as bpx
    good = bpx.check_backward(bpx.dense_backward_reference, bpx.sigmoid_backward_reference)
    bad = bpx.check_backward(lambda dZ, X, W: (dZ @ W.T, X.T @ dZ, dZ),
                             bpx.sigmoid_backward_reference)
    fig = gcplots.check_errors({"correct": good.errors, "bias not summed": bad.errors})
    _labelled(fig)
    ax = fig.axes[0]
    assert ax.get_legend() is not None and ax.get_yscale() == "log"
    heights = [p.get_height() for bars in ax.containers for p in bars]
    assert len(heights) == 10 and max(heights) == 10.0 and min(heights) < 1e-7


def test_pass_explorer_updates_the_figure():
    n = g.neuron()
    box = gwidgets.pass_explorer(n["L"], step=0)
    fig = box.live.fig
    before = fig.axes[0].get_title()
    box.controls["step"].value = 8
    after = fig.axes[0].get_title()
    assert before != after and "backward 3/5" in after
    assert len(fig.axes) == 1


@pytest.mark.parametrize("surface", [S.quadratic(1.0), S.quadratic([1.0, 20.0], angle=0.4)],
                         ids=str)
def test_lr_explorer_and_update(surface):
    fig = dplots.lr_explorer(surface, lr=0.3)
    _labelled(fig)
    line = fig._lr_explorer["line"]
    y0 = np.array(line.get_ydata(), dtype=float).copy()
    path = dplots.update_lr_explorer(fig, 1.5 / surface.max_curvature)
    if surface.dim == 1:        # in 2-D only the steep direction oscillates, and dies out fast
        assert path.regime == "oscillate"
        assert "oscillates" in fig._suptitle.get_text()
    assert not np.array_equal(y0, np.array(line.get_ydata(), dtype=float))
    dplots.update_lr_explorer(fig, 3.0 / surface.max_curvature)
    assert "DIVERGES" in fig._suptitle.get_text()
    assert np.all(np.isfinite(np.asarray(line.get_ydata(), dtype=float)))
    with pytest.raises(TypeError, match="lr_explorer"):
        dplots.update_lr_explorer(plt.figure(), 0.1)


def test_path_plots_and_curves():
    s = S.quadratic([1.0, 20.0], angle=0.4)
    paths = {"plain": S.descend(s, [-3, 1.5], 0.02, 30),
             "momentum": S.descend(s, [-3, 1.5], 0.02, 30, momentum=0.8)}
    for fig in (dplots.compare_paths(s, paths, caption="x"), dplots.path_on_surface(s, paths),
                dplots.loss_curves(paths), dplots.regime_map(2.0)):
        _labelled(fig)
        assert all(ax.get_legend() is not None for ax in fig.axes if len(ax.lines) > 1)
    fig = dplots.path_on_surface(S.quadratic(1.0), S.descend(S.quadratic(1.0), [2.0], 0.3, 5))
    _labelled(fig)


def test_training_curves():
    X, y = bp.datasets.moons(60, seed=0)
    hs = {}
    for lr in (0.1, 1.0):
        hs[f"lr {lr}"] = bp.train(bp.mlp([2, 4, 2], seed=0), X, y,
                                  optimizer=bp.SGD(lr), epochs=3, batch_size=20)
    fig = dplots.compare_training(hs)
    _labelled(fig)
    assert all(ax.get_legend() is not None for ax in fig.axes)
    assert all(ax.get_yscale() == "log" for ax in fig.axes)
    with pytest.raises(ValueError, match="'step' or 'epoch'"):
        dplots.training_curves(hs, x="time")


def test_learning_rate_explorer_widget():
    box = dwidgets.learning_rate_explorer(lr=0.3)
    fig = box.live.fig
    before = np.array(fig._lr_explorer["curve"].get_ydata(), dtype=float).copy()
    box.controls["lr"].value = 1.5
    after = np.array(fig._lr_explorer["curve"].get_ydata(), dtype=float)
    assert not np.array_equal(before, after)
    assert "oscillates" in fig._suptitle.get_text()


def test_momentum_explorer_widget():
    box = dwidgets.momentum_explorer()
    fig = box.live.fig
    before = np.array(fig._lr_explorer["line"].get_xdata(), dtype=float).copy()
    box.controls["momentum"].value = 0.8
    after = np.array(fig._lr_explorer["line"].get_xdata(), dtype=float)
    assert not np.array_equal(before, after)
    assert "momentum = 0.8" in fig._suptitle.get_text()


def test_regime_title_never_rounds_onto_a_regime_edge():
    bowl = S.quadratic(1.0)
    near = dplots.regime_title(S.descend(bowl, [1.0], 1.995, 25))
    assert "lr·a = 1.995" in near and "oscillates" in near
    assert "lr·a = 2)" in dplots.regime_title(S.descend(bowl, [1.0], 2.0, 25))
    assert "lr·a = 1.0004" in dplots.regime_title(S.descend(bowl, [1.0], 1.0004, 25))
    assert "lr = 2.24:" in dplots.regime_title(S.descend(bowl, [1.0], 2.2387, 25))


def test_a_negative_factor_of_a_product_is_in_parentheses():
    # "0.222·-0.664" reads as a subtraction; the negative factor goes in parentheses.
    n = g.neuron()
    F = len(gplots.forward_order(n["L"]))
    texts = [gplots.describe_step(n["L"], F + k) for k in range(1, F + 1)]
    assert any("(−" in t for t in texts), texts
    for t in texts:
        assert "·-" not in t and "·−" not in t, t
