"""The shared controls: they report on release, and LiveFigure picks the right way to redraw."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import ipywidgets as W  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402

from backprop_lib.widgets import controls  # noqa: E402


def test_controls_report_only_when_released():
    for control in [controls.slider("w", 0.5, -1, 1), controls.int_slider("depth", 3, 1, 20),
                    controls.log_slider("lr", 0.1, -3, 1)]:
        assert control.continuous_update is False
    assert controls.log_slider("lr", 0.1, -3, 1).max == 1
    assert controls.log_slider("lr", 0.1, -3, 1).min == -3
    assert controls.dropdown("activation", ["tanh", "relu"]).value == "tanh"
    box = controls.panel([controls.slider("w", 0, -1, 1)], W.Output(), title="t")
    assert isinstance(box, W.VBox) and len(box.children) == 3


def test_a_log_sliders_steps_pass_through_its_starting_value():
    # 0.03 on a grid of 10**(-3 + 0.1 k) is between steps: the arrow keys went 0.03 -> 0.0398
    # -> 0.0316 and never back to the lesson's setting (or its kept picture)
    import math

    lr = controls.log_slider("lr", 0.03, -3, 0, step=0.1)
    # the range still holds 0.001 and 1 (06 asks the learner to try both), a step past at most
    assert lr.value == 0.03 and -3 - 0.1 < lr.min <= -3 and 0 <= lr.max < 0 + 0.1
    steps = (math.log10(0.03) - lr.min) / lr.step
    assert abs(steps - round(steps)) < 1e-9            # the start is a whole number of steps
    after = 10 ** (lr.min + (round(steps) + 1) * lr.step)
    back = 10 ** (lr.min + round(steps) * lr.step)
    assert math.isclose(after, 0.03 * 10 ** 0.1)
    assert controls.setting_key({"lr": back}) == controls.setting_key({"lr": 0.03})
    with pytest.raises(ValueError, match="'lr': the value must be a positive number, got 0"):
        controls.log_slider("lr", 0, -3, 0)


def test_inline_backend_refreshes_through_an_output_widget():
    fig, ax = plt.subplots()
    live = controls.LiveFigure(fig)
    assert not live.interactive and isinstance(live.widget, W.Output)
    live.refresh()


def test_a_live_figure_is_laid_out_once():
    # redraws skip the layout engine: it was a third to a half of the drawing time
    fig, ax = plt.subplots(layout="constrained")
    ax.set_ylabel("loss")
    controls.LiveFigure(fig)
    assert not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    assert ax.get_position().x0 > 0.05            # laid out: room was made for the label


def test_ipympl_canvas_is_used_in_place():
    # matplotlib names the ipympl backend "widget": the canvas, not the name, tells
    code = ("import matplotlib; matplotlib.use('module://ipympl.backend_nbagg'); "
            "import matplotlib.pyplot as plt; from backprop_lib.widgets.controls import LiveFigure;"
            "import numpy as np; "
            "fig = plt.figure(); fig.add_subplot(); live = LiveFigure(fig); "
            "print(live.interactive, type(live.widget).__name__); "
            "drawn = lambda: np.asarray(fig.canvas.buffer_rgba())[..., 3].min() == 255; "
            # before a browser view is ready, refresh only asks for a redraw (an image sent then
            # arrives broken); once the view has said 'initialized' it draws and sends at once
            "fig.canvas.get_renderer().clear(); live.refresh(); print(drawn()); "
            "fig.canvas._handle_message(fig.canvas, {'type': 'initialized'}, []); "
            "fig.canvas.get_renderer().clear(); live.refresh(); print(drawn())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "Canvas", "False", "True"]


def test_a_setting_seen_before_is_shown_again_not_drawn_again():
    # ipympl, as if a page showed the canvas: show(key) draws a new setting and keeps its
    # picture; the same setting again puts those pixels back (no drawing), and the artists
    # were moved to that setting by the caller, so a redraw would give the same picture.
    # 4.6 inches at 100 dpi is 459.99999... pixels in floats, 460 in the canvas's buffer (01's
    # network explorer never showed a kept picture while the two were compared)
    code = (
        "import matplotlib; matplotlib.use('module://ipympl.backend_nbagg'); "
        "import matplotlib.pyplot as plt, numpy as np; "
        "from backprop_lib.widgets.controls import LiveFigure; "
        "fig, ax = plt.subplots(figsize=(9.6, 4.6), dpi=100); "
        "(line,) = ax.plot([0, 1], [0, 0]); ax.set_ylim(-2, 2); "
        "live = LiveFigure(fig); "
        "fig.canvas._handle_message(fig.canvas, {'type': 'initialized'}, []); "
        "px = lambda: np.asarray(fig.canvas.buffer_rgba()).copy(); "
        "live.shown = ('a', 0); fig.canvas.draw(); first = px(); "   # the page's first picture
        "line.set_ydata([0, 1]); live.show(('a', 1)); up = px(); "
        "line.set_ydata([0, -1]); live.show(('a', -1)); down = px(); "
        "line.set_ydata([0, 1]); live.show(('a', 1)); again = px(); "
        "print(live.reused, len(live.frames), (again == up).all(), (again != down).any(), "
        "fig.stale); "
        "fig.canvas.draw(); print((px() == up).all()); "
        "line.set_ydata([0, 0]); live.show(('a', 0)); print(live.reused, (px() == first).all())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "3", "True", "True", "False", "True", "2", "True"]


def test_memoize_computes_a_setting_once():
    calls = []

    def square(x, y=0):
        calls.append(x)
        return x * x + y

    f = controls.memoize(square, size=2)
    assert [f(x=2), f(x=2), f(x=3), f(x=2, y=1)] == [4, 4, 9, 5]
    assert calls == [2, 3, 2]
    f(x=4)                                   # the oldest setting is forgotten
    assert len(f.kept) == 2 and (("x", 2),) not in f.kept


def test_explore_wires_controls_to_one_figure():
    fig, ax = plt.subplots()
    (line,) = ax.plot([0, 1], [0, 0])
    seen = []
    box = controls.explore({"w": controls.slider("w", 0.0, -1, 1)}, controls.LiveFigure(fig),
                           lambda w: seen.append(w) or line.set_ydata([0, w]), title="t")
    box.controls["w"].value = 0.5
    assert seen == [0.5] and box.figure is fig and box.last_seconds is not None
    assert list(line.get_ydata()) == [0, 0.5]


def test_a_setting_key_ignores_last_digit_float_noise():
    assert controls.setting_key({"lr": 0.1 + 0.2}) == controls.setting_key({"lr": 0.3})
    assert controls.setting_key({"lr": 0.3, "act": "tanh"}) == (("lr", 0.3), ("act", "tanh"))


def test_a_move_asks_the_page_for_nothing_but_sends_one_picture():
    # pyplot's auto-draw asked the page for a redraw at every artist change (138 'draw'
    # requests for one move of 05's lr explorer, then a second full drawing): a live figure
    # is redrawn by show() only
    code = """
