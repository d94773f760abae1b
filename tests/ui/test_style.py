"""digled.ui.style: the app's CSS. Never a less-than sign (Streamlit's sanitiser would drop the
whole style element); the file uploader's button word in the user's language."""

from digled.platform import i18n
from digled.ui import style


def test_the_stylesheet_has_no_less_than_sign():
    assert "<" not in style.CSS
    assert "<" not in style.uploader_css(i18n.translator("da"))


def test_the_uploaders_word_is_translated_and_cannot_break_the_css():
    assert 'content: "' + i18n.translator("da")("Choose a file") + '"' in style.uploader_css(i18n.translator("da"))
    hostile = style.uploader_css(lambda m: 'a"; } body { display: none; \\')
    assert 'content: "a; } body { display: none; "' in hostile  # quotes and backslashes dropped: stays a string
    assert "stFileUploaderDropzoneInstructions" in hostile


def test_phone_targets_are_44_px():
    assert style.CSS.count("min-height: 44px") >= 2
