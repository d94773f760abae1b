"""The leader's journey (status, progress, next step, reflections) and the admin schedule and
attendance, on a fresh database with the programme's own dates (kick-off 2015-11-16)."""

from datetime import date, datetime, timedelta

import pytest

from digled.accounts import auth
from digled.content import programme
from digled.platform import audit, dates, i18n
from digled.programme import journey, service

KICKOFF = date(2015, 11, 16)
PROG = programme.programme()


def day(n: int) -> date:
    return KICKOFF + timedelta(days=n)


@pytest.fixture
def leader(database) -> int:
    return auth.create_user(database, username="lea", name="Lea Dam", municipality="Albertslund", area="dagtilbud")


@pytest.fixture
def other(database) -> int:
    return auth.create_user(database, username="ole", name="Ole Hansen", municipality="Glostrup", area="skole")


def statuses(database, user_id, today) -> dict[str, str]:
    return {s.activity.id: s.status for s in journey.journey(database, user_id, PROG, today).steps}


def test_statuses_follow_the_dates(database, leader):
    s = statuses(database, leader, day(30))
    assert s["kickoff"] == "open"  # informational: never missed
    assert s["assessment_start"] == "missed" and s["film1"] == "missed"  # due on days 14 and 28
    assert s["kl2"] == "open"  # days 21-42
    assert s["film2"] == "not_open" and s["handbook"] == "not_open"
    assert set(s.values()) <= set(journey.STATUSES)


def test_before_the_kickoff_everything_is_ahead_and_the_kickoff_is_next(database, leader):
    j = journey.journey(database, leader, PROG, day(-3))
    assert {s.status for s in j.steps} == {"not_open"}
    assert j.next_step.activity.id == "kickoff" and j.next_step.page == "pages/materials.py"
    assert j.percent == 0 and j.total == len(PROG.activities) - 2  # kick-off and handbook not counted


def test_marking_a_film_done_counts_towards_progress_but_the_kickoff_does_not(database, leader):
    journey.mark_done(database, leader, "film1", PROG, day(10))
    journey.mark_done(database, leader, "kickoff", PROG, day(10))
    journey.mark_done(database, leader, "film1", PROG, day(12))  # idempotent, keeps the first day
    j = journey.journey(database, leader, PROG, day(30))
    assert j.step("film1").status == "done" and j.step("film1").done_on == day(10).isoformat()
    assert j.step("kickoff").status == "done"
    assert (j.done, j.total, j.percent) == (1, 16, 6)


def test_mark_done_refusals(database, leader):
    with pytest.raises(journey.JourneyError) as e:
        journey.mark_done(database, leader, "film2", PROG, day(10))
    assert e.value.msg == "This activity is not open yet."
    with pytest.raises(journey.JourneyError, match="registered by the programme administrator"):
        journey.mark_done(database, leader, "meeting1", PROG, day(80))
    with pytest.raises(journey.JourneyError, match="counts as done by itself"):
        journey.mark_done(database, leader, "assessment_start", PROG, day(5))
    with pytest.raises(journey.JourneyError, match="Unknown activity: nope"):
        journey.mark_done(database, leader, "nope", PROG, day(5))
    assert database.execute("SELECT COUNT(*) FROM progress").fetchone()[0] == 0


def test_unmark_undoes_only_the_leaders_own_mark(database, leader):
    journey.mark_done(database, leader, "film1", PROG, day(10))
    journey.unmark_done(database, leader, "film1", PROG)
    assert statuses(database, leader, day(20))["film1"] == "open"


def test_assessment_is_done_by_participation_and_service_check_by_help(database, leader, other):
    database.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'start', ?)",
                     [leader, day(3).isoformat()])
    assert statuses(database, leader, day(30))["assessment_start"] == "done"
    service.ask_for_help(database, other, "Outlook", now=datetime(2016, 4, 1, 12, 0))
    assert statuses(database, other, day(150))["service_check"] == "done"


