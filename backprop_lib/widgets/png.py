"""How a live figure's picture travels to the page: as PNG, compressed lightly.

ipympl sends every new picture of an interactive figure to the browser as a PNG (the whole
picture, or only the pixels that changed), which matplotlib encodes at zlib's default level 6.
The picture goes to a browser on the same machine or the same page (the in-browser edition),
where its size hardly matters; the time to compress it is on every move's path. Level 1 makes
pictures a few percent larger and encodes them two to three times faster (lesson 07's network
diagram: 44 ms -> 16 ms; ``python benchmarks/widget_latency.py --kernel`` against
``--no-light-png`` compares them).
"""

from __future__ import annotations

from io import BytesIO

import numpy as np

COMPRESS_LEVEL = 1


def send_light_png(canvas) -> bool:
    """Make an ipympl (matplotlib webagg) ``canvas`` encode its pictures at ``COMPRESS_LEVEL``.
    Returns False, leaving the canvas as it was, if it is not the kind of canvas this knows."""
    needed = ("_png_is_old", "_force_full", "_last_buff", "set_image_mode", "get_renderer")
    if not all(hasattr(canvas, name) for name in needed):
        return False
    canvas.get_diff_image = lambda: diff_image(canvas)
    return True


def diff_image(canvas, compress_level: int = COMPRESS_LEVEL):
    """matplotlib's ``FigureCanvasWebAggCore.get_diff_image`` (the same steps, 3.8 to 3.11)
    with the PNG compression level given: the whole picture when it is new, has a new size or
    is transparent somewhere, else only the pixels that changed (the others left transparent,
    so the page draws the difference over what it shows). None when nothing changed."""
    from PIL import Image

    if not canvas._png_is_old:
        return None
    pixels = np.asarray(canvas.get_renderer().buffer_rgba())
    buff = pixels.view(np.uint32).squeeze(2)        # a pixel as one number: compared at once
    if (canvas._force_full or buff.shape != canvas._last_buff.shape
            or (pixels[:, :, 3] != 255).any()):
        canvas.set_image_mode("full")
        output = buff
    else:
        canvas.set_image_mode("diff")
        output = np.where(buff != canvas._last_buff, buff, 0)
    canvas._last_buff = buff.copy()
    canvas._force_full = False
    canvas._png_is_old = False
    data = output.view(dtype=np.uint8).reshape((*output.shape, 4))
    with BytesIO() as png:
        Image.fromarray(data).save(png, format="png", compress_level=compress_level)
        return png.getvalue()
