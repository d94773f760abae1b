"""Service check slots, bookings (capacity, one per leader, concurrency) and help requests."""

import threading
import time
from datetime import datetime, timedelta

import pytest

from digled.accounts import auth
from digled.platform import audit, db, mailer
from digled.programme import service

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


# --- status: booking is not attending -------------------------------------------------------


@pytest.mark.parametrize("start, now, registered, expected", [
    (None, NOW, None, None),                                     # nothing booked
    (None, NOW, "attended", "done"),                             # registered by the administrator
    (LATER, NOW, None, "booked"),                                # booked for later
    (NOW - timedelta(minutes=30), NOW, None, "booked"),          # under way (45 minutes)
    (NOW - timedelta(minutes=45), NOW, None, "done"),            # the slot has passed
    (LATER, NOW, "attended", "done"),                            # registered before the slot
    (NOW - timedelta(minutes=45), NOW, "absent", "no_show"),     # passed, registered as a no-show
    (NOW - timedelta(minutes=30), NOW, "absent", "no_show"),     # under way, the leader did not come
])
def test_status_is_booked_until_the_slot_has_passed_or_it_is_registered(start, now, registered, expected):
    booking = None
    if start is not None:
        booking = service.Booking(1, service.Slot(1, start, 45, 1, "", 1), "2016-03-01T10:00:00+00:00", "")
    assert service.status(booking, now, registered) == expected


def test_a_check_booked_for_january_is_not_done_in_december(database, leaders):
    january = datetime(2027, 1, 8, 10, 0)
    s = slot(database, when=january)
    service.book(database, leaders[0], s, now=datetime(2026, 11, 20))
    assert service.status_of(database, leaders[0], now=datetime(2026, 12, 1)) == "booked"
    assert service.status_of(database, leaders[0], now=datetime(2027, 1, 8, 10, 45)) == "done"
    table = service.bookings_table(database, now=datetime(2026, 12, 1))
    assert list(table["status"]) == ["booked"]


def test_the_administrator_registers_a_check_as_held(database, leaders):
    lea = leaders[0]
    assert service.status_of(database, lea, now=NOW) is None
    service.register_done(database, "admin", lea, today=NOW.date())
    assert service.registered(database, lea) == "2016-04-01"
    assert service.status_of(database, lea, now=NOW) == "done"
    service.register_done(database, "admin", lea, held=False)
    assert service.status_of(database, lea, now=NOW) is None
    actions = [r["action"] for r in audit.recent(database)]
    assert "register service check" in actions and "unregister service check" in actions


def test_the_administrator_registers_a_no_show_for_a_slot_that_has_begun(database, leaders):
    lea, other = leaders[0], leaders[1]
    start = datetime(2016, 4, 20, 9, 0)
    sid = slot(database, when=start)
    service.book(database, lea, sid, now=NOW)
    # a slot still ahead, and a leader without a booking, cannot be a no-show
    with pytest.raises(service.ServiceError) as e:
        service.register_no_show(database, "admin", lea, now=start - timedelta(minutes=1))
    assert e.value.msg == "A no-show can only be registered once the booked time has begun."
    with pytest.raises(service.ServiceError) as e:
        service.register_no_show(database, "admin", other, now=start)
    assert e.value.msg == "This leader has no booked service check."
    after = start + timedelta(hours=2)
    assert service.status_of(database, lea, now=after) == "done"  # passed, nothing registered
    service.register_no_show(database, "admin", lea, now=after)
    assert service.registration(database, lea) == "absent"
    assert service.registered(database, lea) is None
    assert service.status_of(database, lea, now=after) == "no_show"
    assert list(service.bookings_table(database, now=after)["status"]) == ["no_show"]
    # registering it as held after all corrects the no-show
    service.register_done(database, "admin", lea, today=after.date())
    assert service.status_of(database, lea, now=after) == "done"
    service.register_no_show(database, "admin", lea, now=after)
    assert service.status_of(database, lea, now=after) == "no_show"
    actions = [r["action"] for r in audit.recent(database)]
    assert actions.count("register service check no-show") == 2