# a slot on 20 April 2016 (day 156) 09:00-09:45, booked on 1 April (day 137)
SLOT_START = datetime(2016, 4, 20, 9, 0)


@pytest.mark.parametrize(
    "now, expected",
    [
        (datetime(2016, 4, 1, 12, 0), "booked"),    # booked before the window opens (day 147)
        (datetime(2016, 4, 15, 8, 0), "booked"),    # window open, slot ahead
        (datetime(2016, 4, 20, 9, 10), "booked"),   # during the slot
        (datetime(2016, 4, 20, 9, 45), "done"),     # the slot has ended
        (datetime(2016, 7, 1, 12, 0), "done"),      # long after, past the due date too
    ],
)
def test_a_booked_service_check_is_booked_until_its_slot_has_passed(database, leader, now, expected):
    slot = service.create_slot(database, "admin", SLOT_START, 45, 1, "Rådhuset")
    service.book(database, leader, slot, now=datetime(2016, 4, 1, 12, 0))
    step = journey.journey(database, leader, PROG, now.date(), now).step("service_check")
    assert step.status == expected
    assert step.booked_for == (SLOT_START if expected == "booked" else None)
    assert step.done_on == (SLOT_START.date().isoformat() if expected == "done" else None)
    assert (journey.journey(database, leader, PROG, now.date(), now).done == 1) == (expected == "done")


def test_the_administrator_registers_a_service_check_as_attended(database, leader):
    slot = service.create_slot(database, "admin", SLOT_START, 45, 1, "Rådhuset")
    service.book(database, leader, slot, now=datetime(2016, 4, 1, 12, 0))
    early = datetime(2016, 4, 15, 8, 0)
    assert journey.journey(database, leader, PROG, early.date(), early).step("service_check").status == "booked"
    service.register_done(database, "admin", leader, today=early.date())
    assert journey.journey(database, leader, PROG, early.date(), early).step("service_check").status == "done"


def test_a_booked_service_check_is_not_the_next_step(database, leader):
    database.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'start', ?)",
                     [leader, day(3).isoformat()])
    for a in ("meeting2",):
        journey.register_attendance(database, "admin", a, {leader: True}, PROG, day(150))
    slot = service.create_slot(database, "admin", datetime(2016, 5, 20, 9, 0), 45, 1, "Rådhuset")
    service.book(database, leader, slot, now=datetime(2016, 4, 1, 12, 0))
    j = journey.journey(database, leader, PROG, day(160), datetime(2016, 4, 24, 12, 0))
    assert j.step("service_check").status == "booked"
    assert j.next_step.activity.id != "service_check"


def test_attendance_decides_meetings_and_workshops(database, leader, other):
    journey.register_attendance(database, "admin", "workshop1", {leader: True, other: False}, PROG, day(101))
    assert statuses(database, leader, day(102))["workshop1"] == "done"
    assert statuses(database, other, day(95))["workshop1"] == "missed"  # absent wins even before the day
    journey.register_attendance(database, "admin", "workshop1", {other: None}, PROG, day(101))
    assert statuses(database, other, day(95))["workshop1"] == "not_open"
    assert statuses(database, other, day(102))["workshop1"] == "missed"  # past and not attended
    assert [r["action"] for r in audit.recent(database)].count("register attendance") == 2


def test_attendance_table_and_refusals(database, leader, other):
    journey.register_attendance(database, "admin", "meeting1", {leader: True}, PROG, day(80))
    df = journey.attendance(database, "meeting1")
    assert list(df.columns) == ["user_id", "name", "municipality", "area", "status"]
    by_name = df.set_index("name")["status"]
    assert by_name["Lea Dam"] == "attended" and by_name.isna()["Ole Hansen"]
    assert journey.register_attendance(database, "admin", "meeting1", {leader: True, other: True}, PROG) == 1
    with pytest.raises(journey.ScheduleError, match="film1: attendance is only registered"):
        journey.register_attendance(database, "admin", "film1", {leader: True}, PROG)


