"""Identities an administrator cannot invent: who counts in figures, and who may read them.

An administrator may create accounts and, where no e-mail can be sent, sees invitation links.
So an administrator could create leaders, answer as them and subtract their known answers from
the published figures; or create a management account at an address it controls and read the
figures itself. Two rules close both routes (anonymity.py, the gate, relies on them):

- **Counted leaders.** A leader's answers and steps count in figures (publications.py) only
  once the account is *counted* (`users.counted_at`): activated from an address in the
  municipalities' mail domains (the operator's DIGLED_MAIL_DOMAINS, e.g. "albertslund.dk,
  glostrup.dk"; empty: any domain, with a warning on the settings page) through a link that
  reached that address by e-mail, or logged in by single sign-on (the identity provider's word).
  An account whose invitation link was shown on screen counts only once its holder sets a new
  password from a link e-mailed to that address (a password reset).
- **Management from management.** The management role is granted by the operator on the
  command line (`python -m digled grant-management USER`, audited) or by an active management
  user who confirms an administrator's request in the app (`role_requests`); an administrator
  alone only asks. Every other management user is told of each grant.
- **A management account's municipality.** A management account may be scoped to one
  municipality (`users.scope`; digled/insight/audiences.py says what it then reads). The operator
  sets it on the command line (`python -m digled scope-management USER MUNICIPALITY|all`); an
  administrator only asks (`request_scope`), and a management user confirms like the role itself,
  never for their own account and never giving more than they read themselves (a Glostrup
  account confirms only Glostrup, and the management role it confirms comes scoped to Glostrup).
  A scope takes effect at the account's next page view.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlite_utils

from digled.accounts import auth, notices, organisation
from digled.platform import audit, pseudonyms
from digled.platform.db import write
from digled.platform.i18n import N_, MessageError

MANAGEMENT = "management"
SCOPE = "scope"  # a role_requests row asking for a management account's municipality
HOW = ("invitation", "reset", "sso", "operator", "existing")

REQUESTED = N_("{actor} asked on {date} for {name} ({username}) to get the management role. Management sees the "
               "published figures about leaders, so the role is given only when a management user confirms it. "
               "Confirm or refuse it on the page Participation.")
GRANTED = N_("{name} ({username}) was given the management role by {actor} on {date}. Management sees the published "
             "figures about leaders. If this is not right, contact the server operator.")


class RoleRequestError(MessageError):
    """A management request that cannot be decided (translated where shown)."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- counted leaders -------------------------------------------------------------------------------


