"""The administrator's schedule: the kick-off, dates set by hand, working days, warnings and
refusals, on a fresh database with the programme's own dates (kick-off 2015-11-16)."""

from datetime import date, timedelta

import pytest

from digled.content import programme
from digled.platform import audit, i18n
from digled.programme import schedule
from tests.programme.conftest import PROG, day


def test_moving_the_kickoff_moves_every_activity_not_moved_by_hand(database):
    schedule.save(database, "admin", {"film1": (date(2015, 12, 1), date(2015, 12, 20))}, "en", PROG)
    schedule.set_kickoff(database, "admin", date(2016, 1, 4))
    dates = programme.schedule(database, PROG)
    assert dates["film2"].opens == date(2016, 1, 4) + timedelta(days=49)
    assert dates["film1"] == programme.Dates(date(2015, 12, 1), date(2015, 12, 20))
    assert {r.id for r in schedule.rows(database, "en", PROG) if r.moved} == {"film1"}
    assert [r["action"] for r in audit.recent(database)][:2] == ["set kickoff_date", "set schedule"]


def test_dates_equal_to_the_kickoff_offsets_follow_the_kickoff_again(database):
    schedule.save(database, "admin", {"kl1": (day(8), day(28))}, "en", PROG)
    assert "kl1" in database.execute("SELECT value FROM settings WHERE key='schedule_overrides'").fetchone()[0]
    changed = schedule.save(database, "admin", {"kl1": (day(7), day(28)), "kl2": (day(21), day(42))}, "en", PROG)
    assert changed == ["kl1"]  # kl2 was unchanged
    assert not any(r.moved for r in schedule.rows(database, "en", PROG))


def test_invalid_dates_are_refused_naming_the_activity_and_nothing_is_written(database):
    edits = {"film1": (day(10), day(9)), "kl1": (day(7), None), "film2": (day(50), day(60))}
    problems = schedule.problems(edits, "en", PROG)
    assert [p.text(lambda s: s) for p in problems] == [
        "Digital leadership in the organisation: the due date 25 November 2015 is before the open date 26 November 2015.",
        "Two tracks: Efficiency and development of core tasks: both the open date and the due date are needed.",
    ]
    with pytest.raises(schedule.ScheduleError, match="Digital leadership in the organisation"):
        schedule.save(database, "admin", edits, "en", PROG)
    assert programme.schedule(database, PROG)["film2"].opens == day(49)
    assert audit.recent(database) == []


def test_reset_lets_everything_follow_the_kickoff(database):
    schedule.save(database, "admin", {"film1": (day(1), day(2))}, "en", PROG)
    schedule.reset(database, "admin")
    assert programme.schedule(database, PROG)["film1"].opens == day(7)


def test_generated_dates_land_on_working_days_and_rows_say_where_they_come_from(database):
    schedule.set_kickoff(database, "admin", date(2026, 1, 7))  # a Wednesday
    dates = programme.schedule(database, PROG)
    # workshop 1 (101 days): Saturday 18 April -> Monday 20 April
    assert dates["workshop1"] == programme.Dates(date(2026, 4, 20), date(2026, 4, 20))
    # meeting 2 (140..157): opens Wednesday 27 May, due Saturday 13 June -> Monday 15 June
    assert dates["meeting2"] == programme.Dates(date(2026, 5, 27), date(2026, 6, 15))
    rows = {r.id: r for r in schedule.rows(database, "en", PROG)}
    assert (rows["workshop1"].opens_from, rows["workshop1"].due_from) == (date(2026, 4, 18), date(2026, 4, 18))
    assert (rows["meeting2"].opens_from, rows["meeting2"].due_from) == (None, date(2026, 6, 13))
    assert (rows["film1"].opens_from, rows["film1"].due_from, rows["film1"].by_hand) == (None, None, False)
    # the meeting day (day 84 = 1 April, a Wednesday) stays
    assert programme.event_day(PROG.activity("meeting1"), dates["meeting1"]) == date(2026, 4, 1)


