"""Widget latencies: measured in a real browser, and broken down inside the kernel.

    python benchmarks/widget_latency.py [build/widget_latency.json]
    python benchmarks/widget_latency.py --kernel [--repeat 3] [--no-kept-text] [--no-light-png]
    python benchmarks/widget_latency.py --compare [--rounds 3]

The first form reads the timings that ``tests/browser/test_widgets_in_browser.py`` writes
(``make browser``) and prints, per lesson, the median and the 90th percentile of every move's
time from the control change (the key press or menu choice in Chromium) to the last figure
update it caused, over every slider and menu of the lesson, the first move and the jump to the
deepest setting included, beside the course's targets (issue #15): median at most 150 ms, 90th
percentile at most 300 ms. Then, per control, the median, the first move and the kernel's
return to idle. These are measurements, never asserted in a test: wall-clock times depend on
the machine.

``--kernel`` builds each lesson's explorers without a browser (ipympl's canvas, no page) and
splits each move's CPU time into what the widget computes and what showing the figure costs
(matplotlib's Agg drawing plus ipympl's PNG), so a slow move says where its time goes;
``--repeat 2`` makes every move twice (the second time, a setting seen before);
``--no-kept-text`` draws every label at every redraw (``widgets/kept_text.py`` off) and
``--no-light-png`` sends pictures compressed at zlib's default level (``widgets/png.py`` off),
to compare. ``--compare`` measures both side by side in one process: every explorer built and
moved with the speed-ups and without them, in alternation, ``--rounds`` times. Neither runs 06's
training ahead (``widgets/ahead.py``): CPU time would count the background thread.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1] / "build" / "widget_latency.json"
MEDIAN_MS, P90_MS = 150.0, 300.0          # issue #15: key press to new figure


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def p90(values):
    """The 90th percentile (linear interpolation between the closest ranks)."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    pos = 0.9 * (len(values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def fmt(ms) -> str:
    return "     -" if ms is None else f"{ms:6.0f}"


def lesson_of(served_path: str) -> str:
    """'notebooks/solutions/07_x_solutions.ipynb' -> 'notebooks/07' (a lesson and its
    solutions count together); fixtures keep their own name."""
    name = served_path.split("/")[-1]
    top = served_path.split("/")[0]
    return f"{top}/{name[:2]}" if name[:2].isdigit() else served_path


def moves(entry: dict) -> list[dict]:
    return [s for c in entry.get("controls", []) for s in c["samples"]
            if s.get("latency_ms") is not None and not s["action"].startswith("skipped")]


def verdict(med, high) -> str:
    if med is None:
        return ""
    ok = med <= MEDIAN_MS and high <= P90_MS
    return "within the targets" if ok else "OVER " + ", ".join(
        what for what, v, limit in (("median", med, MEDIAN_MS), ("p90", high, P90_MS))
        if v > limit)


