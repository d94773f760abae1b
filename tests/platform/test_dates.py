"""digled.platform.dates: dates and times as people read them, in the user's language.

Danish '13. august 2026', '13. aug. 2026', 'kl. 10.42'; English '13 August 2026', '13 Aug 2026',
'10:42'; an unknown language reads as Danish (the first UI language).
"""

from datetime import date, datetime, time

import pytest

from digled.platform import dates

DAY = date(2026, 8, 13)


@pytest.mark.parametrize("lang, length, expected", [
    ("da", "long", "13. august 2026"),
    ("da", "medium", "13. aug. 2026"),
    ("da", "full", "torsdag den 13. august 2026"),
    ("en", "long", "13 August 2026"),
    ("en", "medium", "13 Aug 2026"),
    ("en", "full", "Thursday, 13 August 2026"),
    ("xx", "long", "13. august 2026"),
])
def test_a_day_in_the_users_language(lang, length, expected):
    assert dates.day(DAY, lang, length) == expected


def test_a_moment_shows_its_day_only():
    assert dates.day(datetime(2026, 8, 13, 23, 59), "en") == "13 August 2026"


def test_a_range_of_days_has_an_en_dash_and_one_day_stands_alone():
    assert dates.day_range(DAY, date(2026, 8, 20), "da") == "13. august 2026 – 20. august 2026"
    assert dates.day_range(DAY, DAY, "en", "medium") == "13 Aug 2026"


def test_a_time_of_day():
    assert dates.clock(time(10, 42), "da") == "kl. 10.42"
    assert dates.clock(datetime(2026, 8, 13, 9, 5), "en") == "09:05"


def test_the_babel_locales():
    assert dates.locale("da") == "da_DK" and dates.locale("en") == "en_GB"


# --- moved from tests/ui/test_dates_shown.py ----------------------------------------------------


@pytest.mark.parametrize("lang, expected", [("da", "DD.MM.YYYY"), ("en", "DD/MM/YYYY"), ("xx", "DD.MM.YYYY")])
def test_picker_format(lang, expected):
    assert dates.picker_format(lang) == expected
