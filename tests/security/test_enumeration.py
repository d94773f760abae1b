"""Issue 14, item 4: username enumeration. Every failed login gets the same answer and runs the
same bcrypt check whether the username exists or not (against a dummy hash of the same cost for
unknown names), a name is locked after 5 failures whether it exists or not, and a client address
is refused after too many failures besides the per-name lockout. The times themselves, known
against unknown names, are measured by `python benchmarks/run.py --only login` (a shared
machine is no place to compare wall-clock times in a test)."""

from __future__ import annotations

import time

import bcrypt
import pytest

from digled.accounts import auth

PASSWORD = "the right password"


@pytest.fixture(scope="module")
def real_hash():
    return auth.hash_password(PASSWORD)  # the production cost, like every stored hash


@pytest.fixture
def known(database, real_hash):
    auth.create_user(database, username="kendt", name="Kendt Leder", password_hash=real_hash)
    return auth.get_user(database, "kendt")


def _attempt(database, name, password="a wrong password", client="192.0.2.1", limit=1000):
    return auth.attempt_login(database, name, password, client, limit)


def test_unknown_and_known_names_get_the_same_answer(database, known, real_hash):
    auth.create_user(database, username="ny", name="Not activated")  # no password yet
    auth.create_user(database, username="gone", name="Deactivated", password_hash=real_hash)
    database.execute("UPDATE users SET active = 0 WHERE username = 'gone'")
    answers = {name: _attempt(database, name).error for name in ("kendt", "ukendt", "ny", "gone")}
    assert set(answers.values()) == {auth.WRONG}, answers
    assert _attempt(database, "gone", PASSWORD).error == auth.WRONG  # right password, deactivated


def test_unknown_names_lock_exactly_like_known_ones(database, known):
    for name in ("kendt", "ukendt"):
        answers = [_attempt(database, name).error for _ in range(auth.MAX_FAILED_LOGINS + 1)]
        assert answers == [auth.WRONG] * (auth.MAX_FAILED_LOGINS - 1) + [auth.LOCKED] * 2, name
    assert _attempt(database, "kendt", PASSWORD).error == auth.LOCKED  # even the right password
    assert "account" not in auth.LOCKED.lower()  # says nothing about an account existing


def test_the_lock_ends_alike_for_known_and_unknown_names(database, known):
    start = time.time()
    for name in ("kendt", "ukendt"):
        for _ in range(auth.MAX_FAILED_LOGINS):
            auth.attempt_login(database, name, "wrong", "192.0.2.1", 1000, now=start)
    later = start + auth.LOCK_SECONDS + 1
    assert auth.attempt_login(database, "ukendt", "wrong", "192.0.2.1", 1000, now=later).error == auth.WRONG
    assert auth.attempt_login(database, "kendt", PASSWORD, "192.0.2.1", 1000, now=later).user.id == known.id


@pytest.fixture
def bcrypt_checks(monkeypatch) -> list[str]:
    """The hash of every bcrypt check made while the test runs (bcrypt.checkpw, as auth calls it)."""
    checked: list[str] = []
    real = bcrypt.checkpw

    def spy(password: bytes, hashed: bytes) -> bool:
        checked.append(hashed.decode("ascii"))
        return real(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", spy)
    return checked


def _cost(bcrypt_hash: str) -> str:
    return bcrypt_hash.split("$")[2]  # $2b$12$...: the cost is the work, and so the time


def test_unknown_and_known_names_run_the_same_bcrypt_check(database, known, real_hash, bcrypt_checks):
    """What makes the times alike: every failed attempt runs bcrypt exactly once, at the cost of
    a stored hash (the production cost), whether the name is an account, unknown, not yet
    activated or deactivated. Before the fix an unknown name ran no bcrypt at all (~130 ms
    against ~300 ms)."""
    auth.create_user(database, username="ny", name="Not activated")  # no password yet
    auth.create_user(database, username="gone", name="Deactivated", password_hash=real_hash)
    database.execute("UPDATE users SET active = 0 WHERE username = 'gone'")
    assert _cost(real_hash) == _cost(auth.DUMMY_HASH) == "12"
    checked = {}
    for name in ("kendt", "ukendt-navn", "ny", "gone"):
        bcrypt_checks.clear()
        assert _attempt(database, name, client=None).error == auth.WRONG
        checked[name] = list(bcrypt_checks)
    assert checked == {"kendt": [real_hash], "ukendt-navn": [auth.DUMMY_HASH], "ny": [auth.DUMMY_HASH],
                       "gone": [auth.DUMMY_HASH]}


def test_locked_names_run_the_same_bcrypt_check(database, known, real_hash, bcrypt_checks):
    """A locked name still runs its one bcrypt check, known or not (no early answer to time)."""
    for name in ("kendt", "ukendt"):
        for _ in range(auth.MAX_FAILED_LOGINS):
            _attempt(database, name)
    for name, expected in (("kendt", real_hash), ("ukendt", auth.DUMMY_HASH)):
        bcrypt_checks.clear()
        assert _attempt(database, name).error == auth.LOCKED
        assert _attempt(database, name, PASSWORD).error == auth.LOCKED
        assert bcrypt_checks == [expected, expected], name


def test_a_client_with_too_many_failures_is_refused(database, known):
    limit = 6
    for i in range(limit - 1):  # different names: the per-name lockout never triggers
        assert auth.attempt_login(database, f"name{i}", "wrong", "198.51.100.7", limit).error == auth.WRONG
    assert auth.attempt_login(database, "name-x", "wrong", "198.51.100.7", limit).error == auth.CLIENT_LOCKED
    # now refused, even with the right password, without spending bcrypt on it
    assert auth.attempt_login(database, "kendt", PASSWORD, "198.51.100.7", limit).error == auth.CLIENT_LOCKED
    # another client is not affected
    assert auth.attempt_login(database, "kendt", PASSWORD, "203.0.113.9", limit).user.id == known.id


def test_the_client_limit_ends_after_its_window(database, known):
    start = time.time()
    for i in range(3):
        auth.attempt_login(database, f"n{i}", "wrong", "198.51.100.8", 3, now=start)
    assert auth.client_locked(database, "198.51.100.8", start + 60)
    assert not auth.client_locked(database, "198.51.100.8", start + auth.CLIENT_LOCK_SECONDS + 1)


def test_the_login_form_answers_alike_and_limits_a_client(demo_db, monkeypatch):
    """Through the page: the same text for an unknown and a known name, and the client limit
    (DIGLED_LOGIN_CLIENT_LIMIT) from the address Streamlit reports."""
    from digled.ui import login
    from tests.apptest import app_as, page_text

    monkeypatch.setenv("DIGLED_DEMO", "1")
    monkeypatch.setenv("DIGLED_LOGIN_CLIENT_LIMIT", "5")
    monkeypatch.setattr(login, "client_address", lambda: "198.51.100.9")
    at = app_as(None).run()
    texts = []
    for name in ("leder", "nobody-here", "ledelse", "ukendt", "admin"):
        at.text_input(key="login_username").input(name)
        at.text_input(key="login_password").input("wrong password")
        at.button[0].click().run()
        texts.append([e.value for e in at.error])
    assert texts[0] == texts[1] == texts[2] == texts[3] == ["Wrong username or password."]
    assert "Too many failed logins from your network" in " ".join(texts[4])
    at.text_input(key="login_username").input("leder")
    at.text_input(key="login_password").input("demo")
    at.button[0].click().run()
    assert not at.session_state["authentication_status"]
    assert "Too many failed logins from your network" in page_text(at)
