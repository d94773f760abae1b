"""Dates and times as people read them, in the user's language (Babel's CLDR formats).

Danish: '13. august 2026', '13. aug. 2026', 'kl. 10.42'; English: '13 August 2026',
'13 Aug 2026', '10:42'. Every date shown in the UI, in e-mails and in exports goes through
here; ISO dates are for storage and machine files only.
"""

from __future__ import annotations

from datetime import date, datetime, time

from babel.dates import format_date, format_time

from digled.platform.i18n import normalise

LOCALES = {"da": "da_DK", "en": "en_GB"}


def locale(lang: str) -> str:
    """The Babel locale of a UI language."""
    return LOCALES[normalise(lang)]


def day(value: date, lang: str, length: str = "long") -> str:
    """A day: length 'long' ('13. august 2026'), 'medium' ('13. aug. 2026') or 'full' (with
    the weekday: 'torsdag den 13. august 2026')."""
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, format=length, locale=locale(lang))


def day_range(first: date, last: date, lang: str, length: str = "long") -> str:
    """Two days with an en dash; one day when they are equal."""
    if first == last:
        return day(first, lang, length)
    return day(first, lang, length) + " – " + day(last, lang, length)


def clock(value: time | datetime, lang: str) -> str:
    """A time of day: 'kl. 10.42' / '10:42'."""
    text = format_time(value, format="short", locale=locale(lang))
    return "kl. " + text if normalise(lang) == "da" else text


def picker_format(lang: str) -> str:
    """The `format` for st.date_input: 'DD.MM.YYYY' in Danish, 'DD/MM/YYYY' in English."""
    return "DD.MM.YYYY" if normalise(lang) == "da" else "DD/MM/YYYY"
