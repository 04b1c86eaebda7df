"""Every slider and dropdown of every notebook, moved in JupyterLab in headless Chromium.

For each notebook that builds widgets: open it, Run All, then move each control a few times
(``WIDGET_SAMPLES``, default 3: forward, back, forward; a depth/layers slider also jumps to 20
hidden layers, or its maximum if lower). After each move the kernel must go busy and then idle,
the figure in the control's widget box must have changed, the page must show no "Error
displaying widget", "Loading widget" or "model not found" and no unrendered picture, and
neither the browser console nor the kernel may report an error. On failure the screenshot and
console log are saved under ``build/browser-artifacts/`` and named in the message. Timings go
to ``build/widget_latency.json`` (``benchmarks/widget_latency.py`` prints their medians); no
wall-clock time is asserted.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import time

import pytest

from .conftest import FIXTURES, SERVED
from .lab_driver import REPO, notebook_has_widgets

LATENCY_FILE = REPO / "build" / "widget_latency.json"
SAMPLES = max(1, int(os.environ.get("WIDGET_SAMPLES", "3")))
MOVES = ["forward", "back"]
DEPTH = re.compile(r"depth|layers", re.I)


def _served_notebooks():
    out = []
    for name, folder in SERVED.items():
        paths = sorted(folder.glob("*.ipynb"))
        if folder != FIXTURES:     # the fixture solution only serves the HTML edition's tests
            paths += sorted(folder.glob("solutions/*.ipynb"))
        out += [(f"{name}/{p.relative_to(folder).as_posix()}", p) for p in paths]
    return out


NOTEBOOKS = _served_notebooks()


def _record(served_path: str, entry: dict):
    """Merge one notebook's timings into the JSON file (other notebooks' entries are kept, so
    ``-k`` and reruns of failed notebooks do not lose them; entries for notebooks that no
    longer exist are dropped)."""
    LATENCY_FILE.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(LATENCY_FILE.read_text())
    except (OSError, ValueError):
        data = {}
    notebooks = data.get("notebooks", {})
    existing = {p for p, _ in NOTEBOOKS}
    notebooks = {k: v for k, v in notebooks.items() if k in existing}
    notebooks[served_path] = entry
    data = {"unit": "ms", "samples_per_control": SAMPLES,
            "notebooks": dict(sorted(notebooks.items()))}
    LATENCY_FILE.write_text(json.dumps(data, indent=1) + "\n")


def _stem(served_path: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", served_path.removesuffix(".ipynb"))


@pytest.mark.parametrize("served_path,source", NOTEBOOKS,
                         ids=[p for p, _ in NOTEBOOKS])
def test_widgets_in_browser(served_path, source, lab, lab_context):
    if not notebook_has_widgets(source):
        pytest.skip("no widgets in this notebook")
    from .lab_driver import NotebookSession

    session = NotebookSession(lab_context, lab, served_path)
    problems: list[str] = []
    entry: dict = {"controls": []}
    try:
        t = time.monotonic()
        session.open()
        entry["open_s"] = round(time.monotonic() - t, 2)
        t = time.monotonic()
        session.run_all()
        entry["run_all_s"] = round(time.monotonic() - t, 2)
        entry["settle_s"] = session.settle()     # the figures' first drawings, not a move's
        problems += [f"after Run All: {p}" for p in session.visible_problems()]
        problems += [f"after Run All: browser console: {e}" for e in session.errors]
        n = session.controls().count()
        entry["n_controls"] = n      # 0: widgets without sliders or menus (a live view)
        for i in range(n):
            results = []
            moves = [MOVES[k % 2] for k in range(SAMPLES)]
            for move in moves:
                results.append(session.exercise_control(i, move))
                if not results[-1].ok or results[-1].action.startswith("skipped"):
                    break
            if results[0].kind == "slider" and DEPTH.search(results[0].description) \
                    and results[-1].ok:
                results.append(session.exercise_control(i, "deep"))
            lat = [r.latency_ms for r in results if r.latency_ms is not None]
            entry["controls"].append({
                "index": i, "kind": results[0].kind, "description": results[0].description,
                "median_ms": statistics.median(lat) if lat else None,
                "samples": [r.as_json() for r in results]})
            for r in results:
                problems += [f"control {i} ({r.kind} {r.description!r}, {r.action}, "
                             f"{r.before} -> {r.after}): {p}" for p in r.problems]
    except Exception as exc:  # noqa: BLE001 - turned into a failure with evidence below
        problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        if problems:
            shot, log = session.save_evidence(_stem(served_path))
            problems.append(f"screenshot: {shot}\nconsole log: {log}")
        entry["ok"] = not problems
        _record(served_path, entry)
        session.close()
    assert not problems, f"{served_path}:\n" + "\n".join(problems)


def test_fixture_notebooks_are_served():
    """The harness checks itself on its fixture course (one ipympl, one inline panel)."""
    assert any(p.startswith("browser-fixtures/") for p, _ in NOTEBOOKS)
    assert notebook_has_widgets(FIXTURES / "01_widget_panel.ipynb")
    assert not notebook_has_widgets(FIXTURES / "00_intro.ipynb")