def test_a_date_set_by_hand_on_a_day_off_is_kept_and_warned(database):
    schedule.set_kickoff(database, "admin", date(2026, 1, 7))
    edits = {"workshop1": (date(2026, 6, 5), date(2026, 6, 5)), "workshop2": (date(2026, 6, 6), date(2026, 6, 6))}
    assert schedule.problems(edits, "en", PROG) == []  # allowed: a municipality may choose it
    schedule.save(database, "admin", edits, "en", PROG)
    dates = programme.schedule(database, PROG)
    assert dates["workshop1"] == programme.Dates(date(2026, 6, 5), date(2026, 6, 5))
    assert dates["workshop2"] == programme.Dates(date(2026, 6, 6), date(2026, 6, 6))
    rows = {r.id: r for r in schedule.rows(database, "en", PROG)}
    assert rows["workshop2"].by_hand and rows["workshop2"].opens_from is None
    english = [w.text(lambda s: s) for w in schedule.warnings(database, "en", PROG, today=date(2026, 1, 1))]
    assert english == [
        "Joint workshop 1: 5 June 2026 is Constitution Day, not a working day.",
        "Joint workshop 2: 6 June 2026 is Saturday, not a working day.",
    ]
    t = i18n.translator("da")
    danish = [w.text(t) for w in schedule.warnings(database, "da", PROG, today=date(2026, 1, 1))]
    assert danish == [
        "Fælles workshop 1: 5. juni 2026 er Grundlovsdag, ikke en arbejdsdag.",
        "Fælles workshop 2: 6. juni 2026 er lørdag, ikke en arbejdsdag.",
    ]


def test_moving_the_kickoff_moves_generated_dates_but_not_dates_set_by_hand(database):
    schedule.set_kickoff(database, "admin", date(2026, 1, 5))  # Monday
    schedule.save(database, "admin", {"workshop2": (date(2026, 6, 6), date(2026, 6, 6))}, "en", PROG)
    schedule.set_kickoff(database, "admin", date(2026, 1, 7))  # two days later, a Wednesday
    dates = programme.schedule(database, PROG)
    assert dates["workshop2"] == programme.Dates(date(2026, 6, 6), date(2026, 6, 6))  # kept, Saturday and all
    assert dates["workshop1"].opens == date(2026, 4, 20)  # followed the kick-off, off the Saturday
    assert dates["film1"].opens == date(2026, 1, 14)
    assert {r.id for r in schedule.rows(database, "en", PROG) if r.by_hand} == {"workshop2"}
    assert [r["action"] for r in audit.recent(database)][:3] == ["set kickoff_date", "set schedule", "set kickoff_date"]


def test_the_generated_date_follows_the_kickoff_again_but_its_weekend_day_is_set_by_hand(database):
    schedule.set_kickoff(database, "admin", date(2026, 1, 7))
    # the raw offset date (Saturday 18 April) differs from the generated Monday: set by hand
    schedule.save(database, "admin", {"workshop1": (date(2026, 4, 18), date(2026, 4, 18))}, "en", PROG)
    assert programme.planned(database, PROG)["workshop1"].by_hand
    # giving it the generated dates again lets it follow the kick-off
    schedule.save(database, "admin", {"workshop1": (date(2026, 4, 20), date(2026, 4, 20))}, "en", PROG)
    assert not programme.planned(database, PROG)["workshop1"].by_hand


def test_a_kickoff_on_a_saturday_is_kept_and_warned(database):
    schedule.set_kickoff(database, "admin", date(2026, 1, 10))
    assert programme.schedule(database, PROG)["kickoff"].opens == date(2026, 1, 10)
    assert [w.text(lambda s: s) for w in schedule.warnings(database, "en", PROG, today=date(2026, 1, 1))] == [
        "Kick-off: 10 January 2026 is Saturday, not a working day."
    ]


def test_a_schedule_in_the_past_says_so(database):
    # a fresh installation keeps the programme's kick-off of 16 November 2015
    (past,) = schedule.warnings(database, "en", PROG)
    assert (past.level, str(past)) == (
        "warning", "All activities lie in the past: set the kick-off date of your programme.")
    (running,) = schedule.warnings(database, "en", PROG, today=date(2016, 1, 1))
    assert (running.level, str(running)) == (
        "info", "The kick-off, 16 November 2015, is in the past: the activities before today have taken place.")
    assert schedule.warnings(database, "en", PROG, today=date(2015, 11, 16)) == []


def test_schedule_problems_without_a_programme_read_the_default_one():
    """Called without `prog` it names activities from data/programme.yaml (it has no database)."""
    problems = schedule.problems({"kickoff": (None, None)}, "en")
    assert [p.params["activity"] for p in problems] == ["Kick-off"]
