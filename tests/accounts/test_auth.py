import time

import pytest

from digled.accounts import auth

NOW = 1_800_000_000.0


def test_usernames_are_normalised_and_roles_parsed(ole):
    assert ole.username == "ole"
    assert ole.roles == ("leader", "admin")
    assert ole.has_role("admin") and not ole.has_role("management")
    assert auth.parse_roles("leader, hacker ,management") == ("leader", "management")


def test_password_check(ole):
    assert auth.check_password("correct horse", ole.password_hash)
    assert not auth.check_password("wrong", ole.password_hash)
    assert not auth.check_password("x" * 100, ole.password_hash)  # over bcrypt's 72 bytes
    assert not auth.check_password("anything", None)


@pytest.mark.parametrize(
    "password, repeat, problem",
    [
        ("short", "short", "at least 8"),
        ("æ" * 40, "æ" * 40, "too long"),
        (" padded password", " padded password", "space"),
        ("long enough", "different", "not the same"),
    ],
)
def test_password_rules(password, repeat, problem):
    assert problem in auth.password_problem(password, repeat)


def test_good_password_passes():
    assert auth.password_problem("a good password", "a good password") is None


def test_five_failures_lock_for_fifteen_minutes(database, ole):
    for _ in range(4):
        assert auth.record_failed_login(database, "ole", now=NOW) is False
    assert auth.record_failed_login(database, "OLE", now=NOW) is True
    user = auth.get_user(database, "ole")
    assert user.locked(NOW + 14 * 60) and not user.locked(NOW + 15 * 60 + 1)
    # still locked: further attempts do not extend or reset anything
    assert auth.record_failed_login(database, "ole", now=NOW + 60) is True


def test_success_resets_the_failure_count(database, ole):
    for _ in range(4):
        auth.record_failed_login(database, "ole", now=NOW)
    auth.record_successful_login(database, "ole")
    assert auth.get_user(database, "ole").failed_logins == 0
    assert auth.record_failed_login(database, "ole", now=NOW) is False


def test_unknown_user_failure_is_harmless(database):
    assert auth.record_failed_login(database, "nobody") is False


def test_locked_and_inactive_users_cannot_log_in(database, ole, demo_hash):
    auth.create_user(database, username="gone", name="Gone", password_hash=demo_hash)
    database.execute("UPDATE users SET active = 0 WHERE username = 'gone'")
    for _ in range(5):
        auth.record_failed_login(database, "ole", now=time.time())
    for name in ("ole", "gone"):
        outcome = auth.attempt_login(database, name, "correct horse", None, 30)
        assert outcome.user is None and outcome.error in (auth.LOCKED, auth.WRONG)
    assert not auth.check_password("correct horse", auth.UNUSABLE_HASH)


def test_changing_the_password_ends_other_sessions(database, ole):
    before = time.time()
    assert auth.change_password(database, "ole", "wrong", "new password", "new password") == "The current password is wrong."
    assert auth.change_password(database, "ole", "correct horse", "new password", "new password") is None
    user = auth.get_user(database, "ole")
    assert auth.check_password("new password", user.password_hash)
    assert user.sessions_valid_after >= before


def test_role_conditions_pick_accounts_by_whole_role_names(database, demo_hash):
    for username, roles in (("lea", ["leader"]), ("mia", ["management"]), ("ada", ["admin", "leader"]),
                            ("gone", ["leader"])):
        auth.create_user(database, username=username, name=username, email=f"{username}@x.dk", roles=roles,
                         password_hash=demo_hash)
    database.execute("UPDATE users SET active = 0 WHERE username = 'gone'")
    # a stored value that merely contains the name is not the role
    database.execute("INSERT INTO users (username, name, email, roles) VALUES ('x', 'x', 'x@x.dk', 'leaders')")

    def picked(condition):
        return {r[0] for r in database.execute(f"SELECT username FROM users u WHERE {condition}")}

    assert picked(auth.LEADER_SQL) == {"lea", "ada", "gone"}
    assert picked(auth.has_role_sql("management")) == {"mia"}
    assert picked(auth.has_role_sql("admin", table="u")) == {"ada"}
    ids = dict(database.execute("SELECT username, id FROM users").fetchall())
    assert auth.leader_ids(database) == sorted([ids["lea"], ids["ada"], ids["gone"]])
    with pytest.raises(ValueError):
        auth.has_role_sql("leader' OR 1 --")
