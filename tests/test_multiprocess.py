"""The multi-process layout (deploy/Caddyfile, benchmarks/layout.py): Caddy from Debian's
packages in front of two `streamlit run app.py` processes sharing one SQLite database, and the
reliability tests against it. Leaders are real Streamlit sessions through the proxy
(benchmarks/sessions.py speaks Streamlit's protocol):

- concurrent writers in both processes lose and duplicate nothing;
- a backup taken while both processes write is an intact, consistent copy;
- a process killed with SIGKILL mid-answering loses no confirmed answer: its leaders come back
  through the proxy to the live process, still logged in, and go on.

`.ci/run` installs caddy; elsewhere the tests skip with the reason (and fail under CI=true)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from benchmarks import sessions, workload
from benchmarks.layout import CADDY, CADDYFILE, Layout
from tests.servers import ROOT


def _require_caddy() -> None:
    if CADDY:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but no caddy: install Debian's caddy (see .ci/run)")
    pytest.skip("the multi-process test needs Debian's caddy (apt-get install caddy)")


def test_caddy_config_of_the_deployment_is_valid(tmp_path):
    _require_caddy()
    env = {**os.environ, "DIGLED_DOMAIN": "digled.example.org", "DIGLED_UPSTREAMS": "127.0.0.1:8501 127.0.0.1:8502"}
    out = subprocess.run([CADDY, "validate", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    """Caddy with the real deploy/Caddyfile in front of two app processes on one database."""
    _require_caddy()
    started = Layout(tmp_path_factory.mktemp("layout")).start()
    yield started
    started.stop()


def _answers(path: Path) -> dict[tuple[int, str], int]:
    con = sqlite3.connect(path)
    try:
        return {(a, i): v for a, i, v in con.execute("SELECT assessment_id, item, value FROM answers")}
    finally:
        con.close()


# The order matters: the last test kills a process (and starts it again).


def test_concurrent_leaders_through_the_proxy_on_two_processes_lose_nothing(layout):
    """Writers in two processes at once on one SQLite file: 24 leaders answering every 0.2-0.6 s,
    spread by the proxy over both processes (its sticky cookie names the process each leader
    reached), leaders of each process answering. How many answers the layout takes is the
    `capacity` benchmark's measure (benchmarks/run.py), not this test's."""
    report = sessions.run(layout.url, layout.db_path, layout.pids, sessions=24, seconds=16, think=(0.2, 0.6),
                          prefix="writer")
    print(report.line(), report.answers_by_upstream)
    assert report.errors == 0, report.first_errors
    assert report.lost == 0
    served = report.answers_by_upstream
    assert "" not in served and len(served) == len(layout.apps) and all(served.values()), \
        f"confirmed answers by app process (the proxy's cookie): {served}"
    assert workload.integrity(layout.db_path) == "ok"


def test_a_backup_while_leaders_answer_through_the_proxy_is_a_consistent_copy(layout, tmp_path):
    """`python -m digled backup` on the server while both processes write: every copy is intact,
    at the latest schema version, and holds only answers the leaders really gave."""
    env = {**layout.apps[0].env}
    copies: list[Path] = []
    stop = threading.Event()

    def back_up_repeatedly() -> None:
        time.sleep(3)  # the leaders are logged in and answering
        while not stop.is_set():
            target = tmp_path / f"backup-{len(copies)}.db"
            out = subprocess.run([sys.executable, "-m", "digled", "backup", str(target)], cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=120)
            assert out.returncode == 0, out.stderr[-2000:]
            copies.append(target)
            time.sleep(1)

    thread = threading.Thread(target=back_up_repeatedly, daemon=True)
    thread.start()
    try:
        report = sessions.run(layout.url, layout.db_path, layout.pids, sessions=12, seconds=15, think=(0.2, 0.6),
                              prefix="backup")
    finally:
        stop.set()
        thread.join(150)
    print(report.line(), f"{len(copies)} backups")
    assert report.errors == 0 and report.lost == 0, report.first_errors
    final = _answers(layout.db_path)
    assert len(copies) >= 2
    grew = 0
    for copy in copies:
        assert workload.backup_problems(copy) == [], copy.name
        held = _answers(copy)
        assert all(final.get(key) == value for key, value in held.items()), f"{copy.name}: answers never given"
        grew += len(held) < len(final)
    assert grew >= 1, "at least one backup was taken while the leaders were writing"


def test_a_process_killed_mid_answering_loses_no_confirmed_answer(layout):
    """SIGKILL one app process while 16 leaders answer: its leaders' websockets drop, they come
    back through the proxy to the live process still logged in and go on; every answer the app
    had confirmed is in the database; the killed process starts again and serves new logins."""
    killed = layout.apps[0]
    results: list[sessions.Report] = []
    runner = threading.Thread(target=lambda: results.append(sessions.run(
        layout.url, layout.db_path, layout.pids, sessions=16, seconds=30, think=(0.3, 0.8), prefix="crash",
        reconnect=True)), daemon=True)
    runner.start()
    time.sleep(14)  # all have logged in (ramp 7.5 s) and answer
    os.kill(killed.proc.pid, signal.SIGKILL)
    killed.proc.wait(10)
    runner.join(180)
    report = results[0]
    print(report.line())
    assert report.reconnects >= 1, "no leader was on the killed process"
    assert report.errors == 0, report.first_errors
    assert report.lost == 0
    assert workload.integrity(layout.db_path) == "ok"

    layout.restart_app(0)
    again = sessions.run(layout.url, layout.db_path, [killed.proc.pid], sessions=6, seconds=10, think=(0.5, 1.0),
                         prefix="after")
    assert again.errors == 0 and again.lost == 0 and again.answers >= 6, again.first_errors
