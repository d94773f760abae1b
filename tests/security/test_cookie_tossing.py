"""Issue 21, item 2: on https only the `__Host-digled_session` cookie logs anyone in.

On https digled sets `__Host-digled_session; Secure; HttpOnly; SameSite=Strict`: the prefix makes
the browser refuse that name from anywhere but this host over https. A cookie named plainly
`digled_session` has no such protection: a page on a sibling subdomain (or any http page of the
domain) can set it with `Domain=kommune.dk`, holding the id of the *attacker's* valid session, and
a browser without a login of its own would then be logged into the attacker's account (whatever
the victim then writes - reflections, a help request - lands there). So on https digled reads
only the `__Host-` name; on plain http (the demo on localhost) the plain name still works.

Tested over a real websocket against a real `streamlit run app.py` whose public address is https
(as behind Caddy), speaking Streamlit's protocol (benchmarks/sessions.py's client), and on the
cookie routes."""

from __future__ import annotations

import pytest

from benchmarks.sessions import Client
from digled.accounts import auth, sessions
from digled.platform import db
from tests.security import asyncrun
from tests.servers import Server

HTTPS_BASE = "https://digled.kommune.example"


@pytest.fixture(scope="module")
def https_server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("https"), env_extra={"DIGLED_BASE_URL": HTTPS_BASE}, demo=True).start()
    asyncrun.run(_front_page(s.url))  # the first visit creates the demo database
    yield s
    s.stop()


async def _front_page(url: str) -> None:
    client = Client(url)
    await client.connect()
    try:
        await client.run(page_name="")
    finally:
        await client.close()


def _session_of(server: Server, username: str) -> str:
    """A valid, handed-over session of `username` (what the attacker holds for their own account)."""
    key = server.env["DIGLED_COOKIE_KEY"]
    database = db.connect(server.db_path)
    try:
        user = auth.get_user(database, username)
        _, ticket = sessions.begin(database, user.id, key)
        token = sessions.redeem(database, ticket, key)
        assert sessions.confirm(database, token, key)
        return token
    finally:
        database.close()


async def _logged_in_with(url: str, cookies: dict[str, str]) -> bool:
    """Open the app over the websocket with these cookies: does it show a login?"""
    client = Client(url)
    client.cookies = dict(cookies)
    await client.connect()
    try:
        run = await client.run(page_name="")
        return "logout_button" in run.widgets
    finally:
        await client.close()


def test_a_planted_plain_cookie_logs_nobody_in_on_https(https_server):
    attacker = _session_of(https_server, "leder")
    assert not asyncrun.run(_logged_in_with(https_server.url, {"digled_session": attacker}))


def test_the_host_prefixed_cookie_still_logs_in_on_https(https_server):
    own = _session_of(https_server, "leder")
    assert asyncrun.run(_logged_in_with(https_server.url, {"__Host-digled_session": own}))


def test_the_confirm_route_ignores_a_plain_cookie_on_https(https_server):
    """The handover's confirm route (digled/ui/web.py) reads the same cookie the websocket reads."""
    import json
    import urllib.error
    import urllib.request

    token = _session_of(https_server, "leder")

    def confirm(cookie: str) -> int:
        request = urllib.request.Request(
            https_server.url + "/api/digled/confirm", data=b"{}", method="POST",
            headers={"Content-Type": "application/json", "X-Digled-Handover": "1", "Cookie": cookie})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status if json.load(response)["ok"] else 0
        except urllib.error.HTTPError as e:
            return e.code

    assert confirm(f"digled_session={token}") == 403
    assert confirm(f"__Host-digled_session={token}") == 200


def test_which_names_count():
    both = {"digled_session": "planted", "__Host-digled_session": "own"}
    assert sessions.cookie_value(both, is_secure=True) == "own"
    assert sessions.cookie_value({"digled_session": "planted"}, is_secure=True) is None
    assert sessions.cookie_value({"digled_session": "local"}, is_secure=False) == "local"
    assert sessions.cookie_value({"__Host-digled_session": "own"}, is_secure=False) == "own"
