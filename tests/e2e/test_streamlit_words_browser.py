"""Streamlit's own English words (a selectbox's placeholder, screen-reader labels, the skip link)
are in the reader's language: none on a Danish page, logged out or in, and back in English when
the reader picks English (digled/ui/streamlit_words.py; issue 20, point 9)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from digled.ui import streamlit_words
from tests.e2e.helpers import idle, login, open_app, pick_option, publish_first_figures

pytestmark = pytest.mark.e2e

DESKTOP = {"viewport": {"width": 1366, "height": 900}}
LABELS = """() => [...document.querySelectorAll('[aria-label], [placeholder], [title]')]
  .flatMap(e => ['aria-label', 'placeholder', 'title'].map(a => e.getAttribute(a)).filter(v => v))"""
LINKS = "() => [...document.querySelectorAll('a')].map(a => a.textContent.trim()).filter(v => v)"


def english_words(page) -> list[str]:
    shown = page.evaluate(LABELS) + page.evaluate(LINKS)
    return sorted({v for v in shown if v in streamlit_words.WORDS or v.startswith(tuple(streamlit_words.PREFIXES))})


def test_a_danish_reader_meets_none_of_streamlits_english_and_an_english_reader_does(browser, server):
    context = browser.new_context(**DESKTOP, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_app(page, server.url)
        picker = page.locator(".st-key-lang_picker input")
        expect(picker).to_have_attribute("placeholder", "Vælg")
        assert page.locator("a", has_text="Gå til hovedindhold").count() == 1  # Streamlit's skip link
        assert english_words(page) == []

        login(page, "ledelse")  # the management pages carry help icons ("Help for …") and filters
        expect(page.locator("[data-testid='stApp']")).to_contain_text("Overblik")
        idle(page)
        assert english_words(page) == []
        if publish_first_figures(page):  # the first visit of the server's demo: management's explicit step
            assert english_words(page) == []
        helps = page.evaluate(LABELS)
        assert any(v.startswith("Hjælp til ") for v in helps), helps

        pick_option(page, "lang_picker", "English")
        expect(picker).to_have_attribute("placeholder", "Choose an option")
        assert page.locator("a", has_text="Skip to main content").count() == 1
        shown = page.evaluate(LABELS)
        assert not any(v in ("Vælg", "Link til overskriften") or v.startswith("Hjælp til ") for v in shown), shown
    finally:
        context.close()


# English a Danish calendar must not show (words Danish spells the same, "august", are left out)
ENGLISH = {
    "january", "february", "march", "may", "june", "july", "october",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mo", "tu", "we", "th", "sa", "su", "previous", "next", "choose", "date", "month", "year",
    "use", "arrow", "keys", "navigate", "dates", "select", "close", "today", "selected",  # not the keys' names
}
CALENDAR = "[data-testid='stDateInputCalendar']"
# every text and label in the open calendar, its weekday row, its month and its arrows
POPUP = """(sel) => { const p = document.querySelector(sel); const all = [p, ...p.querySelectorAll('*')];
  return {texts: all.filter(e => e.childElementCount === 0 && e.textContent.trim()).map(e => e.textContent.trim())
            .concat(all.map(e => e.getAttribute('aria-label')).filter(v => v)),
          weekdays: [...p.querySelectorAll('thead th')].map(e => e.textContent),
          month: p.querySelector("header button[aria-haspopup='listbox']").textContent,
          arrows: [...p.querySelectorAll('header > button')].map(e => e.getAttribute('aria-label'))}; }"""


def open_calendar(page, field: str) -> dict:
    """Open a date field's calendar and read it (see POPUP); closed again with Escape."""
    page.locator(f"{field} [data-testid='stDateInputCalendarButton']").click()
    page.locator(CALENDAR).wait_for()
    shown = page.evaluate(POPUP, CALENDAR)
    page.keyboard.press("Escape")
    expect(page.locator(CALENDAR)).to_have_count(0)
    return shown


