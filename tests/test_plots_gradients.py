"""Plots and widgets of notebook 07: per-layer gradient profiles, Nielsen's gradient history,
the network diagram, activation histograms, and the sliders over them."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import backprop_lib as bp  # noqa: E402
from backprop_lib import theory  # noqa: E402
from backprop_lib.plots import gradients as gplots  # noqa: E402
from backprop_lib.widgets import gradients as wgrad  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    return rng.standard_normal((64, 12)), rng.integers(0, 4, 64)


def _deep(data, depth=6, activation="sigmoid", init="standard", width=16):
    X, y = data
    sizes = [12] + [width] * depth + [4]
    model = bp.mlp(sizes, activation=activation, init=init, seed=0)
    profile = bp.gradient_profile(model, X, y)
    return sizes, model, profile


def test_layer_values_log_axis_and_update():
    line = gplots.plot_layer_values([1.0, 0.1, 0.0], stat="grad_norm", label="x")
    ax = line.axes
    assert ax.get_yscale() == "log" and ax.get_xlabel() and ax.get_ylabel()
    assert np.isnan(line.get_ydata()[2])             # a zero cannot go on a log axis
    gplots.update_layer_values(line, [1.0, 0.5, 0.2, 0.1])
    assert len(line.get_xdata()) == 4


def test_log_axes_keep_few_minor_ticks():
    # eight decades: 2 minor ticks per decade (not 8) keep the redraw of a live figure short
    line = gplots.plot_layer_values(np.logspace(-7, 0, 6), stat="delta_rms")
    ax = line.axes
    ax.figure.canvas.draw()
    decades = np.log10(ax.get_ylim()[1] / ax.get_ylim()[0])
    assert len(ax.yaxis.get_minorticklocs()) <= 2 * (np.ceil(decades) + 2)


def test_gradient_profile_with_theory(data):
    sizes, _, profile = _deep(data)
    predicted = theory.predicted_delta_rms(sizes, "sigmoid", "standard",
                                           profile["delta_rms"][-2])
    view = gplots.plot_gradient_profile(profile, predicted, title="t")
    for ax in view.fig.axes:
        assert ax.get_xlabel() and ax.get_ylabel()
    assert view.delta.axes.get_legend() is not None
    np.testing.assert_allclose(view.theory.get_ydata(), predicted)
    sizes2, _, profile2 = _deep(data, depth=9)
    gplots.update_gradient_profile(view, profile2, None, title="new")
    assert len(view.delta.get_ydata()) == 10
    assert view.title.get_text() == "new"


def test_gradient_history_few_and_many_layers(data):
    X, y = data
    model = bp.mlp([12, 8, 8, 4], activation="sigmoid", seed=0)
    h = bp.train(model, X, y, epochs=5)
    lines = gplots.plot_gradient_history(h)
    ax = lines[0].axes
    assert len(lines) == 3 and ax.get_legend() is not None
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_yscale() == "log"
    smooth = gplots.plot_gradient_history(h, stat="delta_rms", smooth=2)
    assert len(smooth[0].get_ydata()) == 4
    deep = bp.mlp([12] + [8] * 10 + [4], seed=0)
    lines = gplots.plot_gradient_history(bp.train(deep, X, y, epochs=2))
    assert len(lines) == 11 and lines[0].axes.get_legend() is None   # a colour bar instead
    with pytest.raises(ValueError, match="stat must be"):
        gplots.plot_gradient_history(h, stat="speed")


def test_network_diagram_reflects_gradients(data):
    _, model, _ = _deep(data, depth=4)
    view = gplots.plot_network_gradients(model, max_units=5)
    ax = view.edges.axes
    assert ax.get_xlabel() and ax.get_legend() is not None
    alphas = view.edges.get_colors()[:, 3]
    assert len(alphas) == 4 * 5 * 5 + 5 * 4          # 5 drawn units per layer, 4 outputs
    first, last = alphas[:25].mean(), alphas[-20:].mean()
    assert first < last                               # the early layers are darker (fainter)
    _, deeper, _ = _deep(data, depth=7)
    gplots.update_network_gradients(view, deeper)
    assert len(view.edges.get_segments()) == 7 * 5 * 5 + 5 * 4


def test_activation_histograms(data):
    _, model, _ = _deep(data, depth=8)
    acts = gplots.hidden_activations(model)
    assert len(acts) == 8
    view = gplots.plot_activation_histograms(acts, value_range=(0, 1))
    assert view.layers == [0, 2, 4, 5, 7] or len(view.layers) == 5
    for ax in view.axes:
        assert ax.get_xlabel()
    assert view.axes[0].get_ylabel()
    before = view.stairs[0].get_data().values.copy()
    gplots.update_activation_histograms(view, [a * 0 + 0.99 for a in acts])
    assert not np.allclose(before, view.stairs[0].get_data().values)
    gplots.update_activation_histograms(view, acts[:2], layers=[0, 1])
    assert not view.axes[4].get_visible()
    with pytest.raises(RuntimeError, match="forward"):
        gplots.hidden_activations(bp.mlp([2, 3, 2]))


def test_pick_layers():
    assert gplots.pick_layers(3) == [0, 1, 2]
    picked = gplots.pick_layers(20, 5)
    assert picked[0] == 0 and picked[-1] == 19 and len(picked) == 5


def test_deep_network_theory_matches_tanh(data):
    X, y = data
    _, profile, predicted = wgrad.deep_network(X, y, 6, width=64, activation="tanh")
    measured = profile["delta_rms"][:-1]
    assert np.all(np.abs(np.log(measured / predicted)) < np.log(3))


def test_depth_explorer_updates(data):
    X, y = data
    box = wgrad.depth_explorer(X, y, depth=4, width=8)
    before = np.array(box.view.delta.get_ydata())
    box.controls["depth"].value = 12
    assert len(box.view.delta.get_ydata()) == 13 and len(before) == 5
    box.controls["activation"].value = "tanh"
    assert "tanh" in box.view.title.get_text()
    assert box.last_seconds is not None


def test_diagram_explorer_updates(data):
    X, y = data
    box = wgrad.diagram_explorer(X, y, depth=3, width=8, max_units=4)
    n = len(box.view.edges.get_segments())
    box.controls["depth"].value = 6
    assert len(box.view.edges.get_segments()) > n


def test_saturation_explorer_updates(data):
    X, y = data
    box = wgrad.saturation_explorer(X, y, depth=6, width=8)
    before = box.view.stairs[0].get_data().values.copy()
    box.controls["weight_scale"].value = 10.0
    after = box.view.stairs[0].get_data().values
    assert not np.allclose(before, after)
    assert after[0] + after[-1] > before[0] + before[-1]     # piles up at 0 and 1
    box.controls["activation"].value = "tanh"
    assert box.view.axes[0].get_xlim() == (-1.0, 1.0)


def test_diagram_title_names_the_hidden_width_not_the_input():
    # 64 inputs, 32 hidden units: the old title said "first 7 of 64 units drawn"
    assert gplots.diagram_title([64, 32, 32, 10], 7) == (
        "2 hidden layers of 32 units (the first 7 units of each layer drawn; input 64, output 10)")
    assert gplots.diagram_title([2, 4, 2], 7) == "1 hidden layer of 4 units"
    assert "of 8-4 units" in gplots.diagram_title([3, 8, 4, 2], 5)
    long = gplots.diagram_title([3] + [8, 16] * 20 + [2], 5)
    assert long.startswith("40 hidden layers of 8 to 16 units")
