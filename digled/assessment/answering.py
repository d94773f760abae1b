"""The leader's assessment: drafts saved answer by answer, submit, own history.

An assessment row knows its respondent only by pseudonym (see anonymity.pseudonym), plus the
round and the aggregation attributes (municipality, area, level) copied at start. It holds no
date and no order: its id is a random 62-bit number, and the days it was started and submitted
are leader-only fields sealed with the server secret (sealing.py), so functions that write or
show them take the `secret`. The leader's history decrypts them and sorts by them.
A respondent has at most one draft (a unique partial index); every answer is written the
moment it is given, so a reload, logout or server restart resumes where the leader left off.
Submit computes the scores (scoring.score) and closes the draft in one transaction; a second
submit of the same draft (double click, a second tab) returns the stored result.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import sqlite_utils

from digled.accounts import programme_runs
from digled.assessment import scoring
from digled.content import programme
from digled.content.loader import Framework
from digled.platform import audit, sealing
from digled.platform.db import get_setting, set_setting, write
from digled.platform.i18n import N_, MessageError, text

FOLLOWUP_ROUNDS = ("followup_3", "followup_6")  # 3 and 6 months after the programme's end
FOLLOWUP_MONTHS = {"followup_3": 3, "followup_6": 6}
FOLLOWUP_WINDOW_MONTHS = 3  # a follow-up round is open this long from its day
RUN_ROUNDS = ("start", "end", *FOLLOWUP_ROUNDS)  # a run's rounds: in management's figures, through the gate
ROUNDS = (*RUN_ROUNDS, "extra")  # extra retakes stay private
FOLLOWUP_SETTING = "followup_rounds"  # an administrator's setting: "on" / "off" (off in a new installation)
_CHUNK = 500  # ids per IN (...) list


class AnswerError(MessageError):
    """An answer was refused (unknown item, value outside the scale, closed assessment).
    The message is a translatable message id; nothing was written."""


@dataclass(frozen=True)
class Attempt:
    """One assessment of one respondent, as the leader sees it. `started` and `submitted` are
    the days (ISO) from the sealed fields: '' (and None for a draft's `submitted`) when read
    without the secret."""

    id: int
    round: str
    status: str
    started: str
    submitted: str | None
    step: int
    scores: dict | None
    order: float = 0.0  # when it was submitted (sealed; for sorting the leader's history)
    cohort_id: int | None = None  # the run a start or end attempt belongs to (cohorts.py)


def leader_fields(row, secret: str | None) -> dict:
    """The leader-only fields of a row (started, submitted, order), opened with the secret.
    A row from before schema step 5 that is not sealed yet keeps its plaintext columns."""
    if row["sealed"]:
        if not secret:
            return {}
        try:
            return sealing.unseal(secret, row["respondent"], row["sealed"])
        except sealing.SealError:
            return {}
    return {"started": row["started"] or "", "submitted": row["submitted"] or "", "order": row["id"]}


def _attempt(row, secret: str | None = None) -> Attempt:
    fields = leader_fields(row, secret)
    submitted = fields.get("submitted", "") if row["status"] == "submitted" else None
    return Attempt(
        id=row["id"],
        round=row["round"],
        status=row["status"],
        started=fields.get("started", ""),
        submitted=submitted,
        step=row["step"],
        scores=json.loads(row["scores"]) if row["scores"] else None,
        order=float(fields.get("order") or 0),
        cohort_id=row["cohort_id"] if "cohort_id" in row.keys() else None,
    )


VALID_VALUES = range(0, scoring.SCALE_STEPS + 1)  # 0 = don't know, 1..steps


def question_ids(framework: Framework) -> list[str]:
    """All answerable ids in order: the items, then the purposes."""
    return [i.id for i in framework.items] + [p.id for p in framework.purposes]


@dataclass(frozen=True)
class Wording:
    """What a question shows in one language: its statement, its options (value, words) with
    "don't know" (0) last, and for an item what it measures (its dimension) and its example."""

    label: str
    options: tuple[tuple[int, str], ...]
    dimension: str | None = None
    example: str | None = None


def wording(framework: Framework, question_id: str, lang: str) -> Wording:
    """The wording of an item or a purpose statement (purposes have the purpose scale and no
    dimension or example)."""
    dont_know = ((0, text(framework.dont_know, lang)),)
    for item in framework.items:
        if item.id == question_id:
            scale = tuple((v, text(w, lang)) for v, w in framework.scales[item.dimension])
            return Wording(text(item.text, lang), scale + dont_know,
                           text(framework.dimensions[item.dimension], lang), text(item.example, lang))
    purpose = next(p for p in framework.purposes if p.id == question_id)
    scale = tuple((v, text(w, lang)) for v, w in framework.scales["purpose"])
    return Wording(text(purpose.text, lang), scale + dont_know)


def draft(db: sqlite_utils.Database, respondent: str, secret: str | None = None) -> Attempt | None:
    """The respondent's open draft or None; its `started` day only when `secret` is given."""
    rows = list(
        db.query(
            "SELECT * FROM assessments WHERE respondent = ? AND status = 'draft'", [respondent]
        )
    )
    return _attempt(rows[0], secret) if rows else None


def _insert(db: sqlite_utils.Database, columns: dict) -> int:
    """Insert an assessment row under a fresh random id (drawn again on the rare collision)."""
    names = ", ".join(["id", *columns])
    marks = ", ".join("?" * (len(columns) + 1))
    for _ in range(5):
        new_id = sealing.random_id()
        try:
            db.execute(f"INSERT INTO assessments ({names}) VALUES ({marks})", [new_id, *columns.values()])
        except sqlite3.IntegrityError:
            if db.execute("SELECT 1 FROM assessments WHERE id = ?", [new_id]).fetchone() is None:
                raise  # not an id collision (e.g. a second draft): the caller's problem
            continue
        return new_id
    raise RuntimeError("no free random assessment id")


def insert_submitted(
    db: sqlite_utils.Database,
    secret: str,
    respondent: str,
    round_: str,
    day: date,
    municipality: str,
    area: str,
    level: str,
    scores: dict,
    answers_: dict[str, int] | None = None,
) -> int:
    """Write an already submitted attempt at once (the demo, imports of past data): random id,
    sealed dates, optionally its answers. Returns the id. The caller holds the write lock."""
    sealed = sealing.seal(secret, respondent, {"started": day.isoformat(), "submitted": day.isoformat(),
                                                "order": time.time()})
    new_id = _insert(db, {"respondent": respondent, "round": round_, "status": "submitted", "started": "",
                          "submitted": "", "municipality": municipality, "area": area, "level": level,
                          "scores": json.dumps(scores), "sealed": sealed})
    if answers_:
        db.conn.executemany(
            "INSERT INTO answers (assessment_id, item, value) VALUES (?, ?, ?)",
            [(new_id, k, v) for k, v in answers_.items()],
        )
    return new_id


def start(
    db: sqlite_utils.Database,
    respondent: str,
    round_: str,
    municipality: str = "",
    area: str = "",
    level: str = "",
    today: date | None = None,
    *,
    secret: str,
) -> Attempt:
    """Return the respondent's open draft, or start one for `round_` (idempotent). The day it
    was started is sealed with `secret` (the server's pseudonym secret)."""
    if round_ not in ROUNDS:
        raise AnswerError(N_("Unknown round."))
    today = today or date.today()
    sealed = sealing.seal(secret, respondent, {"started": today.isoformat()})
    with write(db):
        existing = draft(db, respondent, secret)
        if existing:
            return existing
        _insert(db, {"respondent": respondent, "round": round_, "status": "draft", "started": "",
                     "municipality": municipality, "area": area, "level": level, "sealed": sealed})
        return draft(db, respondent, secret)


def save_answer(
    db: sqlite_utils.Database, framework: Framework, assessment_id: int, item_id: str, value: int | None
) -> None:
    """Store (or with value None, clear) one answer of an open draft, durably, at once."""
    if item_id not in set(question_ids(framework)):
        raise AnswerError(N_("Unknown question."))
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or value not in VALID_VALUES
    ):
        raise AnswerError(N_("The answer is outside the scale."))
    with write(db):
        status = db.execute("SELECT status FROM assessments WHERE id = ?", [assessment_id]).fetchone()
        if status is None or status[0] != "draft":
            raise AnswerError(N_("This assessment is already submitted."))
        if value is None:
            db.execute("DELETE FROM answers WHERE assessment_id = ? AND item = ?", [assessment_id, item_id])
        else:
            db.execute(
                "INSERT INTO answers (assessment_id, item, value) VALUES (?, ?, ?) "
                "ON CONFLICT(assessment_id, item) DO UPDATE SET value = excluded.value",
                [assessment_id, item_id, value],
            )