SEGMENTS = """(sel) => [...document.querySelectorAll(sel + " [role='spinbutton']")].map(e => ({
  text: e.textContent, label: e.getAttribute('aria-label'), value: e.getAttribute('aria-valuetext')}))"""
CHIP = "[data-testid='stFileChip']"
DANISH_MONTHS = ("januar februar marts april maj juni juli august september oktober november december").split()
ENGLISH_MONTHS = [m.capitalize() for m in ("january february march april may june july august september "
                                           "october november december").split()]


def test_date_fields_uploads_and_headings_speak_danish(browser, server):
    """A date field reads dd.mm.åååå ("dag, …", "Tom", "Vælg dato") and a typed digit still shows;
    a file too large says so in Danish with the real limit ("5 MB") and its size the Danish way;
    its delete button says "Fjern"; no heading has a "Link to heading" anchor to tab to; a date
    field's calendar reads Danish (januar, ma ti on to fr lø sø from Monday, "Forrige måned") and,
    once the reader picks English, English again (the rest of English: tests/ui/test_streamlit_words.py)."""
    context = browser.new_context(**DESKTOP, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_app(page, server.url)
        login(page, "admin")
        page.goto(server.url + "/admin-cohorts")  # the next run's kick-off date: empty (value=None)
        idle(page)
        page.locator(".st-key-co_close_section summary").click()  # the section with the date field
        idle(page)
        field = ".st-key-co_next_kickoff"
        segments = page.evaluate(SEGMENTS, field)
        assert [s["text"] for s in segments] == ["dd", "mm", "åååå"], segments
        assert [s["label"].split(",")[0] for s in segments] == ["dag", "måned", "år"], segments
        assert {s["value"] for s in segments} == {"Tom"}, segments
        assert page.locator(f"{field} [data-testid='stDateInputCalendarButton']").get_attribute("aria-label") == "Vælg dato"
        year = page.locator(f"{field} [role='spinbutton']").nth(2)
        year.click()
        page.keyboard.type("2")
        expect(year).to_have_text(re.compile(r"^0*2$"))  # the typed digit shows, not "åååå"
        page.keyboard.press("Backspace")
        expect(year).to_have_text("åååå")
        headings = page.locator("[data-testid='stMainBlockContainer'] [data-testid='stHeading']")
        assert headings.count() > 1
        assert page.locator("[data-testid='stMainBlockContainer'] a[href^='#']:visible").count() == 0

        page.goto(server.url + "/admin-import")  # "højst 5 MB"
        idle(page)
        page.locator("input[type=file]").set_input_files(
            files=[{"name": "stor.csv", "mimeType": "text/csv", "buffer": b"x" * 6_300_000}])
        chip = page.locator(CHIP)
        expect(chip.get_by_role("alert")).to_have_text("Fejl: Filen må højst fylde 5 MB.")
        expect(chip).to_have_attribute("aria-label", "stor.csv, 6,3 MB")
        expect(chip.locator("[data-testid='stFileChipDeleteBtn'] button")).to_have_attribute("aria-label", "Fjern stor.csv")
        assert "6,3 MB" in chip.inner_text() and "MB or smaller" not in page.content()

        page.goto(server.url + "/admin-schedule")  # the kick-off date's calendar
        idle(page)
        kickoff = ".st-key-schedule_kickoff"
        shown = open_calendar(page, kickoff)
        english = sorted({v for v in shown["texts"] if ENGLISH & set(re.findall(r"[a-z]+", v.lower()))})
        assert english == [], english
        assert shown["weekdays"] == ["ma", "ti", "on", "to", "fr", "lø", "sø"], shown
        assert shown["arrows"] == ["Forrige måned", "Næste måned"], shown
        assert shown["month"] in DANISH_MONTHS, shown
        pick_option(page, "lang_picker", "English")
        shown = open_calendar(page, kickoff)
        assert shown["weekdays"] == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"], shown
        assert shown["arrows"] == ["Previous month", "Next month"], shown
        assert shown["month"] in ENGLISH_MONTHS, shown
    finally:
        context.close()
