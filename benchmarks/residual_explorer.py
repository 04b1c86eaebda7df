"""How long one step of notebook 10's residual explorer takes at depth 100 (budget: 300 ms on a
2-core machine), headless: the computation of a new setting (one forward and backward pass of
a 100-layer network, width 32, 128 points, plus its theory), a setting met before (cached), and
the in-place redraw of the figure with Agg.

    OPENBLAS_NUM_THREADS=1 python benchmarks/residual_explorer.py [--repeat 15]

Prints medians (and min-max) of the wall clock and of the CPU time over repeated runs; asserts
nothing (wall-clock time depends on
the machine). The browser test's timings (``benchmarks/widget_latency.py``) add the round trip
through JupyterLab.
"""

from __future__ import annotations

import argparse
import statistics
import time

import matplotlib

matplotlib.use("Agg")

from backprop_lib import deep  # noqa: E402
from backprop_lib.plots import residual as rplots  # noqa: E402
from backprop_lib.plots.live import freeze_layout  # noqa: E402

SETTINGS = [(act, norm, res) for act in ("sigmoid", "tanh", "relu", "leaky_relu")
            for norm in (None, "batch", "layer") for res in (False, True)]


def _time(fn, repeat: int) -> list[tuple[float, float]]:
    """(wall clock, CPU time of this process) per run: on a shared machine the wall clock
    includes waiting for a core; the CPU time is the work itself."""
    times = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    return times


def _report(name: str, runs: list[tuple[float, float]]) -> None:
    wall = [w * 1000 for w, _ in runs]
    cpu = [c * 1000 for _, c in runs]
    print(f"{name:<40} wall {statistics.median(wall):6.1f} ms ({min(wall):.1f}-{max(wall):.1f}),"
          f" CPU {statistics.median(cpu):6.1f} ms ({min(cpu):.1f}-{max(cpu):.1f}), "
          f"{len(runs)} runs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--depth", type=int, default=100)
    args = parser.parse_args()
    depth = args.depth
    fresh = [lambda a=a, n=n, r=r: deep.delta_profile(depth, a, r, n, n=128)
             for a, n, r in SETTINGS]
    times = [t for fn in fresh for t in _time(fn, max(1, args.repeat // len(SETTINGS) + 1))]
    _report(f"a new setting, depth {depth} (compute)", times)
    deep.cached_profile(depth, "tanh", True, None)
    _report("a setting met before (cached)",
            _time(lambda: deep.cached_profile(depth, "tanh", True, None), args.repeat))
    fig = rplots.plot_explorer(deep.delta_profile(depth, "tanh"))
    freeze_layout(fig)                                 # as the live figure does
    profiles = [deep.delta_profile(depth, "tanh", r) for r in (False, True)]
    k = {"i": 0}

    def redraw():
        k["i"] += 1
        rplots.update_explorer(fig, profiles[k["i"] % 2], "redraw")
        fig.canvas.draw()

    _report("the redraw (Agg, in place)", _time(redraw, args.repeat))


if __name__ == "__main__":
    main()
