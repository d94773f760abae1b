"""Programme reminders: each leader gets at most one e-mail a day, listing what opened or
falls due for them (a digest), plus the service check confirmations.

What is due on a day (`due`): a film is released (open, online, not yet seen: a film without
a link is not "open" in an e-mail, as its page says it is not online yet) or falls due within
DAYS_BEFORE days (once, unless its release reminder is still unsent), a meeting or workshop
approaches (from DAYS_BEFORE days before it opens until it is over, not yet registered), an
assessment round is open and not yet taken, an unfinished assessment draft waits (at most once
per ISO week), and an invitation is still unused (a fresh invitation link, at most once per
week, starting a week after the first invitation). Each reminder has a deterministic key, so
the same reminder is never sent twice.

One e-mail a day (`digests`): the due reminders of a leader are sent together in one e-mail
whose key is `digest:<user id>:<day>` and whose row lists the reminder keys it carried. A
leader already e-mailed on a day gets nothing more that day, even from a second run; what
became due since waits for the next day's e-mail.

Sending (`run`) is idempotent and safe to overlap: before sending, a run claims the key with
an INSERT in an immediate write transaction (the claim is the lock: a second run sees it and
skips). After sending the row becomes 'sent'; a failed send becomes 'failed' and is retried by
the next run (up to MAX_ATTEMPTS). A run that died between claim and send leaves a 'claimed'
row; after STALE_CLAIM_S (far longer than the SMTP timeout) the next run takes it over.

All message text lives in data/reminders.yaml ({da, en}); messages go out in the user's
language with a plain-text and an HTML part. Links go to the exact page (`/films?item=film1`);
only an invitation link is personal, and only then does the footer say so.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlite_utils

from digled.accounts import auth, identities, invitations, navigation, participants, programme_runs
from digled.assessment import answering
from digled.content import activities, guides, programme
from digled.content.loader import ContentError
from digled.content.mail_texts import KINDS, PLACEHOLDERS, texts
from digled.platform import audit, dates, mailer, pseudonyms
from digled.platform.config import Settings
from digled.platform.db import write
from digled.platform.i18n import N_, normalise, text
from digled.programme import calendar_files

DIGEST = "digest"
SERVICE_KINDS = ("service_booked", "service_cancelled")
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
}
STATUS_LABELS = {"claimed": N_("sending"), "sent": N_("sent"), "failed": N_("failed")}
FILM_KINDS = ("elearning", "kl_film")
DAYS_BEFORE = 3
DRAFT_GRACE_DAYS = 2
INVITATION_GRACE_DAYS = 7
STALE_CLAIM_S = 10 * 60
MAX_ATTEMPTS = 5
PAGE_OF_KIND = {
    "film": "pages/films.py",
    "film_due": "pages/films.py",
    "meeting": "pages/meetings.py",
    "workshop": "pages/meetings.py",
    "assessment": "pages/assessment.py",
    "draft": "pages/assessment.py",
    "service": "pages/service_check.py",
}
ITEM_KINDS = ("film", "film_due", "meeting", "workshop")  # their links carry ?item=<activity id>


def when_text(activity: activities.Activity, on: date, lang: str) -> str:
    """The day an activity takes place, with its time when it has one:
    '25. februar 2016 kl. 09.00–13.00' / '25 February 2016, 09:00–13:00'."""
    text = dates.day(on, lang)
    if activity.start is None:
        return text
    clock = dates.clock(activity.start, lang)
    if activity.end is not None:
        clock += "–" + dates.clock(activity.end, lang).removeprefix("kl. ")
    return text + (" " if normalise(lang) == "da" else ", ") + clock


# --- what is due ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """One e-mail that is due: for whom, about what, and the link it carries."""

    key: str
    user: auth.User
    kind: str
    activity: str
    subject: str
    link: str  # empty for an invitation: a fresh link is created when it is sent
    params: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def lang(self) -> str:
        return normalise(self.user.language)


def page_link(page: str, item: str = "") -> str:
    """The deep link to a page of the app, landing on one item when given (`/films?item=film1`)."""
    url = f"{invitations.base_url()}/{navigation.spec_for(page).url_path}"
    return f"{url}?item={item}" if item else url


def link_for(kind: str, activity_id: str = "") -> str:
    """The link a reminder of `kind` carries (films, meetings and workshops name their item)."""
    return page_link(PAGE_OF_KIND[kind], activity_id if kind in ITEM_KINDS else "")


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _carried(key: str, record: str) -> list[str]:
    """The reminder keys a reminders_sent row stands for: a digest lists them, any other row
    (an e-mail from before digests) is one reminder."""
    return record.split() if key.startswith(DIGEST + ":") else [key]


def _finished_keys(db: sqlite_utils.Database) -> set[str]:
    rows = db.execute(
        "SELECT key, activity FROM reminders_sent WHERE status = 'sent' OR (status = 'failed' AND attempts >= ?)",
        [MAX_ATTEMPTS],
    ).fetchall()
    return {k for key, record in rows for k in _carried(key, record)}


def _retrying_keys(db: sqlite_utils.Database) -> set[str]:
    rows = db.execute("SELECT key, activity FROM reminders_sent WHERE status != 'sent'").fetchall()
    return {k for key, record in rows for k in _carried(key, record)}


def digest_key(user_id: int, day: date) -> str:
    return f"{DIGEST}:{user_id}:{day.isoformat()}"


def mailed_on(db: sqlite_utils.Database, day: date) -> set[int]:
    """The leaders whose reminder e-mail of `day` went out (or was given up)."""
    return {
        r[0]
        for r in db.execute(
            "SELECT user_id FROM reminders_sent WHERE key LIKE ? AND (status = 'sent' OR attempts >= ?)",
            [f"{DIGEST}:%:{day.isoformat()}", MAX_ATTEMPTS],
        ).fetchall()
    }


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
    finished = _finished_keys(db)
    retrying = _retrying_keys(db)
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
        subject = tx.kinds[kind]["subject"][lang].format(**_all(params))
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
                "activity": _title(a, lang),
                "opens": dates.day(d.opens, lang),
                "due": dates.day(d.due, lang),
                "date": dates.day(on, lang),
                "when": when_text(a, on, lang),
                "place": _title_of(a.place, lang) or tx.service["no_place"][lang],  # none set yet
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
            title = _title(a, lang) if a else tx.common["extra_assessment"][lang]
            add(user, "draft", activity, link_for("draft"), _week(today), activity=title)
    order = {k: i for i, k in enumerate(KINDS)}
    out.sort(key=lambda r: (r.user.name, r.user.id, order[r.kind], r.key))
    return out


@dataclass(frozen=True)
class Digest:
    """The one e-mail a leader gets on a day: every reminder due for them."""

    key: str
    user: auth.User
    items: tuple[Reminder, ...]

    @property
    def lang(self) -> str:
        return normalise(self.user.language)

    @property
    def kind(self) -> str:
        return self.items[0].kind if len(self.items) == 1 else DIGEST

    @property
    def activity(self) -> str:
        return " ".join(r.activity or "-" for r in self.items)

    @property
    def record(self) -> str:
        """What its reminders_sent row stores: the reminder keys it carries."""
        return " ".join(r.key for r in self.items)

    @property
    def subject(self) -> str:
        if len(self.items) == 1:
            return self.items[0].subject
        tx = texts()
        return tx.digest["subject"][self.lang].format(
            **_all({"programme": tx.common["programme"][self.lang], "count": str(len(self.items))}))


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
    already = mailed_on(db, today)
    grouped: dict[int, list[Reminder]] = {}
    for r in due(db, settings, today, days_before, prog):
        if r.user.id not in already:
            grouped.setdefault(r.user.id, []).append(r)
    return [Digest(digest_key(uid, today), items[0].user, tuple(items)) for uid, items in grouped.items()]


def _title(activity: activities.Activity, lang: str) -> str:
    return _title_of(activity.title, lang)


def _title_of(value, lang: str) -> str:

    return text(value, lang) if value else ""


def _all(params: dict) -> dict:
    """Every placeholder has a value (empty when it does not apply)."""
    return {p: "" for p in PLACEHOLDERS} | params


# --- the message ---------------------------------------------------------------------------


def invitation_placeholder_link() -> str:
    """The link a preview shows where the personal link will be (made when the message is sent):
    the address with a readable '…' for the token, never its URL-encoding."""
    return invitations.link("") + "…"


def _button_html(link: str, label: str) -> str:
    e = html.escape
    return (f'<p><a href="{e(link)}" style="display: inline-block; padding: 10px 16px; background: #1d4e89; '
            f'color: #ffffff; text-decoration: none; border-radius: 4px">{e(label)}</a></p>'
            f'<p style="font-size: 90%">{e(link)}</p>')


def message(
    user: auth.User,
    subject: str,
    sections: list[tuple[str, list[str], str, str]],
    *,
    intro: str = "",
    personal: bool = False,
    key: str = "",
) -> EmailMessage:
    """An e-mail in the user's language, plain text with an HTML alternative: the greeting,
    an optional intro, then per section (heading or '', paragraphs, button label, link), the
    sign-off and the footer (saying the link is personal only when `personal`)."""
    tx, lang = texts(), normalise(user.language)
    greeting = tx.common["greeting"][lang].format(**_all({"name": user.name}))
    sign_off = tx.common["sign_off"][lang]
    footer = tx.common["footer" if personal else "footer_general"][lang]
    e = html.escape
    plain_parts, rich_parts = [greeting], [f"<p>{e(greeting)}</p>"]
    if intro:
        plain_parts.append(intro)
        rich_parts.append(f"<p>{e(intro)}</p>")
    for n, (heading, paragraphs, button, link) in enumerate(sections, 1):
        if heading:
            plain_parts.append(f"{n}. {heading}")
            rich_parts.append(f'<h2 style="font-size: 110%; margin-top: 1.5em">{e(heading)}</h2>')
        plain_parts.extend(paragraphs)
        rich_parts.extend(f"<p>{e(p)}</p>" for p in paragraphs)
        if link:
            plain_parts.append(f"{button}:\n{link}")
            rich_parts.append(_button_html(link, button))
    plain = "\n\n".join([*plain_parts, sign_off, f"-- \n{footer}"]) + "\n"
    rich = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{e(subject)}</title></head>'
        '<body style="font-family: Arial, sans-serif; line-height: 1.5; color: #1a1a1a; max-width: 40em">'
        + "".join(rich_parts)
        + f"<p>{'<br>'.join(e(line) for line in sign_off.splitlines())}</p>"
        f'<hr><p style="font-size: 85%; color: #555555">{e(footer)}</p></body></html>'
    )
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["To"] = mailer.address(user.name, user.email)  # never rewritten by the name
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="digled.local")
    msg["Auto-Submitted"] = "auto-generated"
    if key:
        msg["X-Digled-Reminder"] = key
    msg.set_content(plain)
    msg.add_alternative(rich, subtype="html")
    msg["Content-Language"] = lang  # after set_content, which clears Content-* headers
    return msg


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def compose(reminder: Reminder | Digest, link: str | None = None, **params: str) -> EmailMessage:
    """The e-mail for a day's digest (or a single reminder) in the user's language. `link`
    and `params` apply to an invitation (its fresh personal link and expiry day)."""
    tx = texts()
    items = reminder.items if isinstance(reminder, Digest) else (reminder,)
    lang = normalise(reminder.user.language)
    several = len(items) > 1
    sections = []
    for r in items:
        kind = tx.kinds[r.kind]
        values = _all(r.params | (params if r.kind == "invitation" else {}))
        url = (link if r.kind == "invitation" else None) or r.link or invitation_placeholder_link()
        heading = kind["subject"][lang].format(**values) if several else ""
        sections.append((heading, _paragraphs(kind["body"][lang].format(**values)), kind["button"][lang], url))
    subject = reminder.subject if several else tx.kinds[items[0].kind]["subject"][lang].format(
        **_all(items[0].params | params))
    return message(
        reminder.user, subject, sections,
        intro=tx.digest["intro"][lang] if several else "",
        personal=any(r.kind == "invitation" for r in items),
        key=reminder.key,
    )


PREVIEW_TO, PREVIEW_SUBJECT = N_("To"), N_("Subject")


def preview(reminder: Reminder | Digest, translate: Callable[[str], str] = lambda s: s) -> str:
    """The message as the recipient reads it in plain text, headed by To and Subject (the
    headings through `translate`: the reader's language, not the recipient's)."""
    msg = compose(reminder)
    body = msg.get_body(("plain",)).get_content()
    return f"{translate(PREVIEW_TO)}: {msg['To']}\n{translate(PREVIEW_SUBJECT)}: {msg['Subject']}\n\n{body}"


# --- service check confirmations -----------------------------------------------------------


def service_message(
    user: auth.User,
    starts_at: datetime,
    minutes: int,
    place: str,
    action: str,
    changed_at: datetime,
    *,
    organizer: str = "",
) -> EmailMessage:
    """The confirmation of a booked (or moved) service check, or of its cancellation
    (`action` 'booked' / 'cancelled'), with a calendar file (.ics) attached: METHOD:REQUEST or
    CANCEL, one UID per leader, so the calendar moves or removes the event it already holds."""

    if action not in ("booked", "cancelled"):
        raise ValueError("action must be 'booked' or 'cancelled'")
    tx, lang = texts(), normalise(user.language)
    texts_for = tx.service[action]
    when = dates.day(starts_at, lang) + (" " if lang == "da" else ", ") + dates.clock(starts_at, lang)
    values = _all({"name": user.name, "programme": tx.common["programme"][lang], "when": when,
                   "place": place or tx.service["no_place"][lang], "date": dates.day(starts_at, lang)})
    subject = texts_for["subject"][lang].format(**values)
    link = page_link(PAGE_OF_KIND["service"])
    msg = message(user, subject, [("", _paragraphs(texts_for["body"][lang].format(**values)),
                                   texts_for["button"][lang], link)])
    method = "REQUEST" if action == "booked" else "CANCEL"
    ics = calendar_files.service_ics(
        user.id, starts_at, minutes, tx.service["summary"][lang], location=place, url=link,
        changed_at=changed_at, method=method, organizer=organizer, attendee=user.email,
    )
    msg.add_attachment(ics, maintype="text", subtype="calendar", filename=calendar_files.file_name(
        tx.service["summary"][lang]), params={"method": method, "charset": "utf-8"})
    return msg


# --- sending, idempotently ----------------------------------------------------------------


def claim(db: sqlite_utils.Database, reminder: Reminder | Digest, now: float | None = None) -> bool:
    """Take the e-mail's key for this run. False when it is sent, given up, or another
    run holds a fresh claim. A failed key or a stale claim is taken over (a digest's row then
    lists the reminders it carries this time)."""
    now = time.time() if now is None else now
    record = getattr(reminder, "record", reminder.activity)
    with write(db):
        row = db.execute(
            "SELECT status, claimed_at, attempts FROM reminders_sent WHERE key = ?", [reminder.key]
        ).fetchone()
        if row is None:
            db.execute(
                "INSERT INTO reminders_sent (key, user_id, kind, activity, status, claimed_at) "
                "VALUES (?, ?, ?, ?, 'claimed', ?)",
                [reminder.key, reminder.user.id, DIGEST if isinstance(reminder, Digest) else reminder.kind,
                 record, now],
            )
            return True
        status, claimed_at, attempts = row
        retry = (status == "failed" and attempts < MAX_ATTEMPTS) or (
            status == "claimed" and claimed_at <= now - STALE_CLAIM_S
        )
        if not retry:
            return False
        db.execute("UPDATE reminders_sent SET status = 'claimed', claimed_at = ?, activity = ? WHERE key = ?",
                   [now, record, reminder.key])
        return True


def _finish(db: sqlite_utils.Database, key: str, error: str | None, now: float | None = None) -> None:
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
            if not claim(db, reminder, now):
                summary.skipped += 1
                continue
            try:
                _deliver(db, m, reminder, actor)
            except Exception as e:  # noqa: BLE001 - any failure is stored and retried
                error = str(e) or type(e).__name__
                _finish(db, reminder.key, error, now)
                summary.failed += 1
                summary.errors[reminder.key] = error
            else:
                _finish(db, reminder.key, None, now)
                summary.sent += 1
    if actor:
        audit.log(db, actor, "send reminders", summary.line())
    return summary


# --- invitations sent by the administrator ------------------------------------------------


@dataclass(frozen=True)
class Invited:
    user: auth.User
    link: str  # '' unless the link may be shown (a leader's link that could not be e-mailed)
    error: str | None  # None when the e-mail went out (or into the outbox); may be a message id


NO_EMAIL_ADDRESS = N_("no e-mail address")
BY_EMAIL_ONLY = N_("a management or administrator account gets its invitation by e-mail only")


def link_may_be_shown(user: auth.User, management_asked: bool = False) -> bool:
    """An invitation link may be shown in the app only for a never-activated account that is
    only a leader and for which nobody asked the management role (identities.py): whoever sees
    the link could choose the password, and an account whose link an administrator saw never
    gets the management role (participants.update)."""
    return not user.activated and set(user.roles) <= {"leader"} and not management_asked


def invite(
    db: sqlite_utils.Database,
    settings: Settings,
    user_ids: list[int],
    actor: str,
    *,
    mail: mailer.MailSettings | None = None,
    send: bool = True,
    today: date | None = None,
) -> list[Invited]:
    """Create a fresh invitation for each never-activated user and (with `send`) e-mail it;
    logged in reminders_sent as kind 'invitation' so the administrator sees it in the send log.

    The link is returned (to be shown) only where it could not be e-mailed and
    `link_may_be_shown`; an activated account gets no invitation at all (its error says so)."""
    today = today or date.today()
    mail = mail or mailer.load(settings)
    out = []
    with mailer.Mailer(mail) as m:
        for user_id in user_ids:
            user = auth.get_user_by_id(db, user_id)
            if user is None:
                continue
            if user.activated:
                out.append(Invited(user, "", invitations.ACTIVATED))
                continue
            showable = link_may_be_shown(user, identities.pending_for(db, user.id))
            if not (send and user.email) and not showable:
                out.append(Invited(user, "", BY_EMAIL_ONLY))
                continue
            token = invitations.create(db, user.id, actor=actor, shown=not (send and user.email))
            url = invitations.link(token)
            if not send or not user.email:
                out.append(Invited(user, url, None if not send else NO_EMAIL_ADDRESS))
                continue
            lang = normalise(user.language)
            tx = texts()
            params = {"name": user.name, "programme": tx.common["programme"][lang],
                      "expires": dates.day(today + timedelta(days=invitations.DEFAULT_DAYS), lang)}
            key = f"invitation:admin:{user.id}:{time.time_ns()}"
            reminder = Reminder(key, user, "invitation", "", tx.kinds["invitation"]["subject"][lang].format(**_all(params)), url, params)
            claim(db, reminder)
            try:
                m.send(compose(reminder, url), name=key)
            except Exception as e:  # noqa: BLE001
                _finish(db, key, str(e) or type(e).__name__)
                if showable:
                    invitations.mark_shown(db, token)
                out.append(Invited(user, url if showable else "", str(e) or type(e).__name__))
            else:
                _finish(db, key, None)
                out.append(Invited(user, "", None))
    return out


def resend_invitation(db: sqlite_utils.Database, settings: Settings, user_id: int, actor: str) -> tuple[str, str | None]:
    """Make a fresh invitation link for an active, never-activated account (older links stop
    working) and e-mail it (SMTP, or the outbox); audited. Returns the link and the delivery
    error, None when sent; the link is '' unless it could not be e-mailed and may be shown
    (`link_may_be_shown`). An account that may not be invited raises
    participants.InvalidParticipant (`participants.check_invitable`)."""
    participants.check_invitable(db, user_id)
    [invited] = invite(db, settings, [user_id], actor)
    return invited.link, invited.error


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


__all__ = ["ContentError", "Reminder", "Digest", "Summary", "due", "digests", "compose", "run", "invite", "send_log",
           "claim", "service_message"]
