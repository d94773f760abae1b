"""Invitations: single-use, expiring tokens stored only as hashes; atomic acceptance."""

from __future__ import annotations

import threading
import time

import pytest

from digled.accounts import auth, invitations
from digled.platform import audit, db

NOW = 1_800_000_000.0
DAY = 86400


@pytest.fixture
def nina(database):
    uid = auth.create_user(database, username="nina", name="Nina Nørgaard", email="nina@x.dk")
    return auth.get_user_by_id(database, uid)


def test_only_the_hash_of_the_token_is_stored(database, nina):
    token = invitations.create(database, nina.id, now=NOW)
    assert len(token) >= 40
    rows = list(database.query("SELECT * FROM invitations"))
    assert len(rows) == 1
    assert token not in str(rows)
    assert rows[0]["token_hash"] == invitations.token_hash(token)
    assert rows[0]["expires_at"] == NOW + 14 * DAY
    assert database.execute("SELECT invited_at FROM users WHERE id = ?", [nina.id]).fetchone()[0]


def test_link_uses_the_base_url(monkeypatch):
    monkeypatch.delenv("DIGLED_BASE_URL", raising=False)
    assert invitations.link("abc") == "http://localhost:8501/accept-invitation?token=abc"
    monkeypatch.setenv("DIGLED_BASE_URL", "https://digled.example.dk/app/")
    assert invitations.link("a+b/c") == "https://digled.example.dk/app/accept-invitation?token=a%2Bb%2Fc"


def test_demo_links_point_where_the_app_is_served(monkeypatch):
    """Without DIGLED_BASE_URL (demo) a link opens the server that made it (issue 20: a demo on
    port 8600 mailed links to 8501); the configured public address always wins."""
    monkeypatch.delenv("DIGLED_BASE_URL", raising=False)
    monkeypatch.setattr(invitations, "_serving", None)
    invitations.set_serving(invitations.serving_address("", 8600))
    assert invitations.link("abc") == "http://localhost:8600/accept-invitation?token=abc"
    assert invitations.serving_address("127.0.0.1", "8502") == "http://127.0.0.1:8502"
    assert invitations.serving_address("0.0.0.0", 80) == "http://localhost:80"
    assert invitations.serving_address("::1", 8501) == "http://[::1]:8501"
    monkeypatch.setenv("DIGLED_BASE_URL", "https://digled.example.dk")
    assert invitations.link("abc") == "https://digled.example.dk/accept-invitation?token=abc"


def test_verify_gives_the_user_or_a_reason(database, nina):
    token = invitations.create(database, nina.id, days=14, now=NOW)
    ok = invitations.verify(database, token, now=NOW + DAY)
    assert ok.ok and ok.user.username == "nina" and ok.message is None
    assert invitations.verify(database, "not-a-token", now=NOW).reason == "unknown"
    assert invitations.verify(database, "", now=NOW).reason == "unknown"
    late = invitations.verify(database, token, now=NOW + 15 * DAY)
    assert late.reason == "expired" and "expired" in late.message


def test_accept_sets_the_password_once(database, nina):
    token = invitations.create(database, nina.id, now=NOW)
    assert invitations.accept(database, token, "sikker-kode-1", "sikker-kode-1", now=NOW + 60) is None
    user = auth.get_user(database, "nina")
    assert auth.check_password("sikker-kode-1", user.password_hash)
    assert database.execute("SELECT activated_at FROM users WHERE id = ?", [nina.id]).fetchone()[0]
    assert user.sessions_valid_after > 0
    again = invitations.accept(database, token, "en-anden-kode", "en-anden-kode", now=NOW + 120)
    assert again == invitations.REASONS["used"]
    assert invitations.verify(database, token, now=NOW + 120).reason == "used"
    assert auth.check_password("sikker-kode-1", auth.get_user(database, "nina").password_hash)


def test_a_refused_password_does_not_use_the_token(database, nina):
    token = invitations.create(database, nina.id, now=NOW)
    assert invitations.accept(database, token, "sikker-kode-1", "sikker-kode-2", now=NOW) == (
        "The two passwords are not the same."
    )
    assert "at least 8" in invitations.accept(database, token, "kort", "kort", now=NOW)
    assert invitations.verify(database, token, now=NOW).ok
    assert auth.get_user(database, "nina").password_hash is None


