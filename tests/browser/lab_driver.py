"""Drive JupyterLab in headless Chromium the way a learner uses it: open a notebook, Run All,
move every slider and dropdown, and look at what the page shows.

One JupyterLab server (``LabServer``) serves a temporary copy of the notebooks, so running them
never writes outputs into the repository; one browser opens the notebooks one after another
(``NotebookSession``). This module is not a test file (pytest does not collect it); the tests are
in ``test_widgets_in_browser.py``. Measured facts behind the choices: ``/work/shared/NOTES.md``
("JupyterLab in headless Chromium").
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-extensions",
]
ARTIFACTS = REPO / "build" / "browser-artifacts"

# What a learner must never see in place of a widget.
BAD_TEXT = ("Error displaying widget", "Loading widget", "model not found")
CONTROL_SELECTOR = ".widget-slider, .widget-dropdown"
FIGURE_SELECTOR = ".jupyter-matplotlib-canvas-div canvas, .widget-output img, img.widget-image"
# Console errors that are JupyterLab's own start-up races, invisible to a learner.
DEEP = 20.0           # the depth the course's latency target is about (20 hidden layers)


def _readout_value(shown: str, now, value: float) -> float:
    """What to type into a slider's readout to put its handle at ``value``. A log slider's handle
    moves in exponents (aria-valuenow 0 while the readout shows 1.00): there the readout takes
    10**value; typing the exponent itself would land on the value it already has."""
    try:
        shown_value, handle = float(shown.replace("\u2212", "-")), float(now)
    except (TypeError, ValueError):
        return value
    if not math.isclose(shown_value, handle, rel_tol=1e-3, abs_tol=1e-9) and \
            math.isclose(shown_value, 10 ** handle, rel_tol=1e-2):
        return 10 ** value
    return value
LATE_FIGURE_S = 5.0   # how long a figure may take to appear after the kernel fell quiet
IGNORED_CONSOLE = (
    # JupyterLab's debugger sidebar asks a kernel that is still starting; harmless race.
    r"Could not restore the debugger state",
)

LAB_SETTINGS = {
    # Start the kernel without the "Select Kernel" dialog racing the first Run All.
    "@jupyterlab/notebook-extension/tracker": {"autoStartDefaultKernel": True},
    # No network: no news, no update check, no extension manager.
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
    "@jupyterlab/extensionmanager-extension/plugin": {"enabled": False},
    # The served copy is temporary anyway; never spend time saving it.
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
}


def chromium_available() -> bool:
    return Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)


def browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "") not in ("", "0")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def private_env(tmp: Path) -> dict[str, str]:
    """Environment for the server, its kernels and Chromium: every config, data, cache and
    runtime directory inside ``tmp``, one BLAS thread (the machines have two cores)."""
    dirs = {
        "JUPYTERLAB_SETTINGS_DIR": "lab-settings", "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
        "JUPYTER_CONFIG_DIR": "jupyter-config", "JUPYTER_DATA_DIR": "jupyter-data",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime", "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "mpl", "XDG_CONFIG_HOME": "xdg-config", "XDG_CACHE_HOME": "xdg-cache",
    }
    env = dict(os.environ)
    for var, name in dirs.items():
        (tmp / name).mkdir(parents=True, exist_ok=True)
        env[var] = str(tmp / name)
    env.pop("MPLBACKEND", None)
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONDONTWRITEBYTECODE="1", JUPYTER_PLATFORM_DIRS="1")
    return env


_PLAYWRIGHT = None


def shared_playwright(config=None):
    """One Playwright driver per process: the sync API refuses a second one while the first
    runs (the widget test and the HTML edition test share it). Stopped at the end of the
    pytest session when ``config`` is given."""
    global _PLAYWRIGHT
    if _PLAYWRIGHT is None:
        from playwright.sync_api import sync_playwright

        _PLAYWRIGHT = sync_playwright().start()
        if config is not None:
            config.add_cleanup(_stop_playwright)
    return _PLAYWRIGHT


def _stop_playwright():
    global _PLAYWRIGHT
    if _PLAYWRIGHT is not None:
        _PLAYWRIGHT.stop()
        _PLAYWRIGHT = None


def launch_browser(playwright, **kw):
    env = kw.pop("env", None) or private_env(Path(tempfile.mkdtemp(prefix="bp-chromium-")))
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS,
                                      headless=True, env=env, **kw)


# ----------------------------------------------------------------------------------- server

class LabServer:
    """``python -m jupyterlab`` on 127.0.0.1, a random free port and a random token, with all
    its state in a temporary folder. ``notebook_dirs`` maps a name inside the served root to a
    folder of notebooks to copy there; everything else at the top of the repository (data,
    the package) is linked, so relative paths in the notebooks still resolve."""

    def __init__(self, notebook_dirs: dict[str, Path]):
        self.notebook_dirs = notebook_dirs
        self.tmp = Path(tempfile.mkdtemp(prefix="bp-lab-"))
        self.root = self.tmp / "root"
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.env = private_env(self.tmp)
        self.log_path = self.tmp / "server.log"
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _prepare(self):
        self.root.mkdir()
        skip = {".git", ".venv", "build", *self.notebook_dirs}
        for entry in REPO.iterdir():
            if entry.name not in skip and not entry.name.startswith("."):
                (self.root / entry.name).symlink_to(entry)
        for name, src in self.notebook_dirs.items():
            shutil.copytree(src, self.root / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        settings = Path(self.env["JUPYTERLAB_SETTINGS_DIR"])
        for plugin, values in LAB_SETTINGS.items():
            path = settings / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))

    def start(self, timeout: float = 60.0) -> LabServer:
        self._prepare()
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
               f"--port={self.port}", "--port-retries=0", f"--ServerApp.token={self.token}",
               "--ServerApp.allow_root=True", f"--ServerApp.root_dir={self.root}",
               "--ServerApp.open_browser=False", "--LabApp.news_url=None"]
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT,
                                     env=self.env, cwd=self.root)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.proc.returncode}:\n"
                                   + self.log_tail())
            try:
                self.api("GET", "/api/status")
                return self
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {timeout} s:\n" + self.log_tail())

    def api(self, method: str, path: str):
        req = urllib.request.Request(f"{self.base_url}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=5) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self, path: str | None = None):
        """Stop the kernels of ``path``'s sessions (all sessions if None) to free memory."""
        try:
            for s in self.api("GET", "/api/sessions"):
                if path is None or s.get("path") == path:
                    self.api("DELETE", f"/api/sessions/{s['id']}")
        except OSError:
            pass

    def notebook_url(self, path: str) -> str:
        return f"{self.base_url}/lab/tree/{path}?token={self.token}&reset"

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.shutdown_kernels()
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if getattr(self, "_log", None):
            self._log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# ------------------------------------------------------------------------- page-side helpers

