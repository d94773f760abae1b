"""Programme reminders: each leader gets a personal e-mail when something opens for them.

What is due on a day (`due`): a film is released (open, not yet seen), a meeting or workshop
approaches (from DAYS_BEFORE days before it opens until it is over, not yet registered), an
assessment round is open and not yet taken, an unfinished assessment draft waits (at most once
per ISO week), and an invitation is still unused (a fresh invitation link, at most once per
week, starting a week after the first invitation). Each reminder has a deterministic key, so
the same reminder is never sent twice.

Sending (`run`) is idempotent and safe to overlap: before sending, a run claims the key with
an INSERT in an immediate write transaction (the claim is the lock: a second run sees it and
skips). After sending the row becomes 'sent'; a failed send becomes 'failed' and is retried by
the next run (up to MAX_ATTEMPTS). A run that died between claim and send leaves a 'claimed'
row; after STALE_CLAIM_S (far longer than the SMTP timeout) the next run takes it over.

All message text lives in data/reminders.yaml ({da, en}); messages go out in the user's
language with a plain-text and an HTML part.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import lru_cache
from pathlib import Path

import sqlite_utils

from . import anonymity, assessment, audit, auth, invitations, mailer, navigation, programme
from .config import DATA_DIR, Settings
from .content import LANGS, ContentError, _Checker, read_yaml
from .db import write
from .i18n import N_, normalise

KINDS = ("invitation", "assessment", "draft", "film", "meeting", "workshop")
KIND_LABELS = {
    "invitation": N_("Invitation"),
    "assessment": N_("Assessment open"),
    "draft": N_("Unfinished assessment"),
    "film": N_("Film released"),
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
PLACEHOLDERS = ("name", "activity", "opens", "due", "date", "place", "programme", "expires")
PAGE_OF_KIND = {
    "film": "pages/films.py",
    "meeting": "pages/meetings.py",
    "workshop": "pages/meetings.py",
    "assessment": "pages/assessment.py",
    "draft": "pages/assessment.py",
}


# --- texts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Texts:
    """The validated contents of data/reminders.yaml."""

    common: dict[str, dict[str, str]]  # programme, extra_assessment, greeting, sign_off, footer, date_format
    months: dict[str, tuple[str, ...]]
    kinds: dict[str, dict[str, dict[str, str]]]  # kind -> subject/body/button -> lang -> text


def load_texts(path: Path | None = None) -> Texts:
    """Read and check data/reminders.yaml; raise ContentError naming the file and entry."""
    path = path or DATA_DIR / "reminders.yaml"
    c = _Checker(path)
    data = read_yaml(path)
    sample = {p: "x" for p in PLACEHOLDERS} | {"day": 1, "month": "m", "year": 2000}

    def checked(value, entry: str) -> dict[str, str]:
        text = c.text(value, entry)
        for lang, s in text.items():
            try:
                s.format(**sample)
            except (KeyError, IndexError, ValueError) as e:
                c.fail(entry, f"the {lang} text has an unknown or broken placeholder: {e}")
        return text

    common = {k: checked(data.get(k), k) for k in ("programme", "extra_assessment", "greeting", "sign_off", "footer", "date_format")}
    months = c.mapping(data.get("months"), "months")
    for lang in LANGS:
        if not isinstance(months.get(lang), list) or len(months[lang]) != 12:
            c.fail("months", f"the {lang} list must name the 12 months")
    kinds_data = c.mapping(data.get("kinds"), "kinds")
    kinds = {}
    for kind in KINDS:
        entry = c.mapping(kinds_data.get(kind), f"kinds: {kind}")
        kinds[kind] = {f: checked(entry.get(f), f"kinds: {kind}: {f}") for f in ("subject", "body", "button")}
    return Texts(common, {lang: tuple(months[lang]) for lang in LANGS}, kinds)


@lru_cache(maxsize=1)
def texts() -> Texts:
    return load_texts()


def format_date(day: date, lang: str) -> str:
    """A day as people write it: '16. november 2015' / '16 November 2015'."""
    tx, lang = texts(), normalise(lang)
    return tx.common["date_format"][lang].format(day=day.day, month=tx.months[lang][day.month - 1], year=day.year)


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


def page_link(page: str) -> str:
    return f"{invitations.base_url()}/{navigation.spec_for(page).url_path}"


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _finished_keys(db: sqlite_utils.Database) -> set[str]:
    return {
        r[0]
        for r in db.execute(
            "SELECT key FROM reminders_sent WHERE status = 'sent' OR (status = 'failed' AND attempts >= ?)",
            [MAX_ATTEMPTS],
        ).fetchall()
    }


def due(
    db: sqlite_utils.Database,
    settings: Settings,
    today: date | None = None,
    days_before: int = DAYS_BEFORE,
    prog: programme.Programme | None = None,
) -> list[Reminder]:
    """Every reminder due on `today` that has not been sent yet, sorted by recipient."""
    today = today or date.today()
    prog = prog or programme.programme()
    dates = programme.schedule(db, prog)
    tx = texts()
    users = {u.id: u for u in auth.all_users(db)}
    rows = db.execute(
        "SELECT id, invited_at, CASE WHEN password_hash IS NULL THEN activated_at ELSE "
        "COALESCE(activated_at, 'password set') END FROM users WHERE active = 1 AND email != '' "
        "AND (',' || roles || ',') LIKE '%,leader,%'"
    ).fetchall()
    done = {(u, a) for u, a in db.execute("SELECT user_id, activity FROM progress").fetchall()}
    taken = {(u, r) for u, r in db.execute("SELECT user_id, round FROM participation").fetchall()}
    finished = _finished_keys(db)
    retrying = {r[0] for r in db.execute("SELECT key FROM reminders_sent WHERE status != 'sent'").fetchall()}
    round_activity = {a.round: a for a in prog.activities if a.kind == "assessment"}
    programme_end = max(d.due for d in dates.values())
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
                expires = format_date(today + timedelta(days=invitations.DEFAULT_DAYS), lang)
                add(user, "invitation", "", "", _week(today), expires=expires)
            continue
        draft = assessment.draft(db, anonymity.pseudonym(settings.pseudonym_secret, user_id), settings.pseudonym_secret)
        for a in prog.activities:
            d = dates[a.id]
            p = {
                "activity": _title(a, lang),
                "opens": format_date(d.opens, lang),
                "due": format_date(d.due, lang),
                "date": format_date(d.opens, lang),
                "place": _title_of(a.place, lang),
            }
            if a.kind in FILM_KINDS and d.opens <= today <= d.due and (user_id, a.id) not in done:
                add(user, "film", a.id, page_link(PAGE_OF_KIND["film"]), **p)
            elif a.kind in ("meeting", "workshop") and (
                d.opens - timedelta(days=days_before) <= today <= d.due and (user_id, a.id) not in done
            ):
                add(user, a.kind, a.id, page_link(PAGE_OF_KIND[a.kind]), **p)
            elif a.kind == "assessment" and d.opens <= today <= d.due and (user_id, a.round) not in taken:
                if draft is None or draft.round != a.round:
                    add(user, "assessment", a.id, page_link(PAGE_OF_KIND["assessment"]), **p)
        if draft is not None and draft.started and date.fromisoformat(draft.started) + timedelta(days=DRAFT_GRACE_DAYS) <= today:
            a = round_activity.get(draft.round)
            activity = a.id if a else f"assessment_{draft.round}"
            title = _title(a, lang) if a else tx.common["extra_assessment"][lang]
            add(user, "draft", activity, page_link(PAGE_OF_KIND["draft"]), _week(today), activity=title)
    order = {k: i for i, k in enumerate(KINDS)}
    out.sort(key=lambda r: (r.user.name, r.user.id, order[r.kind], r.key))
    return out


def _title(activity: programme.Activity, lang: str) -> str:
    return _title_of(activity.title, lang)


def _title_of(value, lang: str) -> str:
    from .i18n import text

    return text(value, lang) if value else ""


def _all(params: dict) -> dict:
    """Every placeholder has a value (empty when it does not apply)."""
    return {p: "" for p in PLACEHOLDERS} | params


# --- the message ---------------------------------------------------------------------------


def invitation_placeholder_link() -> str:
    return invitations.link("…")


def compose(reminder: Reminder, link: str | None = None, **params: str) -> EmailMessage:
    """The e-mail for a reminder in the user's language: plain text and HTML alternative."""
    tx, lang = texts(), reminder.lang
    values = _all(reminder.params | params)
    kind = tx.kinds[reminder.kind]
    link = link or reminder.link or invitation_placeholder_link()
    greeting = tx.common["greeting"][lang].format(**values)
    body = [p.strip() for p in kind["body"][lang].format(**values).split("\n\n") if p.strip()]
    button = kind["button"][lang]
    sign_off = tx.common["sign_off"][lang]
    footer = tx.common["footer"][lang]
    subject = kind["subject"][lang].format(**values)

    plain = "\n\n".join([greeting, *body, f"{button}:\n{link}", sign_off, f"-- \n{footer}"]) + "\n"
    e = html.escape
    paragraphs = "".join(f"<p>{e(p)}</p>" for p in body)
    rich = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{e(subject)}</title></head>'
        '<body style="font-family: Arial, sans-serif; line-height: 1.5; color: #1a1a1a; max-width: 40em">'
        f"<p>{e(greeting)}</p>{paragraphs}"
        f'<p><a href="{e(link)}" style="display: inline-block; padding: 10px 16px; background: #1d4e89; '
        f'color: #ffffff; text-decoration: none; border-radius: 4px">{e(button)}</a></p>'
        f'<p style="font-size: 90%">{e(link)}</p>'
        f"<p>{'<br>'.join(e(line) for line in sign_off.splitlines())}</p>"
        f'<hr><p style="font-size: 85%; color: #555555">{e(footer)}</p></body></html>'
    )
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["To"] = mailer.address(reminder.user.name, reminder.user.email)  # never rewritten by the name
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="digled.local")
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Digled-Reminder"] = reminder.key
    msg.set_content(plain)
    msg.add_alternative(rich, subtype="html")
    msg["Content-Language"] = lang  # after set_content, which clears Content-* headers
    return msg


