"""Every lesson of the in-browser edition (``build/lite``, ``make lite``) runs in headless Chromium
with nothing but the site itself reachable.

The site is served on 127.0.0.1 by a plain static server; Chromium resolves no other host
(``--host-resolver-rules``, which also covers web workers and the service worker) and the page
refuses any request elsewhere (counted, and a failure). For each lesson (``notebooks/*.ipynb``;
``LITE_SOLUTIONS=1`` adds the solutions): open it in JupyterLite, wait for its Pyodide kernel,
Run All (after a cell that raises, the run goes on from the next cell, so one failing claim
does not hide the rest of the lesson); no cell may end in an error, no widget may fail to
render, the browser console may report no error; then every slider and menu is moved once
and the figure it drives must change.
Times go to ``build/lite_report.json`` (per lesson: kernel ready, Run All; per control: move to
new figure; the session's total); no wall-clock time is asserted.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path

import pytest

from .lab_driver import CHROMIUM, CHROMIUM_FLAGS, INIT_SCRIPT, REPO, browser_required, private_env
from .lite_driver import LITE_DIR, LiteNotebook, LiteServer

REPORT = REPO / "build" / "lite_report.json"
LESSONS = sorted((REPO / "notebooks").glob("*.ipynb"))
if os.environ.get("LITE_SOLUTIONS", "") not in ("", "0"):
    LESSONS += sorted((REPO / "notebooks" / "solutions").glob("*.ipynb"))
PATHS = [p.relative_to(REPO / "notebooks").as_posix() for p in LESSONS]
ONLY_LOCAL = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


def _record(path: str | None, entry: dict | None = None, **top):
    """Merge one lesson's timings (or top-level facts) into the report."""
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(REPORT.read_text())
    except (OSError, ValueError):
        data = {}
    lessons = {k: v for k, v in data.get("lessons", {}).items() if k in PATHS}
    if path is not None:
        lessons[path] = entry
    data.update(top)
    data["unit"] = "s for lessons, ms for controls"
    data["lessons"] = dict(sorted(lessons.items()))
    REPORT.write_text(json.dumps(data, indent=1) + "\n")


@pytest.fixture(scope="session")
def lite_site():
    if not (LITE_DIR / "lab" / "index.html").is_file():
        message = f"no in-browser edition at {LITE_DIR}: run `make lite` first"
        if browser_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    server = LiteServer().start()
    t0 = time.monotonic()
    yield server
    server.stop()
    _record(None, session_s=round(time.monotonic() - t0, 1))


@pytest.fixture(scope="session")
def lite_context(playwright_instance, lite_site):
    env = private_env(Path(tempfile.mkdtemp(prefix="bp-lite-chromium-")))
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_FLAGS, ONLY_LOCAL], headless=True, env=env)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(INIT_SCRIPT)
    context.refused = []

    def route(r):
        url = r.request.url
        if url.split("?")[0].endswith("/jupyter-lite.json") and url.startswith(lite_site.base_url):
            # The driver reads kernel events off the app object: ask JupyterLite to expose it.
            response = r.fetch()
            config = response.json()
            config.setdefault("jupyter-config-data", {})["exposeAppInBrowser"] = True
            r.fulfill(response=response, json=config)
        elif url.startswith((lite_site.base_url + "/", "data:", "blob:")):
            r.continue_()
        else:
            context.refused.append(f"{r.request.resource_type} {url}")
            r.abort()

    context.route("**/*", route)
    yield context
    context.close()
    browser.close()


def _stem(path: str) -> str:
    return "lite_" + re.sub(r"[^A-Za-z0-9_.-]+", "_", path.removesuffix(".ipynb"))


@pytest.mark.parametrize("path", PATHS)
def test_lesson_runs_in_the_browser(path, lite_site, lite_context):
    session = LiteNotebook(lite_context, lite_site, path)
    problems: list[str] = []
    entry: dict = {"controls": []}
    refused_before = len(lite_context.refused)
    try:
        entry["kernel_ready_s"] = round(session.open(), 1)
        t = time.monotonic()
        entry["cells_that_raised"] = session.run_everything()
        entry["run_all_s"] = round(time.monotonic() - t, 1)
        problems += [f"cell {n} ended in {ename}: {evalue} at {line!r}; it printed:\n{printed}"
                     for n, ename, evalue, line, printed in session.error_outputs()]
        problems += [f"after Run All: {p}" for p in session.visible_problems()]
        problems += [f"after Run All: browser console: {e}" for e in session.errors]
        for i in range(session.controls().count()):
            r = session.exercise_control(i, "forward")
            entry["controls"].append({
                "index": i, "kind": r.kind, "description": r.description, "action": r.action,
                "move_to_figure_ms": r.first_update_ms, "last_update_ms": r.latency_ms,
                "figure_changed": r.figure_changed})
            problems += [f"control {i} ({r.kind} {r.description!r}, {r.action}, "
                         f"{r.before} -> {r.after}): {p}" for p in r.problems]
    except Exception as exc:  # noqa: BLE001 - turned into a failure with evidence below
        problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        refused = lite_context.refused[refused_before:]
        problems += [f"request off the machine refused: {r}" for r in refused]
        stderr = session.page.evaluate("window.__bp.kernelStderr") if not \
            session.page.is_closed() else []
        entry["stderr"] = "".join(stderr)[-2000:]
        if problems:
            shot, log = session.save_evidence(_stem(path))
            problems.append(f"screenshot: {shot}\nconsole log: {log}")
        entry["ok"] = not problems
        entry["problems"] = problems[:20]
        _record(path, entry)
        session.close()
    assert not problems, f"{path} in the browser:\n" + "\n".join(problems)