def set_step(db: sqlite_utils.Database, assessment_id: int, step: int) -> None:
    """Remember where the leader is in the draft (the page they return to)."""
    with write(db):
        db.execute(
            "UPDATE assessments SET step = ? WHERE id = ? AND status = 'draft'", [step, assessment_id]
        )


def answers(db: sqlite_utils.Database, assessment_id: int) -> dict[str, int]:
    return {
        r[0]: r[1]
        for r in db.execute("SELECT item, value FROM answers WHERE assessment_id = ?", [assessment_id])
    }


def stale_answers(framework: Framework, given: dict[str, int]) -> list[str]:
    """Answers to questions no longer in the item bank (kept in the draft, not scored)."""
    known = set(question_ids(framework))
    return sorted(k for k in given if k not in known)


def unanswered(framework: Framework, given: dict[str, int]) -> list[str]:
    return [q for q in question_ids(framework) if q not in given]


def missing_competences(framework: Framework, given: dict[str, int]) -> list[str]:
    """The minimum to submit: the competences (ids, in wheel order) with no answer at all.
    "Don't know" is an answer. Submitting with any missing needs an explicit confirmation."""
    answered = {item.competence for item in framework.items if item.id in given}
    return [c.id for c in framework.competences if c.id not in answered]


def submit(
    db: sqlite_utils.Database,
    framework: Framework,
    assessment_id: int,
    today: date | None = None,
    *,
    secret: str,
    confirmed_missing: bool = True,
) -> Attempt:
    """Score and close a draft in one transaction; submitting twice returns the first result.
    The day of submission is sealed with `secret` beside the day it was started. With
    `confirmed_missing=False` (the leader's page until they confirm), a draft with a competence
    that has no answer (missing_competences) is refused."""
    today = today or date.today()
    with write(db):
        rows = list(db.query("SELECT * FROM assessments WHERE id = ?", [assessment_id]))
        if not rows:
            raise AnswerError(N_("The assessment does not exist."))
        row = rows[0]
        if row["status"] == "draft":
            given = answers(db, assessment_id)
            current = {k: v for k, v in given.items() if k in set(question_ids(framework))}
            item_ids = {i.id for i in framework.items}
            if not any(v != scoring.DONT_KNOW for k, v in current.items() if k in item_ids):
                raise AnswerError(N_("Answer at least one question before you submit."))
            if not confirmed_missing and missing_competences(framework, current):
                raise AnswerError(N_("Some competences have no answer yet: answer at least one question in each, or confirm that you submit without them."))
            scores = scoring.score(framework, current)
            fields = leader_fields(row, secret)
            sealed = sealing.seal(secret, row["respondent"], {
                "started": fields.get("started", ""), "submitted": today.isoformat(), "order": time.time()})
            db.execute(
                "UPDATE assessments SET status = 'submitted', started = '', submitted = '', sealed = ?, "
                "scores = ? WHERE id = ? AND status = 'draft'",
                [sealed, json.dumps(scores), assessment_id],
            )
        result = list(db.query("SELECT * FROM assessments WHERE id = ?", [assessment_id]))
    return _attempt(result[0], secret)


