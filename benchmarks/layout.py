"""The multi-process deployment on one machine, started locally: K `streamlit run app.py`
processes on one SQLite database behind Caddy with the real `deploy/Caddyfile` (sticky sessions,
websockets, health checks). Used by tests/test_multiprocess.py and the `capacity:` benchmark.

    layout = Layout(workdir, processes=2).start()
    ... layout.url, layout.db_path, layout.apps[i].proc ...
    layout.stop()

Caddy comes from Debian's package (`apt-get install caddy`; `.ci/run` installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.servers import ROOT, Server, free_port, wait_healthy

CADDY = shutil.which("caddy")
CADDYFILE = ROOT / "deploy" / "Caddyfile"


class Layout:
    """`processes` app processes on one database behind Caddy on a free loopback port."""

    def __init__(self, workdir: Path, processes: int = 2, env_extra: dict | None = None):
        self.workdir = workdir
        self.db_path = workdir / "digled.db"
        extra = {"DIGLED_DB": str(self.db_path), **(env_extra or {})}
        self.apps = [Server(workdir / f"app{i}", env_extra=extra) for i in range(1, processes + 1)]
        self.port = free_port()
        self.caddy: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pids(self) -> list[int]:
        return [a.proc.pid for a in self.apps]

    def start(self) -> Layout:
        if CADDY is None:
            raise RuntimeError("no caddy: apt-get install caddy")
        for app in self.apps:
            app.db_path.parent.mkdir(parents=True, exist_ok=True)
        # the database is created (and the demo loaded) once, before the processes start
        subprocess.run([sys.executable, "-m", "digled", "init"], cwd=ROOT, env=self.apps[0].env, check=True,
                       capture_output=True, timeout=300)
        for app in self.apps:
            app.start()
        self.start_proxy()
        return self

    def start_proxy(self) -> None:
        env = {**os.environ, "DIGLED_DOMAIN": self.url, "DIGLED_CADDY_ADMIN": "off",
               "DIGLED_UPSTREAMS": " ".join(f"127.0.0.1:{a.port}" for a in self.apps),
               "XDG_DATA_HOME": str(self.workdir / "caddy-data"), "XDG_CONFIG_HOME": str(self.workdir / "caddy-config")}
        log = self.workdir / "caddy.log"
        self.caddy = subprocess.Popen([CADDY, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
                                      env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        if not wait_healthy(self.url, 30, self.caddy):
            raise RuntimeError("caddy did not answer: " + log.read_text()[-2000:])

    def restart_app(self, index: int) -> None:
        """Start process `index` again on its port (after a crash)."""
        app = self.apps[index]
        app.stop()
        app.start()

    def stop(self) -> None:
        if self.caddy is not None and self.caddy.poll() is None:
            self.caddy.terminate()
            try:
                self.caddy.wait(10)
            except subprocess.TimeoutExpired:
                self.caddy.kill()
        for app in self.apps:
            app.stop()
