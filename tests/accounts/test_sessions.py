"""digled.accounts.sessions: an opaque random id in an HttpOnly cookie, the session on the server.

The rules tested: the database holds only HMACs of ids and tickets; a ticket is redeemed once,
within TICKET_SECONDS, for a live session; a session is valid while not ended, used within its
idle time (shorter for admins), younger than the maximum age and begun after the account's last
logout; an account holds at most `limit` open sessions; the logout route deletes the browser's
cookie unless it belongs to a live session; on https only the `__Host-` cookie counts.
"""

from __future__ import annotations

import pytest

from digled.accounts import auth, sessions
from digled.platform import config

NOW = 1_800_000_000.0
KEY = "k" * 40


@pytest.fixture
def lea(database, demo_hash):
    auth.create_user(database, username="lea", name="Lea Lund", email="lea@x.dk", roles=["leader"],
                     password_hash=demo_hash)
    return auth.get_user(database, "lea")


def _login(database, user, now=NOW):
    session_id, ticket = sessions.begin(database, user.id, KEY, now=now)
    return session_id, sessions.redeem(database, ticket, KEY, now=now)


# --- moved from tests/accounts/test_auth.py ---------------------------------------------------


def test_a_session_begun_before_logout_is_refused(database, ole):
    policy = config.SessionPolicy()
    session_id, ticket = sessions.begin(database, ole.id, "k" * 40, now=NOW)
    token = sessions.redeem(database, ticket, "k" * 40, now=NOW + 1)
    found = sessions.from_token(database, token, "k" * 40)
    assert found.id == session_id and found.problem(ole, policy, now=NOW + 10) is None
    auth.end_sessions(database, "ole", now=NOW + 5)  # logout
    ole = auth.get_user(database, "ole")
    assert sessions.from_token(database, token, "k" * 40).problem(ole, policy, now=NOW + 10) == "ended"
    newer, ticket = sessions.begin(database, ole.id, "k" * 40, now=NOW + 6)
    sessions.redeem(database, ticket, "k" * 40, now=NOW + 6)
    assert sessions.get(database, newer).problem(ole, policy, now=NOW + 10) is None


def test_idle_session_and_inactive_user_are_refused(database, ole):
    policy = config.SessionPolicy()
    session_id, ticket = sessions.begin(database, ole.id, "k" * 40, now=NOW)
    sessions.redeem(database, ticket, "k" * 40, now=NOW)
    found = sessions.get(database, session_id)
    assert found.problem(ole, policy, now=NOW + 3599) is None  # ole is an admin: one hour
    assert found.problem(ole, policy, now=NOW + 3601) == "idle"
    database.execute("UPDATE users SET active = 0")
    assert found.problem(auth.get_user(database, "ole"), policy, now=NOW + 10) == "no active account"


# --- tickets, cookies and the database -------------------------------------------------------


def test_the_database_holds_only_hmacs_of_the_ticket_and_the_cookie_id(database, lea):
    session_id, ticket = sessions.begin(database, lea.id, KEY, now=NOW)
    token = sessions.redeem(database, ticket, KEY, now=NOW + 1)
    stored = " ".join(str(v) for row in database.execute("SELECT * FROM login_sessions") for v in row)
    assert ticket not in stored and token not in stored
    assert sessions.digest(KEY, token) in stored
    assert sessions.digest(KEY, token) != sessions.digest("other" * 8, token)  # keyed: a backup alone opens nothing
    assert len(token) >= 40 and sessions.from_token(database, token, KEY).id == session_id


def test_a_ticket_is_redeemed_once_and_only_within_its_minute(database, lea):
    _, ticket = sessions.begin(database, lea.id, KEY, now=NOW)
    assert sessions.redeem(database, ticket, KEY, now=NOW + sessions.TICKET_SECONDS + 1) is None  # expired
    _, ticket = sessions.begin(database, lea.id, KEY, now=NOW)
    assert sessions.redeem(database, ticket, KEY, now=NOW + sessions.TICKET_SECONDS) is not None
    assert sessions.redeem(database, ticket, KEY, now=NOW + 1) is None  # used
    for bad in ("", "x" * 101, "unknown"):
        assert sessions.redeem(database, bad, KEY, now=NOW) is None
    session_id, ticket = sessions.begin(database, lea.id, KEY, now=NOW)
    sessions.end(database, session_id, now=NOW)
    assert sessions.redeem(database, ticket, KEY, now=NOW + 1) is None  # ended before the handover


