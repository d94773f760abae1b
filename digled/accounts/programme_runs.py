"""Cohorts: the runs of the programme one installation holds (e.g. *Digital ledelse 2026*, *2027*).

One cohort runs at a time; earlier ones are closed and kept. The running cohort's state lives in
the ordinary tables (progress, participation, workshop tables, service slots and bookings,
reminders, leader groups) and settings (kick-off, dates set by hand, workshop sizes, the k frozen
per round). Closing a cohort keeps that state in the cohort's `archive` (JSON), clears it, and
opens the next cohort with its own kick-off and participants.

What spans cohorts: accounts, a leader's own attempts (their wheel history), importance marks,
plans and private reflections. What belongs to one cohort: its participants (`cohort_members`),
its start and end attempts (`assessments.cohort_id`; extra retakes belong to none) and its
publications (`publications.cohort_id`). Management reads a cohort's publications and compares
the released figures of two cohorts. Each attempt belongs to at most one cohort, so the member
sets of two cohorts are disjoint: comparing them is no differencing attack; the publication
audit still checks every new set against every earlier one, of any cohort.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlite_utils

from digled.accounts import auth
from digled.content import programme
from digled.content.activities import Programme
from digled.content.programme import Dates
from digled.platform import audit
from digled.platform.db import delete_setting, set_setting, write
from digled.platform.i18n import N_, MessageError
from digled.platform.validation import CONTROL, clean, looks_like_formula

MAX_NAME = 80
DEFAULT_NAME = "Digital ledelse {year}"

# SQL: the running cohort's id, as a subquery
RUNNING_ID = "(SELECT id FROM cohorts WHERE closed_at IS NULL)"
# SQL: the users who take part in the running cohort (use as `WHERE ... AND <this>` on users)
IN_RUNNING = f"id IN (SELECT user_id FROM cohort_members WHERE cohort_id = {RUNNING_ID})"

# per-run state kept in a closed cohort's archive and cleared for the next one (bookings before
# the slots they refer to)
RUN_TABLES = ("progress", "participation", "workshop_tables", "bookings", "service_slots", "reminders_sent")
# (each round's frozen k: organisation.ROUND_K_PREFIX + each of organisation.ASSESSMENT_ROUNDS,
# written out here as organisation reads this module; tests/accounts/test_programme_runs.py holds them equal)
RUN_SETTINGS = ("kickoff_date", "schedule_overrides", "workshop_tables", "round_k:start", "round_k:end",
                "round_k:followup_3", "round_k:followup_6")


class CohortError(MessageError):
    """A refused cohort change (translated where shown)."""


@dataclass(frozen=True)
class Cohort:
    id: int
    name: str
    opened_at: str
    closed_at: str | None
    kickoff: str  # ISO day; the running cohort's is read from the settings
    members: int

    @property
    def running(self) -> bool:
        return self.closed_at is None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _cohort(db: sqlite_utils.Database, row) -> Cohort:
    cid, name, opened_at, closed_at, archive = row
    if closed_at is None:
        kick = db.execute("SELECT value FROM settings WHERE key = 'kickoff_date'").fetchone()
        kickoff = kick[0] if kick else ""
    else:
        kickoff = json.loads(archive or "{}").get("settings", {}).get("kickoff_date", "")
    members = db.execute("SELECT COUNT(*) FROM cohort_members WHERE cohort_id = ?", [cid]).fetchone()[0]
    return Cohort(cid, name, opened_at, closed_at, kickoff or "", members)


_COLUMNS = "id, name, opened_at, closed_at, archive"


def listing(db: sqlite_utils.Database) -> list[Cohort]:
    """Every cohort, the running one first, then the closed ones newest first."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM cohorts ORDER BY closed_at IS NOT NULL, id DESC").fetchall()
    return [_cohort(db, r) for r in rows]


def get(db: sqlite_utils.Database, cohort_id: int) -> Cohort | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM cohorts WHERE id = ?", [cohort_id]).fetchone()
    return _cohort(db, row) if row else None


def running_id(db: sqlite_utils.Database) -> int:
    """The running cohort's id (there is always exactly one: see the migration)."""
    return db.execute(f"SELECT {RUNNING_ID}").fetchone()[0]


def running(db: sqlite_utils.Database) -> Cohort:
    return get(db, running_id(db))


def archive(db: sqlite_utils.Database, cohort_id: int) -> dict:
    """A closed cohort's kept state: {"settings": {...}, "tables": {table: [row, ...]},
    "leader_groups": [...], "members": [user ids]} (empty for the running cohort)."""
    row = db.execute("SELECT archive FROM cohorts WHERE id = ?", [cohort_id]).fetchone()
    return json.loads(row[0] or "{}") if row else {}


def is_member(db: sqlite_utils.Database, user_id: int, cohort_id: int | None = None) -> bool:
    """Whether the user takes part in the cohort (the running one by default)."""
    cid = running_id(db) if cohort_id is None else cohort_id
    return db.execute("SELECT 1 FROM cohort_members WHERE cohort_id = ? AND user_id = ?", [cid, user_id]).fetchone() is not None


