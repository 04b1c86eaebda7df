"""widgets/kept_text.py: a live figure pastes the pictures of its texts instead of drawing them
again, and the picture is the one matplotlib draws with each text at the nearest whole pixel."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure

from backprop_lib.widgets.kept_text import keep_text_pictures

MPL = tuple(int(p) for p in matplotlib.__version__.split(".")[:2])


def _texts_of_every_kind() -> Figure:
    """Rotated, transparent, coloured, clipped, multi-line, bold, formula and plain text."""
    fig = Figure(figsize=(6, 4), dpi=100)
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_title(r"a title with a formula $\alpha^2$ and ‖dL/dW‖", alpha=0.5, color="C1")
    ax.text(0.5, 0.5, "turned 45°\nsecond line", rotation=45, color="red", alpha=0.7,
            fontsize=14)
    ax.text(0.6, 0.8, "clipped at the right edge of the axes", clip_on=True, fontsize=20)
    ax.text(0.1, 0.1, "   ", fontsize=12)                # nothing to see
    circle = matplotlib.patches.Circle((0.3, 0.3), 0.1, transform=ax.transAxes)
    ax.text(0.2, 0.3, "clipped by a circle", fontsize=16, clip_path=circle, clip_on=True)
    ax.set_ylabel("turned 90°")
    ax.set_xlabel("$10^{-4}$ and 10⁻⁴")
    ax.set_yscale("log")
    ax.set_ylim(1e-3, 2)
    fig.suptitle("bold", fontweight="bold")
    ax.legend(["a line"], title="legend")
    return fig


def _whole_pixel_canvas(fig) -> FigureCanvasAgg:
    """matplotlib's own drawing, with every text anchored at the nearest whole pixel."""
    canvas = FigureCanvasAgg(fig)
    get_renderer = canvas.get_renderer

    def renderer():
        r = get_renderer()
        r.draw_text = lambda gc, x, y, *a, **k: RendererAgg.draw_text(r, gc, round(x), round(y),
                                                                      *a, **k)
        return r

    canvas.get_renderer = renderer
    return canvas


def _pixels(canvas) -> np.ndarray:
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


@pytest.mark.skipif(MPL < (3, 11), reason="matplotlib before 3.11 turns rotated text one "
                    "pixel apart in a small canvas; the other tests hold there")
def test_kept_text_is_matplotlibs_drawing_at_whole_pixels():
    fig = _texts_of_every_kind()
    expected = _pixels(_whole_pixel_canvas(fig)).astype(int)
    canvas = keep_text_pictures(FigureCanvasAgg(fig))
    first, again = _pixels(canvas), _pixels(canvas)
    assert canvas._kept_text.drawn > 10 and canvas._kept_text.hits >= canvas._kept_text.drawn
    # pasting a transparent picture rounds once more than drawing the glyphs: 1/255 apart
    assert np.abs(first.astype(int) - expected).max() <= 2
    assert np.array_equal(again, first)             # pasted, not drawn: the same pixels


def test_only_text_differs_from_a_plain_drawing_and_by_at_most_a_pixel():
    fig = _texts_of_every_kind()
    plain = _pixels(FigureCanvasAgg(fig)).astype(int)
    canvas = keep_text_pictures(FigureCanvasAgg(fig))
    kept = _pixels(canvas).astype(int)
    renderer = canvas.get_renderer()
    near_text = np.zeros(plain.shape[:2], bool)
    height = plain.shape[0]
    for text in fig.findobj(matplotlib.text.Text):
        if text.get_visible() and text.get_text().strip():
            box = text.get_window_extent(renderer)
            x0, x1 = int(box.x0) - 2, int(np.ceil(box.x1)) + 2
            y0, y1 = height - int(np.ceil(box.y1)) - 2, height - int(box.y0) + 2
            near_text[max(y0, 0):y1, max(x0, 0):x1] = True
    differs = (plain != kept).any(axis=2)
    assert differs.any() or MPL < (3, 11)          # 3.11 places glyphs to 1/64 pixel
    assert not (differs & ~near_text).any()
    # within a text's box, the same ink: the amount of colour laid down agrees to 2%
    ink_plain, ink_kept = (255 - plain[..., :3]).sum(), (255 - kept[..., :3]).sum()
    assert abs(ink_plain - ink_kept) <= 0.02 * ink_plain


