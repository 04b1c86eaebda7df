"""Plots and widgets of notebook 06: loss curves, decision regions, live training, sliders."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import backprop_lib as bp  # noqa: E402
from backprop_lib.plots import training as tplots  # noqa: E402
from backprop_lib.widgets import training as wtraining  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def spiral():
    return bp.datasets.spiral(n_per_class=30, seed=0)


@pytest.fixture(scope="module")
def trained(spiral):
    X, y = spiral
    Xv, yv = bp.datasets.spiral(n_per_class=20, seed=1)
    model = bp.mlp([2, 16, 3], seed=0)
    history = bp.train(model, X, y, optimizer=bp.Adam(0.03), epochs=20, batch_size=30,
                       validation=(Xv, yv))
    return model, history


def _labelled(ax):
    assert ax.get_xlabel() and ax.get_ylabel()


def test_loss_curve_has_labels_and_updates(trained):
    _, history = trained
    line = tplots.plot_loss_curve(history)
    _labelled(line.axes)
    assert line.axes.get_yscale() == "log"
    np.testing.assert_allclose(line.get_ydata(), history.loss)
    short = bp.History(layers=[])
    short.loss = history.loss[:5]
    tplots.update_loss_curve(line, short)
    assert len(line.get_ydata()) == 5


@pytest.mark.parametrize("metric", ["loss", "accuracy"])
def test_train_val_lines_and_legend(trained, metric):
    _, history = trained
    lines = tplots.plot_train_val(history, metric=metric)
    ax = lines["train"].axes
    _labelled(ax)
    assert ax.get_legend() is not None
    np.testing.assert_allclose(lines["validation"].get_ydata(),
                               getattr(history, f"val_{metric}"))


def test_train_val_errors(trained):
    _, history = trained
    with pytest.raises(ValueError, match="metric must be"):
        tplots.plot_train_val(history, metric="speed")
    no_val = bp.train(bp.mlp([2, 3, 3]), *bp.datasets.spiral(10), epochs=2)
    with pytest.raises(ValueError, match="validation="):
        tplots.plot_train_val(no_val)


def test_decision_regions_follow_the_model(spiral):
    X, y = spiral
    model = bp.mlp([2, 16, 3], seed=0)
    view = tplots.plot_decision_regions(model, X, y, resolution=30)
    _labelled(view.image.axes)
    assert view.image.axes.get_legend() is not None
    before = np.array(view.image.get_array())
    bp.train(model, X, y, optimizer=bp.Adam(0.05), epochs=60)
    tplots.update_decision_regions(view, model)
    assert not np.array_equal(before, view.image.get_array())


def test_decision_regions_need_2d_inputs():
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        tplots.decision_grid(np.zeros((5, 3)))


def test_training_figure_and_comparison(spiral, trained):
    X, y = spiral
    model, history = trained
    fig, view = tplots.training_figure(model, X, y, None)
    assert view.title.get_text() == "not trained yet"
    tplots.update_training_figure(view, model, history)
    assert "step" in view.title.get_text()
    for ax in fig.axes:
        _labelled(ax)
    fig2, views = tplots.comparison_figure([("a", model, history), ("b", model, history)], X, y)
    assert len(views) == 2 and len(fig2.axes) == 4
    with pytest.raises(ValueError, match="at least one"):
        tplots.comparison_figure([], X, y)


def test_digits_and_confusion_matrix():
    X, y = bp.datasets.load_digits()
    images = tplots.plot_digits(X[:5], y[:5], y[:5][::-1], ncols=4)
    assert len(images) == 5
    assert "true" in images[0].axes.get_title()
    cm = np.diag([3, 4, 5])
    cm[0, 1] = 1
    image = tplots.plot_confusion_matrix(cm)
    _labelled(image.axes)
    with pytest.raises(ValueError, match="square"):
        tplots.plot_confusion_matrix(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="no digits"):
        tplots.plot_digits(np.zeros((0, 64)), [])


def test_live_training_redraws(spiral):
    X, y = spiral
    live = wtraining.LiveTraining(bp.mlp([2, 8, 3], seed=0), X, y)
    before = np.array(live.view.regions.image.get_array())
    history = live.train(epochs=30, optimizer=bp.Adam(0.05), every=10, show=False)
    assert live.progress.value == live.progress.max == 30
    assert live.redraws == 4                       # steps 10, 20, 30 and the end
    assert len(live.view.loss_line.get_ydata()) == history.steps
    assert not np.array_equal(before, live.view.regions.image.get_array())
    assert live.picture.value[:8] == b"\x89PNG\r\n\x1a\n"   # the picture the browser shows


def test_training_explorer_retrains_on_change(spiral):
    X, y = spiral
    box = wtraining.training_explorer(X, y, epochs=20)
    line = box.view.loss_line
    before = np.array(line.get_ydata())
    box.controls["lr"].value = 0.2
    after = np.array(line.get_ydata())
    assert after.shape == before.shape and not np.allclose(before, after)
    assert [v for _, v in wtraining.batch_choices(len(X))] == [0, 45, 30]
    box.controls["batch_size"].value = 30
    assert len(line.get_ydata()) == 20 * 3          # 90 points in batches of 30: 3 steps/epoch
    assert box.last_seconds is not None


def test_same_seed_same_history(spiral):
    X, y = spiral
    _, h1 = wtraining.fit(X, y, epochs=10, seed=4)
    _, h2 = wtraining.fit(X, y, epochs=10, seed=4)
    np.testing.assert_array_equal(h1.loss, h2.loss)


def test_both_loss_curves_fit_the_y_range_alike():
    from backprop_lib.plots import live as lplots
    from backprop_lib.plots import style

    h = bp.History(layers=[])
    h.loss = [2.0, 1.0, np.nan, 0.5, np.inf, 0.25]
    _, (ax1, ax2) = plt.subplots(1, 2)
    tplots.update_loss_curve(tplots.plot_loss_curve(h, ax=ax1, log=True), h)
    lplots.update_loss_curve(lplots.loss_curve(ax2, None, log=True), h)
    assert np.allclose(ax1.get_ylim(), (0.1, 2.0 * 1.5))      # down to the decade 0.25 is in
    assert np.allclose(ax2.get_ylim(), ax1.get_ylim())
    _, ax = plt.subplots()
    assert style.fit_ylim(ax, [1.0, np.nan, 3.0]).tolist() == [1.0, 3.0]       # linear: 5% pad
    assert np.allclose(ax.get_ylim(), (0.9, 3.1))


def test_a_log_loss_axis_labels_every_decade_the_loss_spans():
    # 00's loss falls from about 1.1 to 0.016: the axis must show 10⁻² as well as 10⁰.
    from backprop_lib.plots import live as lplots

    h = bp.History(layers=[])
    h.loss = list(np.geomspace(1.1, 0.016, 50))
    fig, ax = plt.subplots()
    lplots.loss_curve(ax, h)
    fig.canvas.draw()
    lo, hi = ax.get_ylim()
    shown = [t for t in ax.yaxis.get_majorticklocs() if lo <= t <= hi]
    assert np.allclose(shown, [1e-2, 1e-1, 1e0]), shown
    labels = [t for t in ax.get_yticklabels() if lo <= t.get_position()[1] <= hi]
    assert len(labels) == 3 and all(t.get_text() for t in labels)


def test_a_diverged_run_ends_with_a_red_bar_and_says_so(spiral):
    X, y = spiral
    live = wtraining.LiveTraining(bp.mlp([2, 32, 32, 3], activation="relu", seed=0), X, y)
    with pytest.warns(RuntimeWarning, match="diverged"):
        history = live.train(epochs=30, optimizer=bp.SGD(1e4), show=False)
    assert history.diverged
    assert live.progress.style.bar_color == wtraining.DIVERGED_COLOR
    assert "DIVERGED at step" in live.status.value
    live.train(epochs=5, optimizer=bp.SGD(1e-3), show=False)    # a fine run ends green again
    assert live.progress.style.bar_color == wtraining.DONE_COLOR


def test_a_diverged_run_says_so_in_the_figure_title(spiral):
    X, y = spiral
    model = bp.mlp([2, 32, 32, 3], activation="relu", seed=0)
    with pytest.warns(RuntimeWarning, match="diverged"):
        history = bp.train(model, X, y, optimizer=bp.SGD(1e4), epochs=5)
    fig, view = tplots.training_figure(model, X, y, history)
    assert f"DIVERGED at step {history.diverged_at}" in view.title.get_text()


def test_both_panels_mark_the_lowest_validation_loss(trained):
    _, history = trained
    for metric in ("loss", "accuracy"):
        best = tplots.plot_train_val(history, metric=metric)["best"]
        assert best.get_xdata()[0] == history.best_epoch