def test_a_pending_session_is_handed_over_only_when_the_browser_returns_the_cookie(database, lea):
    session_id, token = _login(database, lea)
    assert sessions.get(database, session_id).handed_over is False
    assert sessions.confirm(database, None, KEY) is False and sessions.confirm(database, "x" * 101, KEY) is False
    assert sessions.confirm(database, token, KEY, now=NOW + 2) is True
    assert sessions.confirm(database, token, KEY, now=NOW + 9) is True  # again: kept as first confirmed
    assert database.execute("SELECT confirmed_at FROM login_sessions").fetchone()[0] == NOW + 2
    assert sessions.get(database, session_id).handed_over is True
    sessions.end(database, session_id, now=NOW + 10)
    assert sessions.confirm(database, token, KEY, now=NOW + 11) is False


def test_a_session_whose_cookie_never_arrived_is_discarded_but_a_confirmed_one_is_not(database, lea):
    pending, _ = _login(database, lea)
    sessions.discard(database, pending)
    assert sessions.get(database, pending) is None
    held, token = _login(database, lea)
    sessions.confirm(database, token, KEY)
    sessions.discard(database, held)
    assert sessions.get(database, held) is not None


def test_from_token_refuses_absent_long_and_unknown_values(database, lea):
    _login(database, lea)
    assert sessions.from_token(database, None, KEY) is None
    assert sessions.from_token(database, "", KEY) is None
    assert sessions.from_token(database, "a" * 101, KEY) is None
    assert sessions.from_token(database, "not-a-session", KEY) is None


def test_login_of_gives_the_session_its_account_and_why_it_logs_nobody_in(database, lea):
    policy = config.SessionPolicy()
    session_id, token = _login(database, lea)
    found, user, problem = sessions.login_of(database, token, KEY, policy, now=NOW + 1)
    assert found.id == session_id and user.username == "lea" and problem is None
    assert sessions.login_of(database, "nothing", KEY, policy) == (None, None, "unknown")
    _, _, problem = sessions.login_of(database, token, KEY, policy, now=NOW + 8 * 3600 + 1)
    assert problem == "idle"  # a leader: eight hours


def test_a_session_is_too_old_after_the_maximum_age_even_when_used(database, lea):
    policy = config.SessionPolicy()
    session_id, _ = _login(database, lea)
    s = sessions.get(database, session_id)
    recent = sessions.Session(s.id, s.user_id, s.created_at, NOW + policy.max_age_seconds, None, True, None)
    assert recent.problem(lea, policy, now=NOW + policy.max_age_seconds) is None
    assert recent.problem(lea, policy, now=NOW + policy.max_age_seconds + 1) == "too old"
    assert s.problem(None, policy, now=NOW) == "no active account"


def test_a_session_belongs_to_its_own_account_only(database, ole, lea):
    session_id, _ = _login(database, lea)
    assert sessions.get(database, session_id).problem(ole, config.SessionPolicy(), now=NOW) == "no active account"


def test_touch_writes_at_most_once_a_minute(database, lea):
    session_id, _ = _login(database, lea)
    s = sessions.get(database, session_id)
    sessions.touch(database, s, now=NOW + sessions.TOUCH_SECONDS - 1)
    assert sessions.get(database, session_id).last_seen == NOW
    sessions.touch(database, s, now=NOW + sessions.TOUCH_SECONDS)
    assert sessions.get(database, session_id).last_seen == NOW + sessions.TOUCH_SECONDS
    sessions.end(database, session_id, now=NOW + 100)
    sessions.touch(database, sessions.get(database, session_id), now=NOW + 500)
    assert sessions.get(database, session_id).last_seen == NOW + sessions.TOUCH_SECONDS  # ended: left alone


def test_an_account_holds_at_most_limit_open_sessions_the_oldest_ended_first(database, lea, ole):
    ids = [sessions.begin(database, lea.id, KEY, now=NOW + i, limit=3)[0] for i in range(5)]
    other, _ = sessions.begin(database, ole.id, KEY, now=NOW, limit=3)
    open_ = [i for i in ids if sessions.get(database, i).ended_at is None]
    assert open_ == ids[-3:]
    assert sessions.get(database, other).ended_at is None  # another account's sessions are not counted
    newest, _ = sessions.begin(database, lea.id, KEY, now=NOW + 9, limit=0)  # a limit below 1 counts as 1
    assert [i for i in [*ids, newest] if sessions.get(database, i).ended_at is None] == [newest]


