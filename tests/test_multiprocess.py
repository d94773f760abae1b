"""The multi-process layout (deploy/Caddyfile): Caddy from Debian's packages in front of two
`streamlit run app.py` processes sharing one SQLite database. A login and answers go through
the proxy (benchmarks/sessions.py speaks Streamlit's protocol), the answers land in the
database, and both processes served sessions. `.ci/run` installs caddy; elsewhere the test
skips with the reason."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import sessions
from tests.e2e.conftest import ROOT, Server, free_port, wait_healthy

CADDY = shutil.which("caddy")


def _require_caddy() -> None:
    if CADDY:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but no caddy: install Debian's caddy (see .ci/run)")
    pytest.skip("the multi-process test needs Debian's caddy (apt-get install caddy)")


def test_caddy_config_of_the_deployment_is_valid(tmp_path):
    _require_caddy()
    env = {**os.environ, "DIGLED_DOMAIN": "digled.example.org", "DIGLED_UPSTREAMS": "127.0.0.1:8501 127.0.0.1:8502"}
    out = subprocess.run([CADDY, "validate", "--config", str(ROOT / "deploy" / "Caddyfile"), "--adapter", "caddyfile"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]


class Layout:
    """Two app processes on one database behind Caddy on a free port."""

    def __init__(self, workdir: Path):
        self.db_path = workdir / "digled.db"
        self.apps = [Server(workdir / f"app{i}", env_extra={"DIGLED_DB": str(self.db_path)}) for i in (1, 2)]
        self.port = free_port()
        self.caddy = None
        self.workdir = workdir

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Layout":
        for app in self.apps:
            app.db_path.parent.mkdir(parents=True, exist_ok=True)
        # the database is created (and the demo loaded) once, before the processes start
        subprocess.run([sys.executable, "-m", "digled", "init"], cwd=ROOT, env=self.apps[0].env, check=True,
                       capture_output=True, timeout=300)
        for app in self.apps:
            app.start()
        caddyfile = self.workdir / "Caddyfile"
        upstreams = " ".join(f"127.0.0.1:{a.port}" for a in self.apps)
        caddyfile.write_text(
            "{\n\tadmin off\n\tauto_https off\n}\n"
            f"http://127.0.0.1:{self.port} {{\n\treverse_proxy {upstreams} {{\n"
            "\t\tlb_policy cookie digled_upstream\n\t\tflush_interval -1\n\t}\n}\n",
            encoding="utf-8",
        )
        self.caddy = subprocess.Popen([CADDY, "run", "--config", str(caddyfile), "--adapter", "caddyfile"],
                                      stdout=(self.workdir / "caddy.log").open("w"), stderr=subprocess.STDOUT)
        if wait_healthy(self.url, 30, self.caddy):
            return self
        raise RuntimeError("caddy did not answer: " + (self.workdir / "caddy.log").read_text()[-2000:])

    def stop(self) -> None:
        if self.caddy is not None:
            self.caddy.terminate()
            self.caddy.wait(10)
        for app in self.apps:
            app.stop()


def test_logins_and_answers_through_the_proxy_to_two_processes(tmp_path):
    _require_caddy()
    layout = Layout(tmp_path).start()
    try:
        pids = [a.proc.pid for a in layout.apps]
        before = [sessions.process_usage(p)[1] for p in pids]
        report = sessions.run(layout.url, layout.db_path, pids, sessions=8, seconds=20, think=(1.0, 2.0))
        print(report.line())
        assert report.errors == 0, report.first_errors
        assert report.lost == 0
        assert report.answers >= 8
        busy = [sessions.process_usage(p)[1] - b for p, b in zip(pids, before)]
        assert all(cpu > 0.2 for cpu in busy), f"one process served no session: CPU seconds {busy}"
    finally:
        layout.stop()
