"""The leader's journey (status, progress, next step, reflections) and the admin schedule and
attendance, on a fresh database with the programme's own dates (kick-off 2015-11-16)."""

from datetime import date, datetime, timedelta

import pytest

from digled import audit, auth, journey, programme, service

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
    assert e.value.msg == "This activity opens on {date}." and e.value.params == {"date": day(49).isoformat()}
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


def test_assessment_is_done_by_participation_and_service_check_by_booking_or_help(database, leader, other):
    database.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'start', ?)",
                     [leader, day(3).isoformat()])
    assert statuses(database, leader, day(30))["assessment_start"] == "done"
    slot = service.create_slot(database, "admin", datetime(2016, 4, 20, 9, 0), 45, 1, "Rådhuset")
    service.book(database, leader, slot, now=datetime(2016, 4, 1, 12, 0))
    service.ask_for_help(database, other, "Outlook", now=datetime(2016, 4, 1, 12, 0))
    assert statuses(database, leader, day(150))["service_check"] == "done"
    assert statuses(database, other, day(150))["service_check"] == "done"


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


def test_after_the_end_the_handbook_then_catching_up(database, leader):
    j = journey.journey(database, leader, PROG, day(300))
    assert j.next_step.activity.id == "handbook" and j.next_step.status == "open"
    journey.mark_done(database, leader, "handbook", PROG, day(300))
    nxt = journey.journey(database, leader, PROG, day(300)).next_step
    assert nxt.activity.id == "assessment_start" and nxt.status == "missed"


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
    assert "Exported on 2016-01-15." in md
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
        "Digital leadership in the organisation: the due date 2015-11-25 is before the open date 2015-11-26.",
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


def test_active_leaders_leaves_out_other_roles_and_inactive_users(database, leader):
    auth.create_user(database, username="boss", name="Boss", roles=("management",))
    gone = auth.create_user(database, username="gone", name="Gone", roles=("leader",))
    database.execute("UPDATE users SET active = 0 WHERE id = ?", [gone])
    both = auth.create_user(database, username="both", name="Both", roles=("leader", "admin"))
    assert [r["id"] for r in journey.active_leaders(database)] == [both, leader]
