"""digled.ui.web: digled's own HTTP routes served beside Streamlit. Which requests count as the
app's own page (the custom header, a matching Origin, Sec-Fetch-Site), which Streamlit identity
cookies are deleted, the routes and methods served, the scripts as files, and the reflection
route's refusals before it reads a session. (The cookie handover, logout and reflection saves
as attacks: tests/security/test_login_sessions.py, test_sso.py, test_reflection_route.py.)"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from starlette.applications import Starlette
from starlette.requests import Request

from digled.ui import scripts, web
from tests.security import asyncrun

HOST = "127.0.0.1:8501"


def _scope(method: str, path: str, headers: dict[str, str]) -> dict:
    raw = [(b"host", HOST.encode())] + [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "headers": raw,
            "scheme": "http", "query_string": b"", "server": ("127.0.0.1", 8501), "client": ("127.0.0.1", 1234),
            "root_path": "", "http_version": "1.1"}


def _receive(body: bytes):
    """The request's body, then nothing until the server is done (a file response waits for
    the client to go away meanwhile)."""
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive():
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # cancelled once the response is sent

    return receive


def _request(headers: dict[str, str], body: bytes = b"{}", path: str = web.REFLECTION_PATH) -> Request:
    return Request(_scope("POST", path, headers), _receive(body))


def _serve(method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""):
    """One request through a Starlette app holding digled's routes: (status, headers, body)."""
    app = Starlette(routes=web.routes())
    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    asyncrun.run(app(_scope(method, path, headers or {}), _receive(body), send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}, content


OWN = {web.HEADER: "1"}


@pytest.mark.parametrize(("headers", "own"), [
    (OWN, True),  # a browser that sends neither Origin nor Sec-Fetch-Site: the header is enough
    (OWN | {"Origin": "http://127.0.0.1:8501", "Sec-Fetch-Site": "same-origin"}, True),
    (OWN | {"Origin": "HTTP://127.0.0.1:8501"}, True),  # host names compare without case
    ({}, False),  # no custom header: any page could have sent it
    ({web.HEADER: "yes"}, False),
    (OWN | {"Sec-Fetch-Site": "cross-site"}, False),
    (OWN | {"Sec-Fetch-Site": "same-site"}, False),  # a sibling subdomain is another site
    (OWN | {"Origin": "https://evil.example"}, False),
    (OWN | {"Origin": "http://127.0.0.1:9999"}, False),
])
def test_only_the_apps_own_page_is_same_origin(headers, own):
    assert web.same_origin(_request(headers)) is own


def test_only_streamlits_identity_cookies_and_their_chunks_are_deleted():
    cookies = {"_streamlit_user": "a", "_streamlit_user_tokens": "b", "_streamlit_user_2": "c",
               "_streamlit_user_tokens_10": "d", "_streamlit_xsrf": "e", "digled_session": "f",
               "x_streamlit_user": "g", "_streamlit_user_x": "h"}
    deleted = web._streamlit_identity_headers(cookies)
    assert {h.split("=", 1)[0] for h in deleted} == {"_streamlit_user", "_streamlit_user_tokens", "_streamlit_user_2",
                                                     "_streamlit_user_tokens_10"}
    assert all(h.endswith("=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax") for h in deleted)
    assert web._streamlit_identity_headers(None) == []


def test_the_base_url_is_the_settings_else_the_invitations(monkeypatch):
    assert web.base_url(SimpleNamespace(base_url="https://digled.albertslund.dk")) == "https://digled.albertslund.dk"
    monkeypatch.setenv("DIGLED_BASE_URL", "https://digled.glostrup.dk/")
    assert web.base_url(SimpleNamespace(base_url="")) == "https://digled.glostrup.dk"
    assert web.base_url(object()) == "https://digled.glostrup.dk"  # settings without the field


def test_the_routes_take_only_post_and_refuse_other_sites():
    for path in (web.SESSION_PATH, web.CONFIRM_PATH, web.LOGOUT_PATH, web.REFLECTION_PATH):
        status, headers, _ = _serve("GET", path)
        assert status == 405, path
        status, headers, body = _serve("POST", path, {"content-type": "application/json", "Origin": "https://evil.example",
                                                      web.HEADER: "1"}, b"{}")
        assert (status, body) == (403, b'{"ok":false}'), path
        assert headers["cache-control"] == "no-store"


def test_digleds_scripts_are_served_as_files():
    status, headers, body = _serve("GET", f"{scripts.PATH}/handover.js")
    assert status == 200 and "javascript" in headers["content-type"]
    assert body == (scripts.DIRECTORY / "handover.js").read_bytes()
    assert _serve("GET", f"{scripts.PATH}/nothing.js")[0] == 404
    assert _serve("GET", f"{scripts.PATH}/../web.py")[0] == 404  # nothing outside the scripts' folder


def test_the_reflection_route_refuses_a_large_or_malformed_body_before_any_session():
    big = b'{"question": "film3-r1", "text": "' + b"x" * web.REFLECTION_BODY_LIMIT + b'"}'
    assert asyncrun.run(web.reflection_endpoint(_request(OWN, big))).status_code == 413
    for body in (b"not json", b"[1, 2]", b'{"question": "film3-r1"}', b'{"question": 3, "text": "x"}'):
        response = asyncrun.run(web.reflection_endpoint(_request(OWN, body)))
        assert response.status_code == 400, body
    # from another site the body is not even read
    assert asyncrun.run(web.reflection_endpoint(_request({}, big))).status_code == 403