# Installed in every page before JupyterLab loads; all times are the page's performance.now()
# (milliseconds), so they compare with each other without Playwright's event delivery delays.
# - bp.t0: when the learner touched a control (keydown/input/change/pointerdown, capture phase);
# - every canvas keeps the times it was drawn into (ipympl draws each new image);
# - bp.kernel: [time, execution_state] of every kernel status message, bp.kernelErrors: the
#   tracebacks of "error" messages, read off the kernel websockets (JSON text or the binary
#   v1.kernel.websocket.jupyter.org framing: offsets, channel, header, parent, metadata,
#   content, buffers).
INIT_SCRIPT = r"""
(() => {
  const bp = window.__bp = {t0: null, mutations: [], watchStart: 0, kernel: [],
                            kernelErrors: [], kernelStderr: []};
  const touch = () => { if (bp.t0 === null) bp.t0 = performance.now(); };
  for (const type of ['keydown', 'input', 'change', 'pointerdown']) {
    document.addEventListener(type, touch, true);
  }
  const proto = CanvasRenderingContext2D.prototype;
  for (const name of ['drawImage', 'putImageData']) {
    const original = proto[name];
    proto[name] = function (...args) {
      const result = original.apply(this, args);
      const c = this.canvas;
      if (c) { (c.__bpDraws = c.__bpDraws || []).push(performance.now());
               if (c.__bpDraws.length > 200) c.__bpDraws.shift(); }
      return result;
    };
  }
  const decoder = new TextDecoder();
  // Requests the kernel is busy with, by parent msg_id: status messages of requests handled
  // on different threads (shell, control) interleave, so "idle" alone does not mean idle.
  const busy = new Set();
  const onKernelMessage = (data, now) => {
    let header, parent, content;
    if (typeof data === 'string') {
      const m = JSON.parse(data);
      header = m.header; parent = () => m.parent_header; content = () => m.content;
    } else if (data instanceof ArrayBuffer) {
      const dv = new DataView(data);
      const n = Number(dv.getBigUint64(0, true));
      const off = [];
      for (let i = 0; i < n; i++) off.push(Number(dv.getBigUint64(8 * (i + 1), true)));
      const part = i => JSON.parse(
        decoder.decode(new Uint8Array(data, off[i], off[i + 1] - off[i])));
      header = part(1); parent = () => part(2); content = () => part(4);
    } else return;
    const type = header && header.msg_type;
    if (type === 'status') {
      const state = content().execution_state;
      const id = (parent() || {}).msg_id || '';
      if (state === 'busy') busy.add(id);
      else if (state === 'idle') busy.delete(id);
      else if (state === 'starting' || state === 'restarting' || state === 'dead') busy.clear();
      // [time, state of this message, state of the kernel as a whole]
      bp.kernel.push([now, state, busy.size ? 'busy' : 'idle']);
      if (bp.kernel.length > 5000) bp.kernel.splice(0, 1000);
    } else if (type === 'error') {
      const c = content();
      bp.kernelErrors.push((c.traceback || []).join('\n') || (c.ename + ': ' + c.evalue));
    } else if (type === 'stream') {
      const c = content();
      if (c.name === 'stderr') bp.kernelStderr.push(c.text);
    }
  };
  // What the page sends to the kernel (for the evidence log): [time, msg_type, detail].
  bp.sent = [];
  const headerOf = data => {
    if (typeof data === 'string') { const m = JSON.parse(data); return [m.header, m.content]; }
    const buf = data instanceof ArrayBuffer ? data
      : (ArrayBuffer.isView(data) ? data.buffer : null);
    if (!buf) return [null, null];
    const dv = new DataView(buf);
    const off = [];
    for (let i = 0; i < Number(dv.getBigUint64(0, true)); i++) {
      off.push(Number(dv.getBigUint64(8 * (i + 1), true)));
    }
    const part = i => JSON.parse(decoder.decode(new Uint8Array(buf, off[i], off[i + 1] - off[i])));
    return [part(1), part(4)];
  };
  const NativeWebSocket = window.WebSocket;
  class WatchedWebSocket extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.bpKernel = String(args[0]).includes('/api/kernels/');
      if (this.bpKernel) {
        this.addEventListener('message', ev => {
          try { onKernelMessage(ev.data, performance.now()); } catch (e) { /* not ours */ }
        });
      }
    }
    send(data) {
      if (this.bpKernel) {
        try {
          const [h, c] = headerOf(data);
          const d = c && c.data ? JSON.stringify(c.data).slice(0, 120) : '';
          bp.sent.push([performance.now(), h && h.msg_type, d]);
          if (bp.sent.length > 2000) bp.sent.splice(0, 500);
        } catch (e) { /* not ours */ }
      }
      return super.send(data);
    }
  }
  window.WebSocket = WatchedWebSocket;
})();
"""