def report(data: dict, out=sys.stdout) -> list[str]:
    """Print the per-lesson table, then per control; return the lessons that missed."""
    lessons: dict[str, list[dict]] = {}
    for nb, entry in data.get("notebooks", {}).items():
        lessons.setdefault(lesson_of(nb), []).extend(moves(entry))
    missed = []
    print(f"targets (issue #15): median <= {MEDIAN_MS:.0f} ms, 90th percentile <= {P90_MS:.0f} "
          "ms, key press to the figure's last update, every move counted", file=out)
    print(f"{'lesson':30} {'moves':>5} {'median':>6} {'p90':>6} {'max':>6} {'first':>6}", file=out)
    everything = []
    for lesson, samples in lessons.items():
        if not samples:
            continue
        lat = [s["latency_ms"] for s in samples]
        everything += lat
        med, high = median(lat), p90(lat)
        first = median(s["latency_ms"] for s in _first_moves(data, lesson))
        line = (f"{lesson:30} {len(lat):5d} {fmt(med)} {fmt(high)} {fmt(max(lat))} "
                f"{fmt(first)}  {verdict(med, high)}")
        print(line, file=out)
        if not line.endswith("within the targets"):
            missed.append(f"{lesson}: median {med:.0f} ms, p90 {high:.0f} ms")
    if everything:
        print(f"{'all lessons':30} {len(everything):5d} {fmt(median(everything))} "
              f"{fmt(p90(everything))} {fmt(max(everything))}", file=out)
    print(file=out)
    print(f"{'notebook / control':58} {'n':>2} {'median':>6} {'first':>6} {'idle':>6}  "
          "(ms from the change)", file=out)
    for nb, entry in data.get("notebooks", {}).items():
        status = "ok" if entry.get("ok") else "FAILED"
        print(f"{nb}  [open {entry.get('open_s', '?')} s, run all {entry.get('run_all_s', '?')} s,"
              f" figures drawn after {entry.get('settle_s', '?')} s, "
              f"{entry.get('n_controls', 0)} controls, {status}]", file=out)
        for c in entry.get("controls", []):
            done = [s for s in c["samples"] if not s["action"].startswith("skipped")]
            steps = [s for s in done if not s["action"].startswith("type")]
            jumps = [s for s in done if s["action"].startswith("type")]
            for samples in (steps, jumps):
                if not samples:
                    continue
                label = f" (at {jumps[0]['after']})" if samples is jumps else ""
                name = f"  {c['index']}: {c['kind']} {c['description']!r}{label}"
                print(f"{name[:58]:58} {len(samples):2d} "
                      f"{fmt(median(s['latency_ms'] for s in samples))} "
                      f"{fmt(samples[0]['latency_ms'])} "
                      f"{fmt(median(s['idle_ms'] for s in samples))}", file=out)
    return missed


def _first_moves(data: dict, lesson: str) -> list[dict]:
    return [c["samples"][0] for nb, entry in data.get("notebooks", {}).items()
            if lesson_of(nb) == lesson for c in entry.get("controls", []) if c["samples"]]


# ------------------------------------------------------------------------ inside the kernel

def _lesson_explorers():
    """(lesson, name, build, moves): every explorer of the lessons, built as the notebooks
    build them, and a few moves (control name, value) like the browser test's."""
    import numpy as np

    import backprop_lib as bp
    from backprop_lib import graph, surfaces
    from backprop_lib.slices import weight_slice
    from backprop_lib.widgets import backward as wbackward
    from backprop_lib.widgets import descent, remedies, training
    from backprop_lib.widgets import forward as wforward
    from backprop_lib.widgets import gradients as wgrad
    from backprop_lib.widgets import graph as wgraph
    from backprop_lib.widgets import losses as wlosses
    from backprop_lib.widgets import residual as wresidual

    Xs, ys = bp.datasets.spiral(n_per_class=70, seed=0)
    Xd, yd = bp.datasets.load_digits()
    Xtr, Xte, ytr, _ = bp.datasets.train_test_split(Xd, yd, 0.25, seed=0)
    Xtr, _ = bp.datasets.standardize(Xtr, Xte)
    X, y = Xtr[:256], ytr[:256]
    Xx, yx = bp.datasets.xor(n=80, noise=0.25, seed=0)          # as lessons 01, 03 and 04 do
    L = graph.neuron(1.5, 0.8, -0.5, 1.0)["L"].backward()
    Xm, labels = bp.datasets.moons(8, seed=0)
    rng = np.random.default_rng(0)
    model = bp.Sequential([bp.Dense(2, 3), bp.Sigmoid(), bp.Dense(3, 1)])
    model.layers[0].W.value[...] = rng.normal(0, 0.8, (2, 3))
    model.layers[2].W.value[...] = rng.normal(0, 0.8, (3, 1))
    s = weight_slice(model, Xm, labels.reshape(-1, 1).astype(float), bp.mse, "dense1.W", (0, 1))
    out = [
        ("01", "neuron", lambda: wforward.neuron_explorer(Xx, yx),
         [("w1", 1.1), ("w1", 1.0), ("b", 0.1)]),
        ("01", "tiny network", lambda: wforward.tiny_network_explorer(Xx, yx),
         [("b1", 5.5), ("b1", 5.0), ("v1", 10.5)]),
        ("03", "pass", lambda: wgraph.pass_explorer(L, step=0),
         [("step", 1), ("step", 0), ("step", 2)]),
        ("04", "tangent", lambda: wbackward.tangent_explorer(s),
         [("w", s.w0 + 0.05), ("w", s.w0), ("w", s.w0 - 0.05)]),
        ("02", "loss", lambda: wlosses.loss_explorer(), [("z", -3.9), ("z", -4.0), ("target", 0)]),
        ("05", "learning rate", lambda: descent.learning_rate_explorer(surfaces.quadratic(1.0)),
         [("lr", 0.3 * 10 ** 0.05), ("lr", 0.3), ("lr", 0.3 * 10 ** 0.05)]),
        ("05", "momentum", lambda: descent.momentum_explorer(),
         [("momentum", 0.01), ("momentum", 0.0), ("lr", 0.02 * 10 ** 0.05)]),
        ("06", "training", lambda: training.training_explorer(Xs, ys),
         [("lr", 0.03 * 10 ** 0.1), ("lr", 0.03), ("depth", 3), ("activation", "relu")]),
        ("07", "depth", lambda: wgrad.depth_explorer(X, y, depth=10),
         [("depth", 11), ("depth", 10), ("depth", 20), ("activation", "tanh")]),
        ("07", "diagram", lambda: wgrad.diagram_explorer(X, y, depth=5),
         [("depth", 6), ("depth", 5), ("depth", 12), ("activation", "tanh")]),
        ("07", "saturation", lambda: wgrad.saturation_explorer(X, y, depth=8, init="xavier"),
         [("depth", 9), ("depth", 8), ("depth", 20), ("activation", "tanh")]),
        ("08", "init", lambda: remedies.init_explorer(),
         [("depth", 11), ("depth", 10), ("depth", 20), ("activation", "relu")]),
        ("09", "normalization", lambda: remedies.norm_explorer(),
         [("depth", 11), ("depth", 10), ("depth", 12), ("activation", "tanh")]),
        ("09", "clipping", lambda: remedies.clipping_explorer(),
         [("lr", 0.5 * 10 ** 0.1), ("lr", 0.5), ("gain", 1.75)]),
        ("10", "residual", lambda: wresidual.residual_explorer(),
         [("depth", 51), ("depth", 50), ("depth", 100), ("connections", "residual")]),
    ]
    return out