def test_end_keeps_the_first_end(database, lea):
    session_id, _ = _login(database, lea)
    sessions.end(database, session_id, now=NOW + 5)
    sessions.end(database, session_id, now=NOW + 50)
    assert sessions.get(database, session_id).ended_at == NOW + 5


# --- logout ----------------------------------------------------------------------------------


def test_logout_deletes_the_cookie_of_an_ended_session_and_marks_it_cleared(database, lea):
    session_id, token = _login(database, lea)
    ticket = sessions.logout_ticket(database, session_id, KEY, now=NOW + 10)
    assert sessions.get(database, session_id).ended_at == NOW + 10
    assert sessions.clear(database, KEY, ticket, token, now=NOW + 11) is True
    assert sessions.get(database, session_id).cleared_at == NOW + 11
    assert sessions.clear(database, KEY, None, None) is True  # no cookie: nothing to keep


def test_logout_of_a_stale_tab_keeps_the_cookie_of_a_newer_live_session(database, lea):
    old, _ = _login(database, lea)
    ticket = sessions.logout_ticket(database, old, KEY, now=NOW + 10)
    _, newer_token = _login(database, lea, now=NOW + 20)  # another tab logged in again
    assert sessions.clear(database, KEY, ticket, newer_token, now=NOW + 21) is False
    assert sessions.get(database, old).cleared_at == NOW + 21


def test_an_expired_logout_ticket_marks_nothing(database, lea):
    session_id, token = _login(database, lea)
    ticket = sessions.logout_ticket(database, session_id, KEY, now=NOW)
    assert sessions.clear(database, KEY, ticket, token, now=NOW + sessions.TICKET_SECONDS + 1) is True
    assert sessions.get(database, session_id).cleared_at is None


def test_purge_deletes_only_sessions_unusable_for_over_a_day(database, lea):
    policy = config.SessionPolicy()
    ended, _ = _login(database, lea)
    sessions.end(database, ended, now=NOW)
    live, _ = _login(database, lea, now=NOW + 86400)
    sessions.purge(database, policy, now=NOW + 86400)
    assert sessions.get(database, ended) is not None  # ended just a day ago
    sessions.purge(database, policy, now=NOW + 86401)
    assert sessions.get(database, ended) is None and sessions.get(database, live) is not None
    sessions.purge(database, policy, now=NOW + 86400 + policy.idle_seconds + 86400 + 1)
    assert sessions.get(database, live) is None  # idle for longer than any account may be, plus a day


# --- cookie headers --------------------------------------------------------------------------


@pytest.mark.parametrize(("base_url", "scheme", "expected"), [
    ("https://digled.example.dk", None, True),
    ("HTTPS://DIGLED.EXAMPLE.DK", "http", True),
    ("http://localhost:8501", None, False),
    (None, "https", True),
    (None, "wss", True),
    ("", "ws", False),
    (None, None, False),
])
def test_the_cookie_is_secure_when_the_address_or_the_request_is_https(base_url, scheme, expected):
    assert sessions.secure(base_url, scheme) is expected


def test_the_set_cookie_header_is_httponly_strict_and_secure_on_https():
    plain = sessions.set_cookie_header("abc", False, 3600.7)
    assert plain == "digled_session=abc; Max-Age=3600; Path=/; HttpOnly; SameSite=Strict"
    secure = sessions.set_cookie_header("abc", True, 60)
    assert secure.startswith("__Host-digled_session=abc;") and secure.endswith("; Secure")
    assert "Domain" not in secure


def test_logout_deletes_every_cookie_digled_ever_set():
    plain = sessions.delete_cookie_headers(False)
    assert plain == ["digled_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict",
                     "digled_auth=; Max-Age=0; Path=/; SameSite=Strict"]
    secure = sessions.delete_cookie_headers(True)
    assert len(secure) == 3 and any(h.startswith("__Host-digled_session=; Max-Age=0") and h.endswith("Secure")
                                    for h in secure)


def test_on_https_only_the_host_prefixed_cookie_counts():
    both = {"__Host-digled_session": "good", "digled_session": "planted"}
    assert sessions.cookie_value(both, True) == "good"
    assert sessions.cookie_value({"digled_session": "planted"}, True) is None
    assert sessions.cookie_value(both, False) == "good"  # http: the __Host- name first
    assert sessions.cookie_value({"digled_session": "plain"}, False) == "plain"
    assert sessions.cookie_value({"digled_session": ""}, False) is None
    assert sessions.cookie_value(None, False) is None and sessions.cookie_value({}, True) is None
