"""Pictures of the forward signal beside the backward one (plots/signals.py)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import backprop_lib as bp  # noqa: E402
from backprop_lib import signals  # noqa: E402
from backprop_lib.plots import signals as splots  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def parts(activation="tanh", init="xavier", depth=6):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((32, 5)), rng.integers(0, 3, 32)
    model = bp.mlp([5] + [8] * depth + [3], activation=activation, init=init, seed=0)
    return signals.weight_gradient_parts(model, X, y)


def test_signal_product_draws_the_three_measured_lines_per_panel():
    p, q = parts(), parts("relu", "small")
    fig = splots.plot_signal_product({"tanh": p, "relu": q})
    axes = fig.axes
    assert len(axes) == 2 and axes[0].get_title() == "tanh" and axes[1].get_yscale() == "log"
    for ax, data in zip(axes, (p, q)):
        lines = ax.get_lines()
        assert len(lines) == 3
        for line, (key, _, _) in zip(lines, splots.SIGNAL_LINES):
            assert np.allclose(line.get_ydata(), data[key])
            assert np.array_equal(line.get_xdata(), np.arange(1, len(data[key]) + 1))
    labels = [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert labels == [label for _, label, _ in splots.SIGNAL_LINES]


def test_input_dependence_draws_one_line_per_network():
    ax = splots.plot_input_dependence({"a": [1.0, 0.5, 0.0], "b": [1.0, 1.0]})
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["a", "b"]
    assert np.allclose(lines[0].get_ydata(), [1.0, 0.5, 0.0])
    assert ax.get_ylim()[0] < 0 < 1 < ax.get_ylim()[1]


@pytest.mark.parametrize("bad", [{}, [], None])
def test_plots_say_what_they_take(bad):
    with pytest.raises(ValueError, match="weight_gradient_parts"):
        splots.plot_signal_product(bad)
    with pytest.raises(ValueError, match="input_dependent_share"):
        splots.plot_input_dependence(bad)
