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