def test_after_a_no_show_the_leader_can_book_again_and_the_new_slot_counts(database, leaders):
    lea = leaders[0]
    first, second = datetime(2016, 4, 20, 9, 0), datetime(2016, 4, 27, 9, 0)
    s1, s2 = slot(database, when=first), slot(database, when=second)
    service.book(database, lea, s1, now=NOW)
    after = first + timedelta(hours=2)
    # without a no-show the passed check cannot be moved
    with pytest.raises(service.ServiceError, match="already taken place"):
        service.rebook(database, lea, s2, now=after)
    service.register_no_show(database, "admin", lea, now=after)
    moved = service.rebook(database, lea, s2, now=after)
    assert moved.slot.id == s2
    assert service.registration(database, lea) is None  # the new booking starts afresh
    assert service.status_of(database, lea, now=after) == "booked"
    assert service.status_of(database, lea, now=second + timedelta(hours=1)) == "done"


def test_a_no_show_booking_can_be_cancelled(database, leaders):
    lea = leaders[0]
    start = datetime(2016, 4, 20, 9, 0)
    service.book(database, lea, slot(database, when=start), now=NOW)
    after = start + timedelta(hours=2)
    with pytest.raises(service.ServiceError, match="already taken place"):
        service.cancel(database, lea, now=after)
    service.register_no_show(database, "admin", lea, now=after)
    assert service.cancel(database, lea, now=after) is True
    assert service.my_booking(database, lea) is None


# --- confirmations with a calendar file -----------------------------------------------------


def _calendar_of(msg):
    from icalendar import Calendar

    [part] = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    return part, Calendar.from_ical(part.get_content())


def test_booking_and_cancelling_send_confirmations_with_a_calendar_file(database, settings, smtp_server):
    lea = auth.create_user(database, username="lea", name="Lea Dam", email="lea@a.dk")
    s = slot(database, when=datetime(2027, 1, 8, 10, 0), place="Glostrup Rådhus, lokale 1.12")
    booking = service.book(database, lea, s, now=NOW)
    assert service.confirm(database, settings, lea, "booked", booking.slot) is None
    service.cancel(database, lea, now=NOW)
    assert service.confirm(database, settings, lea, "cancelled", booking.slot) is None
    booked, cancelled = smtp_server.messages
    assert booked["Subject"] == "Bekræftelse: servicetjek 8. januar 2027 kl. 10.00"
    assert cancelled["Subject"] == "Aflyst: servicetjek 8. januar 2027 kl. 10.00"
    text = booked.get_body(("plain",)).get_content()
    assert "booket til 8. januar 2027 kl. 10.00 (Glostrup Rådhus, lokale 1.12)" in text
    assert "http://localhost:8501/service-check" in text and "personligt" not in text
    part, cal = _calendar_of(booked)
    assert part.get_param("method") == "REQUEST" and part.get_filename().endswith(".ics")
    [event] = cal.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert event.decoded("dtstart").replace(tzinfo=None) == datetime(2027, 1, 8, 10, 0)
    assert str(event["LOCATION"]) == "Glostrup Rådhus, lokale 1.12"
    assert str(event["ORGANIZER"]) == "mailto:forloeb@test.digled.dk"
    part, cancel = _calendar_of(cancelled)
    [gone] = cancel.walk("VEVENT")
    assert str(cancel["METHOD"]) == "CANCEL" and part.get_param("method") == "CANCEL"
    assert str(gone["UID"]) == str(event["UID"]) and gone["SEQUENCE"] >= event["SEQUENCE"]
    log = database.execute("SELECT kind, status FROM reminders_sent ORDER BY claimed_at").fetchall()
    assert log == [("service_booked", "sent"), ("service_cancelled", "sent")]