def preview(reminder: Reminder) -> str:
    """The message as the recipient reads it in plain text, headed by To and Subject."""
    msg = compose(reminder)
    body = msg.get_body(("plain",)).get_content()
    return f"To: {msg['To']}\nSubject: {msg['Subject']}\n\n{body}"


# --- sending, idempotently ----------------------------------------------------------------


def claim(db: sqlite_utils.Database, reminder: Reminder, now: float | None = None) -> bool:
    """Take the reminder's key for this run. False when it is sent, given up, or another
    run holds a fresh claim. A failed key or a stale claim is taken over."""
    now = time.time() if now is None else now
    with write(db):
        row = db.execute(
            "SELECT status, claimed_at, attempts FROM reminders_sent WHERE key = ?", [reminder.key]
        ).fetchone()
        if row is None:
            db.execute(
                "INSERT INTO reminders_sent (key, user_id, kind, activity, status, claimed_at) "
                "VALUES (?, ?, ?, ?, 'claimed', ?)",
                [reminder.key, reminder.user.id, reminder.kind, reminder.activity, now],
            )
            return True
        status, claimed_at, attempts = row
        retry = (status == "failed" and attempts < MAX_ATTEMPTS) or (
            status == "claimed" and claimed_at <= now - STALE_CLAIM_S
        )
        if not retry:
            return False
        db.execute("UPDATE reminders_sent SET status = 'claimed', claimed_at = ? WHERE key = ?", [now, reminder.key])
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
    """What a run did."""

    due: list[Reminder]
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


