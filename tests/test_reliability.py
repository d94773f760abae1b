"""Reliability under load and faults, through digled's own storage code (digled.platform.db, digled.assessment.answering).

- Concurrency: 50 leaders in 50 processes save their answers one by one and submit at once:
  nothing lost, nothing duplicated, no "database is locked" reaching a leader.
- Crashes: a writer killed with SIGKILL at random moments, again and again: the file stays
  intact and every answer whose save had returned is there.
- Backup while writing: `python -m digled backup` during concurrent writes gives a copy that
  is intact, at the latest schema version and a consistent snapshot.

The simulated leaders and the writer live in benchmarks/workload.py (the `concurrent:`
benchmark runs the same code). These tests are marked slow but run in every `python -m pytest`;
each is bounded (well under a minute on 2 cores).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from benchmarks import workload
from digled.assessment import answering, scoring
from digled.platform import db, migrations, pseudonyms

ROOT = Path(__file__).resolve().parent.parent
SECRET = "reliability-pseudonym-secret-" + "r" * 32
LEADERS = 50
KILLS = 50


@pytest.fixture
def live_db(tmp_path) -> Path:
    path = tmp_path / "live.db"
    migrations.open_and_migrate(path).close()
    return path


@pytest.mark.slow
def test_fifty_leaders_at_once_lose_and_duplicate_nothing(live_db, framework):
    run = workload.run_leaders(live_db, SECRET, leaders=LEADERS, timeout=60)
    assert run.errors == [], run.errors[:5]
    assert run.locked_errors == 0
    planned = [len(workload.answer_plan(framework, r.number * 1000)) for r in run.results]
    assert [r.saves for r in run.results] == planned, "every save was confirmed"
    assert run.saves >= LEADERS * 96
    check = workload.verify_leaders(live_db, SECRET, run)
    assert check.ok, check
    d = db.connect(live_db)
    try:
        assert d.execute("SELECT COUNT(*) FROM assessments WHERE status = 'submitted'").fetchone()[0] == LEADERS
        assert d.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == sum(
            len(c) for r in run.results for c in r.confirmed.values()
        )
    finally:
        d.close()


def _wait_ready(out: Path, proc, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.exists() and "ready\n" in out.read_text():
            return
        if not proc.is_alive():
            raise AssertionError(f"the writer died before it was ready (exit {proc.exitcode})")
        time.sleep(0.002)
    raise AssertionError("the writer did not get ready")


def _wait_confirmed(out: Path, proc, ops: int, timeout: float = 60) -> None:
    """Until the writer confirmed `ops` operations (it goes on writing meanwhile)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (workload.confirmed_ops(out) or 0) >= ops:
            return
        if not proc.is_alive():
            raise AssertionError(f"the writer died before {ops} operations (exit {proc.exitcode})")
        time.sleep(0.002)
    raise AssertionError(f"the writer did not confirm {ops} operations")


@pytest.mark.slow
def test_sigkill_at_random_moments_keeps_every_confirmed_answer(live_db, tmp_path, framework):
    ctx = workload.context()
    rng = random.Random(20151116)
    confirmed: dict[int, int] = {}
    in_flight_committed = 0
    for seed in range(KILLS):
        out = tmp_path / f"writer-{seed}.out"
        proc = ctx.Process(target=workload.crash_writer, args=(str(live_db), str(out), seed), daemon=True)
        proc.start()
        _wait_ready(out, proc)
        # a random moment of the writing: once it confirmed 1 to 130 operations (a draft is
        # about 115), whatever it is doing then; not after a random time, which on a busy
        # machine may fall before the first write
        killed_after = rng.randint(1, 130)
        _wait_confirmed(out, proc, killed_after)
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(10)
        assert proc.exitcode == -signal.SIGKILL, "killed mid-run, not finished on its own"
        ops = workload.confirmed_ops(out)
        assert ops >= killed_after, "killed while writing"
        confirmed[seed] = ops
        assert workload.integrity(live_db) == "ok", f"after kill {seed + 1}"
        d = db.connect(live_db)
        try:
            stored = workload.stored_drafts(d, seed)
        finally:
            d.close()
        # Every confirmed operation is in the file; the one in flight may or may not be.
        after_confirmed = workload.replay(framework, seed, ops)
        after_in_flight = workload.replay(framework, seed, ops + 1)
        assert stored in (after_confirmed, after_in_flight), f"kill {seed + 1} after {ops} confirmed operations"
        in_flight_committed += stored != after_confirmed
    d = db.connect(live_db)
    try:  # and no later writer disturbed an earlier one's answers
        for seed, ops in confirmed.items():
            assert workload.stored_drafts(d, seed) in (
                workload.replay(framework, seed, ops),
                workload.replay(framework, seed, ops + 1),
            )
    finally:
        d.close()
    print(f"{KILLS} kills, {sum(confirmed.values())} confirmed operations, "
          f"{in_flight_committed} kills between commit and confirmation")


