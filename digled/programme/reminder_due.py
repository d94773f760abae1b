"""What is due for whom: the programme reminders a leader gets on a day, and the day's e-mail
(digest) that carries them.

What is due on a day (`due`): a film is released (open, online, not yet seen: a film without
a link is not "open" in an e-mail, as its page says it is not online yet) or falls due within
DAYS_BEFORE days (once, unless its release reminder is still unsent), a meeting or workshop
approaches (from DAYS_BEFORE days before it opens until it is over, not yet registered), the
service check opens for booking (once, to a leader who has neither booked nor asked for help) or
a booked service check slot is DAYS_BEFORE days or fewer ahead (once per booked time), an
assessment round is open and not yet taken, an unfinished assessment draft waits (at most once
per ISO week), and an invitation is still unused (a fresh invitation link, at most once per
week, starting a week after the first invitation). Open, done and ahead are the journey's
statuses (journey.journeys, the one door for what is due for a leader; `reminded_kind` reads a
step), never worked out again here. Each reminder has a deterministic key, so the same reminder
is never sent twice (the outbox remembers the keys it carried).

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
from digled.programme import journey, outbox, service
from digled.programme.reminder_messages import (
    DIGEST,
    Digest,
    Reminder,
    link_for,
    slot_when,
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
    """Every reminder due on `today` that has not been sent yet, sorted by recipient. What is
    open, done or ahead for a leader is the journey's answer (journey.journeys), never worked
    out again here."""
    today = today or date.today()
    prog = prog or programme.programme(db)
    found = _Due(db, settings, today, days_before, prog)
    rows = db.execute(
        "SELECT id, invited_at, CASE WHEN password_hash IS NULL THEN activated_at ELSE "
        "COALESCE(activated_at, 'password set') END FROM users WHERE active = 1 AND email != '' "
        f"AND {auth.LEADER_SQL} AND " + programme_runs.IN_RUNNING
    ).fetchall()
    for user_id, invited_at, activated_at in rows:
        if activated_at is None:
            found.invitation(user_id, invited_at)
    activated = [user_id for user_id, _, activated_at in rows if activated_at is not None]
    for user_id, path in journey.journeys(db, activated, prog, today).items():
        found.activities(user_id, path)
    order = {k: i for i, k in enumerate(KINDS)}
    found.out.sort(key=lambda r: (r.user.name, r.user.id, order[r.kind], r.key))
    return found.out


def reminded_kind(step: journey.Step, today: date, days_before: int = DAYS_BEFORE) -> str | None:
    """The reminder a journey step gives on `today`, None for none: a film while it is open
    ('film'; reminder_due turns it into 'film_due' near its due day once released), a meeting or
    workshop from `days_before` days before it opens while it is open ('meeting' / 'workshop'),
    an assessment round while its window is open ('assessment': the e-mail names the window's
    due day, so a late joiner's start assessment after its window is on their home page only),
    the service check while it is open and neither booked nor done ('service_check': book a
    time), and a booked slot from `days_before` days before its day until it ('service_check_soon')."""
    kind = step.activity.kind
    if kind in FILM_KINDS:
        return "film" if step.status == "open" else None
    if kind in ("meeting", "workshop"):
        near = step.status == "not_open" and today >= step.opens - timedelta(days=days_before)
        return kind if step.status == "open" or near else None
    if kind == "assessment":
        return "assessment" if step.status == "open" and today <= step.due else None
    if kind == "service_check":
        if step.status == "open":
            return "service_check"
        if step.status == "booked" and step.booked_for is not None:
            day = step.booked_for.date()
            return "service_check_soon" if day - timedelta(days=days_before) <= today <= day else None
    return None


class _Due:
    """The reminders of one day, gathered leader by leader (`due`)."""

    def __init__(self, db: sqlite_utils.Database, settings: Settings, today: date, days_before: int,
                 prog: activities.Programme):
        self.db, self.settings, self.today, self.days_before, self.prog = db, settings, today, days_before, prog
        self.tx = texts()
        self.users = {u.id: u for u in auth.all_users(db)}
        self.finished = outbox.finished_keys(db)
        self.retrying = outbox.retrying_keys(db)
        self.online = online_films(db, prog)
        self.round_activity = {a.round: a for a in prog.activities if a.kind == "assessment"}
        self.programme_end = max(d.due for d in programme.schedule(db, prog).values())
        self.bookings = service.bookings_of(db, list(self.users))
        self.out: list[Reminder] = []

    def add(self, user: auth.User, kind: str, activity_id: str, link: str, suffix: str = "", **params: str) -> None:
        key = f"{kind}:{activity_id}:{user.id}" + (f":{suffix}" if suffix else "")
        if key in self.finished:
            return
        lang = normalise(user.language)
        params = {"name": user.name, "programme": self.tx.common["programme"][lang]} | params
        subject = self.tx.kinds[kind]["subject"][lang].format(**with_placeholders(params))
        self.out.append(Reminder(key, user, kind, activity_id, subject, link, params))

    def invitation(self, user_id: int, invited_at: str | None) -> None:
        """A never-activated leader: a fresh invitation link a week after the invitation, at most
        once a week, until the programme ends."""
        user, today = self.users[user_id], self.today
        last = invitations.last_created(self.db, user_id)
        fresh_link = last is not None and (
            today - timedelta(days=INVITATION_GRACE_DAYS) < date.fromtimestamp(last) <= today
        )
        if (
            invited_at
            and date.fromisoformat(invited_at) + timedelta(days=INVITATION_GRACE_DAYS) <= today <= self.programme_end
            # not when a fresh link went out lately, unless that was this reminder's failed try
            and (not fresh_link or f"invitation::{user_id}:{_week(today)}" in self.retrying)
        ):
            expires = dates.day(today + timedelta(days=invitations.DEFAULT_DAYS), normalise(user.language))
            self.add(user, "invitation", "", "", _week(today), expires=expires)

    def activities(self, user_id: int, path: journey.Journey) -> None:
        """An activated leader: what their journey has open or coming up, and a waiting draft."""
        user = self.users[user_id]
        secret = self.settings.pseudonym_secret
        draft = answering.draft(self.db, pseudonyms.of_user(secret, user_id), secret)
        for step in path.steps:
            kind = reminded_kind(step, self.today, self.days_before)
            a = step.activity
            if kind is None or (kind == "film" and a.id not in self.online):  # a film without a link is not open yet
                continue
            if kind == "film" and f"film:{a.id}:{user_id}" in self.finished:
                if self.today < step.due - timedelta(days=self.days_before):
                    continue
                kind = "film_due"
            if kind == "assessment" and draft is not None and draft.round == a.round:
                continue  # started already: the draft reminder says so
            if kind == "service_check_soon":
                self._slot_soon(user, a.id, step)
                continue
            self.add(user, kind, a.id, link_for(kind, a.id), **self._params(step, user))
        if path.followup is not None:  # what the home page shows as due (journey.followup_due)
            self._followup(user, draft, path.followup)
        if draft is not None and draft.started and (
                date.fromisoformat(draft.started) + timedelta(days=DRAFT_GRACE_DAYS) <= self.today):
            a = self.round_activity.get(draft.round)
            activity = a.id if a else f"assessment_{draft.round}"
            lang = normalise(user.language)
            name = title(a, lang) if a else self.tx.common.get(draft.round, self.tx.common["extra_assessment"])[lang]
            self.add(user, "draft", activity, link_for("draft"), _week(self.today), activity=name)

    def _followup(self, user: auth.User, draft, w: journey.FollowupDue) -> None:
        """A follow-up round is open and the leader has not taken it (the journey's follow-up due):
        one invitation to retake the assessment and look at the plan again ("Hvad fik du gjort?"),
        linking to the assessment."""
        if draft is not None and draft.round == w.round:
            return  # started (the draft reminder says so)
        lang = normalise(user.language)
        self.add(user, "followup", w.round, link_for("followup"), activity=self.tx.common[w.round][lang],
                 opens=dates.day(w.opens, lang), due=dates.day(w.closes, lang))

    def _slot_soon(self, user: auth.User, activity_id: str, step: journey.Step) -> None:
        """The booked service check is near: its time and place (a moved booking is a new time,
        reminded again)."""
        booking, lang = self.bookings.get(user.id), normalise(user.language)
        if booking is None or booking.slot is None:
            return
        starts = booking.slot.starts_at
        self.add(user, "service_check_soon", activity_id, link_for("service_check_soon"),
                 starts.isoformat(timespec="minutes"), activity=title(step.activity, lang),
                 when=slot_when(starts, lang), date=dates.day(starts, lang),
                 place=booking.slot.place or self.tx.service["no_place"][lang])

    def _params(self, step: journey.Step, user: auth.User) -> dict[str, str]:
        """The placeholders of an activity's reminder in the user's language."""
        a, lang = step.activity, normalise(user.language)
        on = programme.event_day(a, programme.Dates(step.opens, step.due))
        return {
            "activity": title(a, lang),
            "opens": dates.day(step.opens, lang),
            "due": dates.day(step.due, lang),
            "date": dates.day(on, lang),
            "when": when_text(a, on, lang),
            "place": title_of(a.place, lang) or self.tx.service["no_place"][lang],  # none set yet
        }


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
