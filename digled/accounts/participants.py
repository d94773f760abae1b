"""Participants as the administrator manages them (per person: needed for invitations and
reminders) and participation counts as management sees them (counts only).

Every change an administrator makes goes through this module: it validates the fields with
the same rules and message ids as the import (`digled.platform.validation`), derives a unique username
from the e-mail address, guards against an administrator locking themselves out, ends the
sessions of a deactivated account and writes the audit log.

Separation of duties and no impersonation (issue 9): an account never holds both the
administrator and the management role, nor one after the other (auth.duty_problem; a database
trigger enforces the same); an account whose invitation link was shown in the app never gets
the management role; the e-mail address of an activated account is its holder's to change
(accounts.change_email); an activated account gets no invitation, only a password reset sent
to its own address (`send_password_reset`), and a link is never shown for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
import sqlite_utils

from digled.accounts import auth, identities, impersonation, invitations, organisation
from digled.content.loader import Organisation
from digled.platform import audit
from digled.platform.config import Settings
from digled.platform.db import write
from digled.platform.i18n import N_, ProblemsError
from digled.platform.validation import clean, clean_name, email_problem, name_problem, text_problem

MAX_NAME_LENGTH = 100
MAX_ORG_LENGTH = 100
MAX_USERNAME_BASE = 56
FIELDS = ("name", "email", "municipality", "area", "level", "roles")
FIELD_LABELS = {
    "name": N_("name"),
    "email": N_("e-mail"),
    "municipality": N_("municipality"),
    "area": N_("area"),
    "level": N_("leader level"),
    "roles": N_("roles"),
    "active": N_("active"),
    "account": N_("account"),
}
EMAIL_IS_THE_HOLDERS = N_("only the participant can change the e-mail address of an activated account (on My "
                          "account)")
LINK_WAS_SHOWN = N_("an invitation link for this account was shown in the app, so it cannot get the management "
                    "role: add management accounts with the management role from the start (their link goes by "
                    "e-mail only)")
ROLE_LABELS = {"leader": N_("Leader"), "management": N_("Management"), "admin": N_("Administrator")}
ROLE_ALIASES = {
    "leader": "leader", "leder": "leader",
    "management": "management", "ledelse": "management", "hr": "management",
    "admin": "admin", "administrator": "admin", "forløbsansvarlig": "admin",
}
_UNKNOWN = {
    "municipality": N_("unknown municipality “{value}”"),
    "area": N_("unknown area “{value}”"),
    "level": N_("unknown leader level “{value}”"),
}
_KIND = {"municipality": "municipalities", "area": "areas", "level": "levels"}


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one field (a key of FIELDS): a message id and its format params."""

    field: str
    message: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Participant:
    """Validated participant fields: organisation values are ids, the e-mail is trimmed."""

    name: str
    email: str
    municipality: str
    area: str
    level: str
    roles: tuple[str, ...]


class InvalidParticipant(ProblemsError):
    """Raised by add/update/set_active when a field is not acceptable; nothing changed."""

    problems: list[FieldProblem]

    def _each(self, t) -> list[str]:
        return [f"{t(FIELD_LABELS.get(p.field, p.field))}: {t(p.message).format(**p.params)}" for p in self.problems]


# --- validation -------------------------------------------------------------------------------


def parse_role_names(values) -> tuple[tuple[str, ...], list[str]]:
    """Roles from names (English or Danish, any case) given as a list or as 'leder, admin'.

    Returns the known roles in canonical order and the unknown names."""
    if isinstance(values, str):
        values = re.split(r"[,;/|\s]+", values)
    found, unknown = set(), []
    for v in values or ():
        name = clean(v).casefold()
        if not name:
            continue
        if name in ROLE_ALIASES:
            found.add(ROLE_ALIASES[name])
        else:
            unknown.append(clean(v))
    return tuple(r for r in auth.ROLES if r in found), unknown


def email_owners(db: sqlite_utils.Database) -> dict[str, int]:
    """Every stored e-mail address (case-folded) and the id of the user who has it."""
    return {e.strip().casefold(): i for i, e in db.execute("SELECT id, email FROM users WHERE email != ''")}