def domain_of(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in (email or "") else ""


def domain_allowed(email: str, domains: tuple[str, ...]) -> bool:
    """True when the address is in one of the municipalities' mail domains (or a subdomain of
    one); every address when no domain is set."""
    if not domains:
        return True
    d = domain_of(email)
    return any(d == x or d.endswith("." + x) for x in domains)


def count(db: sqlite_utils.Database, user_id: int, how: str, when: datetime | None = None) -> bool:
    """Mark an account counted from now on (once; later calls keep the first moment). Returns
    True when it was not counted before. Inside the caller's transaction where there is one.
    `when`: the moment (now; the demo dates its invented history)."""
    if how not in HOW:
        raise ValueError(f"unknown way of counting {how!r}")
    return auth.mark_counted(db, user_id, when.astimezone(UTC).isoformat(timespec="seconds") if when else _now())


def on_activation(db: sqlite_utils.Database, user: auth.User, purpose: str, link_shown: bool,
                  domains: tuple[str, ...]) -> bool:
    """An invitation or reset link was used: count the account when the link reached its
    address by e-mail (an invitation never shown on screen, or a reset) and the address is in
    the municipalities' domains. Returns whether the account counts now."""
    if purpose == "invitation" and link_shown:
        return False
    if not domain_allowed(user.email, domains):
        return False
    count(db, user.id, "reset" if purpose == "reset" else "invitation")
    return True


def counted(db: sqlite_utils.Database, user_id: int) -> bool:
    row = db.execute("SELECT counted_at FROM users WHERE id = ?", [user_id]).fetchone()
    return bool(row and row[0])


def uncounted_respondents(db: sqlite_utils.Database, secret: str) -> set[str]:
    """The pseudonyms of the leaders whose answers do not count (yet): publications leave
    their attempts out."""
    ids = [r[0] for r in db.execute(
        f"SELECT id FROM users WHERE counted_at IS NULL AND {auth.LEADER_SQL}")]
    return {pseudonyms.of_user(secret, i) for i in ids}


def counted_between(db: sqlite_utils.Database, after: str | None, until: str) -> int:
    """Leaders counted after `after` (an ISO moment; None: ever) and until `until`: what a
    publication states as new identities since the previous one."""
    return db.execute(
        "SELECT COUNT(*) FROM users WHERE counted_at IS NOT NULL AND counted_at <= ? AND (? IS NULL OR counted_at > ?) "
        f"AND {auth.LEADER_SQL}", [until, after, after]).fetchone()[0]


# --- the management role -----------------------------------------------------------------------


def request_management(db: sqlite_utils.Database, user_id: int, actor: str) -> int:
    """An administrator asks for `user_id` to get the management role: a pending request
    (one per account), and every active management user is told. Returns the request id."""
    with write(db):
        user = auth.get_user_by_id(db, user_id)
        if user is None:
            raise KeyError(f"no user with id {user_id}")
        row = db.execute("SELECT id FROM role_requests WHERE user_id = ? AND role = ? AND decided_at IS NULL",
                         [user_id, MANAGEMENT]).fetchone()
        if row:
            return row[0]
        rid = db.execute("INSERT INTO role_requests (user_id, role, requested_by, requested_at) VALUES (?, ?, ?, ?)",
                         [user_id, MANAGEMENT, actor, _now()]).lastrowid
        audit.log(db, actor, "request management role", user.username)
        for other in _management_ids(db, exclude=user_id):
            notices.add(db, other, REQUESTED, actor=actor, name=user.name, username=user.username,
                        date=date.today().isoformat())
    return rid


def pending(db: sqlite_utils.Database) -> list[dict]:
    """The open requests: id, user_id, username, name, requested_by, requested_at."""
    return [dict(r) for r in db.query(
        "SELECT r.id, r.user_id, u.username, u.name, r.requested_by, r.requested_at FROM role_requests r "
        "JOIN users u ON u.id = r.user_id WHERE r.decided_at IS NULL AND r.role = ? ORDER BY r.id", [MANAGEMENT])]


def pending_for(db: sqlite_utils.Database, user_id: int) -> bool:
    """True while an administrator's request for the management role waits for `user_id`."""
    return db.execute("SELECT 1 FROM role_requests WHERE user_id = ? AND role = ? AND decided_at IS NULL",
                      [user_id, MANAGEMENT]).fetchone() is not None


def decide(db: sqlite_utils.Database, request_id: int, actor: str, grant: bool) -> None:
    """A management user confirms (grant) or refuses a request. Refused (RoleRequestError)
    when the actor holds no management role, is the account asked for, or the request is gone."""
    with write(db):
        me = auth.get_user(db, actor)
        if me is None or not me.active or MANAGEMENT not in me.roles:
            raise RoleRequestError(N_("Only a management user can confirm the management role."))
        row = db.execute("SELECT user_id FROM role_requests WHERE id = ? AND role = ? AND decided_at IS NULL",
                         [request_id, MANAGEMENT]).fetchone()
        if row is None:
            raise RoleRequestError(N_("This request has already been decided."))
        if row[0] == me.id:
            raise RoleRequestError(N_("You cannot confirm your own management role."))
        db.execute("UPDATE role_requests SET decided_by = ?, decided_at = ?, decision = ? WHERE id = ?",
                   [actor, _now(), "granted" if grant else "refused", request_id])
        if grant:
            _grant(db, row[0], actor)
            if me.scope is not None:  # a scoped user gives no more than it reads: the role for its municipality
                _set_scope(db, row[0], me.scope, actor)
        else:
            audit.log(db, actor, "refuse management role", str(row[0]))


def grant_by_operator(db: sqlite_utils.Database, username: str) -> auth.User:
    """The operator's grant on the command line (audited as 'operator'); any open request of
    the account is closed as granted. Refused for an administrator (separation of duties)."""
    with write(db):
        user = auth.get_user(db, username)
        if user is None:
            raise RoleRequestError(N_("There is no account called {username}."), username=username)
        _grant(db, user.id, "operator")
        db.execute("UPDATE role_requests SET decided_by = 'operator', decided_at = ?, decision = 'granted' "
                   "WHERE user_id = ? AND decided_at IS NULL", [_now(), user.id])
    return auth.get_user(db, username)


def _grant(db: sqlite_utils.Database, user_id: int, actor: str) -> None:
    user = auth.get_user_by_id(db, user_id)
    roles = tuple(dict.fromkeys((*user.roles, MANAGEMENT)))
    problem = auth.duty_problem(roles, user.duty)
    if problem:
        raise RoleRequestError(problem)
    auth.set_roles(db, user_id, roles)
    audit.log(db, actor, "grant management role", user.username)
    for other in _management_ids(db, exclude=user_id):
        notices.add(db, other, GRANTED, name=user.name, username=user.username, actor=actor, date=date.today().isoformat())


def _management_ids(db: sqlite_utils.Database, exclude: int) -> list[int]:
    return [r[0] for r in db.execute(
        f"SELECT id FROM users WHERE active = 1 AND id != ? AND {auth.has_role_sql(MANAGEMENT)}", [exclude])]


# --- a management account's municipality ---------------------------------------------------------

SCOPE_REQUESTED = N_("{actor} asked on {date} for {name} ({username}) to read {scope}. Confirm or refuse it on the "
                     "page Participation.")
SCOPE_SET = N_("{name} ({username}) now reads {scope}, set by {actor} on {date}.")
SCOPE_REQUESTED_EVERY = N_("{actor} asked on {date} for {name} ({username}) to read every municipality. Confirm or "
                           "refuse it on the page Participation.")
SCOPE_SET_EVERY = N_("{name} ({username}) now reads every municipality, set by {actor} on {date}.")
EVERY = "all"  # the command line's word for every municipality


def scope_of(db: sqlite_utils.Database, user_id: int) -> str | None:
    """The municipality a management account reads, fresh from the database (None: every one)."""
    row = db.execute("SELECT scope FROM users WHERE id = ?", [user_id]).fetchone()
    return row[0] if row else None


def _check_scope(db: sqlite_utils.Database, municipality: str | None) -> None:
    if municipality is not None and municipality not in organisation.current(db).municipalities:
        raise RoleRequestError(N_("There is no municipality called {municipality}."), municipality=municipality)


def request_scope(db: sqlite_utils.Database, user_id: int, municipality: str | None, actor: str) -> int:
    """An administrator asks for a management account to read one municipality (None: every
    one): a pending request that replaces an open one for the account; the other management
    users are told. Returns the request id (0 when the account reads that already)."""
    _check_scope(db, municipality)
    with write(db):
        user = auth.get_user_by_id(db, user_id)
        if user is None:
            raise KeyError(f"no user with id {user_id}")
        db.execute("DELETE FROM role_requests WHERE user_id = ? AND role = ? AND decided_at IS NULL", [user_id, SCOPE])
        if user.scope == municipality:
            return 0
        rid = db.execute("INSERT INTO role_requests (user_id, role, scope, requested_by, requested_at) "
                         "VALUES (?, ?, ?, ?, ?)", [user_id, SCOPE, municipality, actor, _now()]).lastrowid
        audit.log(db, actor, "request management scope", f"{user.username}: {municipality or EVERY}")
        for other in _management_ids(db, exclude=user_id):
            notices.add(db, other, SCOPE_REQUESTED if municipality else SCOPE_REQUESTED_EVERY, actor=actor,
                        name=user.name, username=user.username, scope=municipality or "", date=date.today().isoformat())
    return rid


def pending_scopes(db: sqlite_utils.Database) -> list[dict]:
    """The open scope requests: id, user_id, username, name, scope, requested_by, requested_at."""
    return [dict(r) for r in db.query(
        "SELECT r.id, r.user_id, u.username, u.name, r.scope, r.requested_by, r.requested_at FROM role_requests r "
        "JOIN users u ON u.id = r.user_id WHERE r.decided_at IS NULL AND r.role = ? ORDER BY r.id", [SCOPE])]


def decide_scope(db: sqlite_utils.Database, request_id: int, actor: str, grant: bool) -> None:
    """A management user confirms (grant) or refuses a scope request. Refused (RoleRequestError)
    when the actor is no active management user, is the account asked for, would give more than
    it reads itself (a scoped actor confirms only its own municipality), or the request is gone."""
    with write(db):
        me = auth.get_user(db, actor)
        if me is None or not me.active or MANAGEMENT not in me.roles:
            raise RoleRequestError(N_("Only a management user can confirm what a management account reads."))
        row = db.execute("SELECT user_id, scope FROM role_requests WHERE id = ? AND role = ? AND decided_at IS NULL",
                         [request_id, SCOPE]).fetchone()
        if row is None:
            raise RoleRequestError(N_("This request has already been decided."))
        user_id, municipality = row
        if user_id == me.id:
            raise RoleRequestError(N_("You cannot confirm what your own account reads."))
        if grant and me.scope is not None and municipality != me.scope:
            raise RoleRequestError(N_("You can only confirm your own municipality: you do not read more yourself."))
        db.execute("UPDATE role_requests SET decided_by = ?, decided_at = ?, decision = ? WHERE id = ?",
                   [actor, _now(), "granted" if grant else "refused", request_id])
        if grant:
            _set_scope(db, user_id, municipality, actor)
        else:
            audit.log(db, actor, "refuse management scope", str(user_id))


def scope_by_operator(db: sqlite_utils.Database, username: str, municipality: str | None) -> auth.User:
    """The operator's word on the command line (audited as 'operator'); an open request of the
    account is closed as decided by the operator."""
    _check_scope(db, municipality)
    with write(db):
        user = auth.get_user(db, username)
        if user is None:
            raise RoleRequestError(N_("There is no account called {username}."), username=username)
        db.execute("UPDATE role_requests SET decided_by = 'operator', decided_at = ?, decision = 'refused' "
                   "WHERE user_id = ? AND role = ? AND decided_at IS NULL", [_now(), user.id, SCOPE])
        _set_scope(db, user.id, municipality, "operator")
    return auth.get_user(db, username)


def _set_scope(db: sqlite_utils.Database, user_id: int, municipality: str | None, actor: str) -> None:
    user = auth.get_user_by_id(db, user_id)
    auth.set_scope(db, user_id, municipality)
    audit.log(db, actor, "set management scope", f"{user.username}: {municipality or EVERY}")
    for other in _management_ids(db, exclude=0):  # the account itself is told too
        notices.add(db, other, SCOPE_SET if municipality else SCOPE_SET_EVERY, name=user.name, username=user.username,
                    scope=municipality or "", actor=actor, date=date.today().isoformat())