def test_a_failed_confirmation_keeps_the_booking_and_is_logged(database, settings, smtp_server):
    lea = auth.create_user(database, username="lea", name="Lea Dam", email="lea@a.dk", language="en")
    booking = service.book(database, lea, slot(database), now=NOW)
    smtp_server.reject = True
    error = service.confirm(database, settings, lea, "booked", booking.slot)
    assert error and "554" in error
    assert service.my_booking(database, lea) is not None
    assert database.execute("SELECT status FROM reminders_sent").fetchall() == [("failed",)]


def test_the_booking_page_books_mails_the_calendar_file_and_offers_the_download(demo_db, smtp_server, monkeypatch):
    from tests.apptest import Downloads, app_as, page_text

    downloads = Downloads(monkeypatch)
    lea = auth.get_user(demo_db, "leder")
    at = app_as("leder", lang="da").run()
    at.switch_page("pages/service_check.py").run()
    assert not at.exception
    first = service.free_slots(demo_db)[0]
    at.button(key=f"book_{first.id}").click().run()
    assert not at.exception
    text = page_text(at)
    assert "Dit servicetjek er booket." in text
    assert f"En bekræftelse med en kalenderfil er på vej til {lea.email}." in text
    assert ":blue-badge[Booket]" in [m.value for m in at.markdown]
    [msg] = smtp_server.messages
    assert msg["To"].addresses[0].addr_spec == lea.email
    part, cal = _calendar_of(msg)
    [event] = cal.walk("VEVENT")
    assert event.decoded("dtstart").replace(tzinfo=None) == first.starts_at
    # the download on the page is the same event
    from icalendar import Calendar

    got = Calendar.from_ical(downloads.get(at, "booking_ics"))
    [same] = got.walk("VEVENT")
    assert str(same["UID"]) == str(event["UID"]) and same["SEQUENCE"] == event["SEQUENCE"]
    assert str(got["METHOD"]) == "PUBLISH"
    # cancelling sends the CANCEL
    at.button(key="cancel_booking").click().run()
    assert "Din booking er aflyst." in page_text(at)
    assert len(smtp_server.messages) == 2
    assert str(_calendar_of(smtp_server.messages[1])[1]["METHOD"]) == "CANCEL"


def test_the_page_says_done_only_after_the_slot_or_when_registered(demo_db):
    from tests.apptest import app_as

    lea = auth.get_user(demo_db, "leder").id
    first = service.free_slots(demo_db)[0]
    service.book(demo_db, lea, first.id)

    def badges(lang="en"):
        at = app_as("leder", lang=lang).run()
        at.switch_page("pages/service_check.py").run()
        assert not at.exception
        return at, [m.value for m in at.markdown if "-badge[" in m.value]

    at, shown = badges("da")
    assert shown == [":blue-badge[Booket]"]
    assert at.button(key="cancel_booking") and at.get("download_button")
    service.register_done(demo_db, "admin", lea)  # the administrator registers it as held
    at, shown = badges("da")
    assert shown == [":green-badge[Gennemført]"]
    assert not [b for b in at.button if b.key == "cancel_booking"] and not at.get("download_button")
    service.register_done(demo_db, "admin", lea, held=False)
    with db.write(demo_db):  # the slot has passed
        demo_db.execute("UPDATE service_slots SET starts_at = ? WHERE id = ?",
                        [(datetime.now() - timedelta(days=1)).isoformat(timespec="minutes"), first.id])
    at, shown = badges("en")
    assert shown == [":green-badge[Done]"]
    assert "Your service check has taken place. Write below if you need more help." in [c.value for c in at.caption]


