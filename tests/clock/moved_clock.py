"""The test clock: run the suite as if today were another day (issue 26).

    python -m pytest -m "not e2e" --today 2028-02-29

moves `date.today()`, `datetime.now()` and `time.time()` with time-machine to noon (UTC) of that
day, ticking on from there, in the test processes and in every Python process they start: the
day is passed on as an offset from the real clock (DIGLED_TEST_CLOCK), so a server started a
minute later agrees with the test to the second, and tests/clock/sitecustomize.py applies it
at that process's start-up. The demo a test builds is built on the moved day (tests/conftest.py
gives it `date.today()`).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime
from pathlib import Path

ENV = "DIGLED_TEST_CLOCK"  # "<seconds to add to the real clock>"
HERE = Path(__file__).resolve().parent
_traveller = None


def offset_for(day: date) -> float:
    """Seconds from the real clock now to noon UTC of `day`."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC).timestamp() - time.time()


def start(offset: float) -> None:
    """Move this process's clock by `offset` seconds (ticking on), once; and make every Python
    process started from here on do the same (the environment and PYTHONPATH it inherits)."""
    global _traveller
    import time_machine

    if _traveller is not None:
        return
    os.environ[ENV] = repr(offset)
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if str(HERE) not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([str(HERE), *paths])
    _traveller = time_machine.travel(time.time() + offset, tick=True)
    _traveller.start()


def start_from_environment() -> None:
    """In a process started by a moved test session: move its clock by the inherited offset."""
    raw = os.environ.get(ENV)
    if raw:
        start(float(raw))


def moved() -> bool:
    return _traveller is not None
