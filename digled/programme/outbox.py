"""The outbox: table reminders_sent, the one record of every programme e-mail (a day's reminders,
an invitation, a service check confirmation). No other module writes it.

A sender claims an e-mail's key before sending it (`claim`, `claim_key`): the claim is an INSERT
in an immediate write transaction, so the claim is the lock and a second run that sees it skips.
After sending, `finish` marks the row 'sent', or 'failed' with the error; a failed key is taken
over by a later claim (up to MAX_ATTEMPTS), and so is a 'claimed' row left by a run that died
between claim and send once it is older than STALE_CLAIM_S (far longer than the SMTP timeout).

A digest's row (key `digest:<user id>:<day>`) lists the reminder keys it carried; `finished_keys`
and `retrying_keys` read them back, so a reminder carried once is never sent again.
"""

from __future__ import annotations

import time
from datetime import date, datetime

import sqlite_utils

from digled.platform.db import write
from digled.platform.i18n import N_
from digled.programme.reminder_messages import DIGEST, Digest, Reminder

KIND_LABELS = {
    DIGEST: N_("Daily e-mail"),
    "service_booked": N_("Service check booked"),
    "service_cancelled": N_("Service check cancelled"),
    "invitation": N_("Invitation"),
    "assessment": N_("Assessment open"),
    "draft": N_("Unfinished assessment"),
    "film": N_("Film released"),
    "film_due": N_("Film due soon"),
    "meeting": N_("Leader meeting coming up"),
    "workshop": N_("Workshop coming up"),
    "service_check": N_("Service check open for booking"),
    "service_check_soon": N_("Service check coming up"),
}
STATUS_LABELS = {"claimed": N_("sending"), "sent": N_("sent"), "failed": N_("failed")}
STALE_CLAIM_S = 10 * 60
MAX_ATTEMPTS = 5


def claim(db: sqlite_utils.Database, reminder: Reminder | Digest, now: float | None = None) -> bool:
    """Take the e-mail's key for this run. False when it is sent, given up, or another
    run holds a fresh claim. A failed key or a stale claim is taken over (a digest's row then
    lists the reminders it carries this time)."""
    kind = DIGEST if isinstance(reminder, Digest) else reminder.kind
    record = reminder.record if isinstance(reminder, Digest) else reminder.activity
    return claim_key(db, reminder.key, reminder.user.id, kind, record, now)


def claim_key(db: sqlite_utils.Database, key: str, user_id: int, kind: str, record: str,
              now: float | None = None) -> bool:
    """`claim` for any e-mail by its key (a service check confirmation: `service_<action>`):
    `record` is what its row's `activity` stores."""
    now = time.time() if now is None else now
    with write(db):
        row = db.execute("SELECT status, claimed_at, attempts FROM reminders_sent WHERE key = ?", [key]).fetchone()
        if row is None:
            db.execute(
                "INSERT INTO reminders_sent (key, user_id, kind, activity, status, claimed_at) "
                "VALUES (?, ?, ?, ?, 'claimed', ?)",
                [key, user_id, kind, record, now],
            )
            return True
        status, claimed_at, attempts = row
        retry = (status == "failed" and attempts < MAX_ATTEMPTS) or (
            status == "claimed" and claimed_at <= now - STALE_CLAIM_S
        )
        if not retry:
            return False
        db.execute("UPDATE reminders_sent SET status = 'claimed', claimed_at = ?, activity = ? WHERE key = ?",
                   [now, record, key])
        return True


def finish(db: sqlite_utils.Database, key: str, error: str | None, now: float | None = None) -> None:
    """Mark a claimed e-mail 'sent' (`error` None) or 'failed' with its error; either way one attempt more."""
    now = time.time() if now is None else now
    with write(db):
        if error is None:
            db.execute(
                "UPDATE reminders_sent SET status = 'sent', sent_at = ?, attempts = attempts + 1, error = '' "
                "WHERE key = ?",
                [now, key],
            )
        else:
            db.execute(
                "UPDATE reminders_sent SET status = 'failed', attempts = attempts + 1, error = ? WHERE key = ?",
                [error[:500], key],
            )


# --- what the outbox holds --------------------------------------------------------------------


def _carried(key: str, record: str) -> list[str]:
    """The reminder keys a reminders_sent row stands for: a digest lists them, any other row
    (an e-mail from before digests) is one reminder."""
    return record.split() if key.startswith(DIGEST + ":") else [key]


def finished_keys(db: sqlite_utils.Database) -> set[str]:
    """The reminder keys that went out, or were given up after MAX_ATTEMPTS: never sent again."""
    rows = db.execute(
        "SELECT key, activity FROM reminders_sent WHERE status = 'sent' OR (status = 'failed' AND attempts >= ?)",
        [MAX_ATTEMPTS],
    ).fetchall()
    return {k for key, record in rows for k in _carried(key, record)}


def retrying_keys(db: sqlite_utils.Database) -> set[str]:
    """The reminder keys claimed or failed but not sent (a later run may still send them)."""
    rows = db.execute("SELECT key, activity FROM reminders_sent WHERE status != 'sent'").fetchall()
    return {k for key, record in rows for k in _carried(key, record)}


def mailed_on(db: sqlite_utils.Database, day: date) -> set[int]:
    """The leaders whose reminder e-mail of `day` went out (or was given up)."""
    return {
        r[0]
        for r in db.execute(
            "SELECT user_id FROM reminders_sent WHERE key LIKE ? AND (status = 'sent' OR attempts >= ?)",
            [f"{DIGEST}:%:{day.isoformat()}", MAX_ATTEMPTS],
        ).fetchall()
    }


def send_log(db: sqlite_utils.Database, limit: int = 300) -> list[dict]:
    """The newest e-mails of reminders_sent with the recipient's name and e-mail; times are
    datetimes (None when not sent); a digest's `activity` names the activities it listed."""
    rows = db.query(
        "SELECT r.key, u.name, u.email, r.kind, r.activity, r.status, r.claimed_at, r.sent_at, "
        "r.attempts, r.error FROM reminders_sent r JOIN users u ON u.id = r.user_id "
        "ORDER BY r.claimed_at DESC LIMIT ?",
        [limit],
    )
    out = []
    for r in rows:
        for k in ("claimed_at", "sent_at"):
            r[k] = datetime.fromtimestamp(r[k]) if r[k] else None
        if r["key"].startswith(DIGEST + ":"):
            r["activity"] = " ".join(k.split(":")[1] or k.split(":")[0] for k in r["activity"].split())
        out.append(r)
    return out
