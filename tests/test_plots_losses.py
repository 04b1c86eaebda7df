"""Plots and widget of notebook 02: loss curves, gradients, residuals, softmax bars."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import backprop_lib as bp  # noqa: E402
from backprop_lib.plots import losses as lplots  # noqa: E402
from backprop_lib.widgets import losses as wlosses  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("z", [-6.0, -0.3, 0.0, 2.5])
@pytest.mark.parametrize("t", [0, 1])
def test_loss_and_gradient_match_the_formulas_and_finite_differences(z, t):
    got = lplots.loss_and_gradient(z, t)
    p = 1 / (1 + np.exp(-z))
    assert np.isclose(got["p"], p)
    assert np.isclose(got["mse"], (p - t) ** 2)
    assert np.isclose(got["mse_grad"], 2 * (p - t) * p * (1 - p))
    assert np.isclose(got["ce_grad"], p - t)
    h = 1e-5
    for key in ("mse", "ce"):
        numeric = (lplots.loss_and_gradient(z + h, t)[key]
                   - lplots.loss_and_gradient(z - h, t)[key]) / (2 * h)
        assert np.isclose(got[key + "_grad"], numeric, rtol=1e-6, atol=1e-9)


def test_confident_mistake_mse_gradient_vanishes_cross_entropy_does_not():
    got = lplots.loss_and_gradient(-8.0, 1)
    assert abs(got["mse_grad"]) < 1e-3
    assert abs(got["ce_grad"]) > 0.99


def test_logit_loss_figure_labels_legends_and_readout():
    fig, artists = lplots.logit_loss_figure()
    for ax in fig.axes[:2]:
        assert ax.get_xlabel() and ax.get_ylabel()
        assert ax.get_legend() is not None
    assert "cross-entropy" in artists.text.get_text()


def test_update_logit_loss_moves_markers_and_redraws_curves():
    fig, artists = lplots.logit_loss_figure(z=-4.0, target=1)
    marker = artists.markers["ce"]
    curve = artists.lines["ce"].get_ydata().copy()
    lplots.update_logit_loss(artists, 2.0, 1, target_changed=False)
    assert marker.get_xdata()[0] == 2.0
    assert np.allclose(curve, artists.lines["ce"].get_ydata())
    lplots.update_logit_loss(artists, 2.0, 0)
    assert not np.allclose(curve, artists.lines["ce"].get_ydata())
    assert "t = 0" in artists.text.get_text()


def test_residuals_returns_the_mse_and_labels():
    fig, ax = plt.subplots()
    x = np.linspace(-1, 1, 7)
    target, pred = 2 * x, 1.5 * x
    loss = lplots.residuals(ax, x, target, pred)
    assert np.isclose(loss, bp.mse(pred, target)[0])
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None


def test_softmax_figure_bars_are_probabilities_and_gradient():
    fig = lplots.softmax_figure((2.0, 1.0, -1.0), label=1)
    ax_p, ax_g = fig.axes[:2]
    p = [bar.get_height() for bar in ax_p.patches]
    g = [bar.get_height() for bar in ax_g.patches]
    assert np.isclose(sum(p), 1.0)
    assert g[1] < 0 and g[0] > 0 and g[2] > 0
    assert np.allclose(g, np.array(p) - np.eye(3)[1])
    for ax in (ax_p, ax_g):
        assert ax.get_xlabel() and ax.get_ylabel()


def test_softmax_figure_refuses_a_bad_label():
    with pytest.raises(ValueError, match="class id"):
        lplots.softmax_figure((1.0, 2.0), label=2)


def test_loss_explorer_controls_change_the_figure():
    view = wlosses.loss_explorer()
    marker = view.fig.axes[0].lines[1]                  # the MSE marker on the loss panel
    before = marker.get_xdata()[0]
    view.controls["z"].value = 1.5
    assert marker.get_xdata()[0] == 1.5 != before
    curve = view.fig.axes[0].lines[0].get_ydata().copy()
    view.controls["target"].value = 0
    assert not np.allclose(curve, view.fig.axes[0].lines[0].get_ydata())
    assert view.updates == 2
