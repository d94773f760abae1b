"""digled's reflection route (`POST /api/digled/reflection`, digled/ui/web.py), where a leader's
page sends the note as typed when it is hidden, left or reloaded (issue 20). It logs in by the
session cookie exactly as the websocket's runs do (sessions.login_of), saves only the cookie's
own leader's note through reflections.save (replacing, never appending) and refuses
other sites like digled's other routes."""

from __future__ import annotations

import pytest

from digled.accounts import auth, sessions
from digled.programme import leader_groups, reflections
from digled.ui import web
from tests.security.test_login_sessions import SAME_ORIGIN, _call, _request

QUESTION = "film3-r1"
NOTE = "Første tanke om syv veje."


@pytest.fixture
def key(monkeypatch):
    from digled.platform import config

    monkeypatch.setenv("DIGLED_DEMO", "1")
    return config.load_settings().cookie_key


def _user(database, username: str, roles=("leader",)):
    auth.create_user(database, username=username, name=username.title(), roles=list(roles),
                     password_hash=auth.hash_password("a good password", rounds=4))
    return auth.get_user(database, username)


def _cookie(database, user, key) -> dict:
    _, ticket = sessions.begin(database, user.id, key)
    return {"digled_session": sessions.redeem(database, ticket, key)}


def _post(body, headers=SAME_ORIGIN, cookies=None):
    return _call(web.reflection_endpoint, _request(web.REFLECTION_PATH, body, headers, cookies))


def test_the_leader_s_own_note_is_saved_as_typed_and_replaced_not_appended(database, key):
    lea = _user(database, "lea")
    cookie = _cookie(database, lea, key)
    for _ in range(2):  # the same flush twice (a reload after a hidden tab): stored once
        assert _post({"question": QUESTION, "text": NOTE}, cookies=cookie).status_code == 200
    assert reflections.load(database, lea.id) == {QUESTION: NOTE}
    assert _post({"question": QUESTION, "text": NOTE + " Og en til."}, cookies=cookie).status_code == 200
    assert reflections.load(database, lea.id) == {QUESTION: NOTE + " Og en til."}


def test_no_cookie_or_an_unknown_or_ended_one_is_refused(database, key):
    lea = _user(database, "lea")
    assert _post({"question": QUESTION, "text": NOTE}).status_code == 403
    assert _post({"question": QUESTION, "text": NOTE}, cookies={"digled_session": "forged"}).status_code == 403
    cookie = _cookie(database, lea, key)
    auth.end_sessions(database, "lea")  # logged out (or the password changed) elsewhere
    assert _post({"question": QUESTION, "text": NOTE}, cookies=cookie).status_code == 403
    assert reflections.load(database, lea.id) == {}


def test_another_leader_s_note_cannot_be_written(database, key):
    """The cookie decides whose note it is: a body naming another leader, or any key beyond
    question and text, is refused, and the other leader's note stays as it was."""
    lea, ole = _user(database, "lea"), _user(database, "ole")
    reflections.save(database, ole.id, QUESTION, "Oles egen note")
    cookie = _cookie(database, lea, key)
    for body in ({"question": QUESTION, "text": "overskrevet", "user_id": ole.id},
                 {"question": QUESTION, "text": "overskrevet", "username": "ole"},
                 {"question": f"refl_{QUESTION}", "text": "overskrevet"},
                 {"question": "not-a-question", "text": "overskrevet"},
                 {"question": QUESTION, "text": ["overskrevet"]},
                 {"question": QUESTION, "text": "x" * (reflections.MAX_CHARS + 1)}):
        response = _post(body, cookies=cookie)
        assert response.status_code in (400, 413), body
    assert reflections.load(database, ole.id) == {QUESTION: "Oles egen note"}
    assert reflections.load(database, lea.id) == {}


def test_an_account_that_is_not_a_leader_is_refused(database, key):
    anne = _user(database, "anne", roles=("admin",))
    assert _post({"question": QUESTION, "text": NOTE}, cookies=_cookie(database, anne, key)).status_code == 403
    assert reflections.load(database, anne.id) == {}


@pytest.mark.parametrize("headers", [
    {},  # no custom header: a plain cross-site form post, a beacon from another site
    {"X-Digled-Handover": "1", "Origin": "https://evil.example"},
    {"X-Digled-Handover": "1", "Sec-Fetch-Site": "cross-site"},
    {"X-Digled-Handover": "1", "Sec-Fetch-Site": "same-site", "Origin": "https://other.127.0.0.1:8501"},
])
def test_other_sites_are_refused_even_with_the_leader_s_cookie(database, key, headers):
    lea = _user(database, "lea")
    response = _post({"question": QUESTION, "text": "fra en anden side"}, headers, _cookie(database, lea, key))
    assert response.status_code == 403
    assert reflections.load(database, lea.id) == {}


def test_a_chair_s_summary_is_flushed_for_the_own_group_only(database, key):
    lea, ole = _user(database, "lea"), _user(database, "ole")
    g = leader_groups.create(database, "admin", "Skole")
    leader_groups.set_members(database, "admin", g, [lea.id, ole.id])
    leader_groups.set_chair(database, "admin", g, lea.id)
    summary = {"question": web.SUMMARY_PREFIX + "meeting1", "text": "Vi talte om mål."}
    assert _post(summary, cookies=_cookie(database, lea, key)).status_code == 200
    assert leader_groups.own_summary(database, g, "meeting1")[0] == "Vi talte om mål."
    # a member who is not the chair, a workshop, a too long text: refused, nothing changed
    for body, who in ((dict(summary, text="Oles version"), ole), ({**summary, "question": "summary:workshop1"}, lea),
                      (dict(summary, text="x" * (leader_groups.MAX_SUMMARY + 1)), lea)):
        assert _post(body, cookies=_cookie(database, who, key)).status_code == 400
    assert leader_groups.own_summary(database, g, "meeting1")[0] == "Vi talte om mål."
    assert reflections.load(database, lea.id) == {}  # a summary is never a reflection
