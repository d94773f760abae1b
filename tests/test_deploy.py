"""The deployment files: the daily jobs' schedule and clean-up, a run of the jobs against a
real database, the container image (built and served where a Docker daemon is reachable;
skipped with the reason where it is not, also with CI=true: tests/conftest.py CI_MAY_LACK), and
the systemd units (systemd-analyze, which .ci/run installs)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from digled.ui import publication

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


def test_the_management_pages_name_the_daily_jobs_time():
    """A due publication waits for the daily job; the management pages say when it runs."""
    assert publication.DAILY_JOB_AT == daily.RUN_AT


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
        pytest.skip(reason)  # listed with its reason at the end of the run
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


# --- systemd, for installations without containers (deploy/systemd, deploy/README.md) -------

SYSTEMD = ROOT / "deploy" / "systemd"
UNITS = ("digled@.service", "digled-init.service", "digled-daily.service", "digled-daily.timer", "digled.target")


def unit(name: str) -> dict[str, list[str]]:
    """A unit file's `Key=value` lines by key (a key may repeat, as Environment= does)."""
    found: dict[str, list[str]] = {}
    for line in (SYSTEMD / name).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def _local_units(tmp_path: Path) -> Path:
    """The units with /opt/digled/venv/bin/ pointing at this venv (systemd-analyze checks that
    the commands exist)."""
    out = tmp_path / "units"
    out.mkdir()
    for name in UNITS:
        text = (SYSTEMD / name).read_text(encoding="utf-8")
        (out / name).write_text(text.replace("/opt/digled/venv/bin/", str(Path(sys.executable).parent) + "/"))
    return out


def test_the_systemd_units_pass_systemd_analyze(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("no systemd-analyze on this machine")
    units = _local_units(tmp_path)
    (units / "digled@8501.service").symlink_to(units / "digled@.service")
    out = subprocess.run(["systemd-analyze", "verify", "--man=no", *(str(units / n) for n in
                          ("digled@8501.service", "digled-init.service", "digled-daily.service",
                           "digled-daily.timer", "digled.target"))],
                         capture_output=True, text=True, timeout=60)
    problems = [line for line in (out.stdout + out.stderr).splitlines() if line.strip()]
    assert out.returncode == 0 and problems == [], problems


def test_the_app_processes_run_as_an_unprivileged_user_with_the_secrets_as_a_credential():
    for name in ("digled@.service", "digled-init.service", "digled-daily.service"):
        u = unit(name)
        assert u["User"] == ["digled"], name
        assert "NoNewPrivileges" in u and u["ProtectSystem"] == ["strict"], name
        assert u["LoadCredential"] == ["digled.toml:/etc/digled/digled.toml"], name
        assert "DIGLED_SECRETS_FILE=%d/digled.toml" in u["Environment"], name
        assert not any(k in e for e in u["Environment"] for k in ("PSEUDONYM_SECRET", "COOKIE_KEY", "PASSWORD")), \
            f"{name}: a secret in the unit"
    wants = unit("digled.target")["Wants"][0].split()
    upstreams = unit("caddy-digled.conf")["Environment"][1].strip('"').removeprefix("DIGLED_UPSTREAMS=").split()
    assert [w for w in wants if w.startswith("digled@")] == [f"digled@{u.rsplit(':', 1)[1]}.service" for u in upstreams]
    assert unit("digled-daily.timer")["OnCalendar"] == ["*-*-* 06:00:00 Europe/Copenhagen"]


def test_the_commands_of_the_units_create_the_database_and_serve_the_app(tmp_path):
    """What digled-init and digled@PORT run, as the units run it: the secrets from the
    credential file, the settings from digled.env, outside demo."""
    from tests.servers import free_port, wait_healthy

    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / "digled.toml").write_text(
        'cookie_key = "unit-cookie-key-Hs3Lq9VzTm6KxB2nRf7WcJ4pYd8GaE5u"\n'
        'pseudonym_secret = "unit-pseudonym-Nb6Tq2XzLm9RvK4cWf7HsJ3pGd8YaE5u"\n', encoding="utf-8")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGLED_")}
    for name in ("digled.env.example",):
        for line in (SYSTEMD / name).read_text(encoding="utf-8").splitlines():
            if "=" in line and not line.startswith("#"):
                key, _, value = line.partition("=")
                env[key] = value
    for assignment in unit("digled@.service")["Environment"]:
        key, _, value = assignment.partition("=")
        env[key] = value.replace("%d", str(credentials)).replace("/var/lib/digled", str(tmp_path))

    def command(name: str) -> list[str]:
        line = unit(name)["ExecStart"][0].replace("/opt/digled/venv/bin/", str(Path(sys.executable).parent) + "/")
        return line.replace("%i", str(port)).split()

    init = subprocess.run(command("digled-init.service"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, init.stdout + init.stderr
    assert (tmp_path / "digled.db").exists()
    log = (tmp_path / "app.log").open("w")
    app = subprocess.Popen(command("digled@.service"), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        assert wait_healthy(f"http://127.0.0.1:{port}", 60, app), (tmp_path / "app.log").read_text()[-2000:]
    finally:
        app.terminate()
        app.wait(20)
    import sqlite3

    con = sqlite3.connect(tmp_path / "digled.db")
    try:  # outside demo: no demo accounts were made
        assert con.execute("SELECT COUNT(*) FROM users WHERE username IN ('leder', 'admin', 'ledelse')").fetchone()[0] == 0
    finally:
        con.close()


def test_compose_exposes_only_the_proxy_and_trusts_its_forwarded_address():
    import yaml

    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    apps = [name for name, s in services.items() if s.get("command") is None and name != "proxy"]
    assert apps == ["app1", "app2"]
    for name in apps:
        assert "ports" not in services[name], f"{name} is reachable without the proxy"
        # behind the proxy every leader would otherwise share the proxy's address for the login limit
        assert services[name]["environment"]["FORWARDED_ALLOW_IPS"] == "*"
        assert services[name]["environment"]["DIGLED_DEMO"] == "0"
    assert services["proxy"]["ports"] == ["80:80", "443:443"]
    upstreams = services["proxy"]["environment"]["DIGLED_UPSTREAMS"].split()
    assert upstreams == [f"{name}:8501" for name in apps]
    assert all("SECRET" not in str(s.get("environment", {})) for s in services.values())