# Returns the element whose figures a control drives: the nearest enclosing widget box that
# holds a figure, else the output area, else the cell.
FIND_BOX = r"""
(control, figSel) => {
  let el = control.parentElement;
  while (el) {
    const isBox = el.matches('.widget-vbox, .widget-hbox, .widget-gridbox, .widget-box, '
                             + '.jp-OutputArea-output, .jp-Cell');
    if (isBox && el.querySelector(figSel)) return el;
    if (el.matches('.jp-Notebook')) return null;
    el = el.parentElement;
  }
  return null;
}
"""

SIGNATURE = r"""
(box, figSel) => Array.from(box.querySelectorAll(figSel)).map(f =>
  f.tagName === 'CANVAS' ? 'canvas:' + f.width + 'x' + f.height + ':' + f.toDataURL()
                         : 'img:' + f.getAttribute('src'))
"""

WATCH = r"""
(box) => {
  const bp = window.__bp;
  bp.t0 = null;
  bp.mutations = [];
  bp.errorsBefore = bp.kernelErrors.length;
  if (bp.observer) bp.observer.disconnect();
  bp.observer = new MutationObserver(records => {
    const now = performance.now();
    for (const r of records) {
      const nodes = r.type === 'attributes' ? [r.target] : Array.from(r.addedNodes);
      for (const n of nodes) {
        if (n.nodeType !== 1) continue;
        if (n.matches('img, canvas') || n.querySelector('img, canvas')) bp.mutations.push(now);
      }
    }
  });
  bp.observer.observe(box, {subtree: true, childList: true, attributes: true,
                            attributeFilter: ['src']});
  bp.watchStart = performance.now();
}
"""

