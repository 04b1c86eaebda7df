"""backprop_lib.deep (the measurements of notebook 10) and their pictures."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import backprop_lib as bp  # noqa: E402
from backprop_lib import deep  # noqa: E402
from backprop_lib.plots import residual as rplots  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_the_identity_path_keeps_the_error_at_depth_50(activation):
    for seed in range(5):
        plain = deep.delta_profile(50, activation, seed=seed)
        res = deep.delta_profile(50, activation, residual=True, seed=seed)
        assert deep.first_to_last(res) >= 1.0                  # never shrinks going back
        assert deep.first_to_last(plain) < 0.5 * deep.first_to_last(res)


def test_profile_shapes_and_theory():
    p = deep.delta_profile(12, "tanh", residual=True)
    assert p["measured"].shape == p["theory"].shape == (12,)
    assert np.isnan(p["theory"][0]) and np.all(np.isfinite(p["theory"][1:]))
    assert abs(p["theory"][-1] - p["measured"][-1]) < 1e-15
    normed = deep.delta_profile(5, "tanh", norm="batch")
    assert np.all(np.isnan(normed["theory"]))
    assert deep.cached_profile(5, "tanh", True, None) is deep.cached_profile(5, "tanh", True, None)


def test_build_scales_the_branch():
    model = deep.build(17, "relu", residual=True)
    assert abs(model.layers[3].branch_scale - 0.25) < 1e-12    # 16 blocks: s = 1/4
    with pytest.raises(ValueError, match="activation"):
        deep.build(3, "swish")


def test_train_digits_and_sweep():
    acc, history = deep.train_digits(3, steps=20, activation="relu", init="he")
    assert history.steps == 20 and 0.3 < acc <= 1.0
    results = deep.depth_sweep(depths=(2, 3), remedies={"a": dict(activation="tanh")},
                               seeds=range(2), steps=5)
    assert results["a"].shape == (2, 2)
    fig = rplots.plot_depth_sweep(results, (2, 3), steps=5)
    assert fig.axes[0].get_legend() and fig.axes[0].get_xlabel()
    fig = rplots.plot_training_profiles({"x": history}, {"x": acc})
    assert len(fig.axes) == 2


def test_profile_plots():
    profiles = {(a, d): {"plain": deep.delta_profile(d, a),
                         "residual": deep.delta_profile(d, a, residual=True)}
                for a in ("tanh", "relu") for d in (4, 8)}
    fig = rplots.plot_delta_profiles(profiles)
    assert len(fig.axes) == 4 and all(len(ax.lines) == 4 for ax in fig.axes)
    with pytest.raises(ValueError, match="at least one"):
        rplots.plot_delta_profiles({})
    fig = rplots.plot_explorer(deep.delta_profile(6, "tanh"), "six")
    rplots.update_explorer(fig, deep.delta_profile(9, "relu", residual=True), "nine")
    assert len(fig.axes[0].lines[0].get_xdata()) == 9 and fig.axes[0].get_title() == "nine"


def test_residual_explorer_updates_in_place():
    from backprop_lib.widgets import residual as rwidgets

    box = rwidgets.residual_explorer(depth=6)
    line = box.figure.axes[0].lines[0]
    before = line.get_ydata().copy()
    box.controls["connections"].value = "residual"
    assert box.figure.axes[0].lines[0] is line
    assert not np.array_equal(before, line.get_ydata())
    assert box.figure.axes[0].get_title().startswith("residual")
    box.controls["depth"].value = 100
    assert len(line.get_ydata()) == 100 and box.last_seconds > 0
    for name, value in (("norm", "batch"), ("activation", "relu")):
        box.controls[name].value = value
        assert np.all(np.isfinite(line.get_ydata()))
    assert box.controls["depth"].max == 100


def test_forward_growth_and_its_plot():
    g = deep.forward_growth("tanh", None, 1.0, blocks=12, width=64)
    assert g["measured"].shape == g["theory"].shape == (12,)
    assert np.all(np.abs(g["measured"] / g["theory"] - 1) < 0.15)
    fig = rplots.plot_forward_growth({"tanh": g})
    assert fig.axes[0].get_legend() and len(fig.axes[0].lines) == 3


def test_gradient_pictures_see_the_layers_inside_blocks():
    """The course's per-layer pictures (diagram, profile, histograms, history) on a residual
    network: every Dense and hidden activation, also those inside blocks."""
    import backprop_lib as bp
    from backprop_lib.plots import gradients as gplots

    model = bp.mlp([2, 6, 6, 6, 3], activation="relu", norm="batch", residual=True)
    X, y = bp.datasets.spiral(seed=0)
    profile = bp.gradient_profile(model, X, y)
    assert len(profile["delta_rms"]) == 4
    gplots.plot_gradient_profile(profile)
    model.forward(X)
    model.backward(bp.softmax_cross_entropy(model.outputs[-1], y)[1])
    gplots.plot_network_gradients(model)
    assert len(gplots.hidden_activations(model)) == 3
    history = bp.train(model, X, y, epochs=2, batch_size=100)
    assert history.grad_norm.shape == (history.steps, 4)
    gplots.plot_gradient_history(history)


def test_backward_terms_add_up_to_the_measured_factor_per_block():
    terms = deep.backward_terms(6, "relu", n=32, seed=1)
    assert terms["cross"].shape == terms["branch"].shape == (5,)
    assert np.all(terms["branch"] >= 0)
    # the factor per block is 1 + cross + branch: its product is the error's growth over the
    # blocks, which the network's own backward pass gives
    model = deep.build(6, "relu", None, None, True, 1)
    X, y = deep._task(32, 1)
    _, d = bp.softmax_cross_entropy(model.forward(X), y)
    seen = []
    for layer in reversed(model.layers):
        d_in = layer.backward(d)
        if isinstance(layer, bp.Residual):
            seen.append(np.mean(d_in ** 2) / np.mean(d ** 2))
        d = d_in
    assert np.allclose(1 + terms["cross"] + terms["branch"], seen)