def test_next_step_is_the_open_activity_due_first(database, leader):
    database.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'start', ?)",
                     [leader, day(3).isoformat()])
    # day 90: meeting1 (70-91) and film3/kl4 (84-119) are open; meeting1 is due first
    assert journey.journey(database, leader, PROG, day(90)).next_step.activity.id == "meeting1"
    journey.register_attendance(database, "admin", "meeting1", {leader: True}, PROG, day(90))
    nxt = journey.journey(database, leader, PROG, day(90)).next_step
    assert nxt.activity.id == "film3" and nxt.page == "pages/films.py"


def test_next_step_is_the_next_to_open_when_nothing_is_open(database, leader):
    for a in ("film1", "kl1"):
        journey.mark_done(database, leader, a, PROG, day(10))
    database.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'start', ?)",
                     [leader, day(1).isoformat()])
    # day 15: kickoff past, start assessment done, film1/kl1 done; kl2 opens on day 21
    nxt = journey.journey(database, leader, PROG, day(15)).next_step
    assert nxt.activity.id == "kl2" and nxt.status == "not_open"


def test_after_the_end_the_untaken_start_assessment_then_the_handbook_then_catching_up(database, leader):
    nxt = journey.journey(database, leader, PROG, day(300)).next_step
    assert nxt.activity.id == "assessment_start" and nxt.status == "missed"
    database.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'start', ?)",
                     [leader, day(300).isoformat()])
    j = journey.journey(database, leader, PROG, day(300))
    assert j.next_step.activity.id == "handbook" and j.next_step.status == "open"
    journey.mark_done(database, leader, "handbook", PROG, day(300))
    nxt = journey.journey(database, leader, PROG, day(300)).next_step
    assert nxt.activity.id == "film1" and nxt.status == "missed"  # catching up: due first


# --- the one next step, over dates and states ---------------------------------------------------

EARLY = -14  # invited two weeks before the kick-off, like the demo cohort
PASSED_BY_DAY_110 = {"kickoff", "film1", "kl1", "kl2", "film2", "kl3", "meeting1", "workshop1"}


@pytest.mark.parametrize(
    "today, invited, taken, marks, expected_next, expected",
    [
        # on time, before the kick-off: the kick-off is next, everything is ahead
        (-3, EARLY, False, (), "kickoff", {"assessment_start": "not_open", "film1": "not_open"}),
        # on time, start assessment open and untaken: it comes first, before any film
        (8, EARLY, False, (), "assessment_start", {"assessment_start": "open", "film1": "open"}),
        # taken: the film due first
        (8, EARLY, True, (), "film1", {"assessment_start": "done", "film1": "open", "kl1": "open"}),
        # on time and behind: the untaken start assessment is still the next step (catch up)
        (30, EARLY, False, (), "assessment_start", {"assessment_start": "missed", "film1": "missed"}),
        (30, None, False, (), "assessment_start", {"assessment_start": "missed", "kl2": "open"}),
        # invited on the kick-off day: not a late joiner
        (20, 0, True, ("film1",), "kl1", {"kickoff": "open", "film1": "done", "kl1": "open"}),
        # invited today, day 110: the start assessment is open to them, the past is neutral
        (110, 110, False, (), "assessment_start",
         {"assessment_start": "open", "film3": "open", "film4": "open", **{a: "passed" for a in PASSED_BY_DAY_110}}),
        # ... assessment taken: the open film due first
        (110, 110, True, (), "film3", {"assessment_start": "done", "film3": "open", "workshop1": "passed"}),
        # ... a film from before they joined watched anyway counts as done
        (110, 110, True, ("film1",), "film3", {"film1": "done", "kl1": "passed"}),
        # twenty days later: what they let pass after joining is missed, the rest stays neutral
        (130, 110, True, (), "film4", {"film3": "missed", "film1": "passed", "film4": "open"}),
        # after the end: a missed film before a passed one when catching up
        (300, 110, True, ("handbook",), "film3", {"film3": "missed", "film1": "passed", "handbook": "done"}),
    ],
)
def test_next_step_and_statuses_over_dates_and_states(database, today, invited, taken, marks, expected_next, expected):
    lea = auth.create_user(database, username="lea", name="Lea Dam",
                           invited_at=None if invited is None else day(invited).isoformat())
    if taken:
        database.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'start', ?)",
                         [lea, day(max(invited or 0, 0)).isoformat()])
    for a in marks:
        journey.mark_done(database, lea, a, PROG, day(today))
    j = journey.journey(database, lea, PROG, day(today))
    assert j.next_step.activity.id == expected_next
    got = {s.activity.id: s.status for s in j.steps}
    assert {k: got[k] for k in expected} == expected
    assert set(got.values()) <= set(journey.STATUSES)
    late = invited is not None and invited > 0
    assert j.late == late
    if late and today == invited:
        assert "missed" not in got.values()  # never a red failure for a leader who joined today
        assert {s.activity.id for s in j.before_joining} == PASSED_BY_DAY_110 - set(marks)
        assert j.next_step in j.still_ahead


