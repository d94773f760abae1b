"""The one-to-one service check: the administrator's slots, the leaders' bookings and help requests.

The administrator offers slots (start, minutes, capacity, place). A leader holds at most one
booking (`bookings.user_id` is UNIQUE), can cancel it, or move it to another slot in one step.
Capacity holds under concurrency: the check "is there a free seat" and the insert run in one
`BEGIN IMMEDIATE` transaction, so two leaders taking the last seat at the same moment are
serialised and the second one is refused. A leader who prefers to write what they need help
with sends a help request instead (or as well). Refusals are ServiceError with a message id.

Booking is not attending: `status` says "booked" until the slot has passed, "done" after it
(or when the administrator registers it, `register_done`), "no_show" when the administrator
registers that the leader did not come (`register_no_show`, once the slot has begun): then the
booked slot does not count, and the leader may move the booking to a new slot (which clears the
no-show) or cancel it. Booking, moving and cancelling send
the leader a confirmation e-mail with a calendar file (`confirm`, texts in reminders.yaml), recorded
in the outbox.
"""

from __future__ import annotations

import sqlite3
import time as _time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import sqlite_utils

from digled.accounts import auth, programme_runs
from digled.platform import audit, mailer
from digled.platform.db import write
from digled.platform.i18n import N_
from digled.programme import outbox, reminder_messages
from digled.programme.errors import ProgrammeError

MAX_HELP_CHARS = 2000
MAX_NOTE_CHARS = 500
MINUTES_RANGE = (5, 480)
CAPACITY_RANGE = (1, 50)


class ServiceError(ProgrammeError):
    """A slot, booking or help request was refused; the page shows `text(t)`. Nothing was written."""


@dataclass(frozen=True)
class Slot:
    """A service check slot with its number of bookings."""

    id: int
    starts_at: datetime
    minutes: int
    capacity: int
    place: str
    booked: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Booking:
    """A leader's booking (the slot it is for included)."""

    id: int
    slot: Slot
    booked_at: str
    note: str


STATUS_NAMES = {"booked": N_("Booked"), "done": N_("Done"), "no_show": N_("No-show")}
ACTIVITY = "service_check"  # its row in `progress` when the administrator registers it
HELD, NO_SHOW = "attended", "absent"  # the registrations, as `progress.status`


def status(booking: Booking | None, now: datetime, registered: str | None = None) -> str | None:
    """'done' when the administrator registered the check as held (`registered` 'attended') or
    the booked slot has ended, 'no_show' when they registered that the leader did not come
    ('absent'), 'booked' for a booking still ahead (or under way), None without either. Pure."""
    if registered == HELD:
        return "done"
    if booking is None:
        return None
    if registered == NO_SHOW:
        return "no_show"
    return "done" if booking.slot.ends_at <= now else "booked"


def registered(db: sqlite_utils.Database, user_id: int) -> str | None:
    """The day the administrator registered the leader's service check as held, else None."""
    row = db.execute(
        "SELECT on_day FROM progress WHERE user_id = ? AND activity = ? AND status = 'attended'", [user_id, ACTIVITY]
    ).fetchone()
    return row[0] if row else None


def registration(db: sqlite_utils.Database, user_id: int) -> str | None:
    """What the administrator registered for the leader's service check: HELD, NO_SHOW or None."""
    row = db.execute("SELECT status FROM progress WHERE user_id = ? AND activity = ? AND status IN (?, ?)",
                     [user_id, ACTIVITY, HELD, NO_SHOW]).fetchone()
    return row[0] if row else None


def status_of(db: sqlite_utils.Database, user_id: int, now: datetime | None = None) -> str | None:
    """`status` for a leader, read from the database."""
    return status(my_booking(db, user_id), _now(now), registration(db, user_id))


def register_done(db: sqlite_utils.Database, actor: str, user_id: int, held: bool = True,
                  today: date | None = None) -> None:
    """The administrator registers (or, `held=False`, unregisters) a leader's service check as held."""
    with write(db):
        if held:
            db.execute(
                "INSERT INTO progress (user_id, activity, status, on_day) VALUES (?, ?, 'attended', ?) "
                "ON CONFLICT(user_id, activity) DO UPDATE SET status = 'attended', on_day = excluded.on_day",
                [user_id, ACTIVITY, (today or date.today()).isoformat()],
            )
        else:
            db.execute("DELETE FROM progress WHERE user_id = ? AND activity = ?", [user_id, ACTIVITY])
        audit.log(db, actor, "register service check" if held else "unregister service check", f"user {user_id}")


