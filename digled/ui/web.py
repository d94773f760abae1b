"""digled's own HTTP routes, served beside Streamlit by app.py's `st.App`.

Only an HTTP response can set an HttpOnly cookie; a Streamlit script talks to the browser over a
websocket. So the login page hands the browser a one-time ticket, and the browser POSTs it here
(see digled/accounts/sessions.py):

- `POST /api/digled/session` `{"ticket": ...}`: redeems a login ticket and sets the session
  cookie (HttpOnly, SameSite=Strict, Path=/, Secure on https).
- `POST /api/digled/confirm`: sent right after, with that cookie: proves the browser keeps it.
- `POST /api/digled/logout` `{"ticket": ...}`: confirms the ticket of an ended session and
  deletes the cookie (and digled's older cookies) unless it belongs to a live session.
- `POST /api/digled/reflection` `{"question": ..., "text": ...}`: a leader's reflection as typed,
  sent by the reflection field (digled/ui/autosave.py) with `fetch(..., {keepalive: true})` when
  the page is hidden, left or reloaded or the field goes away, before its debounced save over the
  websocket could run. The leader is the session cookie's, checked exactly as the websocket's runs
  check it (sessions.login_of); the text is stored through reflections.save, the normal
  save, so it replaces the note (never appends). Only the two keys, only a leader's own note. A
  `question` of the form `summary:<leader meeting>` is the chair's summary of that meeting
  (leader_groups.save_summary: only the chair of a group, for their own group).
- `GET /api/digled/js/<name>.js`: digled's few scripts (the handover above, scrolls, the phone
  menu) as files, since the Content-Security-Policy runs no inline script (digled/ui/scripts.py).

On https only the `__Host-` session cookie is read (sessions.cookie_value). `X-Forwarded-For` is
trusted only from the proxies FORWARDED_ALLOW_IPS names (`trust_forwarded_for_only_when_named`).

Both the session and the logout route also delete Streamlit's identity cookies
(`_streamlit_user`, `_streamlit_user_tokens`, left by single sign-on's `st.login`, see
digled/accounts/sso.py): once digled's own session holds the login, or the identity was refused, nothing
must be left in the browser that could log it in again after digled's logout.

All of them refuse requests from other sites: the custom header `X-Digled-Handover` (which a page of
another site cannot send without a CORS preflight that is never granted), a matching `Origin`
when the browser sends one, and `Sec-Fetch-Site: same-origin` when it sends that.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import sys
from urllib.parse import urlsplit

import uvicorn
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from digled.accounts import invitations, sessions
from digled.platform import config, db
from digled.programme import journey, leader_groups, reflections
from digled.ui import scripts

SESSION_PATH = "/api/digled/session"
CONFIRM_PATH = "/api/digled/confirm"
LOGOUT_PATH = "/api/digled/logout"
REFLECTION_PATH = "/api/digled/reflection"
SUMMARY_PREFIX = "summary:"  # the reflection route's question for a chair's summary of a leader meeting
REFLECTION_BODY_LIMIT = 64 * 1024  # keepalive fetches carry at most 64 KB; a note is at most 10,000 characters
HEADER = "X-Digled-Handover"


@functools.lru_cache(maxsize=4)
def _settings(environ_key: tuple) -> config.Settings:
    return config.load_settings()


def settings() -> config.Settings:
    return _settings(tuple(os.environ.get(k, "") for k in (
        "DIGLED_DB", "DIGLED_DEMO", "DIGLED_COOKIE_KEY", "DIGLED_PSEUDONYM_SECRET", "DIGLED_SECRETS_FILE")))


def base_url(s: config.Settings) -> str:
    """The public address (DIGLED_BASE_URL), wherever the settings keep it."""
    value = getattr(s, "base_url", None)
    if value:
        return value

    return invitations.base_url()


def same_origin(request: Request) -> bool:
    """True for a request the app's own page made (see the module docstring)."""
    headers = request.headers
    if headers.get(HEADER) != "1":
        return False
    site = headers.get("sec-fetch-site")
    if site is not None and site != "same-origin":
        return False
    origin = headers.get("origin")
    if origin is not None and urlsplit(origin).netloc.lower() != (headers.get("host") or "").lower():
        return False
    return True


async def _ticket(request: Request) -> str | None:
    try:
        body = await request.json()
    except Exception:  # noqa: BLE001 - any body that is not JSON is refused alike
        return None
    ticket = body.get("ticket") if isinstance(body, dict) else None
    return ticket if isinstance(ticket, str) else None


def _streamlit_identity_headers(cookies) -> list[str]:
    """Set-Cookie values deleting Streamlit's identity cookies (and their chunks) that the
    request carries (st.login sets them HttpOnly, SameSite=Lax, Path=/)."""
    names = [n for n in cookies or () if _STREAMLIT_IDENTITY.fullmatch(n)]
    return [f"{n}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax" for n in names]


_STREAMLIT_IDENTITY = re.compile(r"_streamlit_user(_tokens)?(_[0-9]+)?")


def _response(ok: bool, status: int = 200) -> JSONResponse:
    return JSONResponse({"ok": ok}, status_code=status, headers={"Cache-Control": "no-store"})


