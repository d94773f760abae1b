"""Invitations sent by the administrator: a fresh personal link per never-activated account,
e-mailed (SMTP or the outbox directory) and recorded in the outbox as kind 'invitation', so the
send log shows it. Whoever sees an invitation link could choose the password: the link is shown
in the app only where `link_may_be_shown`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

import sqlite_utils

from digled.accounts import auth, identities, invitations, participants
from digled.content.mail_texts import texts
from digled.platform import dates, mailer
from digled.platform.config import Settings
from digled.platform.i18n import N_, normalise
from digled.programme import outbox
from digled.programme.reminder_messages import Reminder, compose, with_placeholders


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
            subject = tx.kinds["invitation"]["subject"][lang].format(**with_placeholders(params))
            reminder = Reminder(key, user, "invitation", "", subject, url, params)
            outbox.claim(db, reminder)
            try:
                m.send(compose(reminder, url), name=key)
            except Exception as e:  # noqa: BLE001 - any delivery failure: logged, the link shown where it may be
                outbox.finish(db, key, str(e) or type(e).__name__)
                if showable:
                    invitations.mark_shown(db, token)
                out.append(Invited(user, url if showable else "", str(e) or type(e).__name__))
            else:
                outbox.finish(db, key, None)
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
