"""Plots and widgets of the remedies (notebooks 08 and 09)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import backprop_lib as bp  # noqa: E402
from backprop_lib import debugging as dbg  # noqa: E402
from backprop_lib.plots import remedies as rplots  # noqa: E402
from backprop_lib.widgets import remedies as rwidgets  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def labelled(ax):
    return ax.get_xlabel() and ax.get_ylabel()


def test_activation_curves_match_engine():
    data = rplots.activation_curves()
    f, df = data["curves"]["sigmoid"]
    assert abs(df.max() - 0.25) < 1e-3
    fig = rplots.plot_activations()
    assert all(labelled(ax) and ax.get_legend() for ax in fig.axes)
    assert len(fig.axes[0].lines) == 4


def test_hidden_weights():
    fig = rplots.plot_hidden_weights({"a": bp.mlp([2, 4, 4, 2]), "b": bp.mlp([2, 4, 4, 2], seed=1)})
    assert all(labelled(ax) for ax in fig.axes[:2])
    with pytest.raises(ValueError, match="hidden Dense layer"):
        rplots.plot_hidden_weights({"a": bp.mlp([2, 4, 2])}, layer=5)
    with pytest.raises(ValueError, match="at least one model"):
        rplots.plot_hidden_weights({})


def test_init_profile_plot_and_update():
    fig = rplots.plot_init_profile()
    assert all(labelled(ax) and ax.get_legend() for ax in fig.axes[:2])
    before = fig.axes[0].lines[0].get_ydata().copy()
    rplots.update_init_profile(fig, dbg.init_profile(6, "relu", "he"))
    after = fig.axes[0].lines[0].get_ydata()
    assert len(after) == 6 and not np.array_equal(before[:6], after)


def test_training_grid():
    runs = dbg.compare({("relu", "he"): {"epochs": 3}, ("tanh", "he"): {"activation": "tanh",
                                                                        "epochs": 3}})
    fig = rplots.plot_training_grid(runs)
    assert all(labelled(ax) for ax in fig.axes[:2]) and fig.axes[0].get_legend()


def test_norm_comparison_and_update():
    profiles, histories = rwidgets.norm_runs(depth=4, steps=8)
    fig = rplots.plot_norm_comparison(profiles, histories)
    assert all(labelled(ax) and ax.get_legend() for ax in fig.axes[:2])
    assert rplots.plot_norm_comparison(profiles).axes[0].get_legend()
    # two runs stuck at the same loss overlap: each carries markers at its own steps
    losses = fig.axes[1].lines
    assert all(line.get_marker() not in (None, "None", "") for line in losses)
    assert len({line.get_marker() for line in losses}) == len(losses)
    assert len({line.get_markevery()[0] for line in losses}) == len(losses)
    p2, h2 = rwidgets.norm_runs(depth=5, steps=8, activation="tanh")
    rplots.update_norm_comparison(fig, p2, h2)
    assert len(fig.axes[0].lines[0].get_xdata()) == 5


def test_batch_dependence_plot():
    model = bp.mlp([2, 4, 2], norm="batch")
    X, _ = bp.datasets.moons(50)
    fig = rplots.plot_batch_dependence(dbg.batch_dependence(model, X, batches=4, batch_size=5))
    ax = fig.axes[0]
    assert labelled(ax) and ax.get_legend() and len(ax.lines) == 2


def test_clipping_plot_marks_divergence():
    histories = rwidgets.clipping_runs(epochs=2)
    assert histories["plain SGD"].diverged
    fig = rplots.plot_clipping(histories)
    ax = fig.axes[0]
    assert labelled(ax) and ax.get_legend()
    end = [line for line in ax.lines if line.get_gid() == "end:plain SGD"][0]
    assert len(end.get_xdata()) == 1
    assert ax.get_ylim()[1] <= 1e5                       # a loss of 1e80 is cut at the ceiling


def test_clipping_explorer_trains_the_same_runs_without_held_out_figures():
    full = rwidgets.clipping_runs(epochs=2)
    quick = rwidgets.clipping_runs(epochs=2, validate=False)
    for label in rwidgets.CLIP_LABELS:
        np.testing.assert_array_equal(quick[label].loss, full[label].loss)
        assert quick[label].val_loss == []
    assert full["SGD with clip_norm"].val_loss


def test_broken_runs_plot():
    runs = {name: dbg.run({**dbg.broken(name), "epochs": 3}) for name in ["zero_init",
                                                                         "lr_too_large"]}
    fig = rplots.plot_broken_runs(runs)
    assert all(labelled(ax) for ax in fig.axes[:2])
    assert "checklist" in fig.axes[0].get_title()
    # a run stopped after one step is drawn with room around it and says so
    diverged = fig.axes[1]
    assert "diverged" in diverged.get_title() and diverged.get_xlim()[1] >= 10
    assert any("diverged at step" in t.get_text() for t in diverged.texts)


def test_init_explorer_updates_in_place():
    box = rwidgets.init_explorer(depth=5)
    line = box.figure.axes[0].lines[0]
    before = line.get_ydata().copy()
    box.controls["activation"].value = "relu"
    assert box.figure.axes[0].lines[0] is line
    assert not np.array_equal(before, line.get_ydata())
    box.controls["depth"].value = 8
    assert len(line.get_ydata()) == 8 and box.last_seconds > 0


def test_norm_explorer_updates_in_place():
    box = rwidgets.norm_explorer(depth=3)
    line = box.figure.axes[1].lines[1]                   # the normalized run's loss
    before = line.get_ydata().copy()
    box.controls["norm"].value = "layer"
    assert not np.array_equal(before, line.get_ydata())


def test_clipping_explorer_updates_in_place():
    box = rwidgets.clipping_explorer()
    line = box.figure.axes[0].lines[2]                   # the clipped run's loss
    before = line.get_ydata().copy()
    box.controls["clip_norm"].value = 5.0
    assert not np.array_equal(before, line.get_ydata())
