"""Account safety: no impersonation by an administrator, and the holder is told what happened.

- **Password reset by e-mail only.** An administrator can send a reset link for an activated
  account (`request_reset`); the link goes to the account's own e-mail address through the
  mailer (SMTP, or the server's outbox where no SMTP is set, which only the server operator
  reads) and is never returned to a page. The holder also gets a notice at next login.
- **The holder's address is the holder's.** Once an account is activated, only its holder
  changes its e-mail address (`change_email`, on My account, with the password); otherwise an
  administrator could point the address at itself and send a reset.
- **Told when it changes.** A changed password or e-mail address is e-mailed to the holder (the
  old address, for an address change) and left as a notice at next login.
- **Management grants are visible.** When an account gets the management role, every other
  active management user is told at next login (identities.py, which also decides who grants it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlite_utils

from digled.accounts import auth, invitations, notices
from digled.content import mail_texts
from digled.platform import audit, mailer
from digled.platform.config import Settings
from digled.platform.db import write
from digled.platform.i18n import N_, MessageError, normalise, translator
from digled.platform.validation import email_problem

RESET_REQUESTED = N_("The programme administrator sent a link to choose a new password to your e-mail address "
                     "on {date}. If you did not ask for it, you can ignore it: your password stays the same.")
RESET_REQUESTED_OUTBOX = N_("The programme administrator asked for a link to choose a new password for you on "
                            "{date}. No mail server is set up, so the server operator must forward the e-mail "
                            "to you. If you did not ask for it, you can ignore it.")
EMAIL_CHANGED = N_("The e-mail address of your account was changed from {old} to {new} on {date}.")
NO_EMAIL = N_("the account has no e-mail address: a password reset can only be sent by e-mail")
INACTIVE = N_("the account is deactivated: reactivate it first")
WRONG_PASSWORD = N_("The current password is wrong.")
SAME_EMAIL = N_("This is already your e-mail address.")
EMAIL_TAKEN = N_("an account with this e-mail address already exists")


class AccountError(MessageError):
    """The action was refused: a message id and its params (the page shows `text(t)`)."""

    def __init__(self, message: str, params: dict | None = None):
        super().__init__(message, **(params or {}))


@dataclass(frozen=True)
class ResetSent:
    """Where a password reset went. Never holds the link."""

    email: str
    via_smtp: bool
    delivered_to: str  # the SMTP server, or the outbox file on the server


def _compose(user: auth.User, subject: str, paragraphs: list[str], to: str | None = None) -> EmailMessage:
    """A plain-text e-mail to the user in their language, with the programme's greeting."""
    lang = normalise(user.language)
    common = mail_texts.texts().common
    greeting = common["greeting"][lang].format(name=user.name)
    body = "\n\n".join([greeting, *paragraphs, common["sign_off"][lang], f"-- \n{common['footer'][lang]}"]) + "\n"
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["To"] = mailer.address(user.name, to or user.email)  # never rewritten by the name
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="digled.local")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body)
    msg["Content-Language"] = lang
    return msg


def _send(settings: Settings, msg: EmailMessage, name: str, mail: mailer.MailSettings | None = None) -> str:
    mail = mail or mailer.load(settings)
    with mailer.Mailer(mail) as m:
        return m.send(msg, name=name)


def request_reset(
    db: sqlite_utils.Database,
    settings: Settings,
    user_id: int,
    actor: str,
    *,
    mail: mailer.MailSettings | None = None,
    today: date | None = None,
) -> ResetSent:
    """Send a password-reset link for an activated account to its own e-mail address.

    The link is never returned. Raises AccountError (or invitations.InvitationRefused for a
    never-activated account) when no reset may be sent, mailer.MailError when delivery failed.
    The holder is also told at next login. Audited."""
    today = today or date.today()
    user = auth.get_user_by_id(db, user_id)
    if user is None:
        raise KeyError(f"no user with id {user_id}")
    if not user.active:
        raise AccountError(INACTIVE)
    if not user.email:
        raise AccountError(NO_EMAIL)
    mail = mail or mailer.load(settings)
    token = invitations.create(db, user.id, days=invitations.RESET_DAYS, actor=actor, purpose="reset")
    t = translator(user.language)
    expires = (today + timedelta(days=invitations.RESET_DAYS)).isoformat()
    msg = _compose(user, t("Choose a new password for Digital leadership"), [
        t("The programme administrator has sent you a link to choose a new password. Open it and choose "
          "your new password. The link works once, until {date}.").format(date=expires),
        invitations.link(token),
        t("If you did not ask for a new password, you can ignore this e-mail: your password stays the same."),
    ])
    where = _send(settings, msg, f"reset-{user.username}-{today.isoformat()}", mail)
    notices.add(db, user.id, RESET_REQUESTED if mail.uses_smtp else RESET_REQUESTED_OUTBOX, date=today.isoformat())
    return ResetSent(user.email, mail.uses_smtp, where)


def tell_password_changed(
    db: sqlite_utils.Database, settings: Settings, user_id: int, *, mail: mailer.MailSettings | None = None
) -> str | None:
    """E-mail the holder that their password was changed. Returns the delivery error or None
    (the change stands either way; a reset also left a notice at next login)."""
    user = auth.get_user_by_id(db, user_id)
    if user is None or not user.email:
        return None
    t = translator(user.language)
    msg = _compose(user, t("Your password for Digital leadership was changed"), [
        t("The password of your account ({username}) was changed on {date}.").format(
            username=user.username, date=date.today().isoformat()),
        t("If you did not do this, contact the programme administrator at once."),
    ])
    try:
        _send(settings, msg, f"password-changed-{user.username}-{date.today().isoformat()}", mail)
    except (mailer.MailError, OSError) as e:
        return str(e)
    return None


def change_email(
    db: sqlite_utils.Database,
    settings: Settings,
    username: str,
    password: str,
    new_email: str,
    *,
    mail: mailer.MailSettings | None = None,
) -> str | None:
    """The holder changes their own e-mail address, confirming with their password. The old
    address is told (e-mail) and a notice is left. Returns the delivery error or None; raises
    AccountError (message id) when refused."""
    user = auth.get_user(db, username)
    if user is None or not auth.check_password(password, user.password_hash):
        raise AccountError(WRONG_PASSWORD)
    problem = email_problem(new_email or "")
    if problem:
        raise AccountError(*problem)
    new_email = new_email.strip()
    if new_email.casefold() == user.email.casefold():
        raise AccountError(SAME_EMAIL)
    today = date.today().isoformat()
    with write(db):
        owner = db.execute(
            "SELECT id FROM users WHERE lower(email) = lower(?) AND id != ?", [new_email, user.id]
        ).fetchone()
        if owner is not None:
            raise AccountError(EMAIL_TAKEN)
        auth.set_email(db, user.id, new_email)
        notices.add(db, user.id, EMAIL_CHANGED, old=user.email or "-", new=new_email, date=today)
        audit.log(db, user.username, "change own e-mail", "")
    if not user.email:
        return None
    t = translator(user.language)
    msg = _compose(user, t("The e-mail address of your Digital leadership account was changed"), [
        t("The e-mail address of your account ({username}) was changed from {old} to {new} on {date}.").format(
            username=user.username, old=user.email, new=new_email, date=today),
        t("If you did not do this, contact the programme administrator at once."),
    ], to=user.email)
    try:
        _send(settings, msg, f"email-changed-{user.username}-{today}", mail)
    except (mailer.MailError, OSError) as e:
        return str(e)
    return None