def register_no_show(db: sqlite_utils.Database, actor: str, user_id: int, now: datetime | None = None) -> None:
    """The administrator registers that the leader did not come to the booked slot (once it has
    begun): the slot then does not count as held. `register_done` corrects it either way."""
    now = _now(now)
    with write(db):
        booking = my_booking(db, user_id)
        if booking is None or booking.slot is None:
            raise ServiceError(N_("This leader has no booked service check."))
        if booking.slot.starts_at > now:
            raise ServiceError(N_("A no-show can only be registered once the booked time has begun."))
        db.execute(
            "INSERT INTO progress (user_id, activity, status, on_day) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(user_id, activity) DO UPDATE SET status = excluded.status, on_day = excluded.on_day",
            [user_id, ACTIVITY, NO_SHOW, now.date().isoformat()],
        )
        audit.log(db, actor, "register service check no-show",
                  f"user {user_id}, {booking.slot.starts_at.isoformat(timespec='minutes')}")


def _now(now: datetime | None) -> datetime:
    return now or datetime.now()


def _slot(row) -> Slot:
    return Slot(
        id=row["id"],
        starts_at=datetime.fromisoformat(row["starts_at"]),
        minutes=row["minutes"],
        capacity=row["capacity"],
        place=row["place"],
        booked=row["booked"],
    )


_SLOTS = (
    "SELECT s.id, s.starts_at, s.minutes, s.capacity, s.place, "
    "(SELECT COUNT(*) FROM bookings b WHERE b.slot_id = s.id) AS booked FROM service_slots s"
)


def slots(db: sqlite_utils.Database, upcoming_from: datetime | None = None) -> list[Slot]:
    """All slots by start time (only those starting at or after `upcoming_from` when given)."""
    if upcoming_from is None:
        return [_slot(r) for r in db.query(_SLOTS + " ORDER BY s.starts_at, s.id")]
    return [
        _slot(r)
        for r in db.query(_SLOTS + " WHERE s.starts_at >= ? ORDER BY s.starts_at, s.id",
                          [upcoming_from.isoformat(timespec="minutes")])
    ]


def free_slots(db: sqlite_utils.Database, now: datetime | None = None) -> list[Slot]:
    """Upcoming slots with at least one free seat."""
    now = _now(now)
    return [s for s in slots(db, now) if s.free > 0 and s.starts_at > now]


def get_slot(db: sqlite_utils.Database, slot_id: int) -> Slot | None:
    rows = list(db.query(_SLOTS + " WHERE s.id = ?", [slot_id]))
    return _slot(rows[0]) if rows else None


# --- the administrator ----------------------------------------------------------------------


def create_slot(
    db: sqlite_utils.Database,
    actor: str,
    starts_at: datetime,
    minutes: int = 30,
    capacity: int = 1,
    place: str = "",
) -> int:
    """Offer a new slot; returns its id."""
    if not isinstance(starts_at, datetime):
        raise ServiceError(N_("Give the slot a start date and time."))
    if not MINUTES_RANGE[0] <= int(minutes) <= MINUTES_RANGE[1]:
        raise ServiceError(N_("A slot lasts from {low} to {high} minutes."), low=MINUTES_RANGE[0], high=MINUTES_RANGE[1])
    if not CAPACITY_RANGE[0] <= int(capacity) <= CAPACITY_RANGE[1]:
        raise ServiceError(N_("A slot has room for {low} to {high} leaders."), low=CAPACITY_RANGE[0], high=CAPACITY_RANGE[1])
    place = (place or "").strip()
    if len(place) > 200:
        raise ServiceError(N_("The place can be at most {n} characters."), n=200)
    start = starts_at.replace(second=0, microsecond=0, tzinfo=None).isoformat(timespec="minutes")
    with write(db):
        cur = db.execute(
            "INSERT INTO service_slots (starts_at, minutes, capacity, place) VALUES (?, ?, ?, ?)",
            [start, int(minutes), int(capacity), place],
        )
        audit.log(db, actor, "create service slot", f"{start} {minutes} min, {capacity} seats, {place}")
        return cur.lastrowid


def delete_slot(db: sqlite_utils.Database, actor: str, slot_id: int) -> int:
    """Remove a slot and its bookings; returns how many bookings were cancelled with it."""
    with write(db):
        slot = get_slot(db, slot_id)
        if slot is None:
            raise ServiceError(N_("This slot no longer exists."))
        db.execute("DELETE FROM bookings WHERE slot_id = ?", [slot_id])
        db.execute("DELETE FROM service_slots WHERE id = ?", [slot_id])
        audit.log(db, actor, "delete service slot",
                  f"{slot.starts_at.isoformat(timespec='minutes')} ({slot.booked} bookings cancelled)")
    return slot.booked


