"""Issue 21: an account holds at most DIGLED_MAX_SESSIONS open login sessions (default 10); a new
login ends the oldest. Without a cap, a script logging in again and again (or a stolen password
used from many places) piled up live sessions that only the idle time ended."""

from __future__ import annotations

import pytest

from digled.accounts import auth, sessions
from digled.platform import config

NOW = 1_800_000_000.0
KEY = "cap-cookie-key-Hs3Lq9VzTm6KxB2nRf7WcJ4pYd8GaE5u"


@pytest.fixture
def lea(database):
    auth.create_user(database, username="lea", name="Lea Leder", roles=["leader"])
    auth.create_user(database, username="ole", name="Ole Other", roles=["leader"])
    return auth.get_user(database, "lea")


def _open(database, user_id) -> list[int]:
    return [r[0] for r in database.execute(
        "SELECT id FROM login_sessions WHERE user_id = ? AND ended_at IS NULL ORDER BY id", [user_id])]


def _login(database, user, at, limit=10):
    session_id, ticket = sessions.begin(database, user.id, KEY, now=at, limit=limit)
    assert sessions.confirm(database, sessions.redeem(database, ticket, KEY, now=at), KEY, now=at)
    return session_id


def test_the_eleventh_login_ends_the_oldest_session(database, lea):
    ole = auth.get_user(database, "ole")
    ole_session = _login(database, ole, NOW)
    made = [_login(database, lea, NOW + i) for i in range(12)]
    assert config.DEFAULT_MAX_SESSIONS == 10
    assert _open(database, lea.id) == made[2:]  # the two oldest were ended
    for ended in made[:2]:
        assert sessions.get(database, ended).problem(lea, config.SessionPolicy(), now=NOW + 20) == "ended"
    assert sessions.get(database, made[-1]).problem(lea, config.SessionPolicy(), now=NOW + 20) is None
    assert _open(database, ole.id) == [ole_session]  # other accounts untouched


def test_the_cap_is_a_setting(database, lea):
    assert config.session_policy({}).max_sessions == 10
    assert config.session_policy({"DIGLED_MAX_SESSIONS": "3"}).max_sessions == 3
    for bad in ("0", "-1", "many", "5000"):
        with pytest.raises(config.ConfigError, match="DIGLED_MAX_SESSIONS"):
            config.session_policy({"DIGLED_MAX_SESSIONS": bad})
    made = [_login(database, lea, NOW + i, limit=3) for i in range(5)]
    assert _open(database, lea.id) == made[2:]
    _login(database, lea, NOW + 10, limit=1)
    assert len(_open(database, lea.id)) == 1


def test_the_login_page_applies_the_setting(demo_db, monkeypatch):
    from tests.apptest import app_as

    monkeypatch.setenv("DIGLED_MAX_SESSIONS", "2")
    for _ in range(3):
        at = app_as(None).run()
        at.text_input(key="login_username").input("leder")
        at.text_input(key="login_password").input("demo")
        at.button[0].click().run()
        assert at.session_state["authentication_status"] is True
    leder = auth.get_user(demo_db, "leder")
    assert len(_open(demo_db, leder.id)) == 2