def history(db: sqlite_utils.Database, respondent: str, secret: str) -> list[Attempt]:
    """The respondent's submitted attempts, oldest first: sorted by the sealed day and moment
    of submission, opened with `secret` (rows carry no order of their own)."""
    attempts = [
        _attempt(r, secret)
        for r in db.query(
            "SELECT * FROM assessments WHERE respondent = ? AND status = 'submitted'", [respondent]
        )
    ]
    return sorted(attempts, key=lambda a: (a.submitted or "", a.order, a.id))


def attempts(db: sqlite_utils.Database, respondent: str, secret: str) -> list[Attempt]:
    """Every attempt of the respondent in the order they were made: the submitted ones oldest
    first (`history`), then the open draft. Ids and row order say nothing about time."""
    current = draft(db, respondent, secret)
    return history(db, respondent, secret) + ([current] if current else [])


def discard_draft(db: sqlite_utils.Database, respondent: str) -> None:
    with write(db):
        db.execute("DELETE FROM assessments WHERE respondent = ? AND status = 'draft'", [respondent])


def delete_raw_answers(db: sqlite_utils.Database, drafts: Sequence[int] = ()) -> None:
    """Retention: delete the raw answers of every submitted attempt (their scores stay) and the
    drafts `drafts` (row and answers). Inside the caller's transaction where there is one."""
    with write(db):
        db.execute("DELETE FROM answers WHERE assessment_id IN (SELECT id FROM assessments WHERE status = 'submitted')")
        for i in range(0, len(drafts), _CHUNK):
            part = list(drafts[i : i + _CHUNK])
            marks = ", ".join("?" * len(part))
            db.execute(f"DELETE FROM answers WHERE assessment_id IN ({marks})", part)
            db.execute(f"DELETE FROM assessments WHERE status = 'draft' AND id IN ({marks})", part)


def record_participation(db: sqlite_utils.Database, user_id: int, round_: str, today: date | None = None) -> None:
    """Participation (yes/no and day) per user and round, for reminders and the administrator.
    Never linked to the answers: the assessment row holds neither this day nor an order."""
    today = today or date.today()
    with write(db):
        db.execute(
            "INSERT OR IGNORE INTO participation (user_id, round, taken_on) VALUES (?, ?, ?)",
            [user_id, round_, today.isoformat()],
        )


