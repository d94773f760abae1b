"""digled.content.programme: the programme's activities as an installation shows them, and their dates.

The rules tested: the texts and timeline say only what the seed (shared/seed: the programme's
own pages of 2015) supports (issue 20, point 13); `programme(db)` applies the administrator's
overrides and, outside the demo, leaves the example values empty, and a change shows at the next
call; dates are the kick-off plus the offsets moved forward to working days (the kick-off itself
never moved, due never before opens) unless set by hand, which are kept exactly as set; the end
round is open from the day the end assessment opens.
"""

import json
from dataclasses import replace
from datetime import date

import sqlite_utils

from digled.content import admin_edits, programme
from digled.platform import workdays
from digled.platform.db import set_setting

PROG = programme.programme()


def test_the_kl_films_are_described_by_what_the_seed_says_of_them_only():
    """The seed gives the five KL films' titles and "ca. 5 minutter" each, nothing of their
    content: the descriptions are one true sentence, not five invented from the titles."""
    films = [a for a in programme.programme().activities if a.kind == "kl_film"]
    assert len(films) == 5
    for lang, words in (("da", "ca. 5 minutter"), ("en", "about 5 minutes")):
        described = {f.description[lang] for f in films}
        assert len(described) == 1 and words in described.pop()
    assert {f.duration_minutes for f in films} == {5}


def test_the_background_is_the_seeds():
    prog = programme.programme()
    assert "involverende proces" in prog.background["da"] and "Glostrup og Albertslund" in prog.background["da"]
    assert "involving process" in prog.background["en"] and "Glostrup and Albertslund" in prog.background["en"]


# --- generated dates (moved from tests/platform/test_workdays.py; every date checked by hand) ------


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


# --- the programme an installation shows ---------------------------------------------------------


def test_outside_the_demo_the_example_values_are_empty_and_in_the_demo_they_show(database):
    written = PROG.activity("kickoff")
    assert written.place["en"].startswith("Example:") and written.start is not None
    shown = programme.programme(database).activity("kickoff")
    assert shown.place is None and shown.start is None
    set_setting(database, "demo", "1")
    assert programme.programme(database).activity("kickoff").place == written.place


def test_an_override_shows_at_the_next_call(database):
    admin_edits.save(database, PROG, "kickoff", "place", {"da": "Rådhuset", "en": "Town hall"}, "admin")
    assert programme.programme(database).activity("kickoff").place == {"da": "Rådhuset", "en": "Town hall"}
    assert programme.content_rows(database) == (("activity:kickoff:place", json.dumps(
        {"da": "Rådhuset", "en": "Town hall"}, ensure_ascii=False, sort_keys=True)),)
    assert programme.programme().activity("kickoff").place == PROG.activity("kickoff").place  # the YAML stays


def test_a_database_without_the_content_tables_shows_the_programme_as_written():
    assert programme.content_rows(sqlite_utils.Database(memory=True)) == ()


# --- dates ---------------------------------------------------------------------------------------


def test_the_kickoff_date_is_the_setting_or_the_programmes_own(database):
    assert programme.kickoff_date(database, PROG) == PROG.kickoff_date
    set_setting(database, "kickoff_date", "2026-01-07")
    assert programme.kickoff_date(database, PROG) == date(2026, 1, 7)


def test_following_the_kickoff_moves_every_day_but_the_kickoff_itself():
    saturday = date(2026, 1, 10)
    assert programme.following_kickoff(saturday, 0) == saturday
    assert programme.following_kickoff(saturday, 7) == date(2026, 1, 19)  # Saturday 17 -> Monday 19
    assert programme.following_kickoff(date(2026, 1, 5), 2) == date(2026, 1, 7)  # a working day stays


def test_planned_says_where_each_date_comes_from(database):
    set_setting(database, "kickoff_date", "2026-01-07")  # workshop 1 (day 101) falls on Saturday 18 April
    set_setting(database, "schedule_overrides", json.dumps({"film1": {"opens": "2026-02-07", "due": "2026-02-08"}}))
    planned = programme.planned(database, PROG)
    ws = planned["workshop1"]
    assert not ws.by_hand and ws.offset_opens == date(2026, 4, 18) and ws.dates.opens == date(2026, 4, 20)
    assert ws.opens_moved and ws.due_moved
    film = planned["film1"]  # set by hand on a weekend: kept exactly, never "moved"
    assert film.by_hand and film.dates == programme.Dates(date(2026, 2, 7), date(2026, 2, 8))
    assert not film.opens_moved and not film.due_moved
    assert planned["kickoff"].dates.opens == date(2026, 1, 7) and not planned["kickoff"].opens_moved
    assert programme.hand_set_dates(database) == {"film1": {"opens": "2026-02-07", "due": "2026-02-08"}}
    assert programme.schedule(database, PROG) == {a: p.dates for a, p in planned.items()}
    assert set(planned) == {a.id for a in PROG.activities}


def test_planned_with_another_kickoff_shows_the_dates_it_would_give(database):
    other = programme.planned(database, PROG, kickoff=date(2026, 1, 7))
    assert other["workshop1"].dates.opens == date(2026, 4, 20)
    assert programme.planned(database, PROG)["kickoff"].dates.opens == PROG.kickoff_date  # nothing stored


def test_no_dates_set_by_hand_is_an_empty_dict(database):
    assert programme.hand_set_dates(database) == {}
    set_setting(database, "schedule_overrides", "")
    assert programme.hand_set_dates(database) == {}


def test_an_activity_without_a_day_takes_place_the_day_it_opens():
    film = replace(PROG.activity("film1"), day=None)
    dates = programme.Dates(date(2026, 3, 20), date(2026, 4, 10))
    assert programme.event_day(film, dates) == date(2026, 3, 20)


def test_the_end_round_is_open_from_the_day_the_end_assessment_opens(database):
    end = programme.schedule(database, PROG)["assessment_end"].opens
    assert programme.end_round_open(database, PROG, today=end)
    assert not programme.end_round_open(database, PROG, today=end.fromordinal(end.toordinal() - 1))
    without = replace(PROG, activities=tuple(a for a in PROG.activities if a.id != "assessment_end"))
    assert not programme.end_round_open(database, without, today=date(2100, 1, 1))
