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


@pytest.mark.parametrize("lims", [(1e-14, 1e2), (0.3, 3.0), (0.02, 0.2), (1.0, 1e6), (0.5, 0.9)])
def test_log_axis_labels_are_matplotlibs_in_plain_text(lims):
    # the same labels at the same ticks (10⁻⁴ for $\mathdefault{10^{-4}}$, 2×10⁻¹ for
    # $\mathdefault{2\times10^{-1}}$), set as text: no formula to typeset at each new decade
    import re

    from matplotlib.ticker import LogLocator

    def labels(ax):
        ax.set_ylim(*lims)
        ax.figure.canvas.draw()
        return [(t.get_position()[1], t.get_text())
                for t in ax.get_yticklabels() + ax.get_yticklabels(minor=True) if t.get_text()]

    _, ours = plt.subplots()
    style.log_axis(ours)
    _, theirs = plt.subplots()
    theirs.set_yscale("log")
    theirs.yaxis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
    sup = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")

    def as_formula(text):
        m = re.fullmatch(r"(?:([\d.]+)×)?10([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)", text)
        assert m, text
        head = f"{m[1]}\\times" if m[1] else ""
        return f"$\\mathdefault{{{head}10^{{{m[2].translate(sup)}}}}}$"

    mine, expected = labels(ours), labels(theirs)
    assert [p for p, _ in mine] == [p for p, _ in expected] and len(mine) >= 2
    assert [as_formula(t) for _, t in mine] == [t for _, t in expected]
    assert not any("$" in t for _, t in mine)
