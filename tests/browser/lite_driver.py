"""Drive the in-browser edition (``build/lite``, from ``make lite``) in headless Chromium.

``LiteServer`` serves the site's files on 127.0.0.1 (a plain static server, as a learner's
``python -m http.server`` would); ``LiteNotebook`` opens one lesson in JupyterLite and reuses the
JupyterLab driver (``lab_driver.NotebookSession``) for Run All and for moving controls. The one
difference: JupyterLite's kernel runs in a web worker behind an in-page socket stand-in, so its
status and error messages are read from JupyterLite's own kernel connection
(``window.jupyterapp``) instead of the page's WebSockets. Not a test file (not collected).
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
import time
from pathlib import Path

from .lab_driver import KERNEL_IDLE_FOR, REPO, NotebookSession, free_port

LITE_DIR = REPO / "build" / "lite"

# Feeds JupyterLite's kernel events into window.__bp (see lab_driver.INIT_SCRIPT): status
# changes as [time, status, status], error tracebacks, stderr text. Returns the kernel's status.
HOOK_KERNEL = r"""
() => {
  const bp = window.__bp;
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const sc = w && w.sessionContext;
  if (!sc) return null;
  const hook = () => {
    const k = sc.session && sc.session.kernel;
    if (!k || k.__bpHooked) return;
    k.__bpHooked = true;
    k.statusChanged.connect((_, s) => bp.kernel.push([performance.now(), s, s]));
    k.iopubMessage.connect((_, m) => {
      const c = m.content;
      if (m.header.msg_type === 'error') {
        bp.kernelErrors.push((c.traceback || []).join('\n') || (c.ename + ': ' + c.evalue));
      } else if (m.header.msg_type === 'stream' && c.name === 'stderr') {
        bp.kernelStderr.push(c.text);
      }
    });
  };
  if (!sc.__bpHooked) { sc.__bpHooked = true; sc.kernelChanged.connect(hook); }
  hook();
  const k = sc.session && sc.session.kernel;
  return k ? k.status : null;
}
"""

# Error outputs of the open notebook, from its model: [cell number (all cells, from 1), ename,
# evalue, the line that raised, what the cell printed before] (a claim that flips on rounding
# shows its values in the printed text).
ERROR_OUTPUTS = r"""
() => {
  const strip = t => t.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  const w = window.jupyterapp.shell.currentWidget;
  const cells = w.content.model.cells;
  const out = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    const outputs = cell.outputs.toJSON();
    const printed = outputs.filter(o => o.output_type === 'stream')
      .map(o => Array.isArray(o.text) ? o.text.join('') : o.text).join('');
    for (const o of outputs) {
      if (o.output_type !== 'error') continue;
      const line = (o.traceback || []).map(strip).join('\n').split('\n')
        .filter(l => l.startsWith('---->')).pop() || '';
      out.push([i + 1, o.ename, o.evalue, line.trim(), printed.slice(-1500)]);
    }
  }
  return out;
}
"""


N_CELLS = "() => window.jupyterapp.shell.currentWidget.content.model.cells.length"

# Runs the cells from index i on; returns the page's clock when it asked.
RUN_BELOW = r"""
(i) => {
  const app = window.jupyterapp;
  app.shell.currentWidget.content.activeCellIndex = i;
  const t = performance.now();
  app.commands.execute('notebook:run-all-below');
  return t;
}
"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript",
                      ".mjs": "text/javascript", ".json": "application/json"}

    def end_headers(self):
        # As a static host would: the browser may keep the files (the interpreter is 10 MB).
        self.send_header("Cache-Control", "public, max-age=3600")
        super().end_headers()

    def log_message(self, *args):
        pass


class LiteServer:
    """The site on http://127.0.0.1:<free port>/, in a thread of the test process."""

    def __init__(self, root: Path = LITE_DIR):
        self.root = root
        self.port = free_port()
        handler = functools.partial(_Handler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiteServer:
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def notebook_url(self, path: str) -> str:
        return f"{self.base_url}/lab/index.html?path={path}"

    def log_tail(self, n: int = 40) -> str:
        return "(static server: no log)"

    def shutdown_kernels(self, path: str | None = None):
        pass      # a lite kernel lives in its page's worker: closing the page ends it


class LiteNotebook(NotebookSession):
    """One lesson open in JupyterLite (its own page, so its own Pyodide kernel)."""

    def open(self, timeout_s: float = 240) -> float:
        """Load the lesson and wait until its kernel is idle; returns the seconds it took."""
        t0 = time.monotonic()
        self.page.goto(self.server.notebook_url(self.path), wait_until="domcontentloaded")
        self.page.locator(".jp-Notebook").first.wait_for(timeout=timeout_s * 1000)
        deadline = t0 + timeout_s
        while time.monotonic() < deadline:
            if self.page.evaluate(HOOK_KERNEL) == "idle":
                return time.monotonic() - t0
            self.page.wait_for_timeout(200)
        raise AssertionError(f"the kernel was not ready within {timeout_s} s")

    def wait_idle(self, timeout_ms: float = 120_000):
        """Until JupyterLite's kernel reports idle (the toolbar's indicator is not always
        in the page)."""
        self.page.wait_for_function(f"({HOOK_KERNEL})() === 'idle'", polling=100,
                                    timeout=timeout_ms)

    def run_everything(self, timeout_s: float = 1800) -> int:
        """Run All; where a cell raises (Run All stops there), run on from the next cell, as a
        learner would after reading the error. Returns how many cells raised."""
        try:
            self.run_all(timeout_s)
            return len(self.error_outputs())  # JupyterLite's Run All may go on past an error
        except AssertionError as exc:
            if "Run All stopped" not in str(exc):
                raise
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            raised = self.error_outputs()
            after = max(e[0] for e in raised)          # the index of the cell after it
            if after >= self.page.evaluate(N_CELLS):
                return len(raised)
            t_cmd = self.page.evaluate(RUN_BELOW, after)
            while time.monotonic() < deadline:
                self.page.wait_for_timeout(250)
                prompts = self.code_prompts()
                started = self.page.evaluate(
                    "(t) => window.__bp.kernel.some(e => e[0] >= t && e[1] === 'busy')", t_cmd)
                if all(re.fullmatch(r"\[\d+\]:?", p) for p in prompts):
                    self.wait_idle()
                    return len(self.error_outputs())
                if started and not any("*" in p for p in prompts) and \
                        self.page.evaluate(KERNEL_IDLE_FOR, 3000):
                    break                               # stopped at another cell that raised
        raise AssertionError(f"cells still running or not run after {timeout_s} s")

    def exercise_control(self, index: int, move: str = "forward", **kw):
        """As in JupyterLab; where the arrow keys leave a slider where it was (seen in
        JupyterLite 0.6), the value is typed into its readout instead, as a learner can."""
        res = super().exercise_control(index, move, **kw)
        if any("did not move the slider" in p for p in res.problems):
            again = super().exercise_control(index, "deep", **kw)
            again.action = f"{res.action} did nothing, so {again.action}"
            return again
        return res

    def error_outputs(self) -> list[list]:
        return self.page.evaluate(ERROR_OUTPUTS)

    def close(self):
        self.page.close()
