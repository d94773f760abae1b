"""The leader's journey in a real browser: one next step (the start assessment for the demo
`leder`), a late joiner with a personal plan and no red failures, a "Go to" link landing on the
named KL film (its tab shown, expanded, in view), a reflection saved while typing that survives
a reload mid-sentence, and a visible confirmation of "Mark as seen". Danish and English, each
on a desktop (1366x900) and a phone (390x844, touch); axe stays clean on the pages changed."""

from __future__ import annotations

import re
import sqlite3
from datetime import date

from playwright.sync_api import expect

from digled.content import programme
from tests.e2e.helpers import idle, login, open_app, pick_option

DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
NOTE = "Vi skal have styr på gevinsterne, før vi"  # mid-sentence


def new_page(browser, size: dict, locale: str):
    context = browser.new_context(locale=locale, **size)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def query(server, sql: str, params=()):
    with sqlite3.connect(server.db_path) as conn:
        return conn.execute(sql, params).fetchone()


def menu(page, url_path: str) -> None:
    """Open a page from the sidebar menu (opening the menu first on a phone)."""
    link = page.locator("[data-testid='stSidebar']").locator(f"a[href='{url_path}'], a[href$='/{url_path}']").first
    if not link.is_visible():
        page.locator("[data-testid='stExpandSidebarButton']").first.click()
    link.click()
    idle(page)


