"""Retention: closing a cohort's data by deleting the leaders' raw answers.

A raw answer (one row of the `answers` table) is needed only while an assessment is a draft:
submit computes the scores once and stores them on the assessment row, and everything after
that (the leader's wheel, history, comparison and report, and every publication for
management) reads the stored scores, never the answers. So the raw answers of submitted
assessments can go, and the data minimisation promise says they should.

An administrator closes the data in one of two ways (page *Data og sletning*, or the command
line `python -m digled retention`):

- **Delete now** (`delete(db, actor)`): the raw answers of every submitted assessment are
  deleted at once, and with them the attempt's importance marks (table `importance`: an answer
  of the attempt like the others; what publications took stays in `published_importance`).
  Unfinished drafts are left alone: the leader still needs them to finish.
- **From a date** (the `retention_date` setting, `set_retention_date`): on and after that day,
  each run of `apply_due` (the daily `python -m digled retention`, from cron) deletes the raw
  answers of every submitted assessment, so from then on answers live only until they are
  scored; and it discards the drafts *started before the date* (row and answers): they were
  left unfinished while the programme ran, and would otherwise keep raw answers for ever.
  Drafts started on or after the date are kept until their leader submits or discards them.
  The day a draft was started is a leader-only field sealed with the server secret
  (sealing.py), so these functions take the `secret`; a draft whose day cannot be read is kept.

The scores, the assessment rows (round, group attributes, member token) and all publications
stay. Deleting uses SQLite's `secure_delete` and checkpoints the write-ahead log, so the
deleted values do not linger in free pages of the live database file; backups made before
still hold them (the page says so). Every deletion writes one audit-log entry with counts only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlite_utils

from digled.assessment import answering, importance
from digled.assessment.answering import leader_fields
from digled.platform import audit
from digled.platform.db import delete_setting, get_setting, set_setting, write
from digled.platform.i18n import N_, MessageError

SETTING = "retention_date"
MAX_YEARS_AHEAD = 10
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CHUNK = 500  # ids per IN (...) list


class RetentionError(MessageError):
    """A deletion date was refused (or the stored one is unreadable); see i18n.MessageError.
    Nothing was written."""


@dataclass(frozen=True)
class Plan:
    """What a deletion removes (or removed): raw answers of submitted assessments, and drafts
    started before `drafts_before` (None: drafts are left alone)."""

    assessments: int
    answers: int
    drafts: int = 0
    draft_answers: int = 0
    drafts_before: date | None = None
    marks: int = 0  # importance marks of submitted assessments

    @property
    def empty(self) -> bool:
        return not (self.answers or self.assessments or self.drafts or self.marks)

    def describe(self) -> str:
        """One English line (command line and audit log), counts only."""
        line = f"the raw answers of {self.assessments} submitted assessments ({self.answers} answers)"
        if self.marks:
            line += f" and {self.marks} importance marks"
        if self.drafts_before is not None:
            line += (f" and {self.drafts} unfinished drafts started before "
                     f"{self.drafts_before.isoformat()} ({self.draft_answers} answers)")
        return line


# --- the deletion date --------------------------------------------------------------------------


def validate_date(value, today: date) -> date | None:
    """A deletion date from a form or the command line: a date (or ISO text) from today up to
    MAX_YEARS_AHEAD years ahead, or None/'' for "no date". Raises RetentionError."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise RetentionError(N_("The deletion date must be a date like 2027-06-30.")) from None
    if not isinstance(value, date):
        raise RetentionError(N_("The deletion date must be a date like 2027-06-30."))
    if value < today:
        raise RetentionError(N_("The deletion date cannot be in the past. To delete the raw answers at once, use “Delete the raw answers now”."))
    if value > today + timedelta(days=365 * MAX_YEARS_AHEAD):
        raise RetentionError(N_("The deletion date must be at most {years} years ahead."), years=MAX_YEARS_AHEAD)
    return value


def retention_date(db: sqlite_utils.Database) -> date | None:
    """The deletion date the administrator set, or None. An unreadable stored value raises
    RetentionError (never silently "no date": that would keep answers the admin meant to delete)."""
    raw = get_setting(db, SETTING)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise RetentionError(
            N_("The stored deletion date “{value}” is not a date. Set it again on the page Data and retention."),
            value=raw,
        ) from None


def set_retention_date(db: sqlite_utils.Database, value, actor: str, today: date | None = None) -> date | None:
    """Store (or with None, remove) the deletion date after validating it; audited. Saving the
    date that is already set is always accepted, even once it has passed."""
    today = today or date.today()
    try:
        current = retention_date(db)
    except RetentionError:
        current = None
    if value == current or (isinstance(value, str) and current and value.strip() == current.isoformat()):
        return current
    day = validate_date(value, today)
    with write(db):
        if day is None:
            delete_setting(db, SETTING)
            audit.log(db, actor, "clear retention_date", "")
        else:
            set_setting(db, SETTING, day.isoformat())
            audit.log(db, actor, "set retention_date", day.isoformat())
    return day


def is_due(day: date | None, today: date) -> bool:
    """True on and after the deletion date."""
    return day is not None and today >= day