def _snapshot_problems(copy: Path, framework, leaders: dict[str, int], rounds: int) -> list[str]:
    """Why the copy is not a consistent snapshot of the leaders' writes (empty when it is)."""
    problems = []
    d = db.connect(copy)
    try:
        states_cache: dict[int, tuple[set, frozenset]] = {}
        per_respondent: dict[str, list] = {}
        for (respondent,) in d.execute("SELECT DISTINCT respondent FROM assessments"):
            per_respondent[respondent] = [  # in the order they were made (ids are random)
                (a.id, a.status, d.execute("SELECT scores FROM assessments WHERE id = ?", [a.id]).fetchone()[0])
                for a in answering.attempts(d, respondent, SECRET)
            ]
        for respondent, rows in per_respondent.items():
            number = leaders.get(respondent)
            if number is None:
                problems.append(f"unknown respondent {respondent[:8]}")
                continue
            if len(rows) > rounds or any(s != "submitted" for _, s, _ in rows[:-1]):
                problems.append(f"leader {number}: rounds out of order {[s for _, s, _ in rows]}")
            for r, (aid, status, scores) in enumerate(rows):
                seed = number * 1000 + r
                if seed not in states_cache:
                    states = workload.plan_states(workload.answer_plan(framework, seed))
                    states_cache[seed] = ({frozenset(s.items()) for s in states}, frozenset(states[-1].items()))
                prefixes, final = states_cache[seed]
                given = frozenset(
                    d.execute("SELECT item, value FROM answers WHERE assessment_id = ?", [aid]).fetchall()
                )
                if given not in prefixes:
                    problems.append(f"leader {number} round {r}: answers are no state the leader passed through")
                if status == "submitted":
                    if given != final:
                        problems.append(f"leader {number} round {r}: submitted with {len(given)} answers")
                    elif json.loads(scores) != json.loads(json.dumps(scoring.score(framework, dict(final)))):
                        problems.append(f"leader {number} round {r}: scores do not match the answers")
        for (user_id,) in d.execute("SELECT user_id FROM participation"):
            respondent = pseudonyms.of_user(SECRET, user_id)
            if not any(s == "submitted" for _, s, _ in per_respondent.get(respondent, [])):
                problems.append(f"participation of user {user_id} without a submitted assessment")
    finally:
        d.close()
    return problems


@pytest.mark.slow
def test_backup_during_concurrent_writes_is_a_consistent_snapshot(live_db, tmp_path, framework):
    leaders, rounds = 10, 3
    env = {**os.environ, "DIGLED_DB": str(live_db), "DIGLED_PSEUDONYM_SECRET": SECRET}
    copies: list[Path] = []
    outputs: list[subprocess.CompletedProcess] = []
    stop = threading.Event()

    def back_up_repeatedly() -> None:
        while not stop.is_set():
            target = tmp_path / f"backup-{len(copies)}.db"
            outputs.append(
                subprocess.run(
                    [sys.executable, "-m", "digled", "backup", str(target)],
                    cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
                )
            )
            copies.append(target)

    thread = threading.Thread(target=back_up_repeatedly)
    run = workload.run_leaders(
        live_db, SECRET, leaders=leaders, rounds=rounds, pause=0.003, timeout=60, on_started=thread.start
    )
    stop.set()
    thread.join(90)
    assert run.errors == [], run.errors[:5]
    assert workload.verify_leaders(live_db, SECRET, run, rounds=rounds).ok
    assert len(copies) >= 2
    for out in outputs:
        assert out.returncode == 0 and "backup written to" in out.stdout, out.stderr

    d = db.connect(live_db)
    try:
        final_answers = d.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        respondents = {
            pseudonyms.of_user(SECRET, uid): n
            for n, (uid,) in enumerate(d.execute("SELECT id FROM users ORDER BY id"))
        }
    finally:
        d.close()
    mid_write = 0
    for copy in copies:
        assert workload.backup_problems(copy) == [], copy.name
        c = db.connect(copy)
        try:
            assert c.execute("SELECT COUNT(*) FROM users").fetchone()[0] == leaders
            answers = c.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        finally:
            c.close()
        mid_write += 0 < answers < final_answers
        assert _snapshot_problems(copy, framework, respondents, rounds) == [], copy.name
    assert mid_write >= 1, "at least one backup was taken while the leaders were writing"


def test_snapshot_check_detects_a_partial_assessment(live_db, tmp_path, framework):
    """The consistency check above can fail: a submitted assessment missing one answer."""
    run = workload.run_leaders(live_db, SECRET, leaders=1, timeout=60)
    d = db.connect(live_db)
    try:
        with db.write(d):
            aid = next(iter(run.results[0].confirmed))
            item = d.execute("SELECT item FROM answers WHERE assessment_id = ? LIMIT 1", [aid]).fetchone()[0]
            d.execute("DELETE FROM answers WHERE assessment_id = ? AND item = ?", [aid, item])
        respondents = {pseudonyms.of_user(SECRET, run.results[0].user_id): 0}
    finally:
        d.close()
    problems = _snapshot_problems(live_db, framework, respondents, rounds=1)
    assert any("submitted with" in p for p in problems), problems
    assert not workload.verify_leaders(live_db, SECRET, run).ok
