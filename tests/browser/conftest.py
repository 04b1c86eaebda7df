"""One JupyterLab server and one headless Chromium for the whole browser test session.

Without Chromium the browser tests are skipped, saying so; with ``REQUIRE_BROWSER=1`` (CI) a
missing browser is an error instead. They take minutes, so a plain ``pytest`` or
``pytest tests`` leaves them out: name this folder (``pytest tests/browser``, as ``make browser``
does) or set ``RUN_BROWSER_TESTS=1``.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from .lab_driver import (
    CHROMIUM,
    INIT_SCRIPT,
    REPO,
    LabServer,
    browser_required,
    chromium_available,
    launch_browser,
    shared_playwright,
)

FIXTURES = REPO / "tests" / "browser" / "fixtures" / "course"
SERVED = {"notebooks": REPO / "notebooks", "browser-fixtures": FIXTURES}
HERE = Path(__file__).resolve().parent


def pytest_ignore_collect(collection_path, config):
    if os.environ.get("RUN_BROWSER_TESTS", "") not in ("", "0"):
        return None
    for arg in config.args:
        target = Path(str(arg).split("::")[0]).resolve()
        if target == HERE or HERE in target.parents:
            return None
    return True if collection_path.name.startswith("test_") else None


def _need_browser():
    if chromium_available():
        return
    message = (f"no Chromium at {CHROMIUM}: browser tests not run "
               "(install Debian's browser: apt-get install chromium)")
    if browser_required():
        pytest.fail(f"REQUIRE_BROWSER is set and there is {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def playwright_instance(pytestconfig):
    _need_browser()
    pytest.importorskip("playwright.sync_api")
    return shared_playwright(pytestconfig)


@pytest.fixture(scope="session")
def browser(playwright_instance):
    b = launch_browser(playwright_instance)
    yield b
    b.close()


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session")
def lab():
    _need_browser()
    # A terminated test run (CI timeout, kill) still stops its JupyterLab and kernels.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    server = LabServer({name: path for name, path in SERVED.items() if path.is_dir()})
    try:
        server.start()
        yield server
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)


@pytest.fixture(scope="session")
def lab_context(browser, lab):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(INIT_SCRIPT)
    yield context
    context.close()