def bookings_table(db: sqlite_utils.Database, now: datetime | None = None) -> pd.DataFrame:
    """Every booking with its slot and leader, by slot start (the administrator's list);
    `status` is 'booked', 'done' or 'no_show' (see `status`)."""
    now = _now(now)
    rows = db.execute(
        "SELECT s.starts_at, s.minutes, s.place, u.id, u.name, u.email, u.municipality, u.area, b.note, b.booked_at, "
        "(SELECT p.status FROM progress p WHERE p.user_id = u.id AND p.activity = ?) "
        "FROM bookings b JOIN service_slots s ON s.id = b.slot_id JOIN users u ON u.id = b.user_id "
        "ORDER BY s.starts_at, u.name", [ACTIVITY]
    ).fetchall()
    out = []
    for starts, minutes, place, uid, name, email, municipality, area, note, booked_at, reg in rows:
        slot = Slot(0, datetime.fromisoformat(starts), minutes, 1, place, 1)
        state = status(Booking(0, slot, booked_at, note), now, reg)
        out.append((datetime.fromisoformat(starts), place, uid, name, email, municipality, area, note, booked_at, state))
    return pd.DataFrame(out, columns=["starts_at", "place", "user_id", "name", "email", "municipality", "area",
                                      "note", "booked_at", "status"])


def help_requests(db: sqlite_utils.Database) -> pd.DataFrame:
    """Every help request, newest first, with who wrote it (the administrator's list)."""
    rows = db.execute(
        "SELECT h.created_at, u.name, u.email, u.municipality, u.area, h.text "
        "FROM help_requests h JOIN users u ON u.id = h.user_id ORDER BY h.created_at DESC, h.id DESC"
    ).fetchall()
    return pd.DataFrame(rows, columns=["created_at", "name", "email", "municipality", "area", "text"])


# --- the leader -----------------------------------------------------------------------------


def my_booking(db: sqlite_utils.Database, user_id: int) -> Booking | None:
    row = db.execute("SELECT id, slot_id, booked_at, note FROM bookings WHERE user_id = ?", [user_id]).fetchone()
    if row is None:
        return None
    return Booking(id=row[0], slot=get_slot(db, row[1]), booked_at=row[2], note=row[3])


def bookings_of(db: sqlite_utils.Database, user_ids: list[int]) -> dict[int, Booking]:
    """The bookings of these leaders by user id (a leader without one is left out)."""
    wanted = set(user_ids)
    rows = [r for r in db.execute("SELECT user_id, id, slot_id, booked_at, note FROM bookings").fetchall()
            if r[0] in wanted]
    if not rows:
        return {}
    by_id = {s.id: s for s in slots(db)}
    return {uid: Booking(id=bid, slot=by_id.get(slot_id), booked_at=at, note=note) for uid, bid, slot_id, at, note in rows}


def _take_seat(db, user_id: int, slot_id: int, now: datetime, note: str) -> None:
    """Inside a write transaction: check the slot and insert the booking."""
    if not programme_runs.is_member(db, user_id):
        raise ServiceError(N_("Service checks are for the participants of the running run."))
    slot = get_slot(db, slot_id)
    if slot is None:
        raise ServiceError(N_("This slot no longer exists."))
    if slot.starts_at <= now:
        raise ServiceError(N_("This slot has already started. Please choose a later one."))
    if slot.free <= 0:
        raise ServiceError(N_("This slot is full. Please choose another one."))
    try:
        db.execute(
            "INSERT INTO bookings (slot_id, user_id, booked_at, note) VALUES (?, ?, ?, ?)",
            [slot_id, user_id, datetime.now(UTC).isoformat(timespec="seconds"), note],
        )
    except sqlite3.IntegrityError:
        raise ServiceError(N_("You already have a booking. Cancel it, or move it to another slot.")) from None
    # a new booking starts afresh: a no-show registered for an earlier slot no longer applies
    db.execute("DELETE FROM progress WHERE user_id = ? AND activity = ? AND status = ?", [user_id, ACTIVITY, NO_SHOW])


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise ServiceError(N_("The note can be at most {n} characters."), n=MAX_NOTE_CHARS)
    return note


def book(
    db: sqlite_utils.Database, user_id: int, slot_id: int, note: str = "", now: datetime | None = None
) -> Booking:
    """Book a seat in a slot (one booking per leader; capacity respected even under concurrency)."""
    note = _clean_note(note)
    with write(db):
        if my_booking(db, user_id) is not None:
            raise ServiceError(N_("You already have a booking. Cancel it, or move it to another slot."))
        _take_seat(db, user_id, slot_id, _now(now), note)
    return my_booking(db, user_id)


