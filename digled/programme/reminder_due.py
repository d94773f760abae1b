"""What is due for whom: the programme reminders a leader gets on a day, and the day's e-mail
(digest) that carries them.

What is due on a day (`due`): a film is released (open, online, not yet seen: a film without
a link is not "open" in an e-mail, as its page says it is not online yet) or falls due within
DAYS_BEFORE days (once, unless its release reminder is still unsent), a meeting or workshop
approaches (from DAYS_BEFORE days before it opens until it is over, not yet registered), an
assessment round is open and not yet taken, an unfinished assessment draft waits (at most once
per ISO week), and an invitation is still unused (a fresh invitation link, at most once per
week, starting a week after the first invitation). Each reminder has a deterministic key, so
the same reminder is never sent twice (the outbox remembers the keys it carried).

One e-mail a day (`digests`): the due reminders of a leader are sent together in one e-mail
whose key is `digest:<user id>:<day>` and whose row lists the reminder keys it carried. A
leader already e-mailed on a day gets nothing more that day, even from a second run; what
became due since waits for the next day's e-mail.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlite_utils

from digled.accounts import auth, invitations, programme_runs
from digled.assessment import answering
from digled.content import activities, guides, programme
from digled.content.mail_texts import KINDS, texts
from digled.platform import dates, pseudonyms
from digled.platform.config import Settings
from digled.platform.i18n import normalise
from digled.programme import outbox
from digled.programme.reminder_messages import (
    DIGEST,
    Digest,
    Reminder,
    link_for,
    title,
    title_of,
    when_text,
    with_placeholders,
)

FILM_KINDS = ("elearning", "kl_film")
DAYS_BEFORE = 3
DRAFT_GRACE_DAYS = 2
INVITATION_GRACE_DAYS = 7


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def digest_key(user_id: int, day: date) -> str:
    """The key of a leader's e-mail of a day: the outbox sends each key once."""
    return f"{DIGEST}:{user_id}:{day.isoformat()}"


def online_films(db: sqlite_utils.Database, prog: activities.Programme) -> set[str]:
    """The films that have a link: set in data/programme.yaml or by the administrator in the
    app (guides.video_url). Only these are "open" in an e-mail; the films page shows the same."""
    set_in_app = guides.videos(db)
    return {a.id for a in prog.activities if a.kind in FILM_KINDS and (set_in_app.get(a.id) or a.video_url)}


