"""Streamlit's own English words (a selectbox's placeholder, screen-reader labels, the skip link)
are in the reader's language: none on a Danish page, logged out or in, and back in English when
the reader picks English (digled/ui/streamlit_words.py; issue 20, point 9)."""

from __future__ import annotations

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