def taken_rounds(db: sqlite_utils.Database, user_id: int) -> set[str]:
    """The rounds the user has taken (participation, not the answers)."""
    return {r[0] for r in db.execute("SELECT round FROM participation WHERE user_id = ?", [user_id])}


def next_round(db: sqlite_utils.Database, user_id: int, today: date | None = None) -> str:
    """The round of the user's next attempt. Start, end and the follow-ups belong to the running
    run's participants: a follow-up while its window is open (when the administrator has the
    follow-up rounds on) and not yet taken, else `open_round` (start until taken, end once its
    window is open until taken); anyone else takes an extra retake (their own, in no run's figures)."""
    if not programme_runs.is_member(db, user_id):
        return "extra"
    prog = programme.programme(db)
    taken = taken_rounds(db, user_id)
    followup = open_followup(db, prog, today)
    if followup is not None and followup not in taken:
        return followup
    return open_round(taken, programme.end_round_open(db, prog, today))


def open_round(taken: set[str], end_window_open: bool) -> str:
    """The round a new attempt belongs to: start until taken, end when its window is open
    and not yet taken, otherwise an extra retake."""
    if "start" not in taken:
        return "start"
    if end_window_open and "end" not in taken:
        return "end"
    return "extra"


# --- the follow-up rounds ---------------------------------------------------------------------


def followup_enabled(db: sqlite_utils.Database) -> bool:
    """True when the administrator has the follow-up rounds on (off until set)."""
    return get_setting(db, FOLLOWUP_SETTING) == "on"


def set_followup_enabled(db: sqlite_utils.Database, on: bool, actor: str) -> None:
    """Switch the follow-up rounds on or off (audited)."""
    with write(db):
        set_setting(db, FOLLOWUP_SETTING, "on" if on else "off")
        audit.log(db, actor, "set follow-up rounds", "on" if on else "off")


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day where it is shorter
    (31 May + 3 = 31 August, 30 November + 3 = 28 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def programme_end(db: sqlite_utils.Database, prog, schedule: dict | None = None) -> date | None:
    """The programme's last day: the latest due day of its activities (None without any), in
    `schedule` when given (a closed run's: programme_runs.schedule), else the running run's."""
    dates = programme.schedule(db, prog) if schedule is None else schedule
    return max((d.due for d in dates.values()), default=None)


@dataclass(frozen=True)
class FollowupWindow:
    round: str
    opens: date
    closes: date  # the last day it is open


def followup_windows(db: sqlite_utils.Database, prog, schedule: dict | None = None) -> list[FollowupWindow]:
    """The follow-up rounds' windows: each opens `FOLLOWUP_MONTHS` after the programme's end and
    stays open FOLLOWUP_WINDOW_MONTHS (the day before the next one opens). Empty while the
    administrator has them off. `schedule`: as for programme_end."""
    end = programme_end(db, prog, schedule)
    if end is None or not followup_enabled(db):
        return []
    return [FollowupWindow(r, add_months(end, FOLLOWUP_MONTHS[r]),
                           add_months(end, FOLLOWUP_MONTHS[r] + FOLLOWUP_WINDOW_MONTHS) - timedelta(days=1))
            for r in FOLLOWUP_ROUNDS]


def open_followup(db: sqlite_utils.Database, prog, today: date | None = None) -> str | None:
    """The follow-up round open on `today`, or None (none open, or the rounds are off)."""
    today = today or date.today()
    return next((w.round for w in followup_windows(db, prog) if w.opens <= today <= w.closes), None)


@dataclass(frozen=True)
class Step:
    """One page of the questionnaire: a competence's items, the purposes, or the review."""

    kind: str  # "competence" | "purposes" | "review"
    competence: str | None
    questions: tuple[str, ...]


def steps(framework: Framework) -> list[Step]:
    """The questionnaire's pages in order: one per competence, the purposes, then review."""
    out = [
        Step("competence", c.id, tuple(i.id for i in framework.items if i.competence == c.id))
        for c in framework.competences
    ]
    out.append(Step("purposes", None, tuple(p.id for p in framework.purposes)))
    out.append(Step("review", None, ()))
    return out


SECONDS_PER_QUESTION = 30 * 60 / 103  # the whole assessment takes about 30 minutes


def minutes_left(framework: Framework, given: dict[str, int]) -> int:
    """Estimated minutes to answer what is still unanswered (rounded up)."""
    remaining = len(unanswered(framework, given))
    return -(-int(remaining * SECONDS_PER_QUESTION) // 60)
