"""Service check slots, bookings (capacity, one per leader, concurrency) and help requests."""

import threading
import time
from datetime import datetime, timedelta

import pytest

from digled import audit, auth, db, service

NOW = datetime(2016, 4, 1, 12, 0)
LATER = NOW + timedelta(days=10)


@pytest.fixture
def leaders(database) -> list[int]:
    return [
        auth.create_user(database, username=f"l{i}", name=f"Leader {i}", municipality="Glostrup")
        for i in range(10)
    ]


def slot(database, capacity=1, when=LATER, place="Rådhuset") -> int:
    return service.create_slot(database, "admin", when, 45, capacity, place)


def test_create_slot_validates_and_logs(database):
    sid = slot(database, capacity=2)
    s = service.get_slot(database, sid)
    assert (s.starts_at, s.minutes, s.capacity, s.place, s.booked, s.free) == (LATER, 45, 2, "Rådhuset", 0, 2)
    with pytest.raises(service.ServiceError, match="from 5 to 480 minutes"):
        service.create_slot(database, "admin", LATER, 2, 1)
    with pytest.raises(service.ServiceError, match="room for 1 to 50"):
        service.create_slot(database, "admin", LATER, 30, 0)
    with pytest.raises(service.ServiceError, match="start date and time"):
        service.create_slot(database, "admin", None)
    assert [r["action"] for r in audit.recent(database)] == ["create service slot"]


def test_book_respects_capacity_and_one_booking_per_leader(database, leaders):
    a, b, c = leaders[:3]
    sid = slot(database, capacity=2)
    assert service.book(database, a, sid, now=NOW).slot.id == sid
    with pytest.raises(service.ServiceError) as e:
        service.book(database, a, sid, now=NOW)
    assert e.value.msg == "You already have a booking. Cancel it, or move it to another slot."
    service.book(database, b, sid, now=NOW)
    with pytest.raises(service.ServiceError, match="This slot is full"):
        service.book(database, c, sid, now=NOW)
    assert service.get_slot(database, sid).booked == 2
    assert service.free_slots(database, NOW) == []


def test_past_and_missing_slots_are_refused(database, leaders):
    past = slot(database, when=NOW - timedelta(hours=1))
    with pytest.raises(service.ServiceError, match="already started"):
        service.book(database, leaders[0], past, now=NOW)
    with pytest.raises(service.ServiceError, match="no longer exists"):
        service.book(database, leaders[0], 999, now=NOW)
    assert service.my_booking(database, leaders[0]) is None


def test_rebook_moves_the_booking_and_keeps_it_when_the_new_slot_is_full(database, leaders):
    a, b = leaders[:2]
    first, second, full = slot(database), slot(database, when=LATER + timedelta(hours=1)), slot(database, when=LATER + timedelta(hours=2))
    service.book(database, a, first, note="Teams", now=NOW)
    service.book(database, b, full, now=NOW)
    moved = service.rebook(database, a, second, now=NOW)
    assert moved.slot.id == second and moved.note == "Teams"
    assert service.get_slot(database, first).booked == 0
    with pytest.raises(service.ServiceError, match="This slot is full"):
        service.rebook(database, a, full, now=NOW)
    assert service.my_booking(database, a).slot.id == second  # the old booking stayed
    with pytest.raises(service.ServiceError, match="already booked this slot"):
        service.rebook(database, a, second, now=NOW)


def test_cancel_frees_the_seat_but_not_after_the_check(database, leaders):
    a = leaders[0]
    sid = slot(database)
    service.book(database, a, sid, now=NOW)
    assert service.cancel(database, a, now=NOW) is True
    assert service.cancel(database, a, now=NOW) is False
    assert [s.id for s in service.free_slots(database, NOW)] == [sid]
    service.book(database, a, sid, now=NOW)
    with pytest.raises(service.ServiceError, match="already taken place"):
        service.cancel(database, a, now=LATER + timedelta(hours=1))


def test_deleting_a_slot_cancels_its_bookings(database, leaders):
    sid = slot(database, capacity=3)
    for u in leaders[:2]:
        service.book(database, u, sid, now=NOW)
    assert service.delete_slot(database, "admin", sid) == 2
    assert service.my_booking(database, leaders[0]) is None
    assert service.bookings_table(database).empty
    with pytest.raises(service.ServiceError, match="no longer exists"):
        service.delete_slot(database, "admin", sid)


def test_admin_lists_bookings_and_help_requests(database, leaders):
    sid = slot(database)
    service.book(database, leaders[0], sid, note="=cmd", now=NOW)
    df = service.bookings_table(database)
    assert list(df["name"]) == ["Leader 0"] and list(df["note"]) == ["=cmd"]
    service.ask_for_help(database, leaders[1], "  Hjælp til Teams  ", now=NOW)
    service.ask_for_help(database, leaders[1], "Og Outlook", now=LATER)
    assert list(service.help_requests(database)["text"]) == ["Og Outlook", "Hjælp til Teams"]
    assert [h["text"] for h in service.my_help_requests(database, leaders[1])] == ["Og Outlook", "Hjælp til Teams"]
    assert service.my_help_requests(database, leaders[0]) == []


def test_empty_or_long_help_requests_are_refused(database, leaders):
    with pytest.raises(service.ServiceError, match="Write what you would like help with"):
        service.ask_for_help(database, leaders[0], "   ")
    with pytest.raises(service.ServiceError, match="at most 2000"):
        service.ask_for_help(database, leaders[0], "x" * 2001)
    assert service.help_requests(database).empty


def test_concurrent_bookings_of_the_last_seat_never_overbook(database, leaders, tmp_path, monkeypatch):
    sid = slot(database, capacity=2)
    service.book(database, leaders[0], sid, now=NOW)  # one seat left
    read_slot = service.get_slot

    def slow_read(conn, slot_id):  # widen the window between "is a seat free" and the insert
        found = read_slot(conn, slot_id)
        time.sleep(0.03)
        return found

    monkeypatch.setattr(service, "get_slot", slow_read)
    contenders = leaders[1:9]
    start = threading.Barrier(len(contenders))
    outcomes: list[str] = []

    def attempt(user_id: int) -> None:
        conn = db.connect(tmp_path / "digled.db")  # one connection per thread, as in the app
        try:
            start.wait()
            service.book(conn, user_id, sid, now=NOW)
            outcomes.append("booked")
        except service.ServiceError as e:
            outcomes.append(e.msg)
        finally:
            conn.close()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in contenders]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert outcomes.count("booked") == 1
    assert outcomes.count("This slot is full. Please choose another one.") == len(contenders) - 1
    assert database.execute("SELECT COUNT(*) FROM bookings WHERE slot_id = ?", [sid]).fetchone()[0] == 2