import matplotlib
matplotlib.use('module://ipympl.backend_nbagg')
import matplotlib.pyplot as plt
plt.ion()
from backprop_lib.widgets import descent
box = descent.learning_rate_explorer()
canvas = box.figure.canvas
events, images = [], []
send_event = canvas.send_event
canvas.send_event = lambda name, **kw: (events.append(name), send_event(name, **kw))
canvas.send_binary = images.append
canvas._handle_message(canvas, {'type': 'initialized'}, [])
canvas.draw()
events.clear(); images.clear()
box.controls['lr'].value = 0.5
print(events.count('draw'), len(images))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "1"]


def test_a_live_figure_sends_the_same_pictures_lightly_compressed():
    # widgets/png.py: matplotlib's steps at compress level 1: a new picture whole, then only
    # the pixels that changed; decoded, the same pixels and modes as matplotlib's own
    code = """
import io
import matplotlib
matplotlib.use('module://ipympl.backend_nbagg')
import matplotlib.pyplot as plt, numpy as np
from PIL import Image
from backprop_lib.widgets import png
fig, ax = plt.subplots()
(line,) = ax.plot([0, 1], [0, 1])
canvas = fig.canvas
modes = []
canvas.set_image_mode = lambda mode, s=canvas.set_image_mode: (modes.append(mode), s(mode))
decoded = lambda b: np.asarray(Image.open(io.BytesIO(b)))
out = []
for ours in (False, True):
    line.set_ydata([0, 1]); canvas.draw()
    canvas._png_is_old, canvas._force_full, canvas._last_buff = True, True, np.empty((0, 0))
    full = png.diff_image(canvas) if ours else type(canvas).get_diff_image(canvas)
    mode_full = modes[-1]
    line.set_ydata([1, 0]); canvas.draw()
    canvas._png_is_old = True
    diff = png.diff_image(canvas) if ours else type(canvas).get_diff_image(canvas)
    print(mode_full, modes[-1], end=' ')
    out.append((decoded(full), decoded(diff), len(full)))
    print(png.diff_image(canvas) is None, end=' ')          # nothing changed since: nothing
(f0, d0, n0), (f1, d1, n1) = out
print((f0 == f1).all(), (d0 == d1).all(), (d1[..., 3] == 0).any())
print(png.send_light_png(canvas), png.send_light_png(object()))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == [
        "full diff True full diff True True True True", "True False"]


def test_a_picture_drawn_before_the_page_was_ready_is_not_kept_under_a_guess():
    # a move before the page has said it is ready only asks for a drawing later; the canvas's
    # pixels then show that move's setting, not the one shown before it
    code = (
        "import matplotlib; matplotlib.use('module://ipympl.backend_nbagg'); "
        "import matplotlib.pyplot as plt, numpy as np; "
        "from backprop_lib.widgets.controls import LiveFigure; "
        "fig, ax = plt.subplots(); (line,) = ax.plot([0, 1], [0, 0]); ax.set_ylim(-2, 2); "
        "live = LiveFigure(fig); live.shown = ('a', 0); "
        "px = lambda: np.asarray(fig.canvas.buffer_rgba()).copy(); "
        "line.set_ydata([0, 1]); live.show(('a', 1)); "             # before the page is ready
        "fig.canvas._handle_message(fig.canvas, {'type': 'initialized'}, []); "
        "fig.canvas.draw(); "                                        # the page draws: a = 1
        "line.set_ydata([0, -1]); live.show(('a', -1)); "
        "line.set_ydata([0, 0]); live.show(('a', 0)); at0 = px(); "
        "fig.canvas.draw(); print(live.reused, (px() == at0).all())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "True"]


def test_a_menus_next_option_is_drawn_ahead_without_changing_what_is_shown():
    # after a move, the next option's picture is drawn and kept, not sent; the canvas keeps the
    # move's picture and artists, and the next option is then shown from its kept picture
    code = """
