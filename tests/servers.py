"""Servers the tests start: a real `streamlit run app.py` on a fresh database at a free port
(`Server`), and the wait for an HTTP health check (`wait_healthy`). Used by the browser tests
(tests/e2e/conftest.py), the multi-process and deployment tests and benchmarks/."""

from __future__ import annotations

import functools
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, seconds: float, proc=None) -> bool:
    """Poll Streamlit's /_stcore/health at `url` until it answers ok (False after `seconds`, or
    once `proc` exited)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.read().decode() == "ok":
                    return True
        except OSError:
            time.sleep(0.3)
        if proc is not None and proc.poll() is not None:
            return False
    return False


class Server:
    """A streamlit process serving app.py on a fresh database: empty (the app builds the demo at
    its first page run, as on a first start), or with `demo=True` a copy of the demo that first
    start builds (`demo_template`), which saves each test file's server about three seconds."""

    def __init__(self, workdir: Path, env_extra: dict | None = None, script: str = "app.py", demo: bool = False):
        self.port = free_port()
        self.db_path = workdir / "digled.db"
        self.log = workdir / "streamlit.log"
        self.env = {
            **os.environ,
            "DIGLED_DB": str(self.db_path),
            "DIGLED_SECRETS_FILE": str(workdir / "none.toml"),
            "DIGLED_COOKIE_KEY": "e2e-cookie-key-Hs3Lq9VzTm6KxB2nRf7WcJ4pYd8GaE5u",
            "DIGLED_PSEUDONYM_SECRET": "e2e-pseudonym-secret-Nb6Tq2XzLm9RvK4cWf7HsJ3pGd8YaE5u",
            "DIGLED_DEMO": "1",  # secrets are configured: demo mode must be asked for
            **(env_extra or {}),
        }
        self.script = script
        self.proc = None
        if demo:
            shutil.copy(demo_template(), self.db_path)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        """How the server is started (benchmarks start it under a profiler instead)."""
        return [sys.executable, "-m", "streamlit", "run", self.script]

    def start(self) -> Server:
        self.proc = subprocess.Popen(
            [*self.command(), "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=self.env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )
        if wait_healthy(self.url, 60, self.proc):
            return self
        raise RuntimeError(f"streamlit did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@functools.cache
def demo_template() -> Path:
    """The demo database a server's first start builds (`python -m digled init` with a default
    Server's settings, in a child process: with --today its clock is moved too), built once per
    test process and copied by `Server(demo=True)`."""
    workdir = Path(tempfile.mkdtemp(prefix="digled-demo-template-"))
    done = subprocess.run([sys.executable, "-m", "digled", "init"], cwd=ROOT, env=Server(workdir).env,
                          capture_output=True, text=True)
    if done.returncode != 0 or "(demo loaded)" not in done.stdout:
        raise RuntimeError(f"the demo template was not built: {done.stdout}{done.stderr}")
    con = sqlite3.connect(workdir / "digled.db")
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # one file holds it all
    finally:
        con.close()
    return workdir / "digled.db"
