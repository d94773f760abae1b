"""The daily jobs of a digled installation, for a container (compose.yaml's `jobs`) or a
systemd timer (deploy/README.md): reminders, a due publication, a backup kept for 14 days,
and the retention of raw answers. Each job is digled's own command line; one failing job does
not stop the others, and the exit status says whether all succeeded.

    python deploy/daily.py            # wait for 06:00 every day, then run the jobs (a container)
    python deploy/daily.py --once     # run the jobs now and exit (a systemd timer, cron)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

RUN_AT = (6, 0)
KEEP_BACKUPS = 14


def next_run(now: datetime, at: tuple[int, int] = RUN_AT) -> datetime:
    """The next time of day `at` after `now` (local time)."""
    candidate = now.replace(hour=at[0], minute=at[1], second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(days=1)


def backup_dir() -> Path:
    return Path(os.environ.get("DIGLED_BACKUP_DIR") or Path(os.environ.get("DIGLED_DB", "data/digled.db")).parent / "backups")


def old_backups(directory: Path, today: date, keep: int = KEEP_BACKUPS) -> list[Path]:
    """Backups (digled-YYYY-MM-DD.db) older than `keep` days."""
    old = []
    for path in directory.glob("digled-*.db"):
        try:
            day = date.fromisoformat(path.stem.removeprefix("digled-"))
        except ValueError:
            continue
        if (today - day).days >= keep:
            old.append(path)
    return sorted(old)


def jobs(today: date) -> list[list[str]]:
    target = backup_dir() / f"digled-{today.isoformat()}.db"
    return [
        ["reminders"],
        ["publish"],
        ["backup", str(target)],
        ["retention"],
    ]


def run_once(today: date | None = None) -> int:
    today = today or date.today()
    backup_dir().mkdir(parents=True, exist_ok=True)
    failed = 0
    for args in jobs(today):
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "digled", *args], capture_output=True, text=True)
        print(f"{datetime.now().isoformat(timespec='seconds')} {' '.join(args[:1])}: exit {result.returncode} "
              f"in {time.monotonic() - started:.1f} s", flush=True)
        for line in (result.stdout + result.stderr).strip().splitlines()[-20:]:
            print("    " + line, flush=True)
        failed += result.returncode != 0
    for path in old_backups(backup_dir(), today):
        path.unlink()
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--once", action="store_true", help="run the jobs now and exit")
    if parser.parse_args().once:
        return run_once()
    while True:
        wait = (next_run(datetime.now()) - datetime.now()).total_seconds()
        time.sleep(max(1.0, wait))
        run_once()


if __name__ == "__main__":
    sys.exit(main())