def _shown_by_a_page(canvas):
    """As if a page showed the ipympl canvas: it then draws and sends each picture at once."""
    canvas.syncing_data_url = False
    if canvas not in canvas.manager.web_sockets:
        canvas.manager.web_sockets.append(canvas)


def kernel_breakdown(repeat: int = 1, out=sys.stdout):
    """Per explorer and move: CPU ms of the whole update, of which showing the figure (Agg
    drawing plus ipympl's PNG, or a kept picture put back: "reused")."""
    import matplotlib

    matplotlib.use("module://ipympl.backend_nbagg")
    from backprop_lib.widgets import controls as C

    spent = {"show": 0.0, "ahead": 0.0}
    original, original_ahead = C.LiveFigure.show, C.LiveFigure.draw_ahead

    def timed_ahead(self, *args):
        t = time.process_time()
        drawn = original_ahead(self, *args)
        spent["ahead"] += time.process_time() - t
        return drawn

    def timed_show(self, key=None):
        _shown_by_a_page(self.fig.canvas)
        t = time.process_time()
        original(self, key)
        spent["show"] += time.process_time() - t

    C.LiveFigure.show, C.LiveFigure.draw_ahead = timed_show, timed_ahead
    print(f"{'lesson / explorer':26} {'move':28} {'total':>6} {'show':>6} {'compute':>7}"
          "  (CPU ms)", file=out)
    try:
        for lesson, name, build, steps in _lesson_explorers():
            t = time.process_time()
            box = build()
            print(f"{lesson} {name:23} {'(built)':28} {(time.process_time() - t) * 1e3:6.0f}",
                  file=out)
            controls = box.controls
            live = box.live
            t = time.process_time()
            _shown_by_a_page(live.fig.canvas)
            live.fig.canvas.draw()        # the first picture, which the page asks for
            print(f"{lesson} {name:23} {'(first picture)':28} "
                  f"{(time.process_time() - t) * 1e3:6.0f}", file=out)
            for control, value in steps * repeat:
                if controls[control].value == value:
                    continue
                spent["show"], spent["ahead"], reused = 0.0, 0.0, live.reused
                t = time.process_time()
                controls[control].value = value
                ahead = spent["ahead"] * 1e3            # after the picture was sent
                total = (time.process_time() - t) * 1e3 - ahead
                shown = spent["show"] * 1e3
                move = f"{control}={value:.3g}" if isinstance(value, float) else \
                    f"{control}={value}"
                print(f"{lesson} {name:23} {move:28} {total:6.0f} {shown:6.0f} "
                      f"{total - shown:7.0f}" + ("  reused" if live.reused > reused else "")
                      + (f"  (+{ahead:.0f} drawing ahead)" if ahead else ""),
                      file=out)
    finally:
        C.LiveFigure.show, C.LiveFigure.draw_ahead = original, original_ahead