def due(
    db: sqlite_utils.Database,
    settings: Settings,
    today: date | None = None,
    days_before: int = DAYS_BEFORE,
    prog: activities.Programme | None = None,
) -> list[Reminder]:
    """Every reminder due on `today` that has not been sent yet, sorted by recipient."""
    today = today or date.today()
    prog = prog or programme.programme(db)
    schedule = programme.schedule(db, prog)
    tx = texts()
    users = {u.id: u for u in auth.all_users(db)}
    rows = db.execute(
        "SELECT id, invited_at, CASE WHEN password_hash IS NULL THEN activated_at ELSE "
        "COALESCE(activated_at, 'password set') END FROM users WHERE active = 1 AND email != '' "
        "AND (',' || roles || ',') LIKE '%,leader,%' AND " + programme_runs.IN_RUNNING
    ).fetchall()
    done = {(u, a) for u, a in db.execute("SELECT user_id, activity FROM progress").fetchall()}
    taken = {(u, r) for u, r in db.execute("SELECT user_id, round FROM participation").fetchall()}
    finished = outbox.finished_keys(db)
    retrying = outbox.retrying_keys(db)
    online = online_films(db, prog)
    round_activity = {a.round: a for a in prog.activities if a.kind == "assessment"}
    programme_end = max(d.due for d in schedule.values())
    out: list[Reminder] = []

    def add(user: auth.User, kind: str, activity_id: str, link: str, suffix: str = "", **params: str) -> None:
        key = f"{kind}:{activity_id}:{user.id}" + (f":{suffix}" if suffix else "")
        if key in finished:
            return
        lang = normalise(user.language)
        params = {"name": user.name, "programme": tx.common["programme"][lang]} | params
        subject = tx.kinds[kind]["subject"][lang].format(**with_placeholders(params))
        out.append(Reminder(key, user, kind, activity_id, subject, link, params))

    for user_id, invited_at, activated_at in rows:
        user = users[user_id]
        lang = normalise(user.language)
        if activated_at is None:
            last = invitations.last_created(db, user_id)
            fresh_link = last is not None and (
                today - timedelta(days=INVITATION_GRACE_DAYS) < date.fromtimestamp(last) <= today
            )
            if (
                invited_at
                and date.fromisoformat(invited_at) + timedelta(days=INVITATION_GRACE_DAYS) <= today <= programme_end
                # not when a fresh link went out lately, unless that was this reminder's failed try
                and (not fresh_link or f"invitation::{user_id}:{_week(today)}" in retrying)
            ):
                expires = dates.day(today + timedelta(days=invitations.DEFAULT_DAYS), lang)
                add(user, "invitation", "", "", _week(today), expires=expires)
            continue
        draft = answering.draft(db, pseudonyms.of_user(settings.pseudonym_secret, user_id), settings.pseudonym_secret)
        for a in prog.activities:
            d = schedule[a.id]
            on = programme.event_day(a, d)
            p = {
                "activity": title(a, lang),
                "opens": dates.day(d.opens, lang),
                "due": dates.day(d.due, lang),
                "date": dates.day(on, lang),
                "when": when_text(a, on, lang),
                "place": title_of(a.place, lang) or tx.service["no_place"][lang],  # none set yet
            }
            if a.kind in FILM_KINDS and d.opens <= today <= d.due and (user_id, a.id) not in done:
                if a.id not in online:  # a film without a link is not open yet
                    continue
                if f"film:{a.id}:{user_id}" not in finished:
                    add(user, "film", a.id, link_for("film", a.id), **p)
                elif today >= d.due - timedelta(days=days_before):
                    add(user, "film_due", a.id, link_for("film_due", a.id), **p)
            elif a.kind in ("meeting", "workshop") and (
                d.opens - timedelta(days=days_before) <= today <= d.due and (user_id, a.id) not in done
            ):
                add(user, a.kind, a.id, link_for(a.kind, a.id), **p)
            elif a.kind == "assessment" and d.opens <= today <= d.due and (user_id, a.round) not in taken:
                if draft is None or draft.round != a.round:
                    add(user, "assessment", a.id, link_for("assessment"), **p)
        if draft is not None and draft.started and date.fromisoformat(draft.started) + timedelta(days=DRAFT_GRACE_DAYS) <= today:
            a = round_activity.get(draft.round)
            activity = a.id if a else f"assessment_{draft.round}"
            name = title(a, lang) if a else tx.common["extra_assessment"][lang]
            add(user, "draft", activity, link_for("draft"), _week(today), activity=name)
    order = {k: i for i, k in enumerate(KINDS)}
    out.sort(key=lambda r: (r.user.name, r.user.id, order[r.kind], r.key))
    return out


def digests(
    db: sqlite_utils.Database,
    settings: Settings,
    today: date | None = None,
    days_before: int = DAYS_BEFORE,
    prog: activities.Programme | None = None,
) -> list[Digest]:
    """The e-mails due on `today`: one per leader not yet e-mailed that day, listing all
    their due reminders."""
    today = today or date.today()
    already = outbox.mailed_on(db, today)
    grouped: dict[int, list[Reminder]] = {}
    for r in due(db, settings, today, days_before, prog):
        if r.user.id not in already:
            grouped.setdefault(r.user.id, []).append(r)
    return [Digest(digest_key(uid, today), items[0].user, tuple(items)) for uid, items in grouped.items()]
