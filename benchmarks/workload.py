"""Simulated leaders and a crash-prone writer, driven through digled's own storage code.

The reliability tests (tests/test_reliability.py) and the `concurrent:` benchmark
(benchmarks/run.py) share this module so they measure exactly the same thing:

- `run_leaders`: N leaders at once, each a separate process with its own connection, saving
  their answers one by one with `assessment.save_answer` (re-reading the draft after each
  save, as the assessment page does), then submitting. `verify_leaders` compares the
  database with what every process saw confirmed.
- `crash_writer` / `replay`: a writer that confirms every save on a line of its output file
  *after* the save returned, following a plan that `replay` can recompute, so a test can kill
  it at any moment and check that every confirmed answer survived.

Every answer plan is deterministic (seeded), so the expected content of the database after
any number of saves is known exactly.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import sqlite3
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

from digled.accounts import auth
from digled.assessment import answering, scoring
from digled.content import loader
from digled.platform import db as dbm
from digled.platform import migrations, pseudonyms
from digled.platform.db import write

ROOT = Path(__file__).resolve().parent.parent
CORRECTION_SHARE = 0.05  # share of answers after which the leader changes an earlier answer


class WorkloadError(Exception):
    """A simulated leader did not report back (crashed or hung)."""


def context() -> multiprocessing.context.BaseContext:
    """Separate processes forked from a clean server that already imported digled.

    'forkserver' gives each simulated leader a fresh process with its own SQLite connection
    (as real as 'spawn' for locking) without paying the ~0.4 s import per process."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["benchmarks.workload"])
    return ctx


# --- answer plans ---------------------------------------------------------------------------


def answer_plan(framework: loader.Framework, seed: int) -> list[tuple[str, int]]:
    """One leader's saves in order: every question once (page order), random values 0..4,
    and now and then a change of an earlier answer (the ON CONFLICT path)."""
    rng = random.Random(seed)
    plan: list[tuple[str, int]] = []
    given: list[str] = []
    for qid in answering.question_ids(framework):
        plan.append((qid, rng.randint(0, scoring.SCALE_STEPS)))
        given.append(qid)
        if rng.random() < CORRECTION_SHARE:
            plan.append((rng.choice(given), rng.randint(0, scoring.SCALE_STEPS)))
    if all(v == scoring.DONT_KNOW for q, v in plan):  # submit needs one real answer
        plan.append((plan[0][0], 1))
    return plan


def plan_states(plan: list[tuple[str, int]]) -> list[dict[str, int]]:
    """The answers after 0, 1, ..., len(plan) saves."""
    states, current = [{}], {}
    for qid, value in plan:
        current = {**current, qid: value}
        states.append(current)
    return states


# --- many leaders at once ---------------------------------------------------------------------


@dataclass
class LeaderResult:
    """What one simulated leader's process saw."""

    number: int
    user_id: int
    confirmed: dict[int, dict[str, int]] = field(default_factory=dict)  # per assessment id
    submitted: list[int] = field(default_factory=list)  # assessment ids confirmed submitted
    saves: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def make_leaders(db_path: Path | str, count: int, first: int = 0) -> list[int]:
    """Insert `count` leader accounts (no password) and return their user ids."""
    database = migrations.open_and_migrate(db_path)
    try:
        ids = []
        with write(database):
            for n in range(first, first + count):
                ids.append(
                    auth.create_user(
                        database,
                        username=f"bench.leader{n}",
                        name=f"Bench Leader {n}",
                        municipality=("Albertslund", "Glostrup")[n % 2],
                        area="skole",
                        level="mellemleder",
                    )
                )
        return ids
    finally:
        database.close()


def _leader_process(
    db_path: str, secret: str, number: int, user_id: int, rounds: int, pause: float, ready, go, results
) -> None:
    """One leader: `rounds` times start a draft, save the plan one answer at a time, submit."""
    result = LeaderResult(number=number, user_id=user_id)
    try:
        framework = loader.framework()
        database = dbm.connect(db_path)
        respondent = pseudonyms.of_user(secret, user_id)
        plans = [answer_plan(framework, number * 1000 + r) for r in range(rounds)]
        ready.put(number)
        go.wait()
        for r, plan in enumerate(plans):
            try:
                draft = answering.start(database, respondent, "start" if r == 0 else "extra", secret=secret)
            except Exception as e:  # reported, never retried: this is what a user would see
                result.errors.append(f"start: {type(e).__name__}: {e}")
                continue
            confirmed = result.confirmed.setdefault(draft.id, {})
            for qid, value in plan:
                started = time.perf_counter()
                try:
                    answering.save_answer(database, framework, draft.id, qid, value)
                except Exception as e:
                    result.errors.append(f"save: {type(e).__name__}: {e}")
                    continue
                result.latencies.append(time.perf_counter() - started)
                result.saves += 1
                confirmed[qid] = value
                # what the assessment page does after each answer: re-read draft and answers
                answering.draft(database, respondent)
                answering.answers(database, draft.id)
                if pause:
                    time.sleep(pause)
            try:
                attempt = answering.submit(database, framework, draft.id, secret=secret)
                answering.record_participation(database, user_id, attempt.round)
                if attempt.status == "submitted":
                    result.submitted.append(draft.id)
            except Exception as e:
                result.errors.append(f"submit: {type(e).__name__}: {e}")
        database.close()
    except BaseException:
        result.errors.append("crashed: " + traceback.format_exc())
    results.put(result)


