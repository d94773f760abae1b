"""Quality journeys in a real browser: accessibility (axe-core, WCAG 2.1 AA) in both
languages, keyboard-only completion of the assessment, management pages without names,
and a locked account that stays locked."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.helpers import (
    body,
    cookie_handover,
    expect_text,
    idle,
    login,
    logout,
    open_app,
    open_assessment,
    pick_option,
    publish_first_figures,
)

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
axe = Axe()


def serious_violations(page) -> list[str]:
    idle(page)
    expect(page.locator(".stPlotlyChart:not(:has(.main-svg))")).to_have_count(0)  # every chart drawn
    result = axe.run(page, options=WCAG)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}"
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def set_language(page, label: str) -> None:
    pick_option(page, "lang_picker", label)


def leader_with_assessment(server) -> str:
    con = sqlite3.connect(server.db_path)
    try:
        return con.execute(
            "SELECT u.username FROM users u JOIN participation p ON p.user_id = u.id "
            "WHERE p.round = 'start' AND u.password_hash IS NOT NULL ORDER BY u.id LIMIT 1"
        ).fetchone()[0]
    finally:
        con.close()


PAGES = {
    "leader": [("", "home"), ("/assessment", "assessment"), ("/my-results", "wheel"), ("/films", "films")],
    "management": [("/management-competences", "dashboard"), ("/", "participation")],
}


@pytest.mark.parametrize("lang", ["English"])  # Danish: every page, both sizes, tests/e2e/test_axe_sweep_browser.py
def test_no_serious_accessibility_violations(page, server, lang):
    problems = {}
    open_app(page, server.url)
    if lang == "English":
        set_language(page, "English")
    problems["login"] = serious_violations(page)
    for who, pages in (("leader", PAGES["leader"]), ("ledelse", PAGES["management"])):
        username = leader_with_assessment(server) if who == "leader" else who
        open_app(page, server.url)
        login(page, username)
        if lang == "English":
            set_language(page, "English")
        for path, name in pages:
            page.goto(server.url + path)
            idle(page)
            if page.locator(".st-key-publish_first").count():  # management's first-figures step, then the figures
                problems[f"{name}, first-figures step ({lang})"] = serious_violations(page)
                publish_first_figures(page)
            problems[f"{name} ({lang})"] = serious_violations(page)
        if lang == "English":
            set_language(page, "Dansk")
        logout(page)
    assert {k: v for k, v in problems.items() if v} == {}


def test_assessment_step_has_no_serious_violations(page, server):
    open_app(page, server.url)
    login(page, "leder")
    open_assessment(page, server.url)
    page.locator("[data-testid='stRadio']").first.wait_for()
    assert serious_violations(page) == []


FOCUSED = """() => { const e = document.activeElement; if (!e) return null;
  const main = e.closest("[data-testid='stMainBlockContainer']");
  const key = [...(e.closest('[class*="st-key-"]')?.classList || [])].find(c => c.startsWith('st-key-')) || '';
  const group = e.closest("[role='radiogroup']");
  return {main: !!main, tag: e.tagName, type: e.type || '', key,
          groupAnswered: group ? group.querySelectorAll('input:checked').length > 0 : null}; }"""


def test_keyboard_only_completion_of_the_assessment(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    open_app(page, server.url)
    # log in with the keyboard too
    page.locator(".st-key-login_username input").focus()
    page.keyboard.type("leder")
    page.keyboard.press("Tab")
    page.keyboard.type("demo")
    with cookie_handover(page):
        page.keyboard.press("Enter")
    idle(page)
    expect_text(page, "Velkommen")
    page.goto(server.url + "/assessment")
    idle(page)
    submitted = False
    for _ in range(3000):
        page.keyboard.press("Tab")
        f = page.evaluate(FOCUSED)
        if not f or not f["main"]:
            continue
        if f["type"] == "radio" and not f["groupAnswered"]:
            page.keyboard.press("Space")
            idle(page)
        elif f["key"] in ("st-key-start_assessment", "st-key-step_next", "st-key-submit_assessment"):
            groups = page.locator("[data-testid='stMainBlockContainer'] [role='radiogroup']")
            if all(groups.nth(i).locator("input:checked").count() for i in range(groups.count())):
                page.keyboard.press("Enter")
                idle(page)
                if f["key"] == "st-key-submit_assessment":
                    submitted = True
                    break
    assert submitted, "the assessment could not be completed with the keyboard alone"
    expect_text(page, "Dine tre stærkeste kompetencer")
    context.close()


def test_management_pages_show_no_names_or_emails(page, server):
    open_app(page, server.url)  # the first visit creates the demo database
    con = sqlite3.connect(server.db_path)
    identities = [x for row in con.execute("SELECT name, email FROM users WHERE username <> 'ledelse'") for x in row]
    con.close()
    assert len(identities) > 10
    login(page, "ledelse")
    for path in ("/", "/management-competences"):  # participation is their default page
        page.goto(server.url + path)
        idle(page)
        publish_first_figures(page)  # the first visit of the server's demo: management's explicit step
        text = page.content()
        for option in page.locator(".st-key-cohort_view [role=radiogroup] label").all():
            option.click()
            idle(page)
            text += page.content()
        leaked = [i for i in identities if i and i in text]
        assert leaked == [], path


def _administrator_of_its_own(server, username: str) -> None:
    """An administrator account for this test alone (locking `admin` would lock it for every
    later test on the module's server)."""
    from digled.accounts import auth
    from digled.platform import db

    d = db.connect(server.db_path)
    try:
        auth.create_user(d, username=username, name="Lars Laas", email=f"{username}@example.org", roles=("admin",),
                         password_hash=auth.hash_password("demo", rounds=4), activated_at=date.today().isoformat())
    finally:
        d.close()


def test_a_locked_account_stays_locked(browser, server):
    page = browser.new_page()
    open_app(page, server.url)  # the first visit creates the demo database
    _administrator_of_its_own(server, "laas")
    for _ in range(5):
        login(page, "laas", "wrong password", succeed=False)
    expect_text(page, "låst i 15 minutter")
    login(page, "laas", "demo", succeed=False)  # the right password does not help now
    expect_text(page, "låst i 15 minutter")
    assert page.locator(".st-key-logout_button").count() == 0 and "Deltagere" not in body(page)
    other = browser.new_page()  # nor does another browser
    open_app(other, server.url)
    login(other, "laas", "demo", succeed=False)
    expect_text(other, "låst i 15 minutter")
    assert other.locator(".st-key-logout_button").count() == 0
    page.close()
    other.close()