async def session_endpoint(request: Request) -> JSONResponse:
    if not same_origin(request):
        return _response(False, 403)
    ticket = await _ticket(request)
    s = settings()

    def redeem() -> str | None:
        database = db.connect(s.db_path)
        try:
            return sessions.redeem(database, ticket or "", s.cookie_key)
        finally:
            database.close()

    token = await run_in_threadpool(redeem)
    if token is None:
        return _response(False, 403)
    response = _response(True)
    is_secure = sessions.secure(base_url(s), request.url.scheme)
    max_age = s.policy.max_age_seconds
    response.headers.append("Set-Cookie", sessions.set_cookie_header(token, is_secure, max_age))
    for header in _streamlit_identity_headers(request.cookies):
        response.headers.append("Set-Cookie", header)
    return response


async def confirm_endpoint(request: Request) -> JSONResponse:
    if not same_origin(request):
        return _response(False, 403)
    s = settings()
    token = sessions.cookie_value(request.cookies, sessions.secure(base_url(s), request.url.scheme))

    def confirm() -> bool:
        database = db.connect(s.db_path)
        try:
            return sessions.confirm(database, token, s.cookie_key)
        finally:
            database.close()

    ok = await run_in_threadpool(confirm)
    return _response(ok, 200 if ok else 403)


async def logout_endpoint(request: Request) -> JSONResponse:
    if not same_origin(request):
        return _response(False, 403)
    ticket = await _ticket(request)
    s = settings()
    is_secure = sessions.secure(base_url(s), request.url.scheme)
    token = sessions.cookie_value(request.cookies, is_secure)

    def clear() -> bool:
        database = db.connect(s.db_path)
        try:
            return sessions.clear(database, s.cookie_key, ticket, token)
        finally:
            database.close()

    delete = await run_in_threadpool(clear)
    response = _response(True)
    if delete:
        for header in sessions.delete_cookie_headers(is_secure or sessions.SECURE_COOKIE in request.cookies):
            response.headers.append("Set-Cookie", header)
    for header in _streamlit_identity_headers(request.cookies):
        response.headers.append("Set-Cookie", header)
    return response


async def reflection_endpoint(request: Request) -> JSONResponse:
    """Save the logged-in leader's reflection (see the module docstring): 403 from another site,
    without a valid session or for an account that is not a leader; 400 for any other body
    than {"question": <a reflection question of the programme>, "text": <at most the limit>}."""
    if not same_origin(request):
        return _response(False, 403)
    raw = await request.body()
    if len(raw) > REFLECTION_BODY_LIMIT:
        return _response(False, 413)
    try:
        body = json.loads(raw)
    except ValueError:
        return _response(False, 400)
    if (not isinstance(body, dict) or set(body) != {"question", "text"}
            or not isinstance(body["question"], str) or not isinstance(body["text"], str)):
        return _response(False, 400)
    s = settings()
    token = sessions.cookie_value(request.cookies, sessions.secure(base_url(s), request.url.scheme))

    def save() -> int:
        database = db.connect(s.db_path)
        try:
            found, user, problem = sessions.login_of(database, token, s.cookie_key, s.policy)
            if problem or "leader" not in user.roles:
                return 403
            try:
                if body["question"].startswith(SUMMARY_PREFIX):
                    leader_groups.save_summary(database, user, body["question"].removeprefix(SUMMARY_PREFIX), body["text"])
                else:
                    reflections.save(database, user.id, body["question"], body["text"])
            except (journey.JourneyError, leader_groups.GroupError):
                return 400
            return 200
        finally:
            database.close()

    status = await run_in_threadpool(save)
    return _response(status == 200, status)


FORWARDED_SETTING = "FORWARDED_ALLOW_IPS"


def trust_forwarded_for_only_when_named() -> str | None:
    """Which proxies may name the client in `X-Forwarded-For`: only those the operator lists in
    FORWARDED_ALLOW_IPS (e.g. `127.0.0.1` for Caddy on the same machine), nobody when it is unset.

    uvicorn, which serves digled, rewrites a request's client address from `X-Forwarded-For` for
    the proxies it trusts, and when FORWARDED_ALLOW_IPS is unset it trusts 127.0.0.1 and ::1: any
    process on the machine could then invent a client address per failed login and so pass the
    per-client limit. uvicorn reads that setting when its Config is made, before it imports app.py
    (`streamlit run` finds the st.App without importing it), and wraps the app in its
    proxy-headers middleware right after the import. So app.py calls this while it is imported:
    it sets the trust of the uvicorn Config that is loading it. Returns the trust it set ("" is
    nobody), or None where no uvicorn Config is loading the app (AppTest, tests importing app.py)."""

    trusted = os.environ.get(FORWARDED_SETTING, "").strip()
    frame = sys._getframe(1)
    while frame is not None:
        loading = frame.f_locals.get("self")
        if isinstance(loading, uvicorn.Config):
            loading.forwarded_allow_ips = trusted
            if trusted:
                logging.getLogger("digled").info("X-Forwarded-For trusted from %s (%s)", trusted, FORWARDED_SETTING)
            return trusted
        frame = frame.f_back
    return None


def routes() -> list[BaseRoute]:

    return [
        Route(SESSION_PATH, session_endpoint, methods=["POST"]),
        Route(CONFIRM_PATH, confirm_endpoint, methods=["POST"]),
        Route(LOGOUT_PATH, logout_endpoint, methods=["POST"]),
        Route(REFLECTION_PATH, reflection_endpoint, methods=["POST"]),
        # digled's scripts as files (the Content-Security-Policy runs no inline script)
        Mount(scripts.PATH, app=StaticFiles(directory=scripts.DIRECTORY), name="digled-js"),
    ]
