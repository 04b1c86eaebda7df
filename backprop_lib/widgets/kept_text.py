"""Kept pictures of text, so that a live figure's redraw does not draw its labels again.

A live figure is redrawn at every move of a slider, and most of what it draws is text: tick
labels, axis labels, titles, legends (48 pieces of text in lesson 07's gradient profile).
Matplotlib's Agg renderer draws every piece of text glyph by glyph, every time: about two thirds
of a redraw (``python benchmarks/widget_latency.py --text`` measures it). The same label ("10",
"layer (1 = next to the input)", "10^-4") comes back move after move, so a live figure keeps
the pixels of each piece of text the first time it is drawn and pastes them after that.

One difference from a plain drawing: a kept text is pasted with its anchor at the nearest whole
pixel. Matplotlib 3.11 places glyphs to 1/64 of a pixel, so a label may sit up to half a pixel
from where a plain drawing puts it; before 3.11 matplotlib rounds too, but after adding the
glyphs' offset, so a label may sit one pixel from it. Nothing else changes, and the same setting
always gives the same picture (tests/test_kept_text.py).
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
from matplotlib import rcParams
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import findfont

BUDGET_BYTES = 16 * 2**20        # the pictures a canvas keeps (least recently used go first)
PAD = 4                          # pixels around a text's box, for glyphs that overhang it
PLAIN = (None, None, None)       # a text whose picture could not be kept: drawn as usual
RC_KEYS = ("text.hinting", "text.hinting_factor", "text.kerning_factor", "mathtext.fontset",
           "mathtext.default", "mathtext.rm", "mathtext.it", "mathtext.bf", "mathtext.sf",
           "mathtext.tt", "mathtext.cal")


def keep_text_pictures(canvas, budget: int = BUDGET_BYTES):
    """Make every renderer the Agg ``canvas`` draws with keep its text pictures. Returns the
    canvas. Installed once per canvas; a resized canvas's new renderer keeps its own."""
    if getattr(canvas, "_kept_text", None) is not None:
        return canvas
    kept = TextPictures(budget)
    canvas._kept_text = kept
    get_renderer = canvas.get_renderer          # FigureCanvasAgg's: one renderer per size

    def renderer_keeping_text():
        renderer = get_renderer()
        if getattr(renderer, "_kept_text", None) is not kept:
            renderer._kept_text = kept
            renderer.draw_text = kept.drawer(renderer)
        return renderer

    canvas.get_renderer = renderer_keeping_text
    return canvas