def test_a_resized_canvas_keeps_its_texts_too():
    fig = _texts_of_every_kind()
    canvas = keep_text_pictures(FigureCanvasAgg(fig))
    canvas.draw()
    fig.set_size_inches(5, 3)
    canvas.draw()
    assert canvas.get_renderer().draw_text.__name__ == "draw_kept_text"
    assert keep_text_pictures(canvas) is canvas            # installed once


def test_the_kept_pictures_stay_within_their_budget():
    fig = Figure(figsize=(4, 3), dpi=100)
    ax = fig.subplots()
    canvas = keep_text_pictures(FigureCanvasAgg(fig), budget=20_000)
    for i in range(40):                         # a title with a new number at every move
        ax.set_title(f"step {i}: loss {1 / (i + 1):.6f}")
        canvas.draw()
    kept = canvas._kept_text
    assert kept.bytes <= 20_000 and len(kept.pictures) >= 2
    assert kept.bytes == sum(0 if p[0] is None else p[0].nbytes + 64
                             for p in kept.pictures.values())


def test_a_live_figure_keeps_its_texts():
    import subprocess
    import sys

    code = ("import matplotlib; matplotlib.use('module://ipympl.backend_nbagg'); "
            "import matplotlib.pyplot as plt; "
            "from backprop_lib.widgets.controls import LiveFigure; "
            "fig, ax = plt.subplots(); ax.set_title('t'); live = LiveFigure(fig); "
            "fig.canvas.draw(); fig.canvas.draw(); k = fig.canvas._kept_text; "
            "print(k.drawn > 0, k.hits >= k.drawn)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["True", "True"]


@pytest.mark.skipif(MPL >= (3, 11), reason="from 3.11 a renderer's height is a whole number")
def test_a_height_that_is_not_a_whole_number_of_pixels():
    # before matplotlib 3.11 (the in-browser edition has 3.8.4) a renderer's height is
    # figure.bbox.height (459.99999... for 4.6 inches at 100 dpi) and its buffer int(height)
    # rows: kept texts were pasted a row high
    class FloatHeightCanvas(FigureCanvasAgg):
        def get_renderer(self):
            w, h = self.figure.bbox.size                   # as matplotlib 3.10 keys it
            if getattr(self, "_float_key", None) != (w, h):
                self.renderer, self._float_key = RendererAgg(w, h, self.figure.dpi), (w, h)
            return self.renderer

    def ink_rows(canvas):
        canvas.draw()
        ink = (np.asarray(canvas.buffer_rgba())[..., :3] < 128).any(axis=(1, 2))
        return np.flatnonzero(ink)[[0, -1]].tolist()

    fig = Figure(figsize=(3, 4.6), dpi=100)
    fig.text(0.1, 0.5, "Hg", fontsize=20)
    assert FloatHeightCanvas(fig).get_renderer().height != 460
    plain = ink_rows(FloatHeightCanvas(fig))
    assert ink_rows(keep_text_pictures(FloatHeightCanvas(fig))) == plain


def test_the_key_follows_the_font_settings():
    # a picture kept under one font or hinting setting is not pasted under another
    fig = Figure(figsize=(3, 1), dpi=100)
    fig.text(0.05, 0.3, "AVAWAY 10⁻⁴", fontsize=20)
    canvas = keep_text_pictures(FigureCanvasAgg(fig))
    first = _pixels(canvas)
    with matplotlib.rc_context({"text.hinting": "no_hinting" if
                                matplotlib.rcParams["text.hinting"] != "no_hinting" else "auto"}):
        hinted = _pixels(canvas)
        assert np.array_equal(hinted, _pixels(_whole_pixel_canvas(fig)))
    with matplotlib.rc_context({"font.sans-serif": ["DejaVu Sans Mono"]}):
        mono = _pixels(canvas)
        assert np.array_equal(mono, _pixels(_whole_pixel_canvas(fig)))
    assert not np.array_equal(first, mono)
    assert np.array_equal(_pixels(canvas), first)
