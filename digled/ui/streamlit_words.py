"""Streamlit's own words in the reader's language.

Streamlit writes some words of its own in English whatever the page's language: the placeholder
of every selectbox ("Choose an option", read out and shown while one types), screen-reader labels
("Link to heading", "Show password", "Help for …", "Collapse sidebar", "Dismiss", "Open") and its
skip link "Skip to main content"; a date field's segments ("dd.mm.yyyy", read out as "day",
"month", "year", "Empty") and its "Choose date" button; a file uploader's "Remove <file>", its
sizes ("6.3MB") and errors ("File must be 5.0MB or smaller."). None of them is a widget parameter. digled/ui/js/
streamlit_words.js puts ours in their place as they appear (a MutationObserver); the words are
this module's, translated like every other text. In English the Danish words are put back, so
a change of language leaves none behind. Checked in the browser
(tests/e2e/test_streamlit_words_browser.py), so a Streamlit upgrade that renames one shows there.
"""

from __future__ import annotations

import json

from babel.dates import get_day_names

from digled.platform import dates
from digled.platform.i18n import N_, translator

from . import scripts

# Streamlit's word -> ours (msgids as Streamlit writes them where the word is unambiguous)
WORDS = {
    "Choose an option": N_("Choose an option"),
    "Link to heading": N_("Link to heading"),
    "Show password": N_("Show password"),
    "Hide password": N_("Hide password"),
    "Collapse sidebar": N_("Collapse sidebar"),
    "Expand sidebar": N_("Expand sidebar"),
    "Sidebar": N_("Sidebar"),
    "Dismiss": N_("Dismiss"),
    "Open": N_("Open the list"),  # the selectbox's button ("Open" alone is a status elsewhere)
    "Clear value": N_("Clear value"),
    "Clear all": N_("Clear all"),
    "Skip to main content": N_("Skip to main content"),
    "Choose date": N_("Choose date"),  # a date field's calendar button
    "Choose date range": N_("Choose date range"),
    "Clear date": N_("Clear date"),
    "Clear dates": N_("Clear dates"),
    "Empty": N_("Empty"),  # a date segment's aria-valuetext before anything is typed
    "Previous month": N_("Previous month"),  # the open calendar's arrows
    "Next month": N_("Next month"),
    "Use arrow keys to navigate dates. Enter to select. Escape to close.": N_(
        "Use arrow keys to navigate dates. Enter to select. Escape to close."),  # the calendar's hint
}
PREFIXES = {
    "Help for ": N_("Help for "),  # "Help for Kick-off date"
    "Remove ": N_("Remove "),  # an uploaded file's delete button: "Remove deltagere.csv"
    "day, ": N_("day, "),  # a date field's segments: "day, Kick-off date"
    "month, ": N_("month, "),
    "year, ": N_("year, "),
    "Choose date, ": N_("Choose date, "),  # the open calendar's name: "Choose date, august 2026"
}
# a date field's empty segments show these (Streamlit's field is always en-US): "dd.mm.yyyy"
SEGMENTS = {"yyyy": N_("yyyy")}
# whole texts with a part of their own ({size}: a file size, written the language's way; {any}:
# a file name or type, kept), inside a file uploader's file chips only
TEMPLATES = {
    "{size}": "{size}",
    "{any}, {size}": "{any}, {size}",
    "Error: File must be {size} or smaller.": N_("Error: File must be {size} or smaller."),
    "Error: {any} files are not allowed.": N_("Error: {any} files are not allowed."),
    "Error: File size is too small.": N_("Error: File size is too small."),
    "Error: Only one file is allowed.": N_("Error: Only one file is allowed."),
    "Error: Unexpected error. Please try again.": N_("Error: Unexpected error. Please try again."),
}
TEXTS = ("Skip to main content",)  # also shown as a link's text, not only as a label


def words(lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """(whole words, prefixes) to put in place for `lang`: Streamlit's English -> the language's,
    and in English every Danish word back to Streamlit's."""
    da = translator("da")
    if lang == "da":
        return {w: da(m) for w, m in WORDS.items()}, {p: da(m) for p, m in PREFIXES.items()}
    return {da(m): w for w, m in WORDS.items()}, {da(m): p for p, m in PREFIXES.items()}


def segments(lang: str) -> dict[str, str]:
    """An empty date segment's text -> ours ('yyyy' -> 'åååå'), and back in English."""
    da = translator("da")
    pairs = {w: da(m) for w, m in SEGMENTS.items()}
    return pairs if lang == "da" else {v: k for k, v in pairs.items()}


def templates(lang: str) -> list[tuple[str, str]]:
    """(from, to) pairs of the uploader's texts for `lang` (see TEMPLATES), the longest first
    ("{size}" alone matches last)."""
    da = translator("da")
    pairs = [(w, da(m)) for w, m in TEMPLATES.items()]
    if lang != "da":
        pairs = [(b, a) for a, b in pairs]
    return sorted(pairs, key=lambda p: -len(p[0]))


def calendar_locale(lang: str) -> str:
    """The browser locale the calendar is drawn in: the one digled writes dates in ('da-DK',
    'en-GB')."""
    return dates.locale(lang).replace("_", "-")


def weekdays(lang: str) -> list[str]:
    """The calendar's weekday row, Monday first, two letters each: ma ti on to fr lø sø."""
    names = get_day_names("short", locale=dates.locale(lang))
    return [names[day].rstrip(".") for day in range(7)]


def apply(lang: str) -> None:
    """Put the words of `lang` in place on the page (run once per script run, by app.py)."""
    whole, prefixes = words(lang)
    scripts.run("streamlit_words", words=json.dumps(whole, ensure_ascii=False),
                prefixes=json.dumps(prefixes, ensure_ascii=False),
                texts=json.dumps([k for k, v in whole.items() if k in TEXTS or v in TEXTS], ensure_ascii=False),
                segments=json.dumps(segments(lang), ensure_ascii=False),
                templates=json.dumps(templates(lang), ensure_ascii=False),
                decimal="," if lang == "da" else ".",
                locale=calendar_locale(lang), weekdays=json.dumps(weekdays(lang), ensure_ascii=False))