def _deliver(db, m: mailer.Mailer, reminder: Reminder, actor: str | None) -> None:
    """Compose and send one reminder (an invitation gets its fresh link here)."""
    if reminder.kind == "invitation":
        token = invitations.create(db, reminder.user.id, actor=actor)
        expires = format_date(date.today() + timedelta(days=invitations.DEFAULT_DAYS), reminder.lang)
        msg = compose(reminder, invitations.link(token), expires=expires)
    else:
        msg = compose(reminder)
    m.send(msg, name=reminder.key)


def run(
    db: sqlite_utils.Database,
    settings: Settings,
    today: date | None = None,
    dry_run: bool = False,
    *,
    now: float | None = None,
    mail: mailer.MailSettings | None = None,
    actor: str | None = None,
) -> Summary:
    """Compute the due reminders and send each one once (or, dry run, only compute them)."""
    items = due(db, settings, today)
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


def link_may_be_shown(user: auth.User) -> bool:
    """An invitation link may be shown in the app only for a never-activated account that is
    only a leader: whoever sees the link could choose the password, and an account whose link
    an administrator saw never gets the management role (participants.update)."""
    return not user.activated and set(user.roles) <= {"leader"}


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
            showable = link_may_be_shown(user)
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
                      "expires": format_date(today + timedelta(days=invitations.DEFAULT_DAYS), lang)}
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


def send_log(db: sqlite_utils.Database, limit: int = 300) -> list[dict]:
    """The newest rows of reminders_sent with the recipient's name and e-mail."""
    rows = db.query(
        "SELECT r.key, u.name, u.email, r.kind, r.activity, r.status, r.claimed_at, r.sent_at, "
        "r.attempts, r.error FROM reminders_sent r JOIN users u ON u.id = r.user_id "
        "ORDER BY r.claimed_at DESC LIMIT ?",
        [limit],
    )
    out = []
    for r in rows:
        for k in ("claimed_at", "sent_at"):
            r[k] = datetime.fromtimestamp(r[k]).isoformat(sep=" ", timespec="seconds") if r[k] else ""
        out.append(r)
    return out


__all__ = ["ContentError", "Reminder", "Summary", "due", "compose", "run", "invite", "send_log", "claim"]