def test_joined_is_the_invitation_day_else_the_activation_day(database):
    a = auth.create_user(database, username="a", name="A", invited_at="2016-03-05", activated_at="2016-03-09")
    b = auth.create_user(database, username="b", name="B", activated_at="2016-03-09T10:00:00")
    c = auth.create_user(database, username="c", name="C")
    assert journey.joined_on(database, a) == date(2016, 3, 5)
    assert journey.joined_on(database, b) == date(2016, 3, 9)
    assert journey.joined_on(database, c) is None


def test_step_dates_are_shown_in_the_users_language(database, leader):
    j = journey.journey(database, leader, PROG, day(10))
    assert j.step("film1").when("da") == "23. nov. 2015 – 14. dec. 2015"
    assert j.step("film1").when("en") == "23 Nov 2015 – 14 Dec 2015"
    assert j.step("kickoff").when("da", "long") == "16. november 2015"
    journey.mark_done(database, leader, "film1", PROG, day(10))
    assert journey.journey(database, leader, PROG, day(10)).step("film1").done_day("da") == "26. nov. 2015"
    assert j.step("film1").link == {"item": "film1"}


def test_handbook_unlocks_with_the_end_assessment_or_on_its_date(database, leader, other):
    assert not journey.handbook_unlocked(database, leader, PROG, day(210))
    with pytest.raises(journey.JourneyError, match="handbook is available"):
        journey.mark_done(database, leader, "handbook", PROG, day(210))
    database.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'end', ?)",
                     [leader, day(205).isoformat()])
    assert journey.handbook_unlocked(database, leader, PROG, day(210))
    journey.mark_done(database, leader, "handbook", PROG, day(210))  # before its date: unlocked by the end round
    assert statuses(database, leader, day(210))["handbook"] == "done"
    assert not journey.handbook_unlocked(database, other, PROG, day(220))
    assert journey.handbook_unlocked(database, other, PROG, day(221))


# --- reflections -----------------------------------------------------------------------------


def test_reflections_are_saved_updated_deleted_and_private(database, leader, other):
    journey.save_reflection(database, leader, "film1-r1", "First thought", PROG)
    journey.save_reflection(database, leader, "film1-r1", "Second thought", PROG)
    journey.save_reflection(database, leader, "kl1-r1", "Two tracks", PROG)
    journey.save_reflection(database, other, "film1-r1", "Ole's own", PROG)
    assert journey.reflections(database, leader) == {"film1-r1": "Second thought", "kl1-r1": "Two tracks"}
    assert journey.reflections(database, leader, "kl1") == {"kl1-r1": "Two tracks"}
    journey.save_reflection(database, leader, "kl1-r1", "   ", PROG)
    assert journey.reflections(database, leader) == {"film1-r1": "Second thought"}
    assert database.execute("SELECT activity FROM reflections WHERE user_id = ?", [leader]).fetchone()[0] == "film1"


