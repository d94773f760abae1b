"""axe-core (WCAG 2.1 A and AA) on every page of every role, logged out too, at 1366x900 and
390x844, in Danish: no violation of any impact (issue 20, acceptance). One browser tab per role
visits each of its pages once, through the menu where the page is in it (one script run, no
page load), and is resized in place (set_viewport_size) for the phone check; the public pages
(the same whoever reads them) are checked once, logged out, and "my account" once, as a leader.
English is checked in tests/e2e/test_quality_browser.py. A violation inside Streamlit itself
that no page or stylesheet of digled can fix would be listed in ALLOWED with its reason: none is
(2026-12-07, Streamlit 1.67)."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from digled.accounts import navigation
from tests.e2e.helpers import idle, login, open_app, publish_first_figures
from tests.e2e.test_quality_browser import WCAG

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# axe is put into every document of the tab once, at its load (not before each check), and
# reports violations only (gathering what passes costs most of a check's time)
AXE_SCRIPT = Axe().axe_script
OPTIONS = {**WCAG, "resultTypes": ["violations"]}

# (rule id, a pattern of the element's selector, why it cannot be fixed from outside Streamlit)
ALLOWED: tuple[tuple[str, re.Pattern, str], ...] = ()


def _allowed(rule: str, target: str) -> bool:
    return any(rule == r and p.search(target) for r, p, _ in ALLOWED)


def violations(page) -> list[str]:
    idle(page)
    expect(page.locator(".stPlotlyChart:not(:has(.main-svg))")).to_have_count(0)  # every chart drawn
    result = page.evaluate("(options) => axe.run(document, options)", OPTIONS)
    out = []
    for v in result["violations"]:
        for node in v["nodes"]:
            target = " ".join(map(str, node["target"]))
            if not _allowed(v["id"], target):
                out.append(f"{v['id']} ({v['impact']}): {v['help']} at {target}")
    return out


def _both_sizes(page, name: str, found: dict) -> None:
    page.set_viewport_size(DESKTOP)
    found[f"{name} 1366"] = violations(page)
    page.set_viewport_size(PHONE)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")  # laid out anew
    found[f"{name} 390"] = violations(page)
    page.set_viewport_size(DESKTOP)


def _paths(role: str) -> list[str]:
    """The pages to check as `role`: its own pages; the public ones (the same page whoever
    reads it) once, logged out; "my account" once, as a leader."""
    if role == "logged out":
        return ["/" + s.url_path for s in navigation.PAGES if s.public]
    own = [s for s in navigation.pages_for((role,)) if s.roles is not None]
    if role == "leader":
        own.append(navigation.spec_for("pages/account.py"))
    return ["/" + s.url_path for s in own]


USERS = {"leader": None, "management": "ledelse", "admin": "admin"}  # leader: one with a start assessment


@pytest.mark.parametrize("role", ["logged out", "leader", "management", "admin"])
def test_no_accessibility_violation_on_any_page_at_either_size(browser, server, leader, role):
    context = browser.new_context(viewport=DESKTOP, locale="da-DK")
    context.add_init_script(script=AXE_SCRIPT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    found: dict[str, list[str]] = {}
    try:
        url = server.url
        open_app(page, url)
        if role == "logged out":
            _both_sizes(page, "login", found)
            # the check finds what it is for: a picture without a text, planted and taken away
            page.evaluate("() => { const i = document.createElement('img'); i.id = 'planted'; i.src = 'data:,';"
                          " document.querySelector('[data-testid=stMain]').append(i); }")
            assert any(v.startswith("image-alt") and "#planted" in v for v in violations(page))
            page.evaluate("() => document.getElementById('planted').remove()")
        else:
            login(page, USERS[role] or leader)
        for path in _paths(role):
            link = page.locator(f"[data-testid='stSidebar'] a[href='{path[1:]}']")  # the menu's relative links
            if link.count():  # through the menu: one script run, no new page load
                if not link.first.is_visible():  # the phone size closed the sidebar
                    page.locator("[data-testid='stExpandSidebarButton']").first.click()
                link.first.click()
                expect(page).to_have_url(re.compile(re.escape(path) + "$"))
            else:
                page.goto(url + path)
            idle(page)
            publish_first_figures(page)  # management: the first publication, by their explicit step
            _both_sizes(page, path, found)
    finally:
        context.close()
    found = {k: v for k, v in found.items() if v}
    assert not found, "\n".join(f"{k}: {line}" for k, v in found.items() for line in v)
