"""Issue 21, item 4: the proxy sends the security headers, and the app runs under them.

Through the real Caddy (Debian's caddy with deploy/Caddyfile, benchmarks/layout.py) in front of a
real `streamlit run app.py`:

- every answer carries a Content-Security-Policy (no inline script, images only from the app),
  frame-ancestors and X-Frame-Options, a Permissions-Policy, a Referrer-Policy, nosniff and HSTS,
  and no `Server` header (it said `Caddy` and passed on `uvicorn`);
- in Chromium, through Caddy, the app loads, logs in, shows its pages with a YouTube embed and a
  video file (the hosts the guide and film videos may be at) and logs out with zero Content
  Security Policy violations, while the policy demonstrably holds: an image from another site and
  an inline script are refused.
"""

from __future__ import annotations

import base64
import hashlib
import re
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from benchmarks.layout import CADDYFILE, Layout
from tests.e2e.conftest import _require_chromium
from tests.e2e.helpers import body, idle, login, logout, open_app
from tests.test_multiprocess import _require_caddy

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
VIDEO_FILE = "https://video.kommune.example/film.mp4"
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  e.violatedDirective + ' ' + e.blockedURI + ' (' + e.sourceFile + ':' + e.lineNumber + ')'));
"""


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """Caddy with deploy/Caddyfile in front of one app process, with a YouTube video for the films
    guide and the first film, and a video file for the second."""
    _require_caddy()
    layout = Layout(tmp_path_factory.mktemp("proxied"), processes=1).start()
    from digled.content import guides, programme
    from digled.platform import db

    database = db.connect(layout.db_path)
    try:
        prog = programme.programme(database)
        films = [a.id for a in prog.activities if a.kind in ("elearning", "kl_film")]
        guides.save(database, {"films": YOUTUBE, films[0]: YOUTUBE, films[1]: VIDEO_FILE}, "test", prog)
    finally:
        database.close()
    yield layout
    layout.stop()


def _headers(url: str) -> list[tuple[str, str]]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return [(k.lower(), v) for k, v in response.headers.items()]


def csp_directives(value: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in value.split(";")) if d}


@pytest.mark.parametrize("path", ["/", "/_stcore/health", "/api/digled/js/handover.js", "/films"])
def test_every_answer_through_the_proxy_carries_the_security_headers(proxied, path):
    headers = _headers(proxied.url + path)
    one = {k: v for k, v in headers}
    csp = csp_directives(one["content-security-policy"])
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'self'"] and one["x-frame-options"] == "SAMEORIGIN"
    assert not {"'unsafe-inline'", "'unsafe-eval'", "https:", "*", "data:"} & set(csp["script-src"])
    assert set(csp["img-src"]) <= {"'self'", "data:", "blob:"}  # no tracking pixel from elsewhere
    assert csp["connect-src"] == ["'self'"] and csp["form-action"] == ["'self'"]
    assert "https://www.youtube.com" in csp["frame-src"]
    policy = one["permissions-policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
    assert one["referrer-policy"] in {"strict-origin-when-cross-origin", "same-origin", "no-referrer"}
    assert one["x-content-type-options"] == "nosniff" and one["strict-transport-security"].startswith("max-age=")
    assert [v for k, v in headers if k == "server"] == []  # neither "Caddy" nor "uvicorn"


def test_the_streamlit_inline_script_hash_is_current():
    """The one inline script the policy allows is Streamlit's own in its index.html, by hash."""
    import streamlit

    html = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    inline = re.findall(r"<script>(.*?)</script>", html, re.S)
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in inline}
    allowed = {h for h in re.findall(r"'sha256-[A-Za-z0-9+/=]+'", CADDYFILE.read_text())}
    assert hashes == allowed, f"Streamlit's inline scripts changed: put {sorted(hashes)} into deploy/Caddyfile"


def _violations(page) -> list[str]:
    return page.evaluate("window.__violations.splice(0)")


@pytest.mark.e2e
def test_the_app_runs_under_the_policy_in_the_browser(browser, proxied):
    _require_chromium()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    context.add_init_script(WATCH)
    refused: list[str] = []
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.on("console", lambda m: ("Content Security Policy" in m.text or "Refused to" in m.text)
           and refused.append(m.text))
    try:
        open_app(tab, proxied.url)
        login(tab, "leder")
        seen: list[str] = _violations(tab)
        for path in ("films", "meetings", "materials", "my-results", "service-check", "assessment"):
            tab.goto(f"{proxied.url}/{path}")
            idle(tab)
            expect(tab.locator(".st-key-logout_button")).to_be_visible()
            if path == "films":  # the guide's and the first film's YouTube embeds, the video file
                expect(tab.locator("iframe[src^='https://www.youtube.com/embed/']").first).to_be_attached()
                expect(tab.locator(f"video[src='{VIDEO_FILE}']")).to_be_attached()
            seen += _violations(tab)
        logout(tab)
        expect(tab.locator(".st-key-login_username input")).to_be_editable()
        seen += _violations(tab)
        assert seen == [] and refused == [], seen + refused

        # the policy is in force: markup cannot fetch an image from elsewhere or run inline script
        tab.evaluate("document.body.insertAdjacentHTML('beforeend', "
                     "'<img id=\"pixel\" src=\"http://tracker.example/px.gif\">')")
        with pytest.raises(Exception):  # noqa: B017 - Playwright raises its own Error when the CSP refuses the script
            tab.add_script_tag(content="window.__ran = true")
        blocked: list[str] = []
        for _ in range(100):  # the image's refusal arrives when it would have loaded (wait_for_function
            blocked += _violations(tab)  # evaluates a string, which this very policy refuses)
            if len(blocked) >= 2:
                break
            tab.wait_for_timeout(100)
        assert any(v.startswith("img-src http://tracker.example/px.gif") for v in blocked), blocked
        assert any(v.startswith("script-src-elem inline") for v in blocked), blocked
        assert tab.evaluate("window.__ran") is None
        assert "Digital ledelse" in body(tab)  # the page still shows
    finally:
        context.close()
