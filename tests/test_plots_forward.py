"""Plots and widgets of notebook 01: labelled figures, and sliders that change the figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import backprop_lib as bp  # noqa: E402
from backprop_lib.exercises.forward import tiny_network  # noqa: E402
from backprop_lib.plots import forward as fplots  # noqa: E402
from backprop_lib.widgets import forward as wforward  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def xor():
    return bp.datasets.xor(n=40, noise=0.2, seed=0)


def _labelled(ax):
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()


def test_neuron_output_is_the_sigmoid_of_the_weighted_sum():
    points = np.array([[0.0, 0.0], [1.0, 2.0]])
    got = fplots.neuron_output(points, (0.5, -1.0), 0.25)
    assert np.allclose(got, 1 / (1 + np.exp(-(points @ [0.5, -1.0] + 0.25))))


@pytest.mark.parametrize("w,b", [((1.0, -1.0), 0.0), ((3.0, 0.5), 1.0), ((0.0, 2.0), -1.0)])
def test_boundary_segment_lies_on_the_line(w, b):
    xs, ys = fplots.boundary_segment(w, b, (-2, 2, -2, 2))
    assert len(xs) == 2
    assert np.allclose(np.array(xs) * w[0] + np.array(ys) * w[1] + b, 0)


def test_boundary_segment_is_empty_without_weights():
    assert fplots.boundary_segment((0.0, 0.0), 1.0, (-2, 2, -2, 2)) == ([], [])


def test_neuron_figure_has_labels_legend_and_the_points(xor):
    X, y = xor
    fig, artists = fplots.neuron_figure(X=X, y=y)
    ax = fig.axes[0]
    _labelled(ax)
    assert ax.get_legend() is not None
    assert artists.image.get_array().shape == (120, 120)
    assert len(ax.collections) == 2                     # one scatter a class


def test_update_neuron_map_changes_image_line_and_arrow():
    fig, artists = fplots.neuron_figure()
    before = artists.image.get_array().copy()
    line_before = np.array(artists.line.get_xydata(), dtype=float).copy()
    fplots.update_neuron_map(artists, (2.0, 0.5), 1.0)
    assert not np.allclose(before, artists.image.get_array())
    assert not np.allclose(line_before, np.array(artists.line.get_xydata(), dtype=float))
    assert "2.00" in fig.axes[0].get_title()


def test_the_neuron_title_writes_a_negative_term_with_a_minus_sign():
    fig, artists = fplots.neuron_figure(w=(1.0, -1.0), b=0.0)
    assert fig.axes[0].get_title() == "σ(1.00·x1 − 1.00·x2 + 0.00);  arrow: w"
    fplots.update_neuron_map(artists, (-2.0, 0.5), -0.25)
    assert fig.axes[0].get_title().startswith("σ(−2.00·x1 + 0.50·x2 − 0.25)")
    assert fplots.neuron_formula((1e-4, -1e-4), -1e-4) == "σ(0.00·x1 + 0.00·x2 + 0.00)"
    assert "+ -" not in fig.axes[0].get_title()


def test_the_input_plane_has_the_same_axis_names_in_every_figure(xor):
    """01's neuron, tiny network and network figures show the same plane: one name for its
    axes (the course's word: input)."""
    X, y = xor
    figures = [fplots.neuron_figure(X=X, y=y)[0],
               fplots.tiny_network_figure(tiny_network(), X, y)[0],
               fplots.network_figure(tiny_network(), X, y)[0]]
    for fig in figures:
        ax = fig.axes[0]
        assert (ax.get_xlabel(), ax.get_ylabel()) == fplots.INPUT_LABELS == ("x1 (input 1)",
                                                                            "x2 (input 2)")


def test_tiny_network_figure_two_labelled_panels(xor):
    X, y = xor
    fig, artists = fplots.tiny_network_figure(tiny_network(), X, y)
    ax_in, ax_hid = fig.axes[:2]
    for ax in (ax_in, ax_hid):
        _labelled(ax)
        assert ax.get_legend() is not None
    assert len(artists.hidden_lines) == 2


def test_tiny_network_figure_refuses_other_shapes(xor):
    X, y = xor
    with pytest.raises(ValueError, match="2-2-1"):
        fplots.tiny_network_figure(bp.mlp([2, 3, 1]), X, y)


def test_network_figure_and_update(xor):
    X, y = xor
    fig, image = fplots.network_figure(tiny_network(), X, y)
    _labelled(fig.axes[0])
    before = image.get_array().copy()
    fplots.update_network_figure(image, tiny_network(v=(0.0, -10.0), c=5.0), title="new")
    assert not np.array_equal(before, image.get_array())
    assert fig.axes[0].get_title() == "new"


def test_neuron_explorer_slider_changes_the_image(xor):
    X, y = xor
    view = wforward.neuron_explorer(X, y)
    image = view.fig.axes[0].images[0]
    before = image.get_array().copy()
    view.controls["b"].value = 2.0
    assert view.updates == 1
    assert not np.allclose(before, image.get_array())


def test_tiny_network_explorer_slider_changes_regions_and_hidden_points(xor):
    X, y = xor
    view = wforward.tiny_network_explorer(X, y)
    regions = view.fig.axes[0].images[0]
    before = regions.get_array().copy()
    offsets = view.fig.axes[1].collections[0].get_offsets().copy()
    view.controls["v2"].value = 0.0                     # one hidden unit: a single line
    assert not np.array_equal(before, regions.get_array())
    view.controls["b1"].value = -2.0                    # moves the points in hidden space
    assert not np.allclose(offsets, view.fig.axes[1].collections[0].get_offsets())
    assert view.updates == 2
