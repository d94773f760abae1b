"""Issue 21, item 5: the systemd units are sandboxed. `systemd-analyze security --offline=true`
rates each service unit of deploy/systemd 3.0 or lower (it rated digled@.service 6.5 MEDIUM and
the init and daily units 8.5 EXPOSED before). The test reads systemd's own score, so a setting
removed from a unit shows up here as a higher number."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = ROOT / "deploy" / "systemd"
SERVICES = ("digled@.service", "digled-init.service", "digled-daily.service")
MAX_EXPOSURE = 3.0
OVERALL = re.compile(r"Overall exposure level for (\S+): (\d+(?:\.\d+)?) ")


def _analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found:
        return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but no systemd-analyze: install systemd")
    pytest.skip("no systemd-analyze on this machine (apt-get install systemd)")


def exposure(unit_file: Path) -> float:
    """systemd's overall exposure score of a unit file (0 safe ... 10 exposed)."""
    out = subprocess.run([_analyze(), "security", "--offline=true", "--no-pager", str(unit_file)],
                         capture_output=True, text=True, timeout=60)
    found = OVERALL.search(out.stdout + out.stderr)
    assert found, out.stdout + out.stderr
    return float(found.group(2))


@pytest.fixture(scope="module")
def units(tmp_path_factory) -> Path:
    """The unit files as installed, the template under an instance name (digled@8501)."""
    out = tmp_path_factory.mktemp("units")
    for name in SERVICES:
        shutil.copy(SYSTEMD / name, out / name)
    (out / "digled@8501.service").symlink_to(out / "digled@.service")
    return out


@pytest.mark.parametrize("name", ["digled@8501.service", "digled-init.service", "digled-daily.service"])
def test_every_service_unit_is_sandboxed_to_an_exposure_of_three_or_lower(units, name):
    score = exposure(units / name)
    assert score <= MAX_EXPOSURE, f"{name}: systemd-analyze security rates it {score} (at most {MAX_EXPOSURE})"


def test_the_score_reads_what_the_unit_says(units, tmp_path):
    """The measurement itself: the same unit without its sandbox rates far worse."""
    text = (units / "digled-daily.service").read_text(encoding="utf-8")
    bare = "\n".join(line for line in text.splitlines()
                     if not line.startswith(("CapabilityBoundingSet", "SystemCall", "Restrict", "Protect",
                                             "Private")))
    (tmp_path / "bare.service").write_text(bare, encoding="utf-8")
    assert exposure(tmp_path / "bare.service") > 6.0


def test_the_daily_and_init_jobs_keep_only_the_sockets_they_use():
    def setting(name, key):
        return [line.split("=", 1)[1] for line in (SYSTEMD / name).read_text(encoding="utf-8").splitlines()
                if line.startswith(key + "=")]

    assert setting("digled-daily.service", "RestrictAddressFamilies") == ["AF_INET AF_INET6 AF_UNIX"]  # SMTP
    assert setting("digled-init.service", "RestrictAddressFamilies") == ["AF_UNIX"]
    assert setting("digled-init.service", "PrivateNetwork") == ["yes"]
    for name in SERVICES:
        assert setting(name, "CapabilityBoundingSet") == [""], name
        assert setting(name, "SystemCallFilter")[0] == "@system-service", name