def rebook(
    db: sqlite_utils.Database, user_id: int, slot_id: int, note: str | None = None, now: datetime | None = None
) -> Booking:
    """Move the leader's booking to another slot in one step; when the new slot is refused the
    old booking stays. Without a booking it books."""
    with write(db):
        current = my_booking(db, user_id)
        if current is not None and current.slot.id == slot_id:
            raise ServiceError(N_("You have already booked this slot."))
        if current is not None:
            if current.slot.starts_at <= _now(now) and registration(db, user_id) != NO_SHOW:
                raise ServiceError(N_("Your service check has already taken place."))
            db.execute("DELETE FROM bookings WHERE user_id = ?", [user_id])
        kept = current.note if current is not None and note is None else _clean_note(note or "")
        _take_seat(db, user_id, slot_id, _now(now), kept)
    return my_booking(db, user_id)


def cancel(db: sqlite_utils.Database, user_id: int, now: datetime | None = None) -> bool:
    """Cancel the leader's booking; False when there was none."""
    with write(db):
        current = my_booking(db, user_id)
        if current is None:
            return False
        if current.slot.starts_at <= _now(now) and registration(db, user_id) != NO_SHOW:
            raise ServiceError(N_("Your service check has already taken place."))
        db.execute("DELETE FROM bookings WHERE user_id = ?", [user_id])
    return True


def ask_for_help(db: sqlite_utils.Database, user_id: int, request: str, now: datetime | None = None) -> int:
    """Store what the leader needs help with; returns the request's id."""
    request = (request or "").strip()
    if not request:
        raise ServiceError(N_("Write what you would like help with."))
    if len(request) > MAX_HELP_CHARS:
        raise ServiceError(N_("A help request can be at most {n} characters."), n=MAX_HELP_CHARS)
    created = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    with write(db):
        cur = db.execute(
            "INSERT INTO help_requests (user_id, text, created_at) VALUES (?, ?, ?)", [user_id, request, created]
        )
        return cur.lastrowid


def my_help_requests(db: sqlite_utils.Database, user_id: int) -> list[dict]:
    """The leader's own help requests, newest first."""
    return list(
        db.query(
            "SELECT id, text, created_at FROM help_requests WHERE user_id = ? ORDER BY created_at DESC, id DESC",
            [user_id],
        )
    )


# --- confirmations --------------------------------------------------------------------------


def confirm(db: sqlite_utils.Database, settings, user_id: int, action: str, slot: Slot,
            *, changed_at: datetime | None = None, mail=None) -> str | None:
    """E-mail the leader a confirmation with a calendar file: `action` 'booked' (also for a
    move: the same calendar event gets the new time) or 'cancelled'. Claimed in the outbox
    before it is sent, so the send log shows it. Returns None when it went out, else the error
    (the booking itself stands either way)."""
    user = auth.get_user_by_id(db, user_id)
    if user is None or not user.email:
        return N_("no e-mail address")
    changed_at = changed_at or datetime.now(UTC)
    key = f"service_{action}:{slot.id}:{user_id}:{_time.time_ns()}"
    outbox.claim_key(db, key, user_id, f"service_{action}", ACTIVITY)
    try:
        mail = mail or mailer.load(settings)
        msg = reminder_messages.service_message(user, slot.starts_at, slot.minutes, slot.place, action, changed_at,
                                                organizer=mailer.sender_address(mail.sender).addr_spec)
        msg["X-Digled-Reminder"] = key
        with mailer.Mailer(mail) as m:
            m.send(msg, name=key)
        error = None
    except Exception as e:  # noqa: BLE001 - the booking stands; the page says the mail failed
        error = str(e) or type(e).__name__
    outbox.finish(db, key, error)
    return error


def record_history(db: sqlite_utils.Database, slots: Iterable[tuple[str, int, int, str]],
                   bookings: Iterable[tuple[int, int, str]], help_asked: Iterable[tuple[int, str, str]]) -> None:
    """Store service check slots ((start, minutes, seats, place) per row), bookings of them ((the
    slot's place in `slots`, user id, ISO time) per row) and help requests ((user id, text, ISO
    time)), in one write: for the demo's invented history, which no leader's own booking (always
    now, never in the past) could make."""
    with write(db):
        slot_ids = [db.execute("INSERT INTO service_slots (starts_at, minutes, capacity, place) VALUES (?, ?, ?, ?)",
                               row).lastrowid for row in slots]
        db.conn.executemany("INSERT INTO bookings (slot_id, user_id, booked_at, note) VALUES (?, ?, ?, '')",
                            [(slot_ids[i], user_id, at) for i, user_id, at in bookings])
        db.conn.executemany("INSERT INTO help_requests (user_id, text, created_at) VALUES (?, ?, ?)", list(help_asked))