def expect_in_view(page, selector: str, why: str = "") -> None:
    """Wait (retrying, as the page scrolls) until the element's top is inside the viewport."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "sel => { const el = document.querySelector(sel); if (!el) return false;"
            " const r = el.getBoundingClientRect(); return r.top >= -2 && r.top < window.innerHeight; }",
            arg=selector, timeout=10_000)
    except PlaywrightTimeout:
        raise AssertionError(f"{selector} is not scrolled into view {why}") from None


def add_late_joiner(server) -> None:
    """`sen`: invited today (English), start assessment taken, the first open film seen; the
    next open item is then the KL film kl4."""
    from digled.accounts import auth
    from digled.assessment import answering
    from digled.platform import db
    from digled.programme import journey

    d = db.connect(server.db_path)
    try:
        uid = auth.create_user(d, username="sen", name="Sigrid Sen", email="sen@example.org",
                               municipality="Glostrup", area="skole", roles=("leader",),
                               password_hash=auth.hash_password("demo"), language="en",
                               invited_at=date.today().isoformat(), activated_at=date.today().isoformat())
        answering.record_participation(d, uid, "start")
        journey.mark_done(d, uid, "film3")
    finally:
        d.close()


def choose_english_before_login(page, phone: bool = False) -> None:
    """Pick English on the login page (on a phone the menu is opened, then closed again)."""
    if phone:
        page.locator("[data-testid='stExpandSidebarButton']").first.click()
    pick_option(page, "lang_picker", "English")
    if phone:
        page.locator("[data-testid='stSidebarCollapseButton'] button").click()  # the menu covers the form


def test_new_leader_next_step_reflection_saved_while_typing_and_seen_confirmation(browser, server):
    """Danish, desktop: the start assessment is the next step; a note typed mid-sentence is saved
    with a visible time and survives a reload; 'Markér som set' confirms."""
    page = new_page(browser, DESKTOP, "da-DK")
    open_app(page, server.url)
    login(page, "leder")
    card = page.locator(".st-key-next_step_card")
    expect(card).to_contain_text("Dit næste skridt")
    expect(card.get_by_role("button", name="Gå til: Kompetenceafklaring – start")).to_be_visible()
    expect(page.locator("[data-testid='stApp']")).not_to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))

    menu(page, "films")
    field = page.locator(".st-key-refl_film3-r1 textarea")
    expect(field).to_be_visible()
    question = programme.programme().activity("film3").reflections[0].text["da"]
    expect(page.get_by_label(question)).to_be_visible()  # a real, labelled text area
    field.click()
    field.press_sequentially(NOTE, delay=20)
    status = page.locator(".st-key-refl_film3-r1 [role='status']")
    expect(status).to_have_text(re.compile(r"^Gemt kl\. \d{1,2}\.\d{2}\.$"), timeout=10_000)
    saved = ("SELECT r.text FROM reflections r JOIN users u ON u.id = r.user_id "
             "WHERE u.username = 'leder' AND r.question = 'film3-r1'")
    assert query(server, saved) == (NOTE,)
    page.reload()
    idle(page)
    expect(page.locator(".st-key-refl_film3-r1 textarea")).to_have_value(NOTE)
    expect(page.locator(".st-key-refl_film3-r1 [role='status']")).to_contain_text("Gemt")

    page.locator(".st-key-seen_film3 button").click()
    expect(page.locator("[data-testid='stToast']")).to_contain_text("Markeret som set")
    idle(page)
    expect(page.locator(".st-key-film_film3 [data-testid='stAlertContentSuccess']")).to_contain_text("Set den")
    assert query(server, "SELECT p.status FROM progress p JOIN users u ON u.id = p.user_id "
                         "WHERE u.username = 'leder' AND p.activity = 'film3'") == ("done",)
    page.context.close()


def test_late_joiner_has_a_plan_without_red_failures_and_go_to_lands_on_the_kl_film(browser, server):
    """English, phone: a leader invited today sees what passed before they joined neutrally,
    and 'Go to' opens the KL films tab with the named film expanded and in view."""
    page = new_page(browser, PHONE, "en-GB")
    open_app(page, server.url)  # the first visit loads the demo into the empty database
    add_late_joiner(server)
    choose_english_before_login(page, phone=True)  # and English is Sigrid's own language
    login(page, "sen")
    app = page.locator("[data-testid='stApp']")
    expect(app).to_contain_text("Your personal plan")
    expect(app).to_contain_text("Before you joined")
    badges = page.locator("[data-testid='stMarkdownContainer'] span")
    assert badges.filter(has_text=re.compile(r"^(Missed|Ikke nået)$")).count() == 0
    assert badges.filter(has_text=re.compile(r"^Before you joined$")).count() >= 5
    title = programme.programme().activity("kl4").title["en"]
    go = page.locator(".st-key-next_step").get_by_role("button", name="Go to: " + title)
    go.click()
    idle(page)
    assert page.url.split("?")[0].endswith("/films")
    expect(page.get_by_role("tab", name="KL films")).to_have_attribute("aria-selected", "true")
    film = page.locator(".st-key-film_kl4")
    expect(film.locator("details")).to_have_attribute("open", "")
    expect(film.locator("summary")).to_contain_text(title)
    expect_in_view(page, ".st-key-film_kl4", "(the named film)")
    page.context.close()


def test_english_desktop_timeline_link_lands_on_the_film_saves_a_note_and_confirms_seen(browser, server):
    """English, desktop: the timeline title of a KL film links to that film (its tab, expanded,
    in view); a note is saved while typing ('Saved at 10:42.'); 'Mark as seen' confirms."""
    from tests.e2e.test_quality_browser import serious_violations

    page = new_page(browser, DESKTOP, "en-GB")
    open_app(page, server.url)
    login(page, "leder")
    pick_option(page, "lang_picker", "English")  # Lea's own language is Danish
    expect(page.locator(".st-key-next_step_card").get_by_role("button", name="Go to: Competence assessment – start")).to_be_visible()
    link = page.locator(".st-key-timeline_kl5 a")
    expect(link).to_have_attribute("href", re.compile(r"films\?item=kl5$"))
    link.click()
    idle(page)
    expect(page.get_by_role("tab", name="KL films")).to_have_attribute("aria-selected", "true")
    expect(page.locator(".st-key-film_kl5 details")).to_have_attribute("open", "")
    expect_in_view(page, ".st-key-film_kl5")
    field = page.locator(".st-key-refl_kl5-r1 textarea")
    field.click()
    field.press_sequentially("Two tracks, one", delay=20)
    expect(page.locator(".st-key-refl_kl5-r1 [role='status']")).to_have_text(
        re.compile(r"^Saved at \d{1,2}:\d{2}\.$"), timeout=10_000)
    page.locator(".st-key-seen_kl5 button").click()
    expect(page.locator("[data-testid='stToast']")).to_contain_text("Marked as seen")
    idle(page)
    expect(page.locator(".st-key-film_kl5 [data-testid='stAlertContentSuccess']")).to_contain_text("Seen on")
    assert serious_violations(page) == []
    page.context.close()


def test_danish_phone_late_joiner_sees_what_passed_neutrally(browser, server):
    """Danish, phone: 'Før du kom med' instead of red 'Ikke nået'; the plan and the next step."""
    from digled.accounts import auth
    from digled.platform import db
    from tests.e2e.test_quality_browser import serious_violations

    page = new_page(browser, PHONE, "da-DK")
    open_app(page, server.url)
    d = db.connect(server.db_path)
    try:
        auth.create_user(d, username="ny", name="Nora Ny", email="ny@example.org", roles=("leader",),
                         password_hash=auth.hash_password("demo"), invited_at=date.today().isoformat())
    finally:
        d.close()
    login(page, "ny")
    app = page.locator("[data-testid='stApp']")
    expect(app).to_contain_text("Din personlige plan")
    expect(page.locator(".st-key-next_step_card").get_by_role("button", name="Gå til: Kompetenceafklaring – start")).to_be_visible()
    badges = page.locator("[data-testid='stMarkdownContainer'] span")
    assert badges.filter(has_text=re.compile(r"^Ikke nået$")).count() == 0
    assert badges.filter(has_text=re.compile(r"^Før du kom med$")).count() >= 5
    assert serious_violations(page) == []
    page.context.close()
