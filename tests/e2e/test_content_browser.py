"""Content edited in the app, in a real browser: the administrator edits a film's reflection
question on *Vejledninger og videoer* (a minute past the film's end is refused, naming the film
and field, nothing typed lost) and a leader sees the new question on the films page. Danish on a
desktop, English on a phone (390x844); axe-clean."""

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import idle, login, open_app, pick_option
from tests.e2e.test_quality_browser import serious_violations

DESKTOP = dict(viewport={"width": 1366, "height": 900})
PHONE = dict(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, device_scale_factor=2)
CASES = {
    "da": dict(size=DESKTOP, question="film1-r1", text="Hvor ser du digital ledelse i din egen hverdag?",
               other="Where do you see digital leadership in your own daily work?",
               error="Digital ledelse i organisationen: refleksionsspørgsmål: spørgsmål 1: minuttet skal være et "
                     "helt tal fra 0 til 40 (filmens længde).", saved="Gemt.", film="Digital ledelse i organisationen"),
    "en": dict(size=PHONE, question="film1-r2", text="What must be in place before a new system creates value?",
               other="Hvad skal være på plads, før et nyt system skaber værdi?",
               error="Digital leadership in the organisation: reflection questions: question 2: the minute must be "
                     "a whole number from 0 to 40 (the film's length).", saved="Saved.",
               film="Digital leadership in the organisation"),
}


def _stored(server) -> str:
    con = sqlite3.connect(server.db_path)
    try:
        row = con.execute("SELECT value FROM content_overrides WHERE key = 'activity:film1:reflections'").fetchone()
        return row[0] if row else ""
    finally:
        con.close()


def _in_sidebar(page, action) -> None:
    """Do `action` in the sidebar, opening it first on a phone (and closing it after)."""
    closed = page.locator("[data-testid='stExpandSidebarButton']")
    opened = closed.count() > 0 and closed.first.is_visible()
    if opened:
        closed.first.click()
    action()
    if opened and page.locator("[data-testid='stSidebarCollapseButton'] button").count():
        page.locator("[data-testid='stSidebarCollapseButton'] button").first.click()


def set_language(page, label: str) -> None:
    _in_sidebar(page, lambda: pick_option(page, "lang_picker", label))


def logout(page) -> None:
    def out():
        page.locator(".st-key-logout_button button").click()
        idle(page)

    _in_sidebar(page, out)


def _choose(page, key: str, label: str) -> None:
    pick_option(page, key, re.compile(re.escape(label)))


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_administrator_edits_a_question_and_a_leader_sees_it(browser, server, lang):
    case = CASES[lang]
    context = browser.new_context(locale="da-DK", **case["size"])
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_app(page, server.url)
        login(page, "admin")
        if lang == "en":
            set_language(page, "English")
        page.goto(server.url + "/admin-content")
        idle(page)
        _choose(page, "content_activity", case["film"])
        p = f".st-key-c_film1_reflections_{case['question']}"
        page.locator(f"{p}_da textarea").fill(case["text"] if lang == "da" else case["other"])
        page.locator(f"{p}_en textarea").fill(case["other"] if lang == "da" else case["text"])
        page.locator(f"{p}_min input").fill("41")  # the film is 40 minutes long
        page.locator(".st-key-save_reflections button").click()
        idle(page)
        expect(page.get_by_text(case["error"])).to_be_visible()
        expect(page.locator(f"{p}_min input")).to_have_value("41")  # nothing typed is lost
        assert case["text"] not in _stored(server)
        assert serious_violations(page) == []
        page.locator(f"{p}_min input").fill("12")
        page.locator(".st-key-save_reflections button").click()
        idle(page)
        expect(page.get_by_text(case["saved"], exact=True)).to_be_visible()
        assert case["text"] in _stored(server)
        if lang == "en":
            set_language(page, "Dansk")
        logout(page)

        login(page, "leder")
        if lang == "en":
            set_language(page, "English")
        page.goto(server.url + "/films?item=film1")
        idle(page)
        field = page.locator(f".st-key-refl_{case['question']}")
        expect(field).to_contain_text(case["text"])
        expect(page.get_by_text(re.compile("(At minute|Ved minut) 12$")).first).to_be_visible()
        assert serious_violations(page) == []
        if lang == "en":
            set_language(page, "Dansk")
    finally:
        context.close()