# True once the kernel has been busy since the change and idle for `quiet` ms.
KERNEL_QUIET = r"""
(quiet) => {
  const bp = window.__bp;
  const t0 = bp.t0 === null ? bp.watchStart : bp.t0;
  const k = bp.kernel.filter(e => e[0] >= t0);
  if (!k.some(e => e[1] === 'busy')) return false;
  const last = k[k.length - 1];
  return last[2] === 'idle' && performance.now() - last[0] >= quiet;
}
"""

# The messages to and from the kernel since the last change, for the evidence log.
TRACE = r"""
() => {
  const bp = window.__bp;
  const t0 = bp.t0 === null ? bp.watchStart : bp.t0;
  const since = e => e[0] >= t0;
  const out = bp.sent.filter(since).map(e => [e[0] - t0, 'sent ' + e[1] + ' ' + e[2]])
    .concat(bp.kernel.filter(since).map(e => [e[0] - t0, 'kernel ' + e[1] + ' / ' + e[2]]))
    .concat(bp.mutations.filter(t => t >= t0).map(t => [t - t0, 'new image in the box']));
  return out.sort((a, b) => a[0] - b[0]);
}
"""

# True when the kernel has reported idle and nothing since, for `ms` milliseconds.
KERNEL_IDLE_FOR = r"""
(ms) => {
  const k = window.__bp.kernel;
  const last = k[k.length - 1];
  return !!last && last[2] === 'idle' && performance.now() - last[0] >= ms;
}
"""

TIMES = r"""
(box) => {
  const bp = window.__bp;
  const t0 = bp.t0 === null ? bp.watchStart : bp.t0;
  let updates = bp.mutations.filter(t => t >= t0);
  for (const c of box.querySelectorAll('canvas')) {
    updates = updates.concat((c.__bpDraws || []).filter(t => t >= t0));
  }
  updates.sort((a, b) => a - b);
  const idle = bp.kernel.filter(e => e[0] >= t0 && e[2] === 'idle').map(e => e[0] - t0);
  return {touched: bp.t0 !== null, updates: updates.map(t => t - t0),
          idle: idle.length ? idle[idle.length - 1] : null,
          kernelErrors: bp.kernelErrors.slice(bp.errorsBefore)};
}
"""

# Every picture under `root` has rendered: images loaded with a size, ipympl canvases drawn at a
# size (a figure out of view may wait for layout: it is scrolled to, as a learner would).
UNRENDERED = r"""
async (root) => {
  const bad = [];
  for (const img of root.querySelectorAll('.jp-OutputArea-output img')) {
    if (!img.complete || img.naturalWidth === 0) bad.push('image ' + (img.src || '').slice(0, 60));
  }
  const empty = c => c.width === 0 || c.height === 0;
  for (const div of root.querySelectorAll('.jupyter-matplotlib-canvas-div')) {
    const c = div.querySelector('canvas');
    if (!c || !empty(c)) continue;
    div.scrollIntoView({block: 'center'});
    for (let i = 0; i < 100 && empty(c); i++) await new Promise(r => setTimeout(r, 50));
    if (empty(c)) {
      const cell = div.closest('.jp-Cell');
      const prompt = cell && cell.querySelector('.jp-InputPrompt');
      bad.push('ipympl figure never drawn (canvas 0x0) in cell '
               + (prompt ? prompt.textContent.trim() : '?'));
    }
  }
  return bad;
}
"""


# ------------------------------------------------------------------------------- notebook

@dataclass
class ControlResult:
    notebook: str
    index: int
    kind: str                     # "slider" or "dropdown"
    description: str
    before: str                   # readout / selected option before the move
    after: str
    action: str
    latency_ms: float | None = None        # change -> last figure update before idle
    first_update_ms: float | None = None   # change -> first figure update
    idle_ms: float | None = None           # change -> kernel idle again
    figure_changed: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        return {k: getattr(self, k) for k in (
            "index", "kind", "description", "before", "after", "action", "latency_ms",
            "first_update_ms", "idle_ms", "figure_changed", "problems")}


