"""Median widget latencies measured in a real browser.

    python benchmarks/widget_latency.py [build/widget_latency.json]

Reads the timings that ``tests/browser/test_widgets_in_browser.py`` writes (``make browser``)
and prints, per notebook and control, the median time from the control change (the key press
or menu choice in Chromium) to the last figure update it caused, with the first update and the
kernel's return to idle. The course's targets, reported here and never asserted in a test
(wall-clock times depend on the machine): a learning-rate or activation change redraws in under
300 ms; a depth slider at 20 hidden layers in under 1 s.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1] / "build" / "widget_latency.json"
TARGETS = [  # (name, pattern on the control's description, milliseconds)
    ("learning rate", re.compile(r"learning|\blr\b|step size|η", re.I), 300.0),
    ("activation", re.compile(r"activation", re.I), 300.0),
    ("depth", re.compile(r"depth|layers", re.I), 1000.0),
]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(ms) -> str:
    return "     -" if ms is None else f"{ms:6.0f}"


def target_for(description: str):
    for name, pattern, ms in TARGETS:
        if pattern.search(description):
            return name, ms
    return None, None


def report(data: dict, out=sys.stdout) -> list[str]:
    """Print the table; return the lines about targets that were missed."""
    missed = []
    print(f"{'notebook / control':58} {'n':>2} {'median':>6} {'first':>6} {'idle':>6}  "
          "(ms from the change)", file=out)
    for nb, entry in data.get("notebooks", {}).items():
        status = "ok" if entry.get("ok") else "FAILED"
        print(f"{nb}  [open {entry.get('open_s', '?')} s, run all {entry.get('run_all_s', '?')} s,"
              f" {entry.get('n_controls', 0)} controls, {status}]", file=out)
        for c in entry.get("controls", []):
            done = [s for s in c["samples"] if not s["action"].startswith("skipped")]
            steps = [s for s in done if not s["action"].startswith("type")]
            jumps = [s for s in done if s["action"].startswith("type")]
            for label, samples in (("", steps), (" (deep)", jumps)):
                if not samples:
                    continue
                if jumps and samples is jumps:
                    label = f" (at {jumps[0]['after']})"
                med = median(s["latency_ms"] for s in samples)
                name = f"  {c['index']}: {c['kind']} {c['description']!r}{label}"
                line = (f"{name[:58]:58} {len(samples):2d} {fmt(med)} "
                        f"{fmt(median(s['first_update_ms'] for s in samples))} "
                        f"{fmt(median(s['idle_ms'] for s in samples))}")
                what, limit = target_for(c["description"])
                # the depth target is about the deepest setting; steps of other sliders count
                if what and med is not None and (what != "depth" or label):
                    verdict = "within" if med <= limit else "OVER"
                    line += f"  {verdict} the {what} target ({limit:.0f} ms)"
                    if med > limit:
                        missed.append(f"{nb} {c['description']!r}{label}: {med:.0f} ms")
                print(line, file=out)
    return missed


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
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