def check(
    db: sqlite_utils.Database,
    raw: dict,
    org: Organisation | None = None,
    user_id: int | None = None,
    owners: dict[str, int] | None = None,
    default_roles: tuple[str, ...] = (),
) -> tuple[Participant | None, list[FieldProblem]]:
    """Validate raw fields (organisation values by id or Danish/English name; roles as names).

    `user_id` is the account being edited (its own e-mail is not a duplicate); `owners` may be
    passed to avoid re-reading every e-mail per row. Returns the participant or the problems."""
    org = org or organisation.current(db)
    owners = email_owners(db) if owners is None else owners
    problems: list[FieldProblem] = []
    values = {f: clean(raw.get(f)) for f in ("name", "email", "municipality", "area", "level")}

    def add(f: str, problem) -> None:
        if problem:
            problems.append(FieldProblem(f, problem[0], problem[1]))

    values["name"] = clean_name(raw.get("name"))
    add("name", name_problem(raw.get("name"), MAX_NAME_LENGTH))  # the one rule for form, import and CLI
    add("email", email_problem(str(raw.get("email") or "")))
    if not any(p.field == "email" for p in problems):
        owner = owners.get(values["email"].casefold())
        if owner is not None and owner != user_id:
            add("email", (N_("an account with this e-mail address already exists"), {}))
    for f in ("municipality", "area", "level"):
        problem = text_problem(str(raw.get(f) or ""), MAX_ORG_LENGTH)
        if problem is None:
            matched = organisation.match(org, _KIND[f], values[f])
            if matched is None:
                problem = (_UNKNOWN[f], {"value": values[f]})
            values[f] = matched or values[f]
        add(f, problem)
    roles, problem = _roles(raw.get("roles"), default_roles)
    if problem:
        problems.append(problem)
    if problems:
        return None, problems
    return Participant(
        name=values["name"], email=values["email"], municipality=values["municipality"],
        area=values["area"], level=values["level"], roles=roles,
    ), []


def _roles(raw, default: tuple[str, ...] = ()) -> tuple[tuple[str, ...], FieldProblem | None]:
    """Roles from a list or text of names, `default` when none is given, or the problem."""
    problem = text_problem(raw, 100, required=False) if isinstance(raw, str) else None
    if problem:
        return (), FieldProblem("roles", *problem)
    roles, unknown = parse_role_names(raw)
    if unknown:
        return (), FieldProblem("roles", N_("unknown role “{value}”"), {"value": unknown[0]})
    if not roles and not default:
        return (), FieldProblem("roles", N_("choose at least one role"))
    if auth.duty_problem(roles or default):
        return (), FieldProblem("roles", auth.duty_problem(roles or default))
    return roles or default, None


def derive_username(email: str, taken: set[str]) -> str:
    """A free username from the e-mail's local part ('Lea.Dam@x.dk' -> 'lea.dam', then 'lea.dam2')."""
    local = email.split("@", 1)[0].casefold()
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        local = local.replace(a, b)
    base = re.sub(r"[^a-z0-9._-]", "", local).lstrip("._-")[:MAX_USERNAME_BASE]
    if len(base) < 2:
        base = (base + "user")[:MAX_USERNAME_BASE]
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    return candidate


def usernames(db: sqlite_utils.Database) -> set[str]:
    return {u for (u,) in db.execute("SELECT username FROM users")}


# --- changes (all audited) ----------------------------------------------------------------------


def _require(db: sqlite_utils.Database, user_id: int) -> auth.User:
    user = auth.get_user_by_id(db, user_id)
    if user is None:
        raise KeyError(f"no user with id {user_id}")
    return user


def _guard_own_admin(actor: str, user: auth.User, roles: tuple[str, ...]) -> FieldProblem | None:
    if auth.normalise_username(actor) == user.username and "admin" in user.roles and "admin" not in roles:
        return FieldProblem("roles", N_("you cannot remove your own administrator role"))
    return None


def add(db: sqlite_utils.Database, raw: dict, actor: str) -> int:
    """Create a participant from form fields; raise InvalidParticipant. Returns the new id."""
    with write(db):
        participant, problems = check(db, raw)
        if problems:
            raise InvalidParticipant(problems)
        username = derive_username(participant.email, usernames(db))
        roles = granted_roles(participant.roles, ())
        user_id = auth.create_user(
            db, username=username, name=participant.name, email=participant.email,
            municipality=participant.municipality, area=participant.area, level=participant.level,
            roles=roles,
        )
        audit.log(db, actor, "add participant", f"{username} ({','.join(participant.roles)})")
        if identities.MANAGEMENT in participant.roles:
            identities.request_management(db, user_id, actor)
    return user_id


def granted_roles(asked: tuple[str, ...], held: tuple[str, ...]) -> tuple[str, ...]:
    """The roles an administrator's change writes: what was asked, but the management role only
    where the account holds it already (else it is asked for: identities.request_management)."""
    return tuple(r for r in asked if r != identities.MANAGEMENT or identities.MANAGEMENT in held)


def update(db: sqlite_utils.Database, user_id: int, raw: dict, actor: str) -> list[str]:
    """Change a participant's fields and roles; raise InvalidParticipant. Returns changed fields."""
    with write(db):
        user = _require(db, user_id)
        participant, problems = check(db, raw, user_id=user_id)
        if participant is not None:
            problems = [p for p in (_guard_own_admin(actor, user, participant.roles),
                                    _guard_duties(db, user, participant)) if p]
        if problems:
            raise InvalidParticipant(problems)
        written = granted_roles(participant.roles, user.roles)
        asks = identities.MANAGEMENT in participant.roles and identities.MANAGEMENT not in user.roles
        asked_before = asks and identities.pending_for(db, user_id)
        changed = [f for f in FIELDS if f != "roles" and getattr(participant, f) != getattr(user, f)]
        if written != user.roles or (asks and not asked_before):
            changed.append("roles")
        auth.update_account(db, user_id, name=participant.name, email=participant.email,
                            municipality=participant.municipality, area=participant.area, level=participant.level,
                            roles=written)
        if changed:
            roles = f" (roles {','.join(participant.roles)})" if "roles" in changed else ""
            audit.log(db, actor, "edit participant", f"{user.username}: {', '.join(changed)}{roles}")
        if asks:
            identities.request_management(db, user_id, actor)
    return changed


