"""The shared figure helpers of plots/style.py."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from backprop_lib.plots import style  # noqa: E402

LONG = ("Seed 0: the loss falls fast at first, then slowly, and the gradient of the first layer "
        "shrinks by a factor of a hundred before the last layer's has moved at all, which is "
        "what vanishing means")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.mark.parametrize("width, ncols", [(4.0, 1), (6.0, 1), (4.6, 2)])
def test_a_long_caption_wraps_inside_the_figure_below_the_axes(width, ncols):
    fig, axes = style.new_figure(ncols, width=width, height=3.5)
    for ax in fig.axes:
        ax.set_xlabel("step")
        ax.plot([0, 1], [0, 1])
    style.caption(fig, LONG)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    text = fig._supxlabel
    box, page = text.get_window_extent(renderer), fig.bbox
    assert "\n" in text.get_text()                              # wrapped, not clipped
    assert box.x0 >= page.x0 and box.x1 <= page.x1 and box.y0 >= page.y0, (box, page)
    assert " ".join(text.get_text().split()) == LONG            # every word kept
    for ax in fig.axes:                                         # room made: below the axes
        assert box.y1 <= ax.get_tightbbox(renderer).y0 + 1


def test_a_short_caption_stays_on_one_line():
    fig, _ = style.new_figure(width=6.0, height=4.0)
    style.caption(fig, "What to notice.")
    assert fig._supxlabel.get_text() == "What to notice."


def test_a_figure_without_a_layout_engine_gets_room_for_its_caption():
    fig, ax = plt.subplots(figsize=(4.0, 3.0))
    ax.set_xlabel("step")
    style.caption(fig, LONG)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig._supxlabel.get_window_extent(renderer)
    assert box.x0 >= 0 and box.x1 <= fig.bbox.x1 and box.y0 >= 0
    assert box.y1 <= ax.get_tightbbox(renderer).y0 + 1
