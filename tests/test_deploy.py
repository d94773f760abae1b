"""The deployment files: the daily jobs' schedule and clean-up, a run of the jobs against a
real database, and the container image (built and served where a Docker daemon is reachable;
skipped with the reason where it is not)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
import daily  # noqa: E402


@pytest.mark.parametrize("now, expected", [
    (datetime(2026, 12, 1, 5, 59), datetime(2026, 12, 1, 6, 0)),
    (datetime(2026, 12, 1, 6, 0), datetime(2026, 12, 2, 6, 0)),
    (datetime(2026, 12, 31, 23, 0), datetime(2027, 1, 1, 6, 0)),
])
def test_the_jobs_run_at_six_every_day(now, expected):
    assert daily.next_run(now) == expected


def test_backups_older_than_fourteen_days_go(tmp_path):
    for day in ("2026-11-16", "2026-11-17", "2026-11-30"):
        (tmp_path / f"digled-{day}.db").write_bytes(b"x")
    (tmp_path / "digled-notes.db").write_bytes(b"x")
    assert [p.name for p in daily.old_backups(tmp_path, date(2026, 12, 1))] == ["digled-2026-11-16.db", "digled-2026-11-17.db"]


def test_one_run_of_the_daily_jobs_on_a_real_database(tmp_path, monkeypatch):
    env = {**os.environ, "DIGLED_DB": str(tmp_path / "digled.db"), "DIGLED_DEMO": "1",
           "DIGLED_SECRETS_FILE": str(tmp_path / "none.toml"),
           "DIGLED_COOKIE_KEY": "deploy-cookie-key-Hs3Lq9VzTm6KxB2nRf7WcJ4pYd8GaE5u",
           "DIGLED_PSEUDONYM_SECRET": "deploy-pseudonym-Nb6Tq2XzLm9RvK4cWf7HsJ3pGd8YaE5u",
           "DIGLED_OUTBOX": str(tmp_path / "outbox")}
    subprocess.run([sys.executable, "-m", "digled", "init"], cwd=ROOT, env=env, check=True, capture_output=True)
    out = subprocess.run([sys.executable, "deploy/daily.py", "--once"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    for job in ("reminders", "publish", "backup", "retention"):
        assert f"{job}: exit 0" in out.stdout
    assert list((tmp_path / "backups").glob("digled-*.db"))


def _docker_reason() -> str | None:
    if not shutil.which("docker"):
        return "no docker command on this machine"
    info = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=30)
    if info.returncode != 0:
        return "no Docker daemon reachable: " + (info.stderr.strip().splitlines() or ["docker info failed"])[-1]
    return None


def test_the_container_image_builds_and_answers_its_healthcheck():
    reason = _docker_reason()
    if reason:
        print(f"skipped: {reason}")
        pytest.skip(reason)
    tag = "digled:test"
    subprocess.run(["docker", "build", "-t", tag, str(ROOT)], check=True, timeout=1200)
    run = subprocess.run(["docker", "run", "-d", "--rm", "-e", "DIGLED_DEMO=1", "-p", "127.0.0.1::8501", tag],
                         check=True, capture_output=True, text=True)
    container = run.stdout.strip()
    try:
        port = subprocess.run(["docker", "port", container, "8501"], check=True, capture_output=True,
                              text=True).stdout.strip().rsplit(":", 1)[1]
        import time
        import urllib.request

        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=3) as r:
                    assert r.read() == b"ok"
                    break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(1)
        user = subprocess.run(["docker", "exec", container, "id", "-u"], capture_output=True, text=True).stdout.strip()
        assert user != "0", "the app runs as root"
    finally:
        subprocess.run(["docker", "rm", "-f", container], capture_output=True)