def _guard_duties(db: sqlite_utils.Database, user: auth.User, participant: Participant) -> FieldProblem | None:
    """The separation-of-duties rules for a change to an existing account (see the module); an
    account for which the management role was asked has that duty already."""
    held = user.duty or (identities.MANAGEMENT if identities.pending_for(db, user.id) else "")
    duty = auth.duty_problem(participant.roles, held)
    if duty:
        return FieldProblem("roles", duty)
    if "management" in participant.roles and "management" not in user.roles and invitations.link_was_shown(db, user.id):
        return FieldProblem("roles", LINK_WAS_SHOWN)
    if user.activated and participant.email.casefold() != user.email.casefold():
        return FieldProblem("email", EMAIL_IS_THE_HOLDERS)
    return None


def set_active(db: sqlite_utils.Database, user_id: int, active: bool, actor: str) -> None:
    """Deactivate (ending every session at once) or reactivate an account; not one's own."""
    with write(db):
        user = _require(db, user_id)
        if not active and auth.normalise_username(actor) == user.username:
            raise InvalidParticipant([FieldProblem("active", N_("you cannot deactivate your own account"))])
        auth.set_active(db, user_id, active)
        if not active:
            auth.end_sessions(db, user.username)
        audit.log(db, actor, "reactivate participant" if active else "deactivate participant", user.username)


def check_invitable(db: sqlite_utils.Database, user_id: int) -> auth.User:
    """The account a fresh invitation link may be made for: active and never activated. Raises
    InvalidParticipant otherwise (an activated account gets a password reset instead:
    `send_password_reset`). The link itself is made and sent by `programme.invitation_sending.resend_invitation`."""
    user = _require(db, user_id)
    if not user.active:
        raise InvalidParticipant([FieldProblem("active", N_("the account is deactivated: reactivate it first"))])
    if user.activated:
        raise InvalidParticipant([FieldProblem("account", invitations.ACTIVATED)])
    return user


def send_password_reset(db: sqlite_utils.Database, settings: Settings, user_id: int, actor: str) -> impersonation.ResetSent:
    """E-mail a password-reset link to an activated account's own address (never shown here).
    Raises InvalidParticipant when no reset may be sent, mailer.MailError when delivery failed."""
    user = _require(db, user_id)
    try:
        return impersonation.request_reset(db, settings, user_id, actor)
    except impersonation.AccountError as e:
        field_ = "active" if not user.active else "account"
        raise InvalidParticipant([FieldProblem(field_, e.msg, e.params)]) from e
    except invitations.InvitationRefused as e:
        raise InvalidParticipant([FieldProblem("account", e.msg, e.params)]) from e


# --- reading --------------------------------------------------------------------------------------


def participant_table(
    db: sqlite_utils.Database,
    search: str = "",
    *,
    municipality: str | None = None,
    area: str | None = None,
    level: str | None = None,
    role: str | None = None,
    active: bool | None = None,
) -> pd.DataFrame:
    """One row per user: who they are, roles, activation and which rounds they have taken.

    `search` matches name, e-mail or username; the other filters match exactly when given."""
    like = f"%{search.strip().lower()}%"
    where = ["(lower(u.name) LIKE ? OR lower(u.email) LIKE ? OR lower(u.username) LIKE ?)"]
    params: list = [like, like, like]
    for column, value in (("municipality", municipality), ("area", area), ("level", level)):
        if value:
            where.append(f"u.{column} = ?")
            params.append(value)
    if role:  # an unknown role matches no one
        where.append(auth.has_role_sql(role, "u") if role in auth.ROLES else "0")
    if active is not None:
        where.append("u.active = ?")
        params.append(int(active))
    rows = db.execute(
        f"""
        SELECT u.id, u.name, u.username, u.email, u.municipality, u.area, u.level, u.roles,
               u.active, u.activated_at,
               MAX(CASE WHEN p.round = 'start' THEN p.taken_on END) AS start_taken,
               MAX(CASE WHEN p.round = 'end' THEN p.taken_on END) AS end_taken,
               u.invited_at
        FROM users u LEFT JOIN participation p ON p.user_id = u.id
        WHERE {' AND '.join(where)}
        GROUP BY u.id ORDER BY u.name
        """,
        params,
    ).fetchall()
    columns = ["id", "name", "username", "email", "municipality", "area", "level", "roles",
               "active", "activated_at", "start_taken", "end_taken", "invited_at"]
    return pd.DataFrame(rows, columns=columns)
