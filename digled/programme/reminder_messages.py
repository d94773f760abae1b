"""Composing programme e-mails: a reminder, a day's digest of reminders, and the service check's
confirmations, in the recipient's language with a plain-text and an HTML part.

A `Reminder` is one thing due for one leader (reminder_due decides which); a `Digest` is the one
e-mail a leader gets on a day, carrying every reminder due for them. All text lives in
data/reminders.yaml (content.mail_texts, {da, en}). Links go to the exact page
(`/films?item=film1`); only an invitation link is personal, and only then does the footer say so.
The recipient's name is text, never HTML, and never rewrites the To address.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from digled.accounts import auth, invitations, navigation
from digled.content import activities
from digled.content.mail_texts import PLACEHOLDERS, texts
from digled.platform import dates, mailer
from digled.platform.i18n import N_, normalise, text
from digled.programme import calendar_files

DIGEST = "digest"  # the kind of a day's e-mail listing several reminders, and its keys' prefix
PAGE_OF_KIND = {
    "film": "pages/films.py",
    "film_due": "pages/films.py",
    "meeting": "pages/meetings.py",
    "workshop": "pages/meetings.py",
    "assessment": "pages/assessment.py",
    "draft": "pages/assessment.py",
    "followup": "pages/assessment.py",
    "service": "pages/service_check.py",
    "service_check": "pages/service_check.py",
    "service_check_soon": "pages/service_check.py",
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


def slot_when(starts_at: datetime, lang: str) -> str:
    """A service check slot's day and time: '25. april 2016 kl. 09.00' / '25 April 2016, 09:00'."""
    lang = normalise(lang)
    return dates.day(starts_at, lang) + (" " if lang == "da" else ", ") + dates.clock(starts_at, lang)


# --- a reminder and a day's digest --------------------------------------------------------


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
            **with_placeholders({"programme": tx.common["programme"][self.lang], "count": str(len(self.items))}))


def title(activity: activities.Activity, lang: str) -> str:
    """An activity's title in `lang`."""
    return title_of(activity.title, lang)


def title_of(value, lang: str) -> str:
    """A text of data/programme.yaml in `lang` ('' when it is not set)."""
    return text(value, lang) if value else ""


def with_placeholders(params: dict) -> dict:
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
    greeting = tx.common["greeting"][lang].format(**with_placeholders({"name": user.name}))
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
        values = with_placeholders(r.params | (params if r.kind == "invitation" else {}))
        url = (link if r.kind == "invitation" else None) or r.link or invitation_placeholder_link()
        heading = kind["subject"][lang].format(**values) if several else ""
        sections.append((heading, _paragraphs(kind["body"][lang].format(**values)), kind["button"][lang], url))
    subject = reminder.subject if several else tx.kinds[items[0].kind]["subject"][lang].format(
        **with_placeholders(items[0].params | params))
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
    when = slot_when(starts_at, lang)
    values = with_placeholders({"name": user.name, "programme": tx.common["programme"][lang], "when": when,
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
