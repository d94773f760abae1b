"""Every benchmark runs: `benchmarks/run.py --smoke` runs each one in its smallest form (those that need
no browser beside the others) and must
print every line, none skipped, none in error (issue 22: a benchmark that could not find its page
printed "skipped" for weeks and nobody saw). Its figures mean nothing; the README's come from full
runs."""

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import run as bench
from benchmarks import sessions

ROOT = Path(__file__).resolve().parent.parent


def test_a_run_is_complete_only_with_a_measured_line_from_every_benchmark():
    names = ["answer", "publish"]
    measured = ["answer: median 56 ms ... ratio 2.26", "publish: first publication 0.2 s"]
    assert bench.complete(names, measured)
    assert not bench.complete(names, measured[:1]), "a benchmark that printed nothing"
    assert not bench.complete(names, [measured[0], "publish: skipped (page not built yet)"])
    assert not bench.complete(names, [measured[0], "publish: ERROR RuntimeError: no caddy"])
    assert not bench.complete(["concurrent"], ["concurrent: 8 leaders ...; PROBLEMS: lost 2"])


def _report(**changes) -> sessions.Report:
    values = dict(sessions=3, seconds=10.0, answers=20, p50=0.02, p95=0.05, p99=0.08, errors=0, lost=0, rss_mb=200.0,
                  cpu_share=0.2, first_errors=[], steady_cpu_s=0.12, steady_answers=10)
    return sessions.Report(**{**values, **changes})


def test_server_cpu_per_answer_counts_the_steady_state_only():
    """After the ramp (no logins): 0.12 s of server CPU over 10 answers is 12 ms an answer."""
    assert _report().steady_cpu_ms_per_answer == pytest.approx(12.0)
    assert "server CPU per answer 12.0 ms" in _report().line()
    assert _report(steady_answers=0).steady_cpu_ms_per_answer is None


def test_the_gc_comparison_fails_with_its_reason_when_nothing_was_answered():
    on, off = _report(steady_cpu_s=0.3), _report()
    assert "server CPU per answer 30.0 vs 12.0 ms (ratio 0.40)" in bench.gc_comparison(3, on, off)
    with pytest.raises(RuntimeError, match="no answers"):
        bench.gc_comparison(3, _report(steady_answers=0), off)


def test_the_floor_counts_a_confirmed_answer_missing_from_its_table_as_lost(tmp_path):
    db = tmp_path / "floor.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE answers (session TEXT, n INTEGER, value INTEGER)")
        con.executemany("INSERT INTO answers VALUES ('a', ?, 1)", [(1,), (2,)])
    leader = sessions.Leader("floor001", confirmed={(0, "0"): 1, (0, "1"): 2})
    assert sessions.floor_lost(db, [leader]) == 0
    leader.confirmed[(0, "2")] = 3
    assert sessions.floor_lost(db, [leader]) == 1


@pytest.mark.e2e
def test_every_benchmark_runs_in_its_smallest_form():
    from tests.e2e.conftest import _require_chromium

    _require_chromium()
    out = subprocess.run([sys.executable, "benchmarks/run.py", "--smoke"], cwd=ROOT, capture_output=True,
                         text=True, timeout=900, check=False)
    lines = out.stdout.splitlines()
    assert "mode: smoke" in lines, out.stdout
    for name in bench.NAMES:
        mine = [line for line in lines if line.startswith(name + ":")]
        assert mine, f"{name} printed no line:\n{out.stdout}\n{out.stderr[-3000:]}"
        assert not any("skipped" in line.lower() or ": ERROR" in line for line in mine), mine
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    # capacity: the floor app measured beside digled in the same run, as ratios
    (floor,) = [line for line in lines if line.startswith("capacity: one process:")]
    assert re.search(r"digled over the floor: CPU per answer \d+\.\d\d, p95 \d+\.\d\d", floor), floor