class TextPictures:
    """Pictures of pieces of text, by what decides their pixels: the string, the font, the
    angle, the colour, antialiasing, the dpi. ``hits`` and ``drawn`` count the pastes and the
    drawings."""

    def __init__(self, budget: int = BUDGET_BYTES):
        self.budget = int(budget)
        self.pictures: OrderedDict = OrderedDict()   # key -> (RGBA rows bottom-up, dx, dy)
        self.bytes = 0
        self.hits = self.drawn = 0

    def drawer(self, renderer):
        """``renderer.draw_text`` (same arguments) that pastes a kept picture when it can."""
        draw_text = type(renderer).draw_text

        def draw_kept_text(gc, x, y, s, prop, angle, ismath=False, mtext=None):
            if ismath == "TeX" or not s:
                return draw_text(renderer, gc, x, y, s, prop, angle, ismath, mtext)
            # everything that decides the text's pixels: the font file the properties resolve
            # to (rcParams' font lists), its size, the hinting, the formula fonts, OpenType
            # features and language (matplotlib 3.11), angle, colour, alpha, antialiasing, dpi
            font = (findfont(prop), prop.get_style(), prop.get_variant(), prop.get_weight(),
                    prop.get_stretch(), prop.get_size_in_points(), prop.get_math_fontfamily(),
                    tuple(rcParams[k] for k in RC_KEYS),
                    _text_setting(mtext, "get_fontfeatures"), _text_setting(mtext, "get_language"))
            key = (s, ismath, font, round(float(angle), 6), tuple(gc.get_rgb()),
                   gc.get_alpha(), gc.get_forced_alpha(), gc.get_antialiased(), renderer.dpi)
            picture = self.pictures.get(key)
            if picture is None:
                picture = self._draw(renderer, gc, s, prop, angle, ismath, mtext)
                self._put(key, picture)
            else:
                self.pictures.move_to_end(key)
                self.hits += 1
            if picture is PLAIN:
                return draw_text(renderer, gc, x, y, s, prop, angle, ismath, mtext)
            rgba, dx, dy = picture
            if rgba is None:                         # nothing visible (spaces)
                return
            # clipped to the text's rectangle, as Agg clips text (not to a clip path, which
            # Agg's text ignores); not given the text's alpha: the picture has it already
            paste = renderer.new_gc()
            paste.set_clip_rectangle(gc.get_clip_rectangle())
            # draw_text's y counts rows down from the top, draw_image's y up from the bottom;
            # the buffer has int(height) rows (before 3.11 height may be 459.99999...)
            rows = int(renderer.height)
            renderer.draw_image(paste, round(x) + dx, rows - 1 - round(y) - dy, rgba)
            paste.restore()

        return draw_kept_text

    def _draw(self, renderer, gc, s, prop, angle, ismath, mtext):
        """Draw the text alone on a transparent canvas around the anchor point, crop it to its
        ink. Returns (RGBA rows bottom-up or None, dx, dy): the picture's lower-left pixel is
        (dx, dy) pixels right of and below the anchor."""
        self.drawn += 1
        w, h, d = renderer.get_text_width_height_descent(s, prop, ismath)
        # Around the anchor (y up): the text lies within [-e, w + e] x [-e, e], e = h + d + PAD,
        # turned by the angle; the canvas holds that box's bounds.
        e = h + d + PAD
        turn = math.radians(angle)
        cos, sin = math.cos(turn), math.sin(turn)
        corners = [(u * cos - v * sin, u * sin + v * cos) for u in (-e, w + e) for v in (-e, e)]
        left = math.floor(min(cx for cx, _ in corners)) - 1
        top = math.ceil(max(cy for _, cy in corners)) + 1
        width = math.ceil(max(cx for cx, _ in corners)) + 1 - left
        height = top - math.floor(min(cy for _, cy in corners)) + 1
        alone = RendererAgg(width, height, renderer.dpi)
        pen = alone.new_gc()
        pen.copy_properties(gc)
        pen.set_clip_rectangle(None)
        pen.set_clip_path(None)
        x0, y0 = -left, top                  # the anchor; draw_text's y runs down from the top
        RendererAgg.draw_text(alone, pen, x0, y0, s, prop, angle, ismath, mtext)
        pen.restore()
        pixels = np.asarray(alone.buffer_rgba())
        ink = pixels[..., 3]
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        if rows.size == 0:
            return None, 0, 0
        if rows[0] == 0 or cols[0] == 0 or rows[-1] == height - 1 or cols[-1] == width - 1:
            return PLAIN                     # it may reach further: drawn as usual each time
        crop = pixels[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
        return np.ascontiguousarray(crop[::-1]), int(cols[0] - x0), int(rows[-1] - y0)

    def _put(self, key, picture):
        self.pictures[key] = picture
        self.bytes += _size(picture)
        while self.bytes > self.budget and len(self.pictures) > 1:
            _, old = self.pictures.popitem(last=False)
            self.bytes -= _size(old)


def _size(picture) -> int:
    """Bytes a kept picture counts for (an empty one too: the budget bounds their number)."""
    return 64 + (0 if picture[0] is None else picture[0].nbytes)


def _text_setting(mtext, getter):
    value = getattr(mtext, getter, None)
    value = value() if callable(value) else None
    return tuple(value) if isinstance(value, list) else value

