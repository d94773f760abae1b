"""digled.ui.streamlit_words: Streamlit's own English words put in the reader's language, and
in English the Danish ones put back. (The browser check: tests/e2e/test_streamlit_words_browser.py.)"""

from digled.platform import i18n
from digled.ui import streamlit_words as sw


def test_in_danish_streamlits_words_become_ours():
    whole, prefixes = sw.words("da")
    assert set(whole) == set(sw.WORDS) and set(prefixes) == set(sw.PREFIXES)
    da = i18n.translator("da")
    assert whole["Choose an option"] == da("Choose an option") != "Choose an option"
    assert whole["Open"] == da("Open the list")
    assert prefixes["Help for "].endswith(" ")


def test_in_english_the_danish_words_go_back():
    whole, prefixes = sw.words("en")
    da_whole, da_prefixes = sw.words("da")
    assert {v: k for k, v in da_whole.items()} == whole
    assert {v: k for k, v in da_prefixes.items()} == prefixes


def test_every_word_has_a_danish_translation():
    da = i18n.translator("da")
    untranslated = [m for m in [*sw.WORDS.values(), *sw.PREFIXES.values()] if da(m) == m]
    assert untranslated == []


def test_a_date_fields_empty_year_reads_aaaa_in_danish_and_yyyy_in_english():
    assert sw.segments("da") == {"yyyy": "åååå"}
    assert sw.segments("en") == {"åååå": "yyyy"}
    whole, prefixes = sw.words("da")
    assert whole["Choose date"] == "Vælg dato" and whole["Empty"] == "Tom"
    assert (prefixes["day, "], prefixes["month, "], prefixes["year, "], prefixes["Remove "]) == (
        "dag, ", "måned, ", "år, ", "Fjern ")


def test_the_uploaders_texts_go_both_ways_with_their_parts_kept():
    da = dict(sw.templates("da"))
    assert da["Error: File must be {size} or smaller."] == "Fejl: Filen må højst fylde {size}."
    assert da["Error: {any} files are not allowed."].count("{any}") == 1
    assert {v: k for k, v in da.items()} == dict(sw.templates("en"))
    assert sw.templates("da")[-1] == ("{size}", "{size}")  # the bare size is tried last
    untranslated = [m for m in sw.TEMPLATES.values() if "{" not in m.replace("{size}", "").replace("{any}", "")
                    and i18n.translator("da")(m) == m and m not in ("{size}", "{any}, {size}")]
    assert untranslated == []


def test_the_open_calendar_speaks_the_readers_language_monday_first():
    assert (sw.calendar_locale("da"), sw.calendar_locale("en")) == ("da-DK", "en-GB")  # digled's date locales
    assert sw.weekdays("da") == ["ma", "ti", "on", "to", "fr", "lø", "sø"]
    assert sw.weekdays("en") == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    whole, prefixes = sw.words("da")
    assert (whole["Previous month"], whole["Next month"], prefixes["Choose date, "]) == (
        "Forrige måned", "Næste måned", "Vælg dato, ")
    assert whole["Use arrow keys to navigate dates. Enter to select. Escape to close."].startswith("Brug piletasterne")