class NotebookSession:
    """One notebook open in one browser page."""

    PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

    def __init__(self, context, server: LabServer, path: str):
        self.server, self.path = server, path
        self.page = context.new_page()
        self.console: list[str] = []       # everything, for the log file
        self.errors: list[str] = []        # console errors and uncaught page errors
        self.traces: list[str] = []        # kernel message timelines of failed moves
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda e: self._record_error(f"pageerror: {e}"))

    # -- recording
    def _record_error(self, text: str):
        self.console.append(text)
        if not any(re.search(p, text) for p in IGNORED_CONSOLE):
            self.errors.append(text)

    def _on_console(self, msg):
        loc = msg.location or {}
        text = f"console.{msg.type}: {msg.text}  ({loc.get('url', '')}:{loc.get('lineNumber', '')})"
        if msg.type == "error":
            self._record_error(text)
        else:
            self.console.append(text)

    def kernel_errors(self) -> list[str]:
        return [strip_ansi(e) for e in self.page.evaluate("window.__bp.kernelErrors")]

    # -- opening and running
    def open(self, timeout_s: float = 60):
        """Load JupyterLab on the notebook and wait until its kernel has started and reported
        idle (the toolbar says "idle" before a kernel exists)."""
        self.page.goto(self.server.notebook_url(self.path), wait_until="domcontentloaded")
        self.page.locator(".jp-Notebook").first.wait_for(timeout=timeout_s * 1000)
        self.page.wait_for_function(
            "window.__bp.kernel.some(e => e[2] === 'idle')", polling=50, timeout=timeout_s * 1000)
        self.wait_idle(timeout_s * 1000)

    def wait_idle(self, timeout_ms: float = 120_000):
        self.page.locator(f"{self.PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']"
                          ).first.wait_for(timeout=timeout_ms)

    def code_prompts(self) -> list[str]:
        return self.page.eval_on_selector_all(
            f"{self.PANEL} .jp-CodeCell .jp-InputPrompt",
            "els => els.map(e => e.textContent.trim())")

    def run_all(self, timeout_s: float = 600):
        """Run > Run All Cells, retried once if the first cell never starts (see NOTES)."""
        for attempt in (1, 2):
            self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
            self.page.locator(".lm-Menu-itemLabel",
                              has_text=re.compile(r"^Run All Cells$")).click()
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                prompts = self.code_prompts()
                if not prompts or re.search(r"\[[\d*]+\]", prompts[0]):
                    break
                self.page.wait_for_timeout(200)
            else:
                if attempt == 1:
                    self.page.keyboard.press("Escape")
                    continue
                raise AssertionError("Run All Cells: the first cell never started")
            break
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            prompts = self.code_prompts()
            if all(re.fullmatch(r"\[\d+\]:?", p) for p in prompts):
                break
            if not any("*" in p for p in prompts) and self.page.evaluate(KERNEL_IDLE_FOR, 3000):
                # Run All stops at a cell that raised: the cells after it keep "[ ]".
                first = next(i for i, p in enumerate(prompts) if not re.search(r"\d", p))
                errors = [strip_ansi(e) for e in self.page.evaluate("window.__bp.kernelErrors")]
                raise AssertionError(
                    f"Run All stopped before code cell {first + 1} of {len(prompts)}"
                    + (f"; the kernel reported:\n{errors[-1][-3000:]}" if errors else ""))
            self.page.wait_for_timeout(250)
        else:
            raise AssertionError(f"cells still running or not run after {timeout_s} s: "
                                 f"{self.code_prompts()}")
        self.wait_idle()
        deadline = time.monotonic() + 30          # widget views render after the kernel is done
        while time.monotonic() < deadline and "Loading widget" in self.output_text():
            self.page.wait_for_timeout(200)

    def settle(self, quiet_ms: float = 1000, timeout_s: float = 120) -> float:
        """Wait until the kernel has been idle for ``quiet_ms``; return the seconds waited.
        After Run All, each ipympl figure of the notebook asks the kernel to draw it once its
        view is ready (a few seconds of drawing for a lesson with ten figures): a move made
        then waits for all of them. A learner reads before moving; the wait is reported."""
        start = time.monotonic()
        self.page.wait_for_function(KERNEL_IDLE_FOR, arg=quiet_ms, polling=50,
                                    timeout=timeout_s * 1000)
        return round(time.monotonic() - start - quiet_ms / 1000, 2)

    def output_text(self) -> str:
        """The text of every output of the notebook (textContent: also the cells that
        content-visibility has not painted yet)."""
        return self.page.eval_on_selector_all(
            f"{self.PANEL} .jp-OutputArea-output", "els => els.map(e => e.textContent).join('\\n')")

    def visible_problems(self, root=None) -> list[str]:
        """What a learner would see go wrong: an error or a loading message in place of a
        widget, a picture that did not render (in ``root``, an element handle; default: the
        whole notebook)."""
        text = self.output_text().lower()
        problems = [f"page shows {bad!r}" for bad in BAD_TEXT if bad.lower() in text]
        if root is None:
            try:
                self.page.wait_for_function(
                    f"Array.from(document.querySelectorAll('{self.PANEL} .jp-OutputArea-output"
                    " img')).every(i => i.complete)", polling=100, timeout=10_000)
            except Exception:  # noqa: BLE001 - reported below as unrendered pictures
                pass
            root = self.page.locator(self.PANEL).first
        problems += [f"picture not rendered: {b}" for b in root.evaluate(UNRENDERED)]
        return problems

    # -- controls
    def controls(self):
        return self.page.locator(f"{self.PANEL} .jp-OutputArea-output :is({CONTROL_SELECTOR})")

    def exercise_control(self, index: int, move: str = "forward", *, settle_ms: float = 300,
                         timeout_s: float = 120) -> ControlResult:
        """Move control ``index`` (``forward``/``back``: one step with the arrow keys, or
        ``deep``: type 20, or the slider's maximum if lower, into its readout; a dropdown takes
        its next option) and report whether and when the figure in its box changed."""
        control = self.controls().nth(index)
        control.scroll_into_view_if_needed()
        kind = "dropdown" if "widget-dropdown" in (control.get_attribute("class") or "") \
            else "slider"
        label = control.locator(".widget-label")
        description = (label.first.text_content() or "").strip() if label.count() else ""
        res = ControlResult(self.path, index, kind, description, "", "", "")
        box = control.evaluate_handle(FIND_BOX, FIGURE_SELECTOR)
        if box.evaluate("b => b === null"):
            res.problems.append("no figure found in the widget box around this control")
            return res
        if control.locator("select:disabled, .noUi-target[disabled]").count():
            res.action = "skipped (disabled)"
            return res
        unrendered = box.evaluate(UNRENDERED)
        if unrendered:      # nothing to compare: say so once instead of waiting for a change
            res.action = "not moved"
            res.problems += [f"before the move: picture not rendered: {b}" for b in unrendered]
            return res
        before_sig = box.evaluate(SIGNATURE, FIGURE_SELECTOR)
        box.evaluate(WATCH)
        errors_before = len(self.errors)

        if kind == "dropdown":
            select = control.locator("select")
            options = select.evaluate("s => Array.from(s.options).map(o => o.value)")
            res.before = select.input_value()
            if len(options) < 2:
                res.action = "skipped (one option)"
                return res
            target = options[(options.index(res.before) + 1) % len(options)]
            res.action = f"select {target!r}"
            select.select_option(target)
            res.after = select.input_value()
        else:
            readout = control.locator(".widget-readout")
            res.before = (readout.text_content() or "").strip()
            handle = control.locator(".noUi-handle").first
            now, top, bottom = (handle.get_attribute(a) for a in
                                ("aria-valuenow", "aria-valuemax", "aria-valuemin"))
            deep = min(float(top or 0), DEEP)
            if move == "deep" and float(now or 0) == deep:
                res.action = f"skipped (already at {_number_text(str(deep))})"
                return res
            if move == "deep":
                target = _number_text(str(_readout_value(res.before, now, deep)))
                res.action = f"type {target} into the readout"
                readout.click()
                self.page.keyboard.press("ControlOrMeta+a")
                self.page.keyboard.type(target)
                self.page.keyboard.press("Enter")
            else:
                key = "ArrowLeft" if move == "back" else "ArrowRight"
                if key == "ArrowRight" and now == top:
                    key = "ArrowLeft"
                elif key == "ArrowLeft" and now == bottom:
                    key = "ArrowRight"
                res.action = f"press {key}"
                handle.focus()
                handle.press(key)
            res.after = (readout.text_content() or "").strip()
            if res.after == res.before:  # a readout may lag a frame
                self.page.wait_for_timeout(100)
                res.after = (readout.text_content() or "").strip()
            if res.after == res.before:
                res.problems.append(f"{res.action} did not move the slider "
                                    f"(readout {res.before})")
                return res

        # Wait until the kernel has handled the change and stayed idle for settle_ms (ipympl
        # asks for the picture after the kernel's first reply), then compare the figures.
        quiet = True
        try:
            self.page.wait_for_function(KERNEL_QUIET, arg=settle_ms, polling=20,
                                        timeout=timeout_s * 1000)
        except Exception:  # noqa: BLE001 - reported as a problem
            quiet = False
        res.figure_changed = box.evaluate(SIGNATURE, FIGURE_SELECTOR) != before_sig
        # A busy page may paint the new picture a little after the kernel fell quiet.
        late = time.monotonic() + LATE_FIGURE_S
        while quiet and not res.figure_changed and time.monotonic() < late:
            self.page.wait_for_timeout(100)
            res.figure_changed = box.evaluate(SIGNATURE, FIGURE_SELECTOR) != before_sig
        times = box.evaluate(TIMES)
        if times["idle"] is not None:
            res.idle_ms = round(times["idle"], 1)
        if times["updates"]:
            res.first_update_ms = round(times["updates"][0], 1)
            res.latency_ms = round(times["updates"][-1], 1)
        if not quiet:
            res.problems.append(f"the kernel did not handle the change and go idle within "
                                f"{timeout_s} s")
        if not times["touched"]:
            res.problems.append("the page saw no input event on the control")
        if not res.figure_changed:
            res.problems.append(f"the figure did not change (waited {LATE_FIGURE_S:.0f} s "
                                "after the kernel fell quiet)")
        res.problems += self.visible_problems(box)
        res.problems += [f"browser console: {e}" for e in self.errors[errors_before:]]
        res.problems += [f"kernel error: {strip_ansi(e)}" for e in times["kernelErrors"]]
        if res.problems:
            self.traces.append(f"# control {index} ({kind} {description!r}, {res.action}): "
                               "messages since the change (ms; kernel status: this request "
                               "/ whole kernel)\n" + "\n".join(
                                   f"{t:9.1f} {what}" for t, what in self.page.evaluate(TRACE)))
        box.dispose()
        return res

    # -- failure evidence
    def save_evidence(self, stem: str) -> tuple[Path, Path]:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"{stem}.png"
        log = ARTIFACTS / f"{stem}.console.log"
        try:
            self.page.screenshot(path=str(shot))
        except Exception as exc:  # noqa: BLE001 - evidence is best effort
            shot = Path(f"(screenshot failed: {exc})")
        try:
            kernel = self.kernel_errors() + [
                "# stderr", *self.page.evaluate("window.__bp.kernelStderr")]
        except Exception:  # noqa: BLE001
            kernel = []
        log.write_text("\n".join(self.console + ["", *self.traces,
                                                 "", "# kernel errors", *kernel,
                                                 "", "# server log (tail)",
                                                 self.server.log_tail()]))
        return shot, log

    def close(self):
        try:
            self.page.close()
        finally:
            self.server.shutdown_kernels(self.path)


# ------------------------------------------------------------------------------ utilities

def _number_text(value: str | None) -> str:
    x = float(value or "nan")
    return str(int(x)) if x.is_integer() else repr(x)


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def notebook_has_widgets(path: Path) -> bool:
    """Whether a notebook's code builds widgets (cheap, static: no kernel)."""
    nb = json.loads(path.read_text())
    code = "\n".join("".join(c.get("source", "")) for c in nb.get("cells", [])
                     if c.get("cell_type") == "code")
    return bool(re.search(r"backprop_lib\.widgets|\bipywidgets\b|\binteract(ive)?\(|"
                          r"from backprop_lib import[^\n]*\bwidgets\b", code))