import matplotlib
matplotlib.use('module://ipympl.backend_nbagg')
import matplotlib.pyplot as plt, numpy as np
from backprop_lib.widgets import controls
fig, ax = plt.subplots()
(line,) = ax.plot([0, 1], [0, 0]); ax.set_ylim(-3, 3)
live = controls.LiveFigure(fig)
menu = controls.dropdown('c', [0, 1, 2])
box = controls.explore({'c': menu}, live, lambda c: line.set_ydata([0, c]), draw_next=('c',))
canvas = fig.canvas
sent = []
canvas.send_binary = lambda data: sent.append(data)
canvas._handle_message(canvas, {'type': 'initialized'}, [])
canvas.draw()                                            # the page's first picture
px = lambda: np.asarray(canvas.buffer_rgba()).copy()
def fresh(c):
    line.set_ydata([0, c]); canvas.draw(); return px()
n0 = len(sent)
menu.value = 1
at1 = px()
print(len(sent) - n0, list(line.get_ydata()), controls.setting_key({'c': 2}) in live.frames)
print((at1 == fresh(1)).all())
line.set_ydata([0, 1])
n1, reused = len(sent), live.reused
menu.value = 2
print(live.reused - reused, len(sent) - n1, (px() == fresh(2)).all(), (at1 != px()).any())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:3] == ["1 [0, 1] True", "True",
                                          "1 1 True True"]


def test_a_sliders_next_step_is_drawn_the_way_it_last_moved():
    code = """
import matplotlib
matplotlib.use('module://ipympl.backend_nbagg')
import matplotlib.pyplot as plt
from backprop_lib.widgets import controls
fig, ax = plt.subplots()
(line,) = ax.plot([0, 1], [0, 0]); ax.set_ylim(-3, 3)
live = controls.LiveFigure(fig)
w = controls.slider('w', 0.0, -1.0, 1.0, step=0.5)
box = controls.explore({'w': w}, live, lambda w: line.set_ydata([0, w]), draw_next=('w',))
canvas = fig.canvas
canvas.send_binary = lambda data: None
canvas._handle_message(canvas, {'type': 'initialized'}, [])
canvas.draw()
kept = lambda: sorted(k[0][1] for k in live.frames)
w.value = 0.5; print(kept())          # up: 1.0 drawn ahead
w.value = 1.0; print(kept(), live.reused)     # shown from its kept picture; nothing past the end
w.value = 0.5; w.value = 0.0; print(kept())   # down: -0.5 drawn ahead
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:3] == ["[0.0, 0.5, 1.0]", "[0.0, 0.5, 1.0] 1",
                                          "[-0.5, 0.0, 0.5, 1.0]"]