def add_member(db: sqlite_utils.Database, user_id: int, cohort_id: int | None = None) -> None:
    """Make the user a participant of the cohort (the running one by default); idempotent."""
    with write(db):
        cid = running_id(db) if cohort_id is None else cohort_id
        db.execute("INSERT OR IGNORE INTO cohort_members (cohort_id, user_id) VALUES (?, ?)", [cid, user_id])


def add_leaders(db: sqlite_utils.Database, user_ids, actor: str) -> int:
    """Add leaders who take no part in the running cohort (not_in_running) to it, in one
    transaction, each audited; others are ignored. Returns how many were added."""
    with write(db):
        run = running(db)
        people = {p[0]: p for p in not_in_running(db)}
        chosen = [uid for uid in dict.fromkeys(user_ids) if uid in people]
        for uid in chosen:
            db.execute("INSERT OR IGNORE INTO cohort_members (cohort_id, user_id) VALUES (?, ?)", [run.id, uid])
            audit.log(db, actor, "add to cohort", f"{people[uid][1]} (user {uid}) -> {run.name}")
    return len(chosen)


def of_user(db: sqlite_utils.Database, user_id: int) -> list[Cohort]:
    """The cohorts a user took part in, oldest first."""
    rows = db.execute(
        f"SELECT {', '.join('c.' + c.strip() for c in _COLUMNS.split(','))} FROM cohorts c "
        "JOIN cohort_members m ON m.cohort_id = c.id WHERE m.user_id = ? ORDER BY c.id", [user_id]
    ).fetchall()
    return [_cohort(db, r) for r in rows]


def names(db: sqlite_utils.Database) -> dict[int, str]:
    """Every cohort's name by id."""
    return dict(db.execute("SELECT id, name FROM cohorts").fetchall())


def name_problem(value, db: sqlite_utils.Database | None = None, cohort_id: int | None = None) -> MessageError | None:
    """What is wrong with a cohort's name (missing, too long, a formula, control characters, or
    with `db` the name of another cohort), or None."""
    raw = "" if value is None else str(value)
    name = clean(raw)
    if not name:
        return CohortError(N_("Name the run, for example “Digital ledelse 2027”."))
    if len(name) > MAX_NAME:
        return CohortError(N_("The run's name is too long: {n} characters, at most {limit}."), n=len(name), limit=MAX_NAME)
    if looks_like_formula(name):
        return CohortError(N_("The run's name must not start with = + - or @."))
    if CONTROL.search(raw.replace("\n", " ").replace("\t", " ")):
        return CohortError(N_("The run's name contains control characters."))
    if db is not None:
        other = db.execute("SELECT id FROM cohorts WHERE lower(name) = lower(?)", [name]).fetchone()
        if other and other[0] != cohort_id:
            return CohortError(N_("Another run is already called “{name}”."), name=name)
    return None


def rename(db: sqlite_utils.Database, cohort_id: int, value: str, actor: str, log: bool = True) -> str:
    """Rename a cohort; raise CohortError when the name is not acceptable. With `log` false the
    caller writes the audit line (the first-run wizard says "set cohort_name")."""
    problem = name_problem(value, db, cohort_id)
    if problem:
        raise problem
    name = clean(value)
    with write(db):
        old = db.execute("SELECT name FROM cohorts WHERE id = ?", [cohort_id]).fetchone()
        if old is None:
            raise CohortError(N_("There is no such run."))
        if old[0] != name:
            db.execute("UPDATE cohorts SET name = ? WHERE id = ?", [name, cohort_id])
            if log:
                audit.log(db, actor, "rename cohort", f"{old[0]} -> {name}")
    return name


def _rows(db: sqlite_utils.Database, table: str) -> list[dict]:
    return [dict(r) for r in db.query(f"SELECT * FROM {table}")]


