"""The hidden journeys a new leader takes end with no English in Danish, no Danish in English,
and no dead end (issue 10): every page of the leader's menu, opened through the menu, on a
phone and on a desktop.

"No English" is judged against the catalogue: any UI string left untranslated would show its
English source text, so no source text (that differs from its translation) may appear on a
Danish page; no Danish translation may appear on an English page.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from digled.accounts import navigation
from digled.platform import i18n
from tests.e2e.helpers import body, idle, login, pick_option

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
MIN_LENGTH = 18  # shorter strings ("Status", "OK") may be the same word in both languages


def _catalogue() -> list[tuple[str, str]]:
    with i18n.po_path("da").open("rb") as f:
        return [(m.id, m.string) for m in read_po(f) if m.id and m.string and m.id != m.string]


def _fragments(text: str) -> list[str]:
    """The literal parts of a message between its placeholders and Markdown marks, long enough
    to tell the languages apart."""
    parts = re.split(r"\{[a-z_]+\}|\*\*|`|\n", text)
    return [p.strip(" .,:;()") for p in parts if len(p.strip(" .,:;()")) >= MIN_LENGTH]


def _foreign(text: str, lang: str) -> list[str]:
    found = []
    for msgid, msgstr in _catalogue():
        other = msgid if lang == "da" else msgstr
        mine = msgstr if lang == "da" else msgid
        for fragment in _fragments(other):
            if fragment in text and fragment not in mine:
                found.append(fragment)
    return found


def _choose_english(page) -> None:
    pick_option(page, page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first, "English")


LEADER_PAGES = [spec for spec in navigation.pages_for(("leader",)) if spec.in_menu]


@pytest.mark.parametrize("lang, viewport", [
    ("da", {"width": 390, "height": 844}),
    ("en", {"width": 1366, "height": 900}),
])
def test_a_new_leader_meets_one_language_on_every_page(browser, server, lang, viewport):
    phone = viewport["width"] < 600
    context = browser.new_context(viewport=viewport, has_touch=phone, is_mobile=phone, locale="da-DK")
    page = context.new_page()
    problems = {}
    try:
        page.goto(server.url)
        idle(page)
        login(page, "leder")
        if lang == "en":
            _choose_english(page)
        t = i18n.translator(lang)
        for spec in LEADER_PAGES:
            page.goto(server.url + "/" + spec.url_path)
            idle(page)
            text = body(page)
            assert t(spec.title) in text, f"/{spec.url_path} did not open"
            assert "Page not found" not in text
            foreign = _foreign(text, lang)
            if foreign:
                problems[spec.url_path] = foreign
    finally:
        context.close()
    assert problems == {}, f"strings in the other language: {problems}"


def test_the_check_finds_a_string_of_the_other_language():
    """The judge above can fail: an untranslated message on a Danish page is found, and its
    translation on an English page."""
    msgid, msgstr = next((i, s) for i, s in _catalogue() if _fragments(i) and _fragments(s))
    assert _foreign("Velkommen. " + msgid, "da")
    assert _foreign("Welcome. " + msgstr, "en")
    assert not _foreign("Velkommen. " + msgstr, "da")