def test_the_administrator_sees_booked_and_registers_it_as_held(demo_db):
    from tests.apptest import app_as

    lea = auth.get_user(demo_db, "leder").id
    service.book(demo_db, lea, service.free_slots(demo_db)[0].id)
    at = app_as("admin").run()
    at.switch_page("pages/admin_service.py").run()
    assert not at.exception
    bookings = next(d.value for d in at.dataframe if "Status" in d.value.columns)
    assert set(bookings["Status"]) == {"Booked"}  # demo bookings are all ahead
    assert not bookings["Time"].str.contains(r"\d{4}-\d{2}-\d{2}").any()  # no ISO dates
    at.multiselect(key="register_held").select(lea).run()
    at.button(key="register_held_button").click().run()
    assert not at.exception
    assert "Registered as held: 1." in [s.value for s in at.success]
    assert service.status_of(demo_db, lea) == "done"
    bookings = next(d.value for d in at.dataframe if "Status" in d.value.columns)
    assert list(bookings.loc[bookings["Name"] == auth.get_user(demo_db, "leder").name, "Status"]) == ["Done"]


def test_the_administrator_registers_a_no_show_and_the_leader_may_book_again(demo_db):
    from tests.apptest import app_as

    lea = auth.get_user(demo_db, "leder").id
    first = service.free_slots(demo_db)[0]
    service.book(demo_db, lea, first.id)
    with db.write(demo_db):  # the slot has passed
        demo_db.execute("UPDATE service_slots SET starts_at = ? WHERE id = ?",
                        [(datetime.now() - timedelta(days=1)).isoformat(timespec="minutes"), first.id])
    at = app_as("admin", lang="da").run()
    at.switch_page("pages/admin_service.py").run()
    assert not at.exception
    bookings = next(d.value for d in at.dataframe if "Status" in d.value.columns)
    name = auth.get_user(demo_db, "leder").name
    assert list(bookings.loc[bookings["Navn"] == name, "Status"]) == ["Gennemført"]  # passed, not registered
    at.multiselect(key="register_no_show").select(lea).run()
    at.button(key="register_no_show_button").click().run()
    assert not at.exception
    assert "Registreret som udeblevet: 1." in [s.value for s in at.success]
    assert service.status_of(demo_db, lea) == "no_show"
    bookings = next(d.value for d in at.dataframe if "Status" in d.value.columns)
    assert list(bookings.loc[bookings["Navn"] == name, "Status"]) == ["Udeblevet"]
    # a no-show can be corrected: it is offered among those to register as held
    assert name in at.multiselect(key="register_held").options
    # the leader sees it, and can move the booking to a new time
    at = app_as("leder", lang="en").run()
    at.switch_page("pages/service_check.py").run()
    assert not at.exception
    assert [m.value for m in at.markdown if "-badge[" in m.value] == [":orange-badge[No-show]"]
    assert ("You did not come to your booked service check. Book a new time below, or write what you need help with."
            in [c.value for c in at.caption])
    later = next(s for s in service.free_slots(demo_db) if s.id != first.id)
    at.button(key=f"rebook_{later.id}").click().run()
    assert not at.exception
    assert service.my_booking(demo_db, lea).slot.id == later.id
    assert service.status_of(demo_db, lea) == "booked"


def test_a_confirmation_is_claimed_in_the_outbox_before_it_is_sent(database, settings, smtp_server, monkeypatch):
    lea = auth.create_user(database, username="lea", name="Lea Dam", email="lea@a.dk")
    booking = service.book(database, lea, slot(database), now=NOW)
    seen = []
    real_send = mailer.Mailer.send

    def send(self, msg, name=""):
        seen.append(database.execute("SELECT key, kind, activity, status FROM reminders_sent").fetchall())
        return real_send(self, msg, name)

    monkeypatch.setattr(mailer.Mailer, "send", send)
    assert service.confirm(database, settings, lea, "booked", booking.slot) is None
    [[(key, kind, activity, status)]] = seen  # while it is sent, the send log says "sending"
    assert (kind, activity, status) == ("service_booked", "service_check", "claimed")
    assert key.startswith(f"service_booked:{booking.slot.id}:{lea}:")
    assert database.execute("SELECT key, status, attempts, error FROM reminders_sent").fetchall() == [
        (key, "sent", 1, "")]
