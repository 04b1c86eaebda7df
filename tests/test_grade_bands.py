"""The gradient-check figure's bands are bp.grade's own table: figure, text and function agree."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import backprop_lib as bp  # noqa: E402
from backprop_lib.plots import gradcheck as gcplots  # noqa: E402
from backprop_lib.plots import graph as gplots  # noqa: E402


def test_bands_cover_the_range_without_gaps_and_match_grade():
    bands = gcplots.grade_bands(1e-16, 10.0)
    assert bands[0][0] == 1e-16 and bands[-1][1] == 10.0
    for (_, hi, _), (lo, _, _) in zip(bands, bands[1:]):
        assert hi == lo
    for lo, hi, name in bands:
        for e in np.logspace(np.log10(lo), np.log10(hi), 7)[1:-1]:      # strictly inside
            assert bp.grade(float(e)) == name
    names = [name for *_, name in bands]
    assert len(set(names)) == len(names) >= 3                            # each grade once
    assert names[0] == "good" and names[-1] == "WRONG"


def test_figure_draws_one_shaded_band_per_grade():
    fig = gcplots.check_errors({"x": {"a.W": 1e-10, "a.b": 0.5}})
    ax = fig.axes[0]
    labels = {t.get_text() for t in ax.texts}
    assert labels == {name for *_, name in gcplots.grade_bands(1e-16, 10.0)}
    plt.close(fig)


def test_still_importable_from_plots_graph():
    """Notebooks 03 and 04 call them as ``plots.graph`` functions: the same objects."""
    for name in ("sensitivity", "finite_difference_errors", "grade_bands", "check_errors"):
        assert getattr(gplots, name) is getattr(gcplots, name)
