"""Calendar files (.ics, RFC 5545, built with the icalendar package) for programme activities
and service check bookings.

Times are Danish time (Europe/Copenhagen, with its VTIMEZONE in the file). Every event has a
stable UID, so a newer file updates the event already in the calendar instead of adding a
second one: an activity's UID is its id; a leader's service check has one UID per leader,
whichever slot it is moved to. SEQUENCE counts minutes since 2000 at the change, so it only
grows. A booking confirmation is METHOD:REQUEST, a cancellation METHOD:CANCEL; downloads
are METHOD:PUBLISH. Pure: no Streamlit, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from digled.content.programme import Dates, event_day
from digled.platform.i18n import text

TZ = ZoneInfo("Europe/Copenhagen")
DOMAIN = "digled.local"
PRODID = "-//digled//Digital ledelse//DA"
MIME = "text/calendar"
SEQUENCE_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
METHODS = ("PUBLISH", "REQUEST", "CANCEL")


@dataclass(frozen=True)
class When:
    """When an event takes place: a day (whole-day) or a start and end in Danish time."""

    day: date
    start: time | None = None
    end: time | None = None  # without it: one hour
    end_day: date | None = None  # an event running past midnight

    def bounds(self) -> tuple[date | datetime, date | datetime]:
        if self.start is None:
            return self.day, self.day + timedelta(days=1)
        begin = datetime.combine(self.day, self.start, TZ)
        if self.end is None:
            return begin, begin + timedelta(hours=1)
        return begin, datetime.combine(self.end_day or self.day, self.end, TZ)


def sequence(moment: datetime) -> int:
    """A SEQUENCE that grows with time: whole minutes since 2000 (a naive moment is UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0, int((moment - SEQUENCE_EPOCH).total_seconds() // 60))


def activity_uid(activity_id: str) -> str:
    return f"activity-{activity_id}@{DOMAIN}"


def service_uid(user_id: int) -> str:
    return f"service-check-{user_id}@{DOMAIN}"


def event(
    uid: str,
    when: When,
    summary: str,
    *,
    location: str = "",
    description: str = "",
    url: str = "",
    seq: int = 0,
    now: datetime | None = None,
    cancelled: bool = False,
    organizer: str = "",
    attendee: str = "",
) -> Event:
    """One VEVENT."""
    now = now or datetime.now(UTC)
    e = Event()
    e.add("uid", uid)
    e.add("dtstamp", now.astimezone(UTC))
    begin, end = when.bounds()
    e.add("dtstart", begin)
    e.add("dtend", end)
    e.add("summary", summary)
    e.add("sequence", seq)
    if location:
        e.add("location", location)
    if description:
        e.add("description", description)
    if url:
        e.add("url", url)
    if organizer:
        e.add("organizer", vCalAddress(f"mailto:{organizer}"))
    if attendee:
        who = vCalAddress(f"mailto:{attendee}")
        who.params["ROLE"] = vText("REQ-PARTICIPANT")
        who.params["PARTSTAT"] = vText("ACCEPTED")
        e.add("attendee", who)
    e.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    e.add("transp", "TRANSPARENT" if when.start is None else "OPAQUE")
    return e


def calendar(events: list[Event], method: str = "PUBLISH") -> bytes:
    """A VCALENDAR holding `events` (and the time zone they use) as bytes."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    for e in events:
        cal.add_component(e)
    cal.add_missing_timezones()
    return cal.to_ical()


def activity_ics(
    activity_id: str,
    when: When,
    summary: str,
    *,
    location: str = "",
    description: str = "",
    url: str = "",
    now: datetime | None = None,
) -> bytes:
    """A downloadable calendar file for one programme activity (kick-off, meeting, workshop)."""
    now = now or datetime.now(UTC)  # SEQUENCE: a later download updates the event (a moved date)
    return calendar([event(activity_uid(activity_id), when, summary, location=location,
                           description=description, url=url, now=now, seq=sequence(now))])


def service_ics(
    user_id: int,
    starts_at: datetime,
    minutes: int,
    summary: str,
    *,
    location: str = "",
    description: str = "",
    url: str = "",
    changed_at: datetime,
    method: str = "REQUEST",
    organizer: str = "",
    attendee: str = "",
    now: datetime | None = None,
) -> bytes:
    """A service check booking (REQUEST or PUBLISH) or its cancellation (CANCEL).
    `starts_at` is Danish time (naive, as the slots are stored); `changed_at` is when the
    booking was made, moved or cancelled (it sets SEQUENCE)."""
    local = starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=TZ)
    local = local.astimezone(TZ)
    end = local + timedelta(minutes=minutes)
    when = When(local.date(), local.time().replace(tzinfo=None), end.time().replace(tzinfo=None), end.date())
    e = event(service_uid(user_id), when, summary, location=location, description=description, url=url,
              seq=sequence(changed_at), now=now, cancelled=method == "CANCEL",
              organizer=organizer, attendee=attendee)
    return calendar([e], method)


def file_name(stem: str) -> str:
    """A safe download name: letters, digits and hyphens, ending in .ics."""
    keep = "".join(ch if ch.isalnum() else "-" for ch in stem.lower())
    return ("-".join(p for p in keep.split("-") if p) or "event") + ".ics"


def activity_when(activity, opens: date, due: date) -> When:
    """When a programme activity takes place (activities.Activity and its scheduled dates)."""

    return When(event_day(activity, Dates(opens, due)), activity.start, activity.end)


def for_activity(activity, opens: date, due: date, lang: str, *, url: str = "", now: datetime | None = None) -> bytes:
    """The .ics of a programme activity (kick-off, meeting, workshop) in `lang`: its title,
    place, description and a link back to its page."""

    return activity_ics(
        activity.id, activity_when(activity, opens, due), text(activity.title, lang),
        location=text(activity.place, lang) if activity.place else "",
        description=text(activity.description, lang) + (f"\n\n{url}" if url else ""),
        url=url, now=now,
    )