def test_an_expired_token_cannot_be_accepted(database, nina):
    token = invitations.create(database, nina.id, days=1, now=NOW)
    assert invitations.accept(database, token, "sikker-kode-1", "sikker-kode-1", now=NOW + 2 * DAY) == (
        invitations.REASONS["expired"]
    )
    assert auth.get_user(database, "nina").password_hash is None


def test_a_new_invitation_retires_the_older_unused_ones(database, nina):
    old = invitations.create(database, nina.id, now=NOW)
    new = invitations.create(database, nina.id, now=NOW + 60)
    assert invitations.verify(database, old, now=NOW + 120).reason == "expired"
    assert invitations.verify(database, new, now=NOW + 120).ok
    assert invitations.accept(database, old, "sikker-kode-1", "sikker-kode-1", now=NOW + 120) is not None
    assert invitations.accept(database, new, "sikker-kode-1", "sikker-kode-1", now=NOW + 120) is None


def test_a_deactivated_account_cannot_accept(database, nina):
    token = invitations.create(database, nina.id, now=NOW)
    with db.write(database):
        database.execute("UPDATE users SET active = 0 WHERE id = ?", [nina.id])
    assert invitations.verify(database, token, now=NOW).reason == "inactive"
    assert invitations.accept(database, token, "sikker-kode-1", "sikker-kode-1", now=NOW) is not None


def test_two_tabs_accepting_at_once_use_the_token_once(database, nina, tmp_path):
    token = invitations.create(database, nina.id)
    barrier = threading.Barrier(2)
    results = {}

    def tab(password: str) -> None:
        conn = db.connect(tmp_path / "digled.db")
        try:
            barrier.wait()
            results[password] = invitations.accept(conn, token, password, password)
        finally:
            conn.close()

    threads = [threading.Thread(target=tab, args=(p,)) for p in ("forste-kode-1", "anden-kode-22")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    winners = [p for p, problem in results.items() if problem is None]
    assert len(winners) == 1, results
    loser = next(p for p in results if p not in winners)
    assert results[loser] == invitations.REASONS["used"]
    stored = auth.get_user(database, "nina").password_hash
    assert auth.check_password(winners[0], stored) and not auth.check_password(loser, stored)


def test_admin_actions_are_audited(database, nina):
    token = invitations.create(database, nina.id, actor="admin")
    invitations.accept(database, token, "sikker-kode-1", "sikker-kode-1")
    actions = [(e["actor"], e["action"], e["detail"]) for e in audit.recent(database)]
    assert ("admin", "create invitation", "nina") in actions
    assert ("nina", "accept invitation", "") in actions
    assert token not in str(actions)


def test_pending_lists_leaders_without_an_activated_account(database, nina):
    auth.create_user(database, username="aktiv", name="Aktiv Leder", activated_at="2015-11-01")
    auth.create_user(database, username="boss", name="Boss", roles=["admin"])
    assert [u.username for u in invitations.pending(database)] == ["nina"]
    assert invitations.last_created(database, nina.id) is None
    invitations.create(database, nina.id, now=time.time())
    assert invitations.last_created(database, nina.id) == pytest.approx(time.time(), abs=60)


def test_the_readme_names_a_demo_leader_with_a_start_and_an_end_attempt(demo_db):
    """README's demo accounts name a leader to look at both attempts: she exists in the demo,
    logs in with `demo` and has taken the start and the end assessment."""
    import re
    from pathlib import Path

    from digled.accounts import auth

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    [username] = re.findall(r"log in as\s+`([a-z.]+)`", readme)
    user = auth.get_user(demo_db, username)
    assert user is not None and "leader" in user.roles
    assert auth.check_password("demo", demo_db.execute(
        "SELECT password_hash FROM users WHERE id = ?", [user.id]).fetchone()[0])
    rounds = {r[0] for r in demo_db.execute("SELECT round FROM participation WHERE user_id = ?", [user.id])}
    assert {"start", "end"} <= rounds