@dataclass
class LeaderRun:
    """The outcome of `run_leaders`."""

    results: list[LeaderResult]
    seconds: float  # from "go" until the last leader reported

    @property
    def saves(self) -> int:
        return sum(r.saves for r in self.results)

    @property
    def errors(self) -> list[str]:
        return [e for r in self.results for e in r.errors]

    @property
    def locked_errors(self) -> int:
        return sum("locked" in e or "busy" in e.lower() for e in self.errors)

    def latency_quantile(self, q: float) -> float:
        values = sorted(x for r in self.results for x in r.latencies)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(q * len(values)))]

    @property
    def median_latency(self) -> float:
        return median(x for r in self.results for x in r.latencies)


def run_leaders(
    db_path: Path | str,
    secret: str,
    leaders: int = 50,
    rounds: int = 1,
    pause: float = 0.0,
    timeout: float = 120.0,
    on_started=None,
) -> LeaderRun:
    """Run `leaders` simulated leaders at once against `db_path` and collect what they saw.

    Accounts are created first; all processes start saving at the same moment. `on_started`
    (optional) is called right after the go signal, in this process, while the leaders write."""
    user_ids = make_leaders(db_path, leaders)
    ctx = context()
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [
        ctx.Process(
            target=_leader_process,
            args=(str(db_path), secret, n, uid, rounds, pause, ready, go, results),
            daemon=True,
        )
        for n, uid in enumerate(user_ids)
    ]
    for p in procs:
        p.start()
    try:
        for _ in procs:
            ready.get(timeout=timeout)
        started = time.perf_counter()
        go.set()
        if on_started is not None:
            on_started()
        collected = []
        for _ in procs:
            try:
                collected.append(results.get(timeout=timeout))
            except Exception as e:
                raise WorkloadError(f"only {len(collected)} of {len(procs)} leaders reported back") from e
        seconds = time.perf_counter() - started
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
                p.join()
    return LeaderRun(sorted(collected, key=lambda r: r.number), seconds)


@dataclass
class Verification:
    """Differences between the database and what the leaders saw confirmed."""

    lost: int = 0  # confirmed answers missing or with another value
    unconfirmed: int = 0  # answers in the database that no leader saw confirmed
    duplicated: int = 0  # extra assessments or answer rows for the same thing
    not_submitted: int = 0
    wrong_scores: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.unconfirmed or self.duplicated or self.not_submitted or self.wrong_scores)


def verify_leaders(db_path: Path | str, secret: str, run: LeaderRun, rounds: int = 1) -> Verification:
    """Compare the database with every answer and submit each leader saw confirmed."""
    import json

    framework = loader.framework()
    v = Verification()
    database = dbm.connect(db_path)
    try:
        v.duplicated += database.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM answers GROUP BY assessment_id, item HAVING COUNT(*) > 1)"
        ).fetchone()[0]
        for r in run.results:
            respondent = pseudonyms.of_user(secret, r.user_id)
            rows = {
                aid: (status, scores)
                for aid, status, scores in database.execute(
                    "SELECT id, status, scores FROM assessments WHERE respondent = ?", [respondent]
                )
            }
            if len(rows) != rounds:
                v.duplicated += abs(len(rows) - rounds)
                v.details.append(f"leader {r.number}: {len(rows)} assessments, expected {rounds}")
            for aid, confirmed in r.confirmed.items():
                if aid not in rows:
                    v.lost += len(confirmed)
                    v.details.append(f"leader {r.number}: assessment {aid} is missing")
                    continue
                status, scores = rows[aid]
                stored = answering.answers(database, aid)
                for qid, value in confirmed.items():
                    if stored.get(qid) != value:
                        v.lost += 1
                        v.details.append(f"leader {r.number}: {qid} is {stored.get(qid)}, confirmed {value}")
                v.unconfirmed += len(set(stored) - set(confirmed))
                if status != "submitted" or aid not in r.submitted:
                    v.not_submitted += 1
                    v.details.append(f"leader {r.number}: assessment {aid} is {status}")
                elif json.loads(scores) != json.loads(json.dumps(scoring.score(framework, confirmed))):
                    v.wrong_scores += 1
        taken = database.execute("SELECT COUNT(*) FROM participation").fetchone()[0]
        expected = len(
            {(r.user_id, "start" if i == 0 else "extra") for r in run.results for i, _ in enumerate(r.submitted)}
        )
        if taken != expected:
            v.details.append(f"participation rows {taken}, expected {expected}")
            v.duplicated += 1
    finally:
        database.close()
    return v


