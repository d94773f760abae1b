"""Calendar files (.ics): parsed back with icalendar, Danish time with its VTIMEZONE, stable
UIDs, growing SEQUENCE, REQUEST / CANCEL for the service check; activity times in the YAML."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from digled.content import activities
from digled.content.loader import ContentError
from digled.platform import config
from digled.programme import calendar_files

CPH = "Europe/Copenhagen"
BOOKED = datetime(2016, 4, 20, 8, 0, tzinfo=UTC)


def parsed(data: bytes):
    cal = Calendar.from_ical(data)
    [event] = cal.walk("VEVENT")
    return cal, event


def test_a_workshop_has_its_time_of_day_and_place_in_danish_time():
    prog = activities.load_programme()
    a = prog.activity("workshop1")
    data = calendar_files.for_activity(a, date(2016, 2, 25), date(2016, 2, 25), "da",
                                       url="https://digled.example.dk/meetings?item=workshop1")
    cal, e = parsed(data)
    assert str(cal["METHOD"]) == "PUBLISH"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == [CPH]
    assert e["DTSTART"].params["TZID"] == CPH and e["DTEND"].params["TZID"] == CPH
    assert e.decoded("dtstart") == datetime(2016, 2, 25, 9, 0, tzinfo=calendar_files.TZ)
    assert e.decoded("dtend") == datetime(2016, 2, 25, 13, 0, tzinfo=calendar_files.TZ)
    assert e.decoded("dtstart").utcoffset() == timedelta(hours=1)  # winter time
    assert str(e["SUMMARY"]) == "Fælles workshop 1"
    assert str(e["LOCATION"]) == "Eksempel: Albertslund Rådhus"
    assert str(e["UID"]) == "activity-workshop1@digled.local"
    assert str(e["URL"]) == "https://digled.example.dk/meetings?item=workshop1"
    english = parsed(calendar_files.for_activity(a, date(2016, 2, 25), date(2016, 2, 25), "en"))[1]
    assert str(english["SUMMARY"]) == "Joint workshop 1" and str(english["UID"]) == str(e["UID"])


def test_a_meeting_lands_on_its_day_and_moves_with_the_schedule():
    prog = activities.load_programme()
    meeting = prog.activity("meeting1")  # opens day 70, takes place day 84, 13:00-14:00
    kickoff = prog.kickoff_date
    e = parsed(calendar_files.for_activity(meeting, kickoff + timedelta(days=70), kickoff + timedelta(days=91), "en"))[1]
    assert e.decoded("dtstart") == datetime.combine(kickoff + timedelta(days=84), time(13, 0), calendar_files.TZ)
    assert str(e["LOCATION"]) == "In your own leader group"
    # the administrator moved the meeting a week later: the event moves with it
    moved = parsed(calendar_files.for_activity(meeting, kickoff + timedelta(days=77), kickoff + timedelta(days=98), "en"))[1]
    assert moved.decoded("dtstart").date() == kickoff + timedelta(days=91)
    # summer time is right too (service check in April: +02:00)
    data = calendar_files.service_ics(1, datetime(2016, 4, 20, 10, 0), 45, "Servicetjek", changed_at=BOOKED)
    assert parsed(data)[1].decoded("dtstart").utcoffset() == timedelta(hours=2)


def test_an_activity_without_a_time_is_a_whole_day_event():
    prog = activities.load_programme()
    film_day = date(2015, 11, 23)
    e = parsed(calendar_files.for_activity(prog.activity("film1"), film_day, film_day, "da"))[1]
    assert e.decoded("dtstart") == film_day and e.decoded("dtend") == film_day + timedelta(days=1)
    assert "TZID" not in e["DTSTART"].params and str(e["TRANSP"]) == "TRANSPARENT"


def test_the_kickoff_is_a_whole_working_day_with_an_example_place():
    kickoff = activities.load_programme().activity("kickoff")
    assert (kickoff.start, kickoff.end) == (time(9, 0), time(15, 30))
    assert kickoff.place["da"].startswith("Eksempel:") and kickoff.place["en"].startswith("Example:")


def test_a_service_booking_is_a_request_and_its_cancellation_a_cancel_of_the_same_uid():
    start = datetime(2016, 4, 20, 10, 0)
    booked = calendar_files.service_ics(7, start, 45, "Servicetjek", location="Glostrup Rådhus, lokale 1.12",
                                        changed_at=BOOKED, organizer="forloeb@kommune.dk", attendee="lea@a.dk")
    cal, e = parsed(booked)
    assert str(cal["METHOD"]) == "REQUEST" and str(e["STATUS"]) == "CONFIRMED"
    assert e.decoded("dtstart") == datetime(2016, 4, 20, 10, 0, tzinfo=calendar_files.TZ)
    assert e.decoded("dtend") == datetime(2016, 4, 20, 10, 45, tzinfo=calendar_files.TZ)
    assert e["DTSTART"].params["TZID"] == CPH
    assert str(e["LOCATION"]) == "Glostrup Rådhus, lokale 1.12"
    assert str(e["ORGANIZER"]) == "mailto:forloeb@kommune.dk" and str(e["ATTENDEE"]) == "mailto:lea@a.dk"
    # moved to another slot later: the same UID with a higher SEQUENCE, so the calendar updates
    moved = parsed(calendar_files.service_ics(7, start + timedelta(days=2), 45, "Servicetjek",
                                              changed_at=BOOKED + timedelta(hours=3)))[1]
    assert str(moved["UID"]) == str(e["UID"]) == "service-check-7@digled.local"
    assert moved["SEQUENCE"] > e["SEQUENCE"]
    cancel_cal, cancel = parsed(calendar_files.service_ics(7, start + timedelta(days=2), 45, "Servicetjek",
                                                           changed_at=BOOKED + timedelta(days=1), method="CANCEL"))
    assert str(cancel_cal["METHOD"]) == "CANCEL" and str(cancel["STATUS"]) == "CANCELLED"
    assert str(cancel["UID"]) == str(e["UID"]) and cancel["SEQUENCE"] > moved["SEQUENCE"]
    # another leader's booking is another event
    other = parsed(calendar_files.service_ics(8, start, 45, "Servicetjek", changed_at=BOOKED))[1]
    assert str(other["UID"]) != str(e["UID"])
    with pytest.raises(ValueError):
        calendar_files.calendar([], "DELETE")


def test_file_names_are_safe():
    assert calendar_files.file_name("Fælles workshop 1") == "fælles-workshop-1.ics"
    assert calendar_files.file_name("../../etc") == "etc.ics"
    assert calendar_files.file_name("") == "event.ics"


@pytest.mark.parametrize("fields, problem", [
    ('start: 1300', 'activity workshop1: start: must be a time of day like "09:30"'),
    ('start: "25:00"', "activity workshop1: start: must be a time of day"),
    ('start: "13:00"\n    end: "12:00"', "activity workshop1: end (12:00) must be after start (13:00)"),
    ('end: "12:00"', "activity workshop1: end needs a start"),
    ('day: 99', "activity workshop1: day must be a whole number of days between opens (101) and due (101)"),
])
def test_bad_times_are_named_with_their_activity(tmp_path, fields, problem):
    source = Path(config.DATA_DIR / "programme.yaml").read_text(encoding="utf-8")
    old = '    opens: 101\n    due: 101\n    start: "09:00"\n    end: "13:00"\n'
    assert old in source
    broken = tmp_path / "programme.yaml"
    broken.write_text(source.replace(old, f"    opens: 101\n    due: 101\n    {fields}\n"), encoding="utf-8")
    with pytest.raises(ContentError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        activities.load_programme(broken)


def _widget_app(lang: str):
    """A one-widget app: the kick-off's download button (made on click) in `lang`."""
    from streamlit.testing.v1 import AppTest

    def app():
        import sys

        from digled.content import programme as p
        from digled.platform import i18n
        from digled.ui import calendar

        lang = sys.argv[-1] if sys.argv[-1] in ("da", "en") else "da"
        prog = p.programme()
        kickoff = prog.activity("kickoff")
        calendar.ics_download(kickoff, p.Dates(prog.kickoff_date, prog.kickoff_date),
                              i18n.translator(lang), lang, key="ics_kickoff")

    return AppTest.from_function(app, default_timeout=30)


@pytest.mark.parametrize("lang, label", [("da", "Tilføj til kalender (.ics)"), ("en", "Add to calendar (.ics)")])
def test_the_download_widget_makes_the_file_on_click(monkeypatch, lang, label):
    import sys

    from tests.apptest import deferred_downloads

    made = deferred_downloads(monkeypatch)
    monkeypatch.setattr(sys, "argv", [*sys.argv, lang])
    at = _widget_app(lang).run()
    assert not at.exception
    [button] = at.get("download_button")
    assert button.proto.label == label
    assert button.proto.deferred_file_id and not button.proto.url  # made on click
    e = parsed(made[button.proto.deferred_file_id]())[1]
    assert str(e["UID"]) == "activity-kickoff@digled.local"
    assert e.decoded("dtstart").replace(tzinfo=None) == datetime(2015, 11, 16, 9, 0)
    assert str(e["URL"]).endswith("?item=kickoff")
    assert str(e["LOCATION"]).startswith("Eksempel:" if lang == "da" else "Example:")
