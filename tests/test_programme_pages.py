"""AppTest: the programme pages of the leader (home, films, meetings, service check, materials)
and of the administrator (schedule and attendance, service slots, workshop tables)."""

from datetime import date, timedelta

import pytest

from digled import auth, journey, programme, service, workshops
from tests.apptest import app_as, page_text

ADMIN_PAGES = ["pages/admin_schedule.py", "pages/admin_service.py", "pages/admin_workshops.py"]


def open_page(username: str, path: str):
    at = app_as(username).run()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def uid(db, username: str) -> int:
    return auth.get_user(db, username).id


# --- leader -----------------------------------------------------------------------------------


def test_home_shows_progress_timeline_and_the_next_step(demo_db):
    at = open_page("leder", "pages/leader_home.py")
    text = page_text(at)
    mine = journey.journey(demo_db, uid(demo_db, "leder"))
    assert mine.percent == 25  # film1, kl1, meeting1, workshop1 of 16
    bar = at.get("progress")[0]
    assert bar.value == 25 and bar.text == "25 % of the programme done (4 of 16 activities)"
    assert "Welcome, Lea" in text and "Your digital competence assessment" in text
    for a in programme.programme().activities:
        assert a.title["en"] in text, a.id
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert len(badges) == len(programme.programme().activities)
    assert {b.split("[")[1].rstrip("]") for b in badges} == {"Done", "Missed", "Open", "Not yet open"}
    nxt = mine.next_step
    assert nxt.activity.id == "film3"
    button = at.button(key="next_step")
    assert button.label == "Go to: " + nxt.activity.title["en"]
    button.click().run()
    assert "Films and reflections" in [t.value for t in at.title]


def test_a_reflection_is_saved_as_typed_and_shown_in_a_new_session(demo_db):
    at = open_page("leder", "pages/films.py")
    at.text_area(key="refl_film3-r2").input("Vi mangler mål for vores nye app.").run()
    assert not at.exception
    assert journey.reflections(demo_db, uid(demo_db, "leder"), "film3") == {"film3-r2": "Vi mangler mål for vores nye app."}
    again = open_page("leder", "pages/films.py")
    assert again.text_area(key="refl_film3-r2").value == "Vi mangler mål for vores nye app."
    assert again.text_area(key="refl_film1-r1").value == journey.reflections(demo_db, uid(demo_db, "leder"))["film1-r1"]
    again.text_area(key="refl_film3-r2").input("").run()
    assert "film3-r2" not in journey.reflections(demo_db, uid(demo_db, "leder"))


def test_films_mark_as_seen_and_films_not_yet_open(demo_db):
    later = date.today() + timedelta(days=20)
    journey.save_schedule(demo_db, "admin", {"film4": (later, later + timedelta(days=30))}, "en")
    at = open_page("leder", "pages/films.py")
    assert f"Opens on {later.isoformat()}." in page_text(at)
    keys = {a.key for a in at.text_area}
    assert "refl_film3-r1" in keys and not any(k.startswith("refl_film4") for k in keys)
    assert not any(b.key == "seen_film4" for b in at.button)
    assert "The film is not online yet: the link follows here." in page_text(at)
    at.button(key="seen_film3").click().run()
    assert journey.journey(demo_db, uid(demo_db, "leder")).step("film3").status == "done"
    assert at.button(key="unseen_film3")
    assert at.get("download_button")  # the export of my reflections


def test_meetings_show_my_workshop_table_and_who_sits_there(demo_db):
    at = open_page("leder", "pages/meetings.py")
    number, seated = workshops.my_table(demo_db, "workshop1", uid(demo_db, "leder"))
    text = page_text(at)
    assert f"Your table: table {number}" in text
    table = [d for d in at.dataframe if "Lea Dam" in d.value.to_string()]
    assert len(table) == 1
    assert set(table[0].value["Name"]) == {p.name for p in seated}
    assert "Your table is shown here when the tables for the workshop are ready." in text  # workshop 2
    assert "Albertslund Town Hall" in text
    at.text_area(key="refl_workshop2-r1").input("Forberedelse").run()
    assert journey.reflections(demo_db, uid(demo_db, "leder"))["workshop2-r1"] == "Forberedelse"


def test_booking_a_slot_respects_capacity(demo_db):
    lea = uid(demo_db, "leder")
    at = open_page("leder", "pages/service_check.py")
    free = service.free_slots(demo_db)
    first, second = free[0], free[1]
    at.button(key=f"book_{first.id}").click().run()
    assert service.my_booking(demo_db, lea).slot.id == first.id
    assert "Cancel my booking" in page_text(at)
    at.button(key=f"rebook_{second.id}").click().run()
    assert service.my_booking(demo_db, lea).slot.id == second.id
    at.button(key="cancel_booking").click().run()
    assert service.my_booking(demo_db, lea) is None
    # someone else takes the last seat of a slot while the page is open: the click is refused
    target = service.free_slots(demo_db)[0]
    others = [r["id"] for r in journey.active_leaders(demo_db)
              if r["id"] != lea and service.my_booking(demo_db, r["id"]) is None]
    for other in others[: target.free]:
        service.book(demo_db, other, target.id)
    at.button(key=f"book_{target.id}").click().run()
    assert "This slot is full. Please choose another one." in [e.value for e in at.error]
    assert service.my_booking(demo_db, lea) is None
    assert all(b.key != f"book_{target.id}" for b in at.button)  # the full slot is no longer offered


