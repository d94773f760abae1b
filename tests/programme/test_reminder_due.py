"""What is due for whom on a simulated date (reminder_due): films only when online and not seen,
meetings and workshops days before, drafts once a week, invitations until used; one e-mail per
leader per day (digests), and what became due later waits for the next day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from digled.accounts import invitations
from digled.assessment import answering
from digled.content import activities, programme
from digled.platform import db, pseudonyms
from digled.programme import journey, reminder_due, reminder_messages, reminder_sending, service
from tests.programme.conftest import FILM_DAY, keys, parts

pytestmark = pytest.mark.usefixtures("films_online", "no_real_mail")


def test_what_is_due_on_a_simulated_date(database, settings, cohort):
    lea, emma, nina = cohort["lea"], cohort["emma"], cohort["nina"]
    assert reminder_due.due(database, settings, date(2015, 11, 1)) == []
    first_day = keys(reminder_due.due(database, settings, date(2015, 11, 16)))
    assert first_day == {f"assessment:assessment_start:{lea}", f"assessment:assessment_start:{emma}",
                         f"invitation::{nina}:2015-W47"}
    assert keys(reminder_due.due(database, settings, FILM_DAY)) == {
        f"assessment:assessment_start:{lea}", f"assessment:assessment_start:{emma}",
        f"film:film1:{lea}", f"film:kl1:{lea}", f"film:film1:{emma}", f"film:kl1:{emma}",
        f"invitation::{nina}:2015-W48",
    }
    # done work and a taken assessment are not reminded
    with db.write(database):
        database.execute("INSERT INTO progress VALUES (?, 'film1', 'done', '2015-11-24')", [lea])
        database.execute("INSERT INTO participation VALUES (?, 'start', '2015-11-24')", [lea])
    later = keys(reminder_due.due(database, settings, date(2015, 11, 25)))
    assert f"film:film1:{lea}" not in later and f"assessment:assessment_start:{lea}" not in later
    assert f"film:kl1:{lea}" in later and f"film:film1:{emma}" in later
    # a film is no longer reminded after its due date
    assert not [r for r in reminder_due.due(database, settings, date(2015, 12, 15)) if r.activity == "film1"]


def test_meetings_and_workshops_are_reminded_days_before(database, settings, cohort):
    def activities(day):
        return {r.activity for r in reminder_due.due(database, settings, day) if r.user.id == cohort["lea"]}

    assert "meeting1" not in activities(date(2016, 1, 21))
    assert "meeting1" in activities(date(2016, 1, 22))  # 3 days before it opens on 25 Jan
    assert "meeting1" in activities(date(2016, 2, 15))
    assert "workshop1" not in activities(date(2016, 2, 21))
    assert "workshop1" in activities(date(2016, 2, 22))
    assert "workshop1" not in activities(date(2016, 2, 26))
    with db.write(database):
        database.execute("INSERT INTO progress VALUES (?, 'workshop1', 'attended', '2016-02-25')", [cohort["lea"]])
    assert "workshop1" not in activities(date(2016, 2, 24))
    workshop = next(r for r in reminder_due.due(database, settings, date(2016, 2, 22))
                    if r.activity == "workshop1" and r.user.id == cohort["emma"])
    assert workshop.subject == "Joint workshop 1 on 25 February 2016"
    assert workshop.link == "http://localhost:8501/meetings?item=workshop1"
    body = reminder_messages.preview(workshop)
    assert "on 25 February 2016, 09:00–13:00 (Example: Albertslund Town Hall)" in body


def test_an_unfinished_draft_is_reminded_once_a_week(database, settings, cohort):
    lea = cohort["lea"]
    answering.start(database, pseudonyms.of_user(settings.pseudonym_secret, lea), "start", today=date(2015, 11, 20),
                     secret=settings.pseudonym_secret)
    mine = [r for r in reminder_due.due(database, settings, FILM_DAY) if r.user.id == lea]
    assert f"draft:assessment_start:{lea}:2015-W48" in keys(mine)
    assert f"assessment:assessment_start:{lea}" not in keys(mine)  # started already
    draft = next(r for r in mine if r.kind == "draft")
    assert draft.subject == "Din kompetenceafklaring venter på dig"
    assert draft.link.endswith("/assessment")
    reminder_sending.run(database, settings, FILM_DAY)
    assert not [r for r in reminder_due.due(database, settings, date(2015, 11, 29)) if r.kind == "draft"]  # same week
    assert [r for r in reminder_due.due(database, settings, date(2015, 11, 30)) if r.kind == "draft"]  # next week
    # a draft started just now waits for the grace period
    emma = cohort["emma"]
    answering.start(database, pseudonyms.of_user(settings.pseudonym_secret, emma), "start", today=FILM_DAY,
                     secret=settings.pseudonym_secret)
    assert not [r for r in reminder_due.due(database, settings, FILM_DAY) if r.kind == "draft" and r.user.id == emma]


def test_two_activities_opening_the_same_day_make_one_email(database, settings, cohort, smtp_server):
    lea = cohort["lea"]
    with db.write(database):  # Lea has taken the start assessment: only the two films are new
        database.execute("INSERT INTO participation VALUES (?, 'start', '2015-11-20')", [lea])
    [digest] = [d for d in reminder_due.digests(database, settings, FILM_DAY) if d.user.id == lea]
    assert [r.activity for r in digest.items] == ["film1", "kl1"]
    assert digest.subject == "Digital ledelse: 2 ting til dig"
    reminder_sending.run(database, settings, FILM_DAY)
    mine = [m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == "lea@a.dk"]
    assert len(mine) == 1
    text, html = parts(mine[0])
    assert "Digital ledelse i organisationen" in text and "To spor: Effektivisering" in text
    assert html.count("<h2") == 2


def test_something_new_later_the_same_day_waits_for_the_next_day(database, settings, cohort, smtp_server):
    lea = cohort["lea"]
    reminder_sending.run(database, settings, date(2015, 11, 16))  # the start assessment opens
    first = len(smtp_server.messages)
    # the same day a film comes out early (the administrator moves it): no second e-mail today
    db.set_setting(database, "schedule_overrides", '{"film1": {"opens": "2015-11-16", "due": "2015-12-14"}}')
    assert any(r.activity == "film1" for r in reminder_due.due(database, settings, date(2015, 11, 16)) if r.user.id == lea)
    assert not [d for d in reminder_due.digests(database, settings, date(2015, 11, 16)) if d.user.id == lea]
    assert reminder_sending.run(database, settings, date(2015, 11, 16)).sent == 0
    assert len(smtp_server.messages) == first
    # the next day it comes
    nxt = [d for d in reminder_due.digests(database, settings, date(2015, 11, 17)) if d.user.id == lea]
    assert [r.activity for d in nxt for r in d.items] == ["film1"]


def test_a_film_without_a_link_is_never_open_in_an_email(database, settings, cohort, monkeypatch):
    seed = activities.load_programme()
    assert not any(a.video_url for a in seed.activities if a.kind in reminder_due.FILM_KINDS)
    monkeypatch.setattr(programme, "programme", lambda db=None: seed)
    assert [r for r in reminder_due.due(database, settings, FILM_DAY) if r.kind == "film"] == []
    # the administrator sets the film's video in the app: now it is open
    from digled.content import guides

    guides.save(database, {"film1": "https://www.youtube.com/watch?v=abcdefghijk"}, "admin", seed)
    films = [r for r in reminder_due.due(database, settings, FILM_DAY) if r.kind == "film"]
    assert {r.activity for r in films} == {"film1"}
    assert all(r.link == "http://localhost:8501/films?item=film1" for r in films)


def test_a_recent_invitation_link_postpones_the_invitation_reminder(database, settings, cohort):
    from datetime import timedelta

    db.set_setting(database, "kickoff_date", (date.today() - timedelta(days=30)).isoformat())

    def invitation_due() -> bool:
        return any(r.kind == "invitation" for r in reminder_due.due(database, settings))

    assert invitation_due()
    invitations.create(database, cohort["nina"], actor="admin")
    assert not invitation_due()


def test_a_film_falling_due_is_reminded_once_days_before(database, settings, cohort):
    lea = cohort["lea"]

    def due_soon(day):
        return {r.activity for r in reminder_due.due(database, settings, day) if r.user.id == lea and r.kind == "film_due"}

    # not while the release reminder is still unsent (it names the due day itself)
    assert due_soon(date(2015, 12, 11)) == set()
    reminder_sending.run(database, settings, FILM_DAY)
    assert due_soon(date(2015, 12, 10)) == set()  # film1 and kl1 are due on 14 December
    assert due_soon(date(2015, 12, 11)) == {"film1", "kl1"}
    with db.write(database):
        database.execute("INSERT INTO progress VALUES (?, 'kl1', 'done', '2015-12-11')", [lea])
    [digest] = [d for d in reminder_due.digests(database, settings, date(2015, 12, 11)) if d.user.id == lea]
    # kl2 opened on 7 December (its release) and film1 falls due: one e-mail lists both
    assert [(r.kind, r.activity) for r in digest.items] == [("film", "kl2"), ("film_due", "film1")]
    assert digest.subject == "Digital ledelse: 2 ting til dig"
    assert digest.items[1].link == "http://localhost:8501/films?item=film1"
    preview = reminder_messages.preview(digest)
    assert "2. Snart sidste frist: Digital ledelse i organisationen" in preview
    assert "Husk at se »Digital ledelse i organisationen« senest 14. december 2015." in preview
    reminder_sending.run(database, settings, date(2015, 12, 11))
    assert due_soon(date(2015, 12, 12)) == set()  # once


def test_a_step_reminds_only_while_the_journey_has_it_open_or_near():
    prog = activities.load_programme()
    film, meeting, start = (prog.activity(i) for i in ("film1", "meeting1", "assessment_start"))
    opens, due = date(2016, 1, 25), date(2016, 2, 15)

    def kind(activity, status, today, yours_from=None):
        return reminder_due.reminded_kind(journey.Step(activity, opens, due, status, yours_from=yours_from), today)

    assert kind(film, "open", opens) == "film"
    assert [kind(film, s, opens) for s in ("done", "missed", "passed", "not_open")] == [None] * 4
    assert kind(meeting, "not_open", date(2016, 1, 22)) == "meeting"  # 3 days before it opens
    assert kind(meeting, "not_open", date(2016, 1, 21)) is None
    assert kind(meeting, "open", due) == "meeting"
    assert [kind(meeting, s, due) for s in ("done", "missed")] == [None, None]  # attended, or registered absent
    assert kind(start, "open", due) == "assessment"
    # a late joiner's start assessment is theirs on the home page, but its window (named in the e-mail) is past
    assert kind(start, "open", due + timedelta(days=1), yours_from=due + timedelta(days=1)) is None


# --- the service check: when it can be booked, and days before the booked time ---------------

SERVICE_OPENS = date(2016, 4, 11)  # day 147 of the programme


def test_the_service_check_is_announced_once_when_it_opens(database, settings, cohort, smtp_server):
    lea, emma = cohort["lea"], cohort["emma"]

    def announced(day):
        return {r.user.id for r in reminder_due.due(database, settings, day) if r.kind == "service_check"}

    assert announced(SERVICE_OPENS - timedelta(days=1)) == set()
    assert announced(SERVICE_OPENS) == {lea, emma}
    [mail] = [r for r in reminder_due.due(database, settings, SERVICE_OPENS) if r.kind == "service_check"
              and r.user.id == emma]
    assert mail.key == f"service_check:service_check:{emma}"
    assert mail.subject == "Book your one-to-one service check"
    assert mail.link == "http://localhost:8501/service-check"
    body = reminder_messages.preview(mail)
    assert "between 11 April 2016 and 31 May 2016" in body
    reminder_sending.run(database, settings, SERVICE_OPENS)
    sent = [m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == "lea@a.dk"]
    assert "Nu kan du booke dit en-til-en servicetjek: vælg en tid mellem 11. april 2016 og 31. maj 2016" in (
        parts(sent[-1])[0].replace("\n", " "))
    assert announced(SERVICE_OPENS + timedelta(days=1)) == set()  # once


def test_a_leader_who_booked_or_asked_for_help_is_not_told_to_book(database, settings, cohort):
    lea, emma = cohort["lea"], cohort["emma"]
    slot = service.create_slot(database, "admin", datetime(2016, 4, 25, 9, 0), 45, 2, "Rådhuset")
    service.book(database, lea, slot, now=datetime(2016, 4, 1, 12, 0))
    service.ask_for_help(database, emma, "Outlook", now=datetime(2016, 4, 1, 12, 0))
    assert [r for r in reminder_due.due(database, settings, SERVICE_OPENS) if r.kind == "service_check"] == []


def test_a_booked_service_check_is_reminded_days_before_and_again_after_a_move(database, settings, cohort):
    emma = cohort["emma"]
    first = service.create_slot(database, "admin", datetime(2016, 4, 25, 9, 0), 45, 1, "Rådhuset, lokale 2")
    second = service.create_slot(database, "admin", datetime(2016, 5, 10, 13, 30), 45, 1, "")
    service.book(database, emma, first, now=datetime(2016, 4, 12, 12, 0))

    def soon(day):
        return [r for r in reminder_due.due(database, settings, day) if r.kind == "service_check_soon"]

    assert soon(date(2016, 4, 21)) == []
    [r] = soon(date(2016, 4, 22))  # 3 days before
    assert r.key == f"service_check_soon:service_check:{emma}:2016-04-25T09:00"
    assert r.subject == "Your service check on 25 April 2016, 09:00"
    assert "on 25 April 2016, 09:00 (Rådhuset, lokale 2)" in reminder_messages.preview(r)
    assert [x.key for x in soon(date(2016, 4, 25))] == [r.key]  # until the day itself
    reminder_sending.run(database, settings, date(2016, 4, 22))
    assert soon(date(2016, 4, 23)) == []  # once
    assert soon(date(2016, 4, 26)) == []  # the slot has passed
    # moved: the new time gets its own reminder
    service.rebook(database, emma, second, now=datetime(2016, 4, 23, 12, 0))
    [moved] = soon(date(2016, 5, 7))
    assert moved.key.endswith(":2016-05-10T13:30")
    assert "(place to follow)" in reminder_messages.preview(moved)


def test_the_service_check_step_reminds_when_open_or_booked_soon():
    prog = activities.load_programme()
    check = prog.activity("service_check")
    opens, due = date(2016, 4, 11), date(2016, 5, 31)
    slot = datetime(2016, 4, 25, 9, 0)

    def kind(status, today, booked_for=None):
        return reminder_due.reminded_kind(journey.Step(check, opens, due, status, booked_for=booked_for), today)

    assert kind("open", opens) == "service_check"
    assert [kind(s, opens) for s in ("not_open", "done", "missed", "passed")] == [None] * 4
    assert kind("booked", date(2016, 4, 21), slot) is None
    assert kind("booked", date(2016, 4, 22), slot) == "service_check_soon"
    assert kind("booked", date(2016, 4, 25), slot) == "service_check_soon"


def test_the_service_checks_page_promises_only_the_emails_that_are_sent():
    """The description says when the leader hears from us: as the service check opens, and
    DAYS_BEFORE days before the booked time (the reminders above)."""
    text = activities.load_programme().activity("service_check").description
    assert reminder_due.DAYS_BEFORE == 3
    assert "Du får en e-mail, når du kan booke din tid, og en påmindelse tre dage før den tid, du har booket." in (
        " ".join(text["da"].split()))
    assert "You get an e-mail when you can book your time, and a reminder three days before the time you booked." in (
        " ".join(text["en"].split()))
    assert "nærmere information" not in text["da"]


# --- the follow-up rounds (issue 23) ----------------------------------------------------------


def test_a_follow_up_round_is_e_mailed_once_in_its_window_with_a_link_to_the_assessment(
        database, settings, cohort, smtp_server):
    lea, emma = cohort["lea"], cohort["emma"]
    prog = programme.programme(database)
    answering.set_followup_enabled(database, False, "admin")
    end = answering.programme_end(database, prog)
    day = answering.add_months(end, 3)
    assert not [r for r in reminder_due.due(database, settings, day) if r.kind == "followup"]  # off: nothing
    answering.set_followup_enabled(database, True, "admin")
    assert not [r for r in reminder_due.due(database, settings, day - timedelta(days=1)) if r.kind == "followup"]
    due = [r for r in reminder_due.due(database, settings, day) if r.kind == "followup"]
    assert keys(due) == {f"followup:followup_3:{lea}", f"followup:followup_3:{emma}"}
    assert all(r.link.endswith("/assessment") for r in due)
    answering.record_participation(database, emma, "followup_3", day)  # Emma took it: not reminded
    reminder_sending.run(database, settings, day)
    mine = {m["To"].addresses[0].addr_spec: m for m in smtp_server.messages}
    assert set(mine) == {"lea@a.dk"}
    text, html = parts(mine["lea@a.dk"])
    assert mine["lea@a.dk"]["Subject"] == "Hvordan gik det? Opfølgning 3 måneder efter forløbet"
    assert "hvad fik du gjort?" in text
    assert "/assessment" in text and "Tag opfølgningen" in html
    # sent once: the next day has no follow-up e-mail for her, the 6-month round another one
    assert not [r for r in reminder_due.due(database, settings, day + timedelta(days=1)) if r.kind == "followup"]
    later = [r for r in reminder_due.due(database, settings, answering.add_months(end, 6)) if r.kind == "followup"]
    assert keys(later) == {f"followup:followup_6:{lea}", f"followup:followup_6:{emma}"}
    assert {r.lang for r in later} == {"da", "en"} and any("How did it go?" in r.subject for r in later)
