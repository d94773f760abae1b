"""AppTest: every page of every role (a leader, management, an administrator, logged out) in
Danish and in English, as each opens (issue 20, acceptance): in Danish no English word from the
list kept here (ENGLISH), no decimal point in a number; in either language no variable letter
("mindst k ledere"). The text read is everything a reader sees of a run
(tests/pages/test_management_text.everything: Markdown, captions, labels, help texts, metrics,
table cells, chart texts) and the options and section names of the run's widgets. The
management pages' other states (each view, round, breakdown) are swept in
tests/pages/test_management_text.py."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from digled.accounts import navigation
from tests.apptest import app_as, publish_first_figures, shown
from tests.pages.test_management_text import DECIMAL_POINT, VARIABLE, everything

ROLES = {"leader": "leder", "management": "ledelse", "admin": "admin", "logged out": None}

# English words that are no Danish words ("for", "to", "have", "more", "per", "upload", "link",
# "slides", "kick-off", "e-learning" are Danish too): one of them in a Danish page is an untranslated text
ENGLISH = (
    "the", "and", "of", "your", "you", "with", "not", "yet", "here", "there", "this", "that", "these", "from",
    "which", "what", "when", "where", "who", "will", "should", "has", "are", "were", "been", "their",
    "they", "times", "none", "nan", "true", "false", "choose", "option", "save", "delete", "cancel", "submit",
    "download", "remove", "heading", "help", "skip", "please", "error", "loading", "show", "hide", "week",
    "level", "leaders", "answers", "assessment", "participants", "results", "page", "found", "untitled",
    "previous", "next", "back", "open", "close", "closed", "yes", "no", "day", "month", "year", "date", "empty",
    "file", "files", "must", "smaller", "allowed", "search", "clear", "select", "all", "only",
    "each", "every", "about", "after", "before", "than", "less", "least", "most", "between",
)
_ENGLISH = re.compile(r"(?<![\w@/.\-])(" + "|".join(ENGLISH) + r")(?![\w@\-])", re.IGNORECASE)
# what is not running text: web and e-mail addresses, file names
_NOT_TEXT = re.compile(r"https?://\S+|[\w.+-]+@[\w.-]+|\b[\w-]+\.(?:pdf|pptx|csv|xlsx|ics|zip|json)\b", re.I)
# English on a Danish page by design, each with its reason (keep this short)
ENGLISH_BY_DESIGN = (
    # the import also takes English column headers, and says which
    re.compile(r"engelske overskrifter virker også: [^)]*"),
    # the standard's own name
    re.compile(r"Web Content Accessibility Guidelines"),
)
# a point between digits that is no decimal point: a standard's version ("WCAG 2.1", "DigComp
# 2.2"), a room's number ("lokale 1.12"), a Danish time or time range ("kl. 09.00–13.00") and a
# Danish short date in a table ("01.09.2026")
NO_DECIMAL = re.compile(r"(?:WCAG\)?|DigComp|lokale) \d+\.\d+|kl\. \d{2}\.\d{2}(?:–\d{2}\.\d{2})?|\b\d{2}\.\d{2}\.\d{4}\b")


def english_words(lines: list[str]) -> dict[str, str]:
    """English word -> the line it stands in."""
    found = {}
    for line in lines:
        text = _NOT_TEXT.sub(" ", line)
        for allowed in ENGLISH_BY_DESIGN:
            text = allowed.sub(" ", text)
        for m in _ENGLISH.finditer(text):
            found.setdefault(m[1].lower(), line)
    return found


def widget_words(at: AppTest) -> list[str]:
    """The options of radios, selectboxes and multiselects, and the names of tabs and expanders."""
    out = []
    for kind in ("radio", "selectbox", "multiselect"):
        for w in getattr(at, kind):
            out += [shown(o) for o in w.options]
    for kind in ("tabs", "expander"):
        out += [shown(e.label) for e in getattr(at, kind)]
    return out


def english_columns(at: AppTest) -> set[str]:
    """The cells of table columns that hold the English by design: the administrator's English
    names of municipalities, areas and levels (the "en" column of the lists' editors)."""
    out = set()
    for df in at.dataframe:
        frame = df.value
        for column in getattr(frame, "columns", []):
            if str(column) == "en":
                out |= {str(v) for v in frame[column]}
    return out


def read(at: AppTest) -> list[str]:
    english = english_columns(at)
    return [line for line in everything(at) + widget_words(at) if line.strip() and line not in english]


def pages_of(role: str) -> list[navigation.PageSpec]:
    if role == "logged out":
        return [p for p in navigation.PAGES if p.public]
    roles = {"leader": ("leader",), "management": ("management",), "admin": ("admin",)}[role]
    return navigation.pages_for(roles)


def sweep(role: str, lang: str):
    """(page, text lines) of every page of `role`, each opened once in one session, the front
    page first."""
    at = app_as(ROLES[role], lang=lang).run()
    assert not at.exception, at.exception
    yield "front page", read(at)
    for spec in pages_of(role):
        at.switch_page(spec.path).run()
        assert not at.exception, (spec.path, at.exception)
        publish_first_figures(at)  # management: the first publication, by their explicit step
        yield spec.path, read(at)


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_page_reads_in_its_language_with_numbers_and_no_letters(demo_db, role, lang):
    english, points, letters = {}, {}, {}
    for page, lines in sweep(role, lang):
        for line in lines:
            if VARIABLE.search(line):
                letters.setdefault(line, page)
            if lang == "da" and DECIMAL_POINT.search(NO_DECIMAL.sub(" ", line)):
                points.setdefault(line, page)
        if lang == "da":
            for word, line in english_words(lines).items():
                english.setdefault(word, (page, line))
    assert not english, "\n".join(f"{w!r} on {page}: {line[:200]}" for w, (page, line) in english.items())
    assert not points, points
    assert not letters, letters


def test_the_sweep_catches_a_planted_english_word_a_point_and_a_letter():
    """A Danish page with one untranslated sentence, one number written the English way and one
    formula letter: the sweep's reading and its checks find each (and nothing in the Danish
    around them, a date, a time or a loanword)."""

    def script():
        import streamlit as st

        st.title("Mit forløb")
        st.markdown("Kick-off 7. dec. 2026 kl. 10.42: slides og link kommer senere, for to ledere.")
        st.caption("Save your answers before you leave.")  # planted
        st.metric("Gennemsnit", "3.9")  # planted
        st.radio("Visning", ["Hjul", "Fordelt på kommune"])
        st.info("Vises kun for grupper på mindst k ledere.")  # planted

    at = AppTest.from_function(script, default_timeout=30).run()
    lines = read(at)
    assert set(english_words(lines)) == {"save", "your", "answers", "before", "you"}
    assert [line for line in lines if DECIMAL_POINT.search(line)] == ["Gennemsnit 3.9", "3.9"]
    assert [line for line in lines if VARIABLE.search(line)] == ["Vises kun for grupper på mindst k ledere."]
    assert "Fordelt på kommune" in lines