def test_a_help_request_is_stored(demo_db):
    at = open_page("leder", "pages/service_check.py")
    at.text_area(key="help_text").input("Hvordan deler jeg en kalender?")
    at.button(key="send_help").click().run()
    assert "Thank you. The programme administrator will contact you." in page_text(at)
    assert [h["text"] for h in service.my_help_requests(demo_db, uid(demo_db, "leder"))] == ["Hvordan deler jeg en kalender?"]
    assert at.text_area(key="help_text").value == ""
    at.button(key="send_help").click().run()
    assert "Write what you would like help with." in [e.value for e in at.error]


def test_materials_show_kickoff_purposes_and_a_locked_handbook(demo_db):
    at = open_page("leder", "pages/materials.py")
    text = page_text(at)
    assert "Invitation from the municipal chief executives (link follows)" in text
    assert "The seven purposes" in text
    purposes = [m.value for m in at.markdown if m.value.startswith("1. ")]
    assert len(purposes) == 1 and purposes[0].count("\n") == 6
    assert "The handbook is unlocked when you have taken the end assessment" in text
    assert not any(b.key == "seen_handbook" for b in at.button)


# --- administrator --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_a_leader_cannot_open_the_admin_pages(demo_db, path):
    at = app_as("leder", page=path).run()
    assert "You do not have access to this page." in [e.value for e in at.error]
    assert not at.button and not at.date_input


def test_admin_edits_dates_with_messages_naming_the_activity(demo_db):
    at = open_page("admin", "pages/admin_schedule.py")
    dates = programme.schedule(demo_db, programme.programme())
    at.date_input(key="due_film2").set_value(dates["film2"].opens - timedelta(days=1))
    at.button(key="FormSubmitter:schedule_form-Save the dates").click().run()
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("The opportunities of digitalisation and the leader's role: the due date")
    assert programme.schedule(demo_db, programme.programme())["film2"] == dates["film2"]
    at.date_input(key="due_film2").set_value(dates["film2"].due + timedelta(days=7))
    at.button(key="FormSubmitter:schedule_form-Save the dates").click().run()
    assert "Saved: 1 activities changed." in page_text(at)
    assert programme.schedule(demo_db, programme.programme())["film2"].due == dates["film2"].due + timedelta(days=7)


def test_admin_saves_attendance(demo_db):
    at = open_page("admin", "pages/admin_schedule.py")
    at.selectbox(key="attendance_activity").set_value("meeting2").run()
    at.button(key="save_attendance").click().run()
    df = journey.attendance(demo_db, "meeting2")
    assert set(df["status"]) == {"absent"}  # nobody ticked: everyone registered as absent
    assert f"Attendance saved: {len(df)} leaders changed." in page_text(at)


def test_admin_creates_and_deletes_a_slot(demo_db):
    before = len(service.slots(demo_db))
    at = open_page("admin", "pages/admin_service.py")
    at.number_input(key="slot_capacity").set_value(3)
    at.text_input(key="slot_place").input("Glostrup Rådhus")
    at.button(key="FormSubmitter:new_slot-Create the slot").click().run()
    created = [s for s in service.slots(demo_db) if s.place == "Glostrup Rådhus"]
    assert len(service.slots(demo_db)) == before + 1 and created[0].capacity == 3
    at.button(key=f"delete_slot_{created[0].id}").click().run()
    assert len(service.slots(demo_db)) == before
    assert "The slot is deleted (0 bookings cancelled)." in page_text(at)


def test_admin_generates_tables_and_moves_a_leader(demo_db):
    at = open_page("admin", "pages/admin_workshops.py")
    at.selectbox(key="ws_number").set_value(2).run()
    assert "No tables yet for this workshop." in page_text(at)
    at.number_input(key="ws_seed").set_value(5)
    at.button(key="ws_generate").click().run()
    assert not at.exception
    saved = workshops.saved_tables(demo_db, "workshop2")
    assert saved and workshops.plan_info(demo_db, "workshop2")["seed"] == 5
    assert f"{len(saved)} tables generated." in page_text(at)
    lea = uid(demo_db, "leder")
    current = workshops.my_table(demo_db, "workshop2", lea)[0]
    target = 2 if current == 1 else 1
    at.selectbox(key="ws_move_leader").set_value(lea)
    at.number_input(key="ws_move_table").set_value(target)
    at.button(key="ws_move").click().run()
    assert workshops.my_table(demo_db, "workshop2", lea)[0] == target
    assert f"Moved to table {target}." in page_text(at)
    # generating again needs a confirmation: without it the tables and the move stay
    at.number_input(key="ws_seed").set_value(6)
    at.button(key="ws_generate").click().run()
    assert "Tick 'Yes, replace the existing tables' first." in [e.value for e in at.error]
    assert workshops.plan_info(demo_db, "workshop2")["seed"] == 5
    assert workshops.my_table(demo_db, "workshop2", lea)[0] == target
    at.checkbox(key="ws_replace").check()
    at.button(key="ws_generate").click().run()
    assert workshops.plan_info(demo_db, "workshop2")["seed"] == 6