def test_reflection_refusals(database, leader):
    with pytest.raises(journey.JourneyError, match="Unknown reflection question: x-r9"):
        journey.save_reflection(database, leader, "x-r9", "text", PROG)
    with pytest.raises(journey.JourneyError, match="at most 10000 characters"):
        journey.save_reflection(database, leader, "film1-r1", "x" * 10_001, PROG)
    assert journey.reflections(database, leader) == {}


def test_export_holds_only_my_reflections_in_programme_order(database, leader, other):
    assert journey.export_reflections(database, leader, "en", lambda s: s, PROG) == ""
    journey.save_reflection(database, leader, "film2-r1", "Self-service booking", PROG)
    journey.save_reflection(database, leader, "film1-r2", "Goals first", PROG)
    journey.save_reflection(database, other, "film1-r1", "SECRET of Ole", PROG)
    md = journey.export_reflections(database, leader, "en", lambda s: s, PROG, today=day(60))
    assert md.startswith("# My reflections: Digital leadership\n")
    assert "Exported on 15 January 2016." in md
    assert "SECRET" not in md
    film1 = PROG.activity("film1")
    assert md.index(film1.title["en"]) < md.index("Goals first") < md.index("Self-service booking")
    assert film1.reflections[1].text["en"] in md and film1.reflections[0].text["en"] not in md
    da = journey.export_reflections(database, leader, "da", lambda s: s, PROG)
    assert film1.title["da"] in da


# --- schedule --------------------------------------------------------------------------------


def test_moving_the_kickoff_moves_every_activity_not_moved_by_hand(database):
    journey.save_schedule(database, "admin", {"film1": (date(2015, 12, 1), date(2015, 12, 20))}, "en", PROG)
    journey.set_kickoff(database, "admin", date(2016, 1, 4))
    dates = programme.schedule(database, PROG)
    assert dates["film2"].opens == date(2016, 1, 4) + timedelta(days=49)
    assert dates["film1"] == programme.Dates(date(2015, 12, 1), date(2015, 12, 20))
    assert {r.id for r in journey.schedule_rows(database, "en", PROG) if r.moved} == {"film1"}
    assert [r["action"] for r in audit.recent(database)][:2] == ["set kickoff_date", "set schedule"]


def test_dates_equal_to_the_kickoff_offsets_follow_the_kickoff_again(database):
    journey.save_schedule(database, "admin", {"kl1": (day(8), day(28))}, "en", PROG)
    assert "kl1" in database.execute("SELECT value FROM settings WHERE key='schedule_overrides'").fetchone()[0]
    changed = journey.save_schedule(database, "admin", {"kl1": (day(7), day(28)), "kl2": (day(21), day(42))}, "en", PROG)
    assert changed == ["kl1"]  # kl2 was unchanged
    assert not any(r.moved for r in journey.schedule_rows(database, "en", PROG))


def test_invalid_dates_are_refused_naming_the_activity_and_nothing_is_written(database):
    edits = {"film1": (day(10), day(9)), "kl1": (day(7), None), "film2": (day(50), day(60))}
    problems = journey.schedule_problems(edits, "en", PROG)
    assert [p.text(lambda s: s) for p in problems] == [
        "Digital leadership in the organisation: the due date 25 November 2015 is before the open date 26 November 2015.",
        "Two tracks: Efficiency and development of core tasks: both the open date and the due date are needed.",
    ]
    with pytest.raises(journey.ScheduleError, match="Digital leadership in the organisation"):
        journey.save_schedule(database, "admin", edits, "en", PROG)
    assert programme.schedule(database, PROG)["film2"].opens == day(49)
    assert audit.recent(database) == []


def test_reset_lets_everything_follow_the_kickoff(database):
    journey.save_schedule(database, "admin", {"film1": (day(1), day(2))}, "en", PROG)
    journey.reset_schedule(database, "admin")
    assert programme.schedule(database, PROG)["film1"].opens == day(7)


