"""Danish working days (digled/workdays.py) and the programme's generated dates on them
(digled/programme.py). Every date below was checked by hand against a 2026/2030 calendar."""

from dataclasses import replace
from datetime import date

import pytest

from digled.content import programme
from digled.platform import workdays

PROG = programme.programme()


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


# --- generated programme dates ------------------------------------------------------------------


def test_a_generated_saturday_moves_to_monday():
    # kick-off Wednesday 7 January 2026; workshop 1 is 101 days later: Saturday 18 April
    dates = programme.generated_dates(date(2026, 1, 7), PROG.activity("workshop1"))
    assert dates == programme.Dates(date(2026, 4, 20), date(2026, 4, 20))


def test_generated_dates_skip_easter():
    # kick-off Monday 7 January 2030: workshop 1 on Skærtorsdag 18 April 2030 moves past
    # Langfredag, the weekend and Anden påskedag; film 4 opens on Anden påskedag 22 April
    kickoff = date(2030, 1, 7)
    assert programme.generated_dates(kickoff, PROG.activity("workshop1")).opens == date(2030, 4, 23)
    film4 = programme.generated_dates(kickoff, PROG.activity("film4"))
    assert film4 == programme.Dates(date(2030, 4, 23), date(2030, 5, 27))


def test_generated_dates_skip_grundlovsdag_and_sundays():
    # kick-off Wednesday 9 January 2030: the service check opens 147 days later, on
    # Grundlovsdag (Wednesday 5 June 2030); the handbook's days (221, 228) are Sundays
    kickoff = date(2030, 1, 9)
    assert programme.generated_dates(kickoff, PROG.activity("service_check")).opens == date(2030, 6, 6)
    assert programme.generated_dates(kickoff, PROG.activity("handbook")) == programme.Dates(
        date(2030, 8, 19), date(2030, 8, 26))


def test_the_kickoff_itself_is_never_moved_and_due_is_never_before_opens():
    saturday = date(2026, 1, 10)
    assert programme.generated_dates(saturday, PROG.activity("kickoff")) == programme.Dates(saturday, saturday)
    assert programme.generated_dates(saturday, PROG.activity("assessment_start")).opens == saturday
    for a in PROG.activities:
        d = programme.generated_dates(saturday, a)
        assert d.opens <= d.due
        assert a.opens == 0 or workdays.is_working_day(d.opens)
        assert a.due == 0 or workdays.is_working_day(d.due)
    # an activity of one day falls on one working day (opens == due)
    same_day = replace(PROG.activity("film1"), opens=5, due=5)
    assert programme.generated_dates(date(2026, 5, 9), same_day) == programme.Dates(date(2026, 5, 15), date(2026, 5, 15))


def test_event_day_between_opens_and_due_moves_to_a_working_day():
    meeting = PROG.activity("meeting1")  # opens 70, day 84, due 91
    # opens Friday 20 March 2026: the meeting day, 14 days later, is Langfredag 3 April
    assert programme.event_day(meeting, programme.Dates(date(2026, 3, 20), date(2026, 4, 10))) == date(2026, 4, 7)
    # a working day stays; never past the due day
    assert programme.event_day(meeting, programme.Dates(date(2026, 3, 18), date(2026, 4, 8))) == date(2026, 4, 1)
    assert programme.event_day(meeting, programme.Dates(date(2026, 3, 20), date(2026, 4, 4))) == date(2026, 4, 4)
    # a day that is the due (or opening) day is kept as set, even a Saturday
    assert programme.event_day(meeting, programme.Dates(date(2026, 5, 23), date(2026, 6, 6))) == date(2026, 6, 6)
    workshop = PROG.activity("workshop1")
    assert programme.event_day(workshop, programme.Dates(date(2026, 6, 6), date(2026, 6, 6))) == date(2026, 6, 6)
