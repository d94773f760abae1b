"""The leader's journey (status, progress, next step, attendance deciding meetings), on a fresh
database with the programme's own dates (kick-off 2015-11-16)."""

from datetime import date, datetime, timedelta

import pytest

from digled.accounts import auth
from digled.assessment import answering
from digled.content import programme
from digled.platform import audit, dates
from digled.programme import attendance, journey, service
from tests.programme.conftest import PROG, day


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


@pytest.mark.parametrize("registration, expected, done", [
    (None, "done", 1),          # the slot has passed and nothing is registered: it counts as held
    ("held", "done", 1),        # registered as held
    ("no_show", "missed", 0),   # registered as a no-show: not done
])
def test_a_passed_service_check_counts_unless_a_no_show_is_registered(database, leader, registration, expected, done):
    slot = service.create_slot(database, "admin", SLOT_START, 45, 1, "Rådhuset")
    service.book(database, leader, slot, now=datetime(2016, 4, 1, 12, 0))
    after = datetime(2016, 4, 20, 11, 0)
    if registration == "held":
        service.register_done(database, "admin", leader, today=after.date())
    elif registration == "no_show":
        service.register_no_show(database, "admin", leader, now=after)
    j = journey.journey(database, leader, PROG, after.date(), after)
    step = j.step("service_check")
    assert (step.status, j.done) == (expected, done)
    assert step.booked_for is None
    assert (step.done_on is None) == (expected != "done")


def test_a_no_show_then_a_new_booking_is_booked_and_later_done(database, leader):
    first = service.create_slot(database, "admin", SLOT_START, 45, 1, "Rådhuset")
    second = service.create_slot(database, "admin", datetime(2016, 5, 4, 9, 0), 45, 1, "Rådhuset")
    service.book(database, leader, first, now=datetime(2016, 4, 1, 12, 0))
    after = datetime(2016, 4, 20, 11, 0)
    service.register_no_show(database, "admin", leader, now=after)
    service.rebook(database, leader, second, now=after)
    assert journey.journey(database, leader, PROG, after.date(), after).step("service_check").status == "booked"
    later = datetime(2016, 5, 4, 10, 0)
    assert journey.journey(database, leader, PROG, later.date(), later).step("service_check").status == "done"


def test_a_booked_service_check_is_not_the_next_step(database, leader):
    database.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'start', ?)",
                     [leader, day(3).isoformat()])
    for a in ("meeting2",):
        attendance.register(database, "admin", a, {leader: True}, PROG, day(150))
    slot = service.create_slot(database, "admin", datetime(2016, 5, 20, 9, 0), 45, 1, "Rådhuset")
    service.book(database, leader, slot, now=datetime(2016, 4, 1, 12, 0))
    j = journey.journey(database, leader, PROG, day(160), datetime(2016, 4, 24, 12, 0))
    assert j.step("service_check").status == "booked"
    assert j.next_step.activity.id != "service_check"


def test_attendance_decides_meetings_and_workshops(database, leader, other):
    attendance.register(database, "admin", "workshop1", {leader: True, other: False}, PROG, day(101))
    assert statuses(database, leader, day(102))["workshop1"] == "done"
    assert statuses(database, other, day(95))["workshop1"] == "missed"  # absent wins even before the day
    attendance.register(database, "admin", "workshop1", {other: None}, PROG, day(101))
    assert statuses(database, other, day(95))["workshop1"] == "not_open"
    assert statuses(database, other, day(102))["workshop1"] == "missed"  # past and not attended
    assert [r["action"] for r in audit.recent(database)].count("register attendance") == 2


def test_next_step_is_the_open_activity_due_first(database, leader):
    database.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'start', ?)",
                     [leader, day(3).isoformat()])
    # day 90: meeting1 (70-91) and film3/kl4 (84-119) are open; meeting1 is due first
    assert journey.journey(database, leader, PROG, day(90)).next_step.activity.id == "meeting1"
    attendance.register(database, "admin", "meeting1", {leader: True}, PROG, day(90))
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


def test_journeys_of_many_leaders_are_each_leaders_journey(demo_db):
    """journeys() reads every leader at once (reminders ask it); it answers as journey() does."""
    leaders = [r[0] for r in demo_db.execute(f"SELECT id FROM users WHERE {auth.LEADER_SQL}")]
    prog = programme.programme(demo_db)
    for today in (date.today() - timedelta(days=30), date.today(), date.today() + timedelta(days=90)):
        many = journey.journeys(demo_db, leaders, prog, today)
        assert list(many) == leaders
        assert all(many[uid] == journey.journey(demo_db, uid, prog, today) for uid in leaders)
    assert journey.journeys(demo_db, [], prog) == {}


def test_a_follow_up_is_due_while_its_window_is_open_and_it_is_not_taken():
    w = answering.FollowupWindow("followup_3", date(2027, 3, 1), date(2027, 5, 31))
    due = journey.followup_due(w, {"start", "end"})
    assert (due.round, due.opens, due.closes, due.page) == ("followup_3", w.opens, w.closes, "pages/assessment.py")
    assert due.when("da") == dates.day_range(w.opens, w.closes, "da", "medium") == "1. mar. 2027 – 31. maj 2027"
    assert journey.followup_due(w, {"start", "followup_3"}) is None
    assert journey.followup_due(None, set()) is None  # none open, or the rounds are off