def test_generated_dates_land_on_working_days_and_rows_say_where_they_come_from(database):
    journey.set_kickoff(database, "admin", date(2026, 1, 7))  # a Wednesday
    dates = programme.schedule(database, PROG)
    # workshop 1 (101 days): Saturday 18 April -> Monday 20 April
    assert dates["workshop1"] == programme.Dates(date(2026, 4, 20), date(2026, 4, 20))
    # meeting 2 (140..157): opens Wednesday 27 May, due Saturday 13 June -> Monday 15 June
    assert dates["meeting2"] == programme.Dates(date(2026, 5, 27), date(2026, 6, 15))
    rows = {r.id: r for r in journey.schedule_rows(database, "en", PROG)}
    assert (rows["workshop1"].opens_from, rows["workshop1"].due_from) == (date(2026, 4, 18), date(2026, 4, 18))
    assert (rows["meeting2"].opens_from, rows["meeting2"].due_from) == (None, date(2026, 6, 13))
    assert (rows["film1"].opens_from, rows["film1"].due_from, rows["film1"].by_hand) == (None, None, False)
    # the meeting day (day 84 = 1 April, a Wednesday) stays
    assert programme.event_day(PROG.activity("meeting1"), dates["meeting1"]) == date(2026, 4, 1)


def test_a_date_set_by_hand_on_a_day_off_is_kept_and_warned(database):
    journey.set_kickoff(database, "admin", date(2026, 1, 7))
    edits = {"workshop1": (date(2026, 6, 5), date(2026, 6, 5)), "workshop2": (date(2026, 6, 6), date(2026, 6, 6))}
    assert journey.schedule_problems(edits, "en", PROG) == []  # allowed: a municipality may choose it
    journey.save_schedule(database, "admin", edits, "en", PROG)
    dates = programme.schedule(database, PROG)
    assert dates["workshop1"] == programme.Dates(date(2026, 6, 5), date(2026, 6, 5))
    assert dates["workshop2"] == programme.Dates(date(2026, 6, 6), date(2026, 6, 6))
    rows = {r.id: r for r in journey.schedule_rows(database, "en", PROG)}
    assert rows["workshop2"].by_hand and rows["workshop2"].opens_from is None
    english = [w.text(lambda s: s) for w in journey.schedule_warnings(database, "en", PROG, today=date(2026, 1, 1))]
    assert english == [
        "Joint workshop 1: 5 June 2026 is Constitution Day, not a working day.",
        "Joint workshop 2: 6 June 2026 is Saturday, not a working day.",
    ]
    t = i18n.translator("da")
    danish = [w.text(t) for w in journey.schedule_warnings(database, "da", PROG, today=date(2026, 1, 1))]
    assert danish == [
        "Fælles workshop 1: 5. juni 2026 er Grundlovsdag, ikke en arbejdsdag.",
        "Fælles workshop 2: 6. juni 2026 er lørdag, ikke en arbejdsdag.",
    ]


def test_moving_the_kickoff_moves_generated_dates_but_not_dates_set_by_hand(database):
    journey.set_kickoff(database, "admin", date(2026, 1, 5))  # Monday
    journey.save_schedule(database, "admin", {"workshop2": (date(2026, 6, 6), date(2026, 6, 6))}, "en", PROG)
    journey.set_kickoff(database, "admin", date(2026, 1, 7))  # two days later, a Wednesday
    dates = programme.schedule(database, PROG)
    assert dates["workshop2"] == programme.Dates(date(2026, 6, 6), date(2026, 6, 6))  # kept, Saturday and all
    assert dates["workshop1"].opens == date(2026, 4, 20)  # followed the kick-off, off the Saturday
    assert dates["film1"].opens == date(2026, 1, 14)
    assert {r.id for r in journey.schedule_rows(database, "en", PROG) if r.by_hand} == {"workshop2"}
    assert [r["action"] for r in audit.recent(database)][:3] == ["set kickoff_date", "set schedule", "set kickoff_date"]