# --- the crash-prone writer ------------------------------------------------------------------


def crash_plan(framework: loader.Framework, seed: int) -> Iterator[tuple]:
    """The writer's endless plan: ("start",), ("save", qid, value)..., ("submit",), repeat.

    Saves go in a shuffled order and sometimes change an earlier answer."""
    rng = random.Random(seed)
    ids = answering.question_ids(framework)
    while True:
        yield ("start",)
        order = ids[:]
        rng.shuffle(order)
        done: list[str] = []
        for qid in order:
            yield ("save", qid, rng.randint(1, scoring.SCALE_STEPS))
            done.append(qid)
            if rng.random() < 0.1:
                yield ("save", rng.choice(done), rng.randint(0, scoring.SCALE_STEPS))
        yield ("submit",)


def crash_respondent(seed: int) -> str:
    return f"crash-writer-{seed}"


CRASH_SECRET = "crash-writer-secret-" + "c" * 32  # seals the crash writer's dates (never read)


def crash_writer(db_path: str, out_path: str, seed: int) -> None:
    """Follow `crash_plan(seed)` for ever; after each operation *returned*, append
    "ok <n>" (n = operations done) to `out_path` and flush it to the OS. Killed from outside."""
    framework = loader.framework()
    database = dbm.connect(db_path)
    respondent = crash_respondent(seed)
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.write(fd, b"ready\n")
    draft_id = None
    for n, op in enumerate(crash_plan(framework, seed), start=1):
        if op[0] == "start":
            draft_id = answering.start(database, respondent, "extra", secret=CRASH_SECRET).id
        elif op[0] == "save":
            answering.save_answer(database, framework, draft_id, op[1], op[2])
        else:
            answering.submit(database, framework, draft_id, secret=CRASH_SECRET)
        os.write(fd, f"ok {n}\n".encode())


def confirmed_ops(out_path: Path | str) -> int | None:
    """How many operations the writer confirmed (None when it never got ready)."""
    lines = Path(out_path).read_text().split("\n")
    complete = [line for line in lines[:-1]]  # the last piece may be a torn line
    if "ready" not in complete:
        return None
    done = [int(line.split()[1]) for line in complete if line.startswith("ok ")]
    return done[-1] if done else 0


def replay(framework: loader.Framework, seed: int, ops: int) -> list[tuple[dict[str, int], bool]]:
    """The writer's drafts after `ops` operations: [(answers, submitted)] per started draft."""
    drafts: list[list] = []
    for _, op in zip(range(ops), crash_plan(framework, seed)):
        if op[0] == "start":
            drafts.append([{}, False])
        elif op[0] == "save":
            drafts[-1][0][op[1]] = op[2]
        else:
            drafts[-1][1] = True
    return [(answers, submitted) for answers, submitted in drafts]


def stored_drafts(database, seed: int) -> list[tuple[dict[str, int], bool]]:
    """The writer's drafts as the database holds them, oldest first."""
    rows = answering.attempts(database, crash_respondent(seed), CRASH_SECRET)  # ids are random: sealed order
    return [(answering.answers(database, a.id), a.status == "submitted") for a in rows]


def integrity(path: Path | str) -> str:
    """PRAGMA integrity_check of the file at `path`, read through a plain connection."""
    conn = sqlite3.connect(str(path))
    try:
        return "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def backup_problems(path: Path | str) -> list[str]:
    """Why the backup at `path` is not an intact copy at the latest schema version (empty when it is)."""
    found = integrity(path)
    if found != "ok":
        return [f"integrity: {found}"]
    copy = dbm.connect(path)
    try:
        version = migrations.version(copy)
    finally:
        copy.close()
    return [] if version == migrations.SCHEMA_VERSION else [f"schema version {version}, not {migrations.SCHEMA_VERSION}"]