def compare(rounds: int = 3, out=sys.stdout):
    """Each explorer's drawn moves (settings not seen before) with the live figure's speed-ups
    (kept text pictures, light PNG) and without them, built and moved in alternation in one
    process, ``rounds`` times: per explorer the median CPU ms of a move both ways and their
    ratio, then the median ratio over every move."""
    import matplotlib

    matplotlib.use("module://ipympl.backend_nbagg")
    import matplotlib.pyplot as plt

    from backprop_lib.widgets import live_figure as F

    F.LiveFigure.draw_ahead = lambda self, *args: 0       # each move's own drawing only
    speedups = F.keep_text_pictures, F.send_light_png
    plain = (lambda canvas: canvas), (lambda canvas: False)

    def moves_of(build, steps, tools):
        F.keep_text_pictures, F.send_light_png = tools
        try:
            box = build()
        finally:
            F.keep_text_pictures, F.send_light_png = speedups
        _shown_by_a_page(box.live.fig.canvas)
        box.live.fig.canvas.draw()                    # the page's first picture
        times = []
        for control, value in steps:
            if box.controls[control].value == value:
                continue
            reused = box.live.reused
            t = time.process_time()
            box.controls[control].value = value
            if box.live.reused == reused:                 # drawn, not a kept picture
                times.append((time.process_time() - t) * 1e3)
        plt.close(box.live.fig)
        return times

    print(f"{'lesson / explorer':26} {'moves':>5} {'with':>6} {'without':>8} {'ratio':>6}"
          "  (median CPU ms of a drawn move)", file=out)
    ratios = []
    for lesson, name, build, steps in _lesson_explorers():
        fast, slow = [], []
        for _ in range(rounds):
            fast.append(moves_of(build, steps, speedups))
            slow.append(moves_of(build, steps, plain))
        pairs = [(f, s) for fr, sr in zip(fast, slow) for f, s in zip(fr, sr)]
        if not pairs:
            continue
        ratios += [f / s for f, s in pairs]
        f, s = median(p[0] for p in pairs), median(p[1] for p in pairs)
        print(f"{lesson} {name:23} {len(pairs):5d} {f:6.0f} {s:8.0f} {f / s:6.2f}", file=out)
    print(f"{'every drawn move':26} {len(ratios):5d} {'':6} {'':8} {median(ratios):6.2f}"
          f"  (range {min(ratios):.2f}-{max(ratios):.2f})", file=out)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--compare" in argv or "--kernel" in argv:
        from backprop_lib.widgets import ahead

        # no training ahead here: CPU time would count the background thread's work in a move
        ahead.Ahead.around = lambda self, controls: None
    if "--compare" in argv:
        compare(int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 3)
        return 0
    if "--kernel" in argv:
        repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 1
        from backprop_lib.widgets import live_figure

        if "--no-kept-text" in argv:       # for comparison: every label drawn at every redraw
            live_figure.keep_text_pictures = lambda canvas: canvas
        if "--no-light-png" in argv:       # for comparison: PNG at zlib's default level
            live_figure.send_light_png = lambda canvas: False
        kernel_breakdown(repeat)
        return 0
    path = Path(argv[0]) if argv else DEFAULT
    if not path.is_file():
        print(f"no {path}: run the browser test first (make browser)", file=sys.stderr)
        return 1
    data = json.loads(path.read_text())
    missed = report(data)
    print()
    print("targets missed: " + ("; ".join(missed) if missed else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