def describe(day: date | None, today: date, format_day: Callable[[date], str], t: Callable[[str], str]) -> str:
    """One sentence about the deletion date for leaders (the privacy page) and administrators."""
    if day is None:
        return t("No date for deleting the raw answers has been set yet.")
    if is_due(day, today):
        return t("Since {date}, the raw answers of each submitted assessment are deleted at the next daily run after it is scored.").format(date=format_day(day))
    return t("The raw answers are set to be deleted on {date}.").format(date=format_day(day))


# --- what is stored, what goes ------------------------------------------------------------------


def stale_drafts(db: sqlite_utils.Database, before: date, secret: str) -> list[int]:
    """Ids of the drafts started before `before`. The start day is sealed: it is read with the
    server `secret`; a draft whose day cannot be read is kept (never deleted by guesswork)."""
    stale = []
    for row in db.query("SELECT * FROM assessments WHERE status = 'draft'"):
        started = str(leader_fields(row, secret).get("started") or "")
        if ISO_DAY.match(started) and started < before.isoformat():
            stale.append(row["id"])
    return stale


def _chunks(ids: list[int]):
    for i in range(0, len(ids), CHUNK):
        part = ids[i : i + CHUNK]
        yield part, ", ".join("?" * len(part))


def _count_answers(db: sqlite_utils.Database, ids: list[int]) -> int:
    return sum(
        db.execute(f"SELECT COUNT(*) FROM answers WHERE assessment_id IN ({marks})", part).fetchone()[0]
        for part, marks in _chunks(ids)
    )


def plan(db: sqlite_utils.Database, drafts_before: date | None = None, secret: str = "") -> Plan:
    """What a deletion would remove now (nothing is written): the raw answers of submitted
    assessments and, with `drafts_before`, the drafts started before that day."""
    submitted = db.execute(
        "SELECT COUNT(DISTINCT a.assessment_id), COUNT(*) FROM answers a "
        "JOIN assessments s ON s.id = a.assessment_id WHERE s.status = 'submitted'"
    ).fetchone()
    stale = stale_drafts(db, drafts_before, secret) if drafts_before is not None else []
    marks = db.execute(
        "SELECT COUNT(*) FROM importance i JOIN assessments s ON s.id = i.assessment_id WHERE s.status = 'submitted'"
    ).fetchone()[0]
    return Plan(submitted[0], submitted[1], len(stale), _count_answers(db, stale), drafts_before, marks)


def open_drafts(db: sqlite_utils.Database) -> tuple[int, int]:
    """Unfinished drafts and their answers (left alone by `delete`)."""
    row = db.execute(
        "SELECT COUNT(DISTINCT s.id), COUNT(a.item) FROM assessments s "
        "LEFT JOIN answers a ON a.assessment_id = s.id WHERE s.status = 'draft'"
    ).fetchone()
    return row[0], row[1]


def scored_without_answers(db: sqlite_utils.Database) -> int:
    """Submitted assessments whose raw answers are already deleted (their scores remain)."""
    return db.execute(
        "SELECT COUNT(*) FROM assessments s WHERE s.status = 'submitted' "
        "AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.assessment_id = s.id)"
    ).fetchone()[0]


def has_raw_answers(db: sqlite_utils.Database, assessment_id: int) -> bool:
    """True while the assessment still holds its raw answers (a leader's page may say when not)."""
    return db.execute("SELECT 1 FROM answers WHERE assessment_id = ? LIMIT 1", [assessment_id]).fetchone() is not None


def delete(db: sqlite_utils.Database, actor: str, drafts_before: date | None = None, secret: str = "",
           reason: str = "now") -> Plan:
    """Delete the raw answers of every submitted assessment, and with `drafts_before` also the
    drafts started before that day (read with `secret`), in one transaction with one audit
    entry (counts only). Returns what went."""
    previous = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete = ON")
    try:
        with write(db):
            done = plan(db, drafts_before, secret)
            if done.empty:
                return done
            stale = stale_drafts(db, drafts_before, secret) if drafts_before is not None else []
            importance.delete_marks(db, stale)
            answering.delete_raw_answers(db, stale)
            audit.log(db, actor, f"retention: {reason}", "deleted " + done.describe())
    finally:
        db.execute(f"PRAGMA secure_delete = {int(previous)}")
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except Exception:  # noqa: BLE001 - a busy reader only delays the checkpoint; SQLite finishes it later
        pass
    return done


@dataclass(frozen=True)
class RunResult:
    """One run of `apply_due`: the date, whether it was due, and what went (or would go)."""

    day: date | None
    due: bool
    plan: Plan | None


def apply_due(db: sqlite_utils.Database, today: date, actor: str, secret: str, dry_run: bool = False) -> RunResult:
    """Apply the deletion date when it is due (the daily run): delete the raw answers of every
    submitted assessment and the drafts started before the date. With dry_run, only count."""
    day = retention_date(db)
    if not is_due(day, today):
        return RunResult(day, False, None)
    if dry_run:
        return RunResult(day, True, plan(db, day, secret))
    return RunResult(day, True, delete(db, actor, day, secret, reason="due date"))
