"""A leader's reflections: private notes, one row per reflection question of the programme
(table reflections, written only here). Saving empty text deletes the row. Only the leader's own
user id ever reads them; the leader can export them as Markdown, in programme order, with the
notes to questions the administrator has since removed marked as such.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime

import sqlite_utils

from digled.content.activities import Activity, Programme
from digled.content.programme import programme
from digled.platform import dates
from digled.platform.db import write
from digled.platform.i18n import N_, text
from digled.programme.journey import JourneyError

MAX_CHARS = 10_000


def _question_index(prog: Programme) -> dict[str, Activity]:
    return {r.id: a for a in prog.activities for r in a.reflections}


def save(
    db: sqlite_utils.Database,
    user_id: int,
    question_id: str,
    note: str | None,
    prog: Programme | None = None,
    now: datetime | None = None,
) -> None:
    """Store the leader's answer to one reflection question at once; empty text deletes it."""
    prog = prog or programme(db)
    activity = _question_index(prog).get(question_id)
    if activity is None:
        raise JourneyError(N_("Unknown reflection question: {question}."), question=question_id)
    note = note or ""
    if len(note) > MAX_CHARS:
        raise JourneyError(N_("A reflection can be at most {n} characters."), n=MAX_CHARS)
    now = now or datetime.now(UTC)
    with write(db):
        if not note.strip():
            db.execute("DELETE FROM reflections WHERE user_id = ? AND question = ?", [user_id, question_id])
        else:
            db.execute(
                "INSERT INTO reflections (user_id, question, activity, text, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(user_id, question) DO UPDATE SET text = excluded.text, "
                "activity = excluded.activity, updated_at = excluded.updated_at",
                [user_id, question_id, activity.id, note, now.isoformat(timespec="seconds")],
            )


def load(db: sqlite_utils.Database, user_id: int, activity_id: str | None = None) -> dict[str, str]:
    """The leader's own reflections by question id (optionally for one activity)."""
    sql = "SELECT question, text FROM reflections WHERE user_id = ?"
    args: list = [user_id]
    if activity_id is not None:
        sql += " AND activity = ?"
        args.append(activity_id)
    return {r[0]: r[1] for r in db.execute(sql, args)}


def saved_at(db: sqlite_utils.Database, user_id: int) -> dict[str, datetime]:
    """When each of the leader's reflections was last saved (aware datetimes), by question id."""
    out = {}
    for question, at in db.execute("SELECT question, updated_at FROM reflections WHERE user_id = ?", [user_id]):
        try:
            value = datetime.fromisoformat(at)
        except (TypeError, ValueError):
            continue
        out[question] = value if value.tzinfo else value.replace(tzinfo=UTC)
    return out


def export(
    db: sqlite_utils.Database,
    user_id: int,
    lang: str,
    t: Callable[[str], str],
    prog: Programme | None = None,
    today: date | None = None,
) -> str:
    """The leader's reflections as a Markdown document, in programme order ('' when none)."""
    prog = prog or programme(db)
    mine = load(db, user_id)
    if not mine:
        return ""
    today = today or date.today()
    lines = ["# " + t("My reflections") + ": " + text(prog.name, lang), "",
             t("Exported on {date}.").format(date=dates.day(today, lang)), ""]
    shown = set()
    for a in prog.activities:
        # questions removed by the administrator keep the leader's notes (marked as removed)
        answered = [(r, False) for r in a.reflections if mine.get(r.id, "").strip()]
        answered += [(r, True) for r in a.removed_reflections if mine.get(r.id, "").strip()]
        if not answered:
            continue
        lines += [f"## {text(a.title, lang)}", ""]
        for r, removed in answered:
            shown.add(r.id)
            note = " (" + t("question no longer in the programme") + ")" if removed else ""
            lines += [f"**{text(r.text, lang)}**{note}", ""]
            lines += [mine[r.id].strip(), ""]
    others = [q for q in mine if q not in shown and mine[q].strip()]
    if others:
        lines += ["## " + t("Other notes"), ""]
        for q in sorted(others):
            lines += [mine[q].strip(), ""]
    return "\n".join(lines).rstrip() + "\n"


def record_history(db: sqlite_utils.Database, rows: Iterable[tuple[int, str, str, str, str]]) -> None:
    """Store reflections as written on past days ((user id, question, activity, text, ISO time)
    per row), in one write: for the demo's invented history."""
    with write(db):
        db.conn.executemany(
            "INSERT INTO reflections (user_id, question, activity, text, updated_at) VALUES (?, ?, ?, ?, ?)", list(rows)
        )