def close_and_open(db: sqlite_utils.Database, name: str, kickoff: date, continuing: list[int] | tuple[int, ...],
                   actor: str, when: datetime | None = None) -> Cohort:
    """Close the running cohort and open the next one, called `name`, with its kick-off on
    `kickoff` and the leaders in `continuing` (user ids of leaders) as its first participants.

    The closed cohort keeps its state in its archive; the running state is cleared; open drafts
    become private extra retakes (their answers stay with the leader). Nothing a leader owns is
    removed: accounts, attempts, marks, plans and reflections stay. `when`: the moment of the
    change (now; the demo dates its invented history)."""
    stamp = when.astimezone(UTC).isoformat(timespec="seconds") if when else _now()
    problem = name_problem(name, db)
    if problem:
        raise problem
    name = clean(name)
    with write(db):
        old = running_id(db)
        leaders = set(auth.leader_ids(db))
        unknown = [u for u in continuing if u not in leaders]
        if unknown:
            raise CohortError(N_("Only leaders can continue in the next run ({n} other accounts chosen)."), n=len(unknown))
        settings = {key: value for key, value in db.execute(
            f"SELECT key, value FROM settings WHERE key IN ({', '.join('?' * len(RUN_SETTINGS))})", RUN_SETTINGS)}
        kept = {
            "settings": settings,
            "tables": {table: _rows(db, table) for table in RUN_TABLES},
            "leader_groups": _rows(db, "leader_groups"),
            # the chairs' summaries go with their groups (ON DELETE CASCADE below): kept here
            "group_summaries": _rows(db, "group_summaries"),
            "group_of": {str(r[0]): r[1] for r in db.execute("SELECT id, leader_group FROM users WHERE leader_group IS NOT NULL")},
            "members": [r[0] for r in db.execute("SELECT user_id FROM cohort_members WHERE cohort_id = ? ORDER BY user_id", [old])],
        }
        db.execute("UPDATE cohorts SET closed_at = ?, closed_by = ?, archive = ? WHERE id = ?",
                   [stamp, actor, json.dumps(kept, ensure_ascii=False, default=str), old])
        for table in RUN_TABLES:  # in this order: bookings refer to slots
            db.execute(f"DELETE FROM {table}")
        auth.clear_leader_groups(db)
        db.execute("DELETE FROM leader_groups")
        for key in RUN_SETTINGS:
            delete_setting(db, key)
        set_setting(db, "kickoff_date", kickoff.isoformat())
        db.execute("UPDATE assessments SET round = 'extra', cohort_id = NULL WHERE status = 'draft' AND cohort_id = ?", [old])
        new = db.execute("INSERT INTO cohorts (name, opened_at) VALUES (?, ?)", [name, stamp]).lastrowid
        db.conn.executemany("INSERT OR IGNORE INTO cohort_members (cohort_id, user_id) VALUES (?, ?)",
                       [(new, u) for u in sorted(set(continuing))])
        audit.log(db, actor, "close cohort", f"{old} -> {new} {name}: kick-off {kickoff.isoformat()}, "
                  f"{len(set(continuing))} continuing")
    return get(db, new)


def record_opening(db: sqlite_utils.Database, when: datetime) -> None:
    """Date the running run's opening as it was: for the demo's invented history, which no
    administrator's action could make (a run opens when the one before it closes)."""
    with write(db):
        db.execute("UPDATE cohorts SET opened_at = ? WHERE closed_at IS NULL",
                   [when.astimezone(UTC).isoformat(timespec="seconds")])


def schedule(db: sqlite_utils.Database, prog: Programme, cohort_id: int | None = None) -> dict[str, Dates]:
    """A run's activity dates: the running run's as they are now (programme.schedule), a closed
    run's as they were when it closed (its archived kick-off and dates set by hand)."""
    run = get(db, cohort_id) if cohort_id is not None else None
    if run is None or run.running:
        return programme.schedule(db, prog)
    kept = archive(db, run.id).get("settings", {})
    kickoff = date.fromisoformat(kept["kickoff_date"]) if kept.get("kickoff_date") else prog.kickoff_date
    return programme.schedule(db, prog, kickoff, json.loads(kept.get("schedule_overrides") or "{}"))


def last_day(db: sqlite_utils.Database, cohort_id: int | None = None) -> date:
    """The day a run's figures are read at: today for the running run, its closing day for a closed one."""
    run = get(db, cohort_id) if cohort_id is not None else None
    return date.fromisoformat(run.closed_at[:10]) if run is not None and run.closed_at else date.today()


# --- the administrator's page (pages/admin_cohorts.py) -------------------------------------------


def _active_leaders(db: sqlite_utils.Database, in_running: bool) -> list[tuple[int, str, str, str]]:
    rows = db.execute(
        "SELECT id, name, municipality, area FROM users WHERE active = 1 "
        f"AND {auth.LEADER_SQL} AND " + ("" if in_running else "NOT ") + IN_RUNNING
        + " ORDER BY name COLLATE NOCASE, id"
    ).fetchall()
    return [tuple(r) for r in rows]


def not_in_running(db: sqlite_utils.Database) -> list[tuple[int, str, str, str]]:
    """Active leaders who take no part in the running cohort (e.g. leaders of earlier runs), by
    name: (id, name, municipality, area)."""
    return _active_leaders(db, in_running=False)


def running_leaders(db: sqlite_utils.Database) -> list[tuple[int, str, str, str]]:
    """Active leaders of the running cohort, by name: (id, name, municipality, area)."""
    return _active_leaders(db, in_running=True)


def suggested_name(db: sqlite_utils.Database, today: date | None = None) -> str:
    """A name for the next cohort: *Digital ledelse* and the year after the running cohort's
    kick-off (or after this year, whichever is later), the next free year if that name is taken."""
    year = (today or date.today()).year
    kick = db.execute("SELECT value FROM settings WHERE key = 'kickoff_date'").fetchone()
    if kick and kick[0][:4].isdigit():
        year = max(year, int(kick[0][:4]))
    taken = {n.lower() for (n,) in db.execute("SELECT name FROM cohorts")}
    year += 1
    while DEFAULT_NAME.format(year=year).lower() in taken:
        year += 1
    return DEFAULT_NAME.format(year=year)
