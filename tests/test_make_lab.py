"""`make lab`, the course's first command, opens the course for root and non-root users alike.

A container's user is often root (Docker, JupyterHub images, CI), where Jupyter refuses to start
without --allow-root. The test runs `make lab` far enough to see the server answer and the first
lesson load, then stops it. Everything Jupyter writes goes to a temporary folder.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
VENV_JUPYTER = REPO / ".venv" / "bin" / "jupyter"
FIRST_LESSON = "00_start_here.ipynb"     # Jupyter serves the folder of the notebook it opens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


def make_lab_command(user_id: str) -> str:
    out = subprocess.run(["make", "-n", "--no-print-directory", "lab", f"USER_ID={user_id}"],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout
    return next(line for line in out.splitlines() if "jupyter lab" in line)


def test_make_lab_allows_root_only_for_root():
    assert "--allow-root" in make_lab_command("0")
    assert "--allow-root" not in make_lab_command("1000")


@pytest.mark.skipif(not VENV_JUPYTER.exists(), reason="needs the course's .venv (make install)")
def test_make_lab_serves_the_first_lesson(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, HOME=str(tmp_path), JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"))
    args = (f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 "
            f"--ServerApp.token={token}")
    log = tmp_path / "lab.log"
    with open(log, "w") as out:
        server = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"],
                                  cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"make lab stopped (exit {server.returncode}):\n" \
                                          f"{log.read_text()[-3000:]}"
            try:
                status, _ = get(f"{base}/api/status?token={token}")
                break
            except OSError:
                assert time.monotonic() < deadline, f"no answer in 60 s:\n{log.read_text()[-3000:]}"
                time.sleep(0.5)
        assert status == 200
        status, page = get(f"{base}/lab/tree/{FIRST_LESSON}?token={token}")
        assert status == 200 and b"JupyterLab" in page
        status, body = get(f"{base}/api/contents/{FIRST_LESSON}?token={token}")
        lesson = json.loads(body)["content"]
        assert status == 200 and "Start here" in "".join(lesson["cells"][0]["source"])
        printed = log.read_text()
        assert "Running as root is not recommended" not in printed
        assert f"127.0.0.1:{port}/lab?token=" in printed      # where to point a browser
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
