"""Danish working days (digled/platform/workdays.py); the programme's generated dates on them
are tested in tests/content/test_programme.py. Every date below was checked by hand against a
2026/2030 calendar."""

from datetime import date

import pytest

from digled.platform import workdays


@pytest.mark.parametrize("day, working", [
    (date(2026, 6, 8), True),    # Monday
    (date(2026, 6, 6), False),   # Saturday
    (date(2026, 6, 7), False),   # Sunday
    (date(2026, 6, 5), False),   # Friday, Grundlovsdag
    (date(2026, 4, 2), False),   # Skærtorsdag
    (date(2026, 4, 3), False),   # Langfredag
    (date(2026, 4, 6), False),   # Anden påskedag
    (date(2026, 4, 7), True),    # Tuesday after Easter
    (date(2026, 5, 14), False),  # Kristi himmelfartsdag
    (date(2026, 5, 15), True),   # the Friday after: a working day (no bridge day)
    (date(2026, 5, 25), False),  # Anden pinsedag
    (date(2026, 12, 24), False),  # Juleaftensdag: municipalities are closed
    (date(2026, 12, 31), False),  # Nytårsaften: municipalities are closed
    (date(2026, 5, 1), True),    # Arbejdernes kampdag: an ordinary working day
    (date(2023, 5, 5), False),   # Store bededag, still a holiday in 2023
    (date(2024, 4, 26), True),   # ... and abolished from 2024
])
def test_working_days(day, working):
    assert workdays.is_working_day(day) is working


@pytest.mark.parametrize("day, expected", [
    (date(2026, 6, 8), date(2026, 6, 8)),    # a working day is itself
    (date(2026, 6, 6), date(2026, 6, 8)),    # Saturday -> Monday
    (date(2026, 6, 5), date(2026, 6, 8)),    # Grundlovsdag (Fri) -> Monday
    (date(2026, 4, 2), date(2026, 4, 7)),    # Skærtorsdag -> Tuesday after Anden påskedag
    (date(2026, 5, 14), date(2026, 5, 15)),  # Kristi himmelfartsdag -> Friday
    (date(2026, 5, 23), date(2026, 5, 26)),  # Saturday before Pinse -> Tuesday after Anden pinsedag
    (date(2026, 12, 24), date(2026, 12, 28)),  # Christmas (Thu-Sun) -> Monday
    (date(2026, 12, 31), date(2027, 1, 4)),  # Nytårsaften, Nytårsdag, weekend -> Monday
])
def test_next_working_day(day, expected):
    assert workdays.next_working_day(day) == expected


@pytest.mark.parametrize("day, da, en", [
    (date(2026, 6, 5), "Grundlovsdag", "Constitution Day"),
    (date(2026, 6, 6), "lørdag", "Saturday"),
    (date(2026, 6, 7), "søndag", "Sunday"),
    (date(2026, 5, 14), "Kristi himmelfartsdag", "Ascension Day"),
    (date(2026, 5, 24), "Pinsedag", "Pentecost"),  # a Sunday: the holiday is the reason
    (date(2026, 4, 6), "Anden påskedag", "Easter Monday"),
    (date(2026, 12, 24), "Juleaftensdag", "Christmas Eve"),
    (date(2026, 6, 8), None, None),
])
def test_why_not_working_names_the_reason_in_the_language(day, da, en):
    assert workdays.why_not_working(day, "da") == da
    assert workdays.why_not_working(day, "en") == en


def test_holiday_sets_are_cached_per_year():
    workdays.days_off.cache_clear()
    workdays.is_working_day(date(2026, 6, 5))  # Friday: looks up 2026
    workdays.is_working_day(date(2026, 6, 8))  # Monday: 2026 again, from the cache
    workdays.is_working_day(date(2027, 6, 4))  # Friday: looks up 2027
    info = workdays.days_off.cache_info()
    assert (info.misses, info.hits) == (2, 1)
    assert date(2026, 5, 1) not in workdays.days_off(2026)
    assert workdays.days_off(2026)[date(2026, 6, 5)] == "Grundlovsdag"