def test_the_generated_date_follows_the_kickoff_again_but_its_weekend_day_is_set_by_hand(database):
    journey.set_kickoff(database, "admin", date(2026, 1, 7))
    # the raw offset date (Saturday 18 April) differs from the generated Monday: set by hand
    journey.save_schedule(database, "admin", {"workshop1": (date(2026, 4, 18), date(2026, 4, 18))}, "en", PROG)
    assert programme.planned(database, PROG)["workshop1"].by_hand
    # giving it the generated dates again lets it follow the kick-off
    journey.save_schedule(database, "admin", {"workshop1": (date(2026, 4, 20), date(2026, 4, 20))}, "en", PROG)
    assert not programme.planned(database, PROG)["workshop1"].by_hand


def test_a_kickoff_on_a_saturday_is_kept_and_warned(database):
    journey.set_kickoff(database, "admin", date(2026, 1, 10))
    assert programme.schedule(database, PROG)["kickoff"].opens == date(2026, 1, 10)
    assert [w.text(lambda s: s) for w in journey.schedule_warnings(database, "en", PROG, today=date(2026, 1, 1))] == [
        "Kick-off: 10 January 2026 is Saturday, not a working day."
    ]


def test_a_schedule_in_the_past_says_so(database):
    # a fresh installation keeps the programme's kick-off of 16 November 2015
    (past,) = journey.schedule_warnings(database, "en", PROG)
    assert (past.level, str(past)) == (
        "warning", "All activities lie in the past: set the kick-off date of your programme.")
    (running,) = journey.schedule_warnings(database, "en", PROG, today=date(2016, 1, 1))
    assert (running.level, str(running)) == (
        "info", "The kick-off, 16 November 2015, is in the past: the activities before today have taken place.")
    assert journey.schedule_warnings(database, "en", PROG, today=date(2015, 11, 16)) == []


def test_active_leaders_leaves_out_other_roles_and_inactive_users(database, leader):
    auth.create_user(database, username="boss", name="Boss", roles=("management",))
    gone = auth.create_user(database, username="gone", name="Gone", roles=("leader",))
    database.execute("UPDATE users SET active = 0 WHERE id = ?", [gone])
    both = auth.create_user(database, username="both", name="Both", roles=("leader", "admin"))
    assert [r["id"] for r in journey.active_leaders(database)] == [both, leader]


def test_schedule_problems_without_a_programme_read_the_default_one():
    """Called without `prog` it names activities from data/programme.yaml (it has no database)."""
    problems = journey.schedule_problems({"kickoff": (None, None)}, "en")
    assert [p.params["activity"] for p in problems] == ["Kick-off"]


@pytest.mark.parametrize("lang, since", [("da", "åben for dig fra"), ("en", "open to you since")])
def test_a_late_joiners_start_assessment_is_theirs_now_without_the_past_window(database, lang, since):
    """Issue 25: a leader added after the start window closed sees the start assessment as open to
    them from the day they joined, never the past window as if it were current."""
    start = next(a for a in PROG.activities if a.kind == "assessment" and a.round == "start")
    window = programme.schedule(database, PROG)[start.id]
    joined = window.due + timedelta(days=80)
    lea = auth.create_user(database, username="lea", name="Lea Dam", invited_at=joined.isoformat())
    j = journey.journey(database, lea, PROG, joined + timedelta(days=10))
    step = j.next_step
    assert step.activity.id == start.id and step.status == "open"
    shown = step.when(lang)
    assert shown == since + " " + dates.day(joined, lang, "medium")
    for past in (window.opens, window.due):
        assert dates.day(past, lang, "medium") not in shown
    # a leader who was there during the window keeps the window (and it is missed, to catch up)
    on_time = auth.create_user(database, username="ole", name="Ole Hansen", invited_at=window.opens.isoformat())
    step = journey.journey(database, on_time, PROG, joined + timedelta(days=10)).next_step
    assert step.activity.id == start.id and step.status == "missed"
    assert step.when(lang) == dates.day_range(window.opens, window.due, lang, "medium")
