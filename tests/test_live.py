"""The live training view: plain plotting functions and the widget that trains."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import backprop_lib as bp  # noqa: E402
from backprop_lib.plots import live as lplots  # noqa: E402
from backprop_lib.widgets import live  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def spiral():
    return bp.datasets.spiral(n_per_class=30, seed=0)


def test_plane_grid_rows_from_the_bottom():
    points, extent = lplots.plane_grid(1.0, 3)
    assert extent == (-1.0, 1.0, -1.0, 1.0)
    assert points.shape == (9, 2)
    assert np.allclose(points[0], [-1, -1]) and np.allclose(points[2], [1, -1])
    with pytest.raises(ValueError, match="xmin"):
        lplots.plane_grid((0, 1, 2), 3)


def test_predicted_classes_argmax_and_single_logit():
    model = bp.mlp([2, 3], seed=0)
    X = np.random.default_rng(0).standard_normal((5, 2))
    assert np.array_equal(lplots.predicted_classes(model, X), model.forward(X).argmax(axis=1))
    one = bp.mlp([2, 1], seed=0)
    assert np.array_equal(lplots.predicted_classes(one, X), (one.forward(X)[:, 0] > 0).astype(int))


def test_predicted_classes_keeps_training_mode():
    model = bp.mlp([2, 4, 2], norm="batch", seed=0)
    lplots.predicted_classes(model, np.zeros((3, 2)))
    assert model.training


def test_decision_regions_labels_and_update(spiral):
    X, y = spiral
    model = bp.mlp([2, 8, 3], seed=0)
    fig, ax = plt.subplots()
    image = lplots.decision_regions(ax, model, X, y, resolution=40)
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None
    assert image.get_array().shape == (40, 40)
    before = image.get_array().copy()
    bp.train(model, X, y, optimizer=bp.Adam(0.05), epochs=30)
    lplots.update_decision_regions(image, model)
    assert not np.array_equal(before, image.get_array())


def test_decision_regions_refuses_more_than_two_features():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        lplots.decision_regions(ax, bp.mlp([3, 2]), np.zeros((4, 3)), np.zeros(4, int))


def test_loss_curve_labels_and_update(spiral):
    X, y = spiral
    history = bp.train(bp.mlp([2, 8, 3], seed=0), X, y, epochs=5)
    fig, ax = plt.subplots()
    line = lplots.loss_curve(ax, None, steps=5)
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "loss"
    assert len(line.get_ydata()) == 0
    lplots.update_loss_curve(line, history, steps=5)
    assert np.allclose(line.get_ydata(), history.loss)


def test_training_figure_in_pyplot_and_offscreen(spiral):
    X, y = spiral
    model = bp.mlp([2, 8, 3], seed=0)
    fig, image, line = lplots.training_figure(model, X, y)
    assert len(fig.axes) == 2
    off = lplots.offscreen_figure()
    fig2, _, _ = lplots.training_figure(model, X, y, figure=off)
    assert fig2 is off
    assert lplots.to_png(off)[:8] == b"\x89PNG\r\n\x1a\n"


def test_total_steps():
    assert live._total_steps(100) == 10
    assert live._total_steps(100, epochs=3, batch_size=32) == 12


def test_live_training_updates_picture_progress_and_calls_the_user_callback(spiral):
    X, y = spiral
    seen = []
    view = live.LiveTraining(bp.mlp([2, 8, 3], seed=0), X, y, every=5,
                             optimizer=bp.Adam(0.05), epochs=20, batch_size=45,
                             callback=lambda s: seen.append(s.step))
    first = view.picture.value
    history = view.run()
    assert view.progress.max == 40 and view.progress.value == 40
    assert view.picture.value != first
    assert view.frames == 40 // 5 + 1
    assert seen == list(range(1, 41))
    assert history.steps == 40
    assert "steps" in view.status.value


def test_live_training_user_callback_can_stop(spiral):
    X, y = spiral
    view = live.LiveTraining(bp.mlp([2, 8, 3], seed=0), X, y, epochs=50,
                             callback=lambda s: s.step < 3)
    history = view.run()
    assert history.steps == 3 and history.stopped_early


def test_train_live_returns_the_same_history_as_train(spiral):
    X, y = spiral
    history = live.train_live(bp.mlp([2, 8, 3], seed=0), X, y, show=False, epochs=15,
                              optimizer=bp.Adam(0.02))
    plain = bp.train(bp.mlp([2, 8, 3], seed=0), X, y, epochs=15, optimizer=bp.Adam(0.02))
    assert np.allclose(history.loss, plain.loss)


def test_a_diverged_run_ends_red_and_says_diverged(spiral):
    X, y = spiral
    view = live.LiveTraining(bp.mlp([2, 32, 32, 3], activation="relu", seed=0), X, 10 * y % 3,
                             optimizer=bp.SGD(1e4), epochs=20)
    with pytest.warns(RuntimeWarning, match="diverged"):
        history = view.run()
    assert history.diverged
    assert view.progress.bar_style == "danger"
    assert "DIVERGED at step" in view.status.value


def test_a_live_view_carries_its_last_picture_for_pages_without_widgets(spiral):
    # nbconvert's HTML without widget state and GitHub show no widget: the output holds the
    # picture too, updated to the end of training
    import base64

    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from backprop_lib.widgets import training as wtraining

    InteractiveShell.instance()
    X, y = spiral
    for make in (lambda: live.LiveTraining(bp.mlp([2, 8, 3], seed=0), X, y, epochs=5),
                 lambda: wtraining.LiveTraining(bp.mlp([2, 8, 3], seed=0), X, y)):
        view = make()
        with capture_output() as shown:
            view._ipython_display_()
            view.run() if hasattr(view, "run") else view.train(epochs=5, show=False)
        first, last = shown.outputs             # one output, then its update (same id)
        assert last.update and not first.update
        assert first.transient["display_id"] == last.transient["display_id"]
        for out in (first, last):
            assert "application/vnd.jupyter.widget-view+json" in out.data
            assert base64.b64decode(out.data["image/png"]).startswith(b"\x89PNG")
        assert last.data["image/png"] == base64.b64encode(view.picture.value).decode()
