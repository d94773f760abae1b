"""Sending the day's reminders (`run`): each leader gets at most one e-mail a day listing what
opened or falls due for them (reminder_due.digests), through SMTP or the outbox directory.

A run is idempotent and safe to overlap: each e-mail is claimed in the outbox before it is sent
(outbox.claim: a second run sees the claim and skips), then marked sent, or failed to be retried
by the next run (up to outbox.MAX_ATTEMPTS). An invitation among the reminders gets a fresh
personal link when it is sent, never before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlite_utils

from digled.accounts import invitations
from digled.content import activities
from digled.platform import audit, dates, mailer
from digled.platform.config import Settings
from digled.programme import outbox
from digled.programme.reminder_due import digests
from digled.programme.reminder_messages import Digest, compose


@dataclass
class Summary:
    """What a run did (`due`: the day's e-mails, one per leader)."""

    due: list[Digest]
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    dry_run: bool = False
    errors: dict[str, str] = field(default_factory=dict)
    delivered_to: str = ""

    def line(self) -> str:
        if self.dry_run:
            return f"dry run: {len(self.due)} due, nothing sent"
        return f"sent {self.sent}, failed {self.failed}, skipped {self.skipped}"


def _deliver(db, m: mailer.Mailer, digest: Digest, actor: str | None) -> None:
    """Compose and send one day's e-mail (an invitation gets its fresh link here)."""
    if any(r.kind == "invitation" for r in digest.items):
        token = invitations.create(db, digest.user.id, actor=actor)
        expires = dates.day(date.today() + timedelta(days=invitations.DEFAULT_DAYS), digest.lang)
        msg = compose(digest, invitations.link(token), expires=expires)
    else:
        msg = compose(digest)
    m.send(msg, name=digest.key)


def run(
    db: sqlite_utils.Database,
    settings: Settings,
    today: date | None = None,
    dry_run: bool = False,
    *,
    now: float | None = None,
    mail: mailer.MailSettings | None = None,
    actor: str | None = None,
    prog: activities.Programme | None = None,
) -> Summary:
    """Send each leader one e-mail listing their due reminders, at most one a day (or, dry
    run, only compute them)."""
    items = digests(db, settings, today, prog=prog)
    summary = Summary(due=items, dry_run=dry_run)
    if dry_run:
        return summary
    mail = mail or mailer.load(settings)
    summary.delivered_to = mail.describe()
    with mailer.Mailer(mail) as m:
        for reminder in items:
            if not outbox.claim(db, reminder, now):
                summary.skipped += 1
                continue
            try:
                _deliver(db, m, reminder, actor)
            except Exception as e:  # noqa: BLE001 - any failure is stored and retried
                error = str(e) or type(e).__name__
                outbox.finish(db, reminder.key, error, now)
                summary.failed += 1
                summary.errors[reminder.key] = error
            else:
                outbox.finish(db, reminder.key, None, now)
                summary.sent += 1
    if actor:
        audit.log(db, actor, "send reminders", summary.line())
    return summary
