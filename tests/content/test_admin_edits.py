"""Content edited in the app (issue 12): overrides of titles, reflection questions, places and
times; example values only in the demo; leaders' notes never orphaned."""

from __future__ import annotations

import json
from datetime import date, time

import pytest

from digled.content import admin_edits, programme
from digled.platform import audit, db, migrations
from digled.programme import calendar_files, reflections
from tests.apptest import app_as, page_text, shown

BASE = programme.programme()  # the YAML as written


def _leader(d) -> int:
    return d.execute("SELECT id FROM users WHERE roles = 'leader' AND active = 1 ORDER BY id LIMIT 1").fetchone()[0]


def _t(s: str) -> str:
    return s


# --- the YAML's examples ----------------------------------------------------------------------


def test_the_yaml_marks_the_invented_venues_and_times_as_examples():
    kickoff = BASE.activity("kickoff")
    assert kickoff.examples == {"place", "start", "end"}
    assert kickoff.place["da"].startswith("Eksempel: ")
    assert BASE.activity("meeting1").examples == {"day", "start", "end"}
    assert BASE.activity("meeting1").place == {"da": "I egen ledergruppe", "en": "In your own leader group"}
    assert BASE.activity("workshop2").examples == {"place", "start", "end"}
    assert BASE.activity("film1").examples == {"at_minute"}
    assert [r.at_minute for r in BASE.activity("film1").reflections] == [10, 22, 35]
    assert BASE.activity("meeting1").examples == {"day", "start", "end"}


def test_outside_the_demo_the_examples_are_empty(database):
    prog = programme.programme(database)
    kickoff = prog.activity("kickoff")
    assert (kickoff.place, kickoff.start, kickoff.end, kickoff.examples) == (None, None, None, frozenset())
    meeting = prog.activity("meeting1")
    assert (meeting.day, meeting.start, meeting.end) == (None, None, None)
    assert meeting.place == {"da": "I egen ledergruppe", "en": "In your own leader group"}  # from the seed: kept
    assert [r.at_minute for r in prog.activity("film1").reflections] == [None, None, None]
    assert prog.activity("film1").reflections[0].text == BASE.activity("film1").reflections[0].text
    # a whole-day event without LOCATION in the calendar file
    ics = calendar_files.for_activity(kickoff, date(2026, 11, 16), date(2026, 11, 16), "da").decode()
    assert "DTSTART;VALUE=DATE:20261116" in ics and "LOCATION" not in ics


def test_in_the_demo_the_examples_show_labelled(database):
    db.set_setting(database, "demo", "1")
    kickoff = programme.programme(database).activity("kickoff")
    assert kickoff.place["da"] == "Eksempel: Albertslund Rådhus, byrådssalen"
    assert (kickoff.start, kickoff.end) == (time(9, 0), time(15, 30))
    assert kickoff.is_example("start") and kickoff.is_example("place")
    film1 = programme.programme(database).activity("film1")
    assert [r.at_minute for r in film1.reflections] == [10, 22, 35] and film1.is_example("at_minute")
    ics = calendar_files.for_activity(kickoff, date(2026, 11, 16), date(2026, 11, 16), "da").decode()
    assert "LOCATION:Eksempel: Albertslund Rådhus\\, byrådssalen" in ics.replace("\r\n ", "")


# --- overrides ---------------------------------------------------------------------------------


def test_an_override_replaces_the_default_and_reset_restores_it(database):
    place = {"da": "Glostrup Rådhus, sal 2", "en": "Glostrup Town Hall, room 2"}
    assert admin_edits.save(database, BASE, "workshop1", "place", place, "admin")
    assert admin_edits.save(database, BASE, "workshop1", "time", {"start": "9:30", "end": "12:00"}, "admin")
    w = programme.programme(database).activity("workshop1")
    assert w.place == place and (w.start, w.end) == (time(9, 30), time(12, 0))
    assert admin_edits.is_set(database, "workshop1", "place")
    assert [r["action"] for r in audit.recent(database, 2)] == ["content_set", "content_set"]
    assert not admin_edits.save(database, BASE, "workshop1", "place", place, "admin")  # unchanged
    assert admin_edits.reset(database, "activity:workshop1:place", "admin")
    assert programme.programme(database).activity("workshop1").place is None  # the default: an example, empty
    assert audit.recent(database, 1)[0]["action"] == "content_reset"
    db.set_setting(database, "demo", "1")
    assert programme.programme(database).activity("workshop1").place["da"] == "Eksempel: Albertslund Rådhus"
    # the time set in the app is no example, also in the demo
    w = programme.programme(database).activity("workshop1")
    assert w.start == time(9, 30) and not w.is_example("start")


def test_a_title_needs_danish_and_english(database):
    with pytest.raises(admin_edits.OverrideError) as e:
        admin_edits.save(database, BASE, "film2", "title", {"da": "Ny titel", "en": " "}, "admin")
    assert e.value.params == {"activity": "film2", "field": "title"}
    assert "write the text in Danish and English" in str(e.value)
    assert not admin_edits.stored(database)
    admin_edits.save(database, BASE, "film2", "title", {"da": "Ny titel", "en": "New title"}, "admin")
    assert programme.programme(database).activity("film2").title == {"da": "Ny titel", "en": "New title"}


@pytest.mark.parametrize("clock, message", [
    ({"start": "9.30", "end": ""}, "write a time of day like 09:30"),
    ({"start": "25:00", "end": ""}, "write a time of day like 09:30"),
    ({"start": "", "end": "12:00"}, "an end time needs a start time"),
    ({"start": "12:00", "end": "11:59"}, "the end must be after the start"),
])
def test_bad_times_are_refused(database, clock, message):
    with pytest.raises(admin_edits.OverrideError, match=message):
        admin_edits.save(database, BASE, "kickoff", "time", clock, "admin")
    assert not admin_edits.stored(database)


def test_a_film_has_no_place_and_a_meeting_no_minute(database):
    with pytest.raises(admin_edits.OverrideError, match="film1: place cannot be set"):
        admin_edits.save(database, BASE, "film1", "place", {"da": "x", "en": "y"}, "admin")
    admin_edits.save(database, BASE, "meeting1", "reflections",
                           [{"id": "meeting1-r1", "da": "a", "en": "b", "at_minute": 3}], "admin")
    assert programme.programme(database).activity("meeting1").reflections[0].at_minute is None


def test_a_minute_mark_past_the_films_end_is_refused(database):
    rows = admin_edits.default_reflections(BASE.activity("film1"))  # 40 minutes
    rows[1]["at_minute"] = "41"
    with pytest.raises(admin_edits.OverrideError) as e:
        admin_edits.save(database, BASE, "film1", "reflections", rows, "admin")
    assert e.value.params == {"activity": "film1", "field": "reflections", "n": 2, "max": 40}
    assert str(e.value) == ("film1: reflections: question 2: the minute must be a whole number from 0 to 40 "
                            "(the film's length).")
    rows[1]["at_minute"] = "40"
    admin_edits.save(database, BASE, "film1", "reflections", rows, "admin")
    assert [r.at_minute for r in programme.programme(database).activity("film1").reflections] == [10, 40, 35]
    assert not programme.programme(database).activity("film1").is_example("at_minute")  # set in the app


def test_a_removed_question_keeps_the_leaders_note(demo_db):
    leader = _leader(demo_db)
    reflections.save(demo_db, leader, "film1-r2", "Min note om styring")
    rows = admin_edits.default_reflections(BASE.activity("film1"))
    kept = [rows[0], rows[2]]
    admin_edits.save(demo_db, BASE, "film1", "reflections", kept, "admin")
    film1 = programme.programme(demo_db).activity("film1")
    assert [r.id for r in film1.reflections] == ["film1-r1", "film1-r3"]
    assert [r.id for r in film1.removed_reflections] == ["film1-r2"]
    assert reflections.load(demo_db, leader)["film1-r2"] == "Min note om styring"
    export = reflections.export(demo_db, leader, "en", _t)
    question = BASE.activity("film1").reflections[1].text["en"]
    assert f"**{question}** (question no longer in the programme)\n\nMin note om styring" in export
    # saving again (without the removed one) keeps it removed, never forgets its text
    admin_edits.save(demo_db, BASE, "film1", "reflections", kept, "admin")
    stored = json.loads(demo_db.execute("SELECT value FROM content_overrides").fetchone()[0])
    assert [(q["id"], q["removed"]) for q in stored] == [("film1-r1", False), ("film1-r3", False), ("film1-r2", True)]


def test_a_new_question_gets_a_stable_id_a_leader_can_answer(demo_db):
    leader = _leader(demo_db)
    rows = admin_edits.default_reflections(BASE.activity("kl1"))
    admin_edits.save(demo_db, BASE, "kl1", "reflections",
                           rows + [{"id": "", "da": "Nyt spørgsmål?", "en": "New question?", "at_minute": "2"}], "admin")
    new = programme.programme(demo_db).activity("kl1").reflections[1]
    assert new.id.startswith("kl1-q") and new.at_minute == 2 and new.text["da"] == "Nyt spørgsmål?"
    reflections.save(demo_db, leader, new.id, "Svar")
    # edit the question's text: the id and the note stay
    rows = admin_edits.default_reflections(programme.programme(demo_db).activity("kl1"))
    rows[1]["da"] = "Nyt spørgsmål, omformuleret?"
    admin_edits.save(demo_db, BASE, "kl1", "reflections", rows, "admin")
    again = programme.programme(demo_db).activity("kl1").reflections[1]
    assert again.id == new.id and again.text["da"] == "Nyt spørgsmål, omformuleret?"
    # reset: the default questions again, the answered new one kept as removed with its note
    admin_edits.reset(demo_db, "activity:kl1:reflections", "admin")
    kl1 = programme.programme(demo_db).activity("kl1")
    assert [r.id for r in kl1.reflections] == ["kl1-r1"]
    assert [r.id for r in kl1.removed_reflections] == [new.id]
    assert "Svar" in reflections.export(demo_db, leader, "en", _t)


def test_the_cache_follows_a_change_made_by_another_connection(tmp_path):
    path = tmp_path / "shared.db"
    first, second = migrations.open_and_migrate(path), db.connect(path)
    try:
        before = programme.programme(first)
        assert programme.programme(first) is before  # cached: no rebuild while nothing changed
        admin_edits.save(second, BASE, "meeting2", "place", {"da": "Mødelokale 3", "en": "Meeting room 3"}, "admin")
        assert programme.programme(first).activity("meeting2").place == {"da": "Mødelokale 3", "en": "Meeting room 3"}
        db.set_setting(second, "demo", "1")
        assert programme.programme(first).activity("kickoff").place["da"].startswith("Eksempel:")
    finally:
        first.close()
        second.close()


def test_a_stored_value_that_no_longer_fits_is_skipped(database):
    with db.write(database):
        database.execute("INSERT INTO content_overrides VALUES ('activity:gone:title', '{}', '2026-01-01', 'x'), "
                         "('activity:film1:title', 'not json', '2026-01-01', 'x')")
    assert programme.programme(database).activity("film1").title == BASE.activity("film1").title


def test_a_workshop_reminder_without_a_place_says_the_place_follows(database, settings):
    from digled.accounts import auth
    from digled.programme import reminder_due, reminder_messages

    auth.create_user(database, username="emma", name="Emma Stone", email="emma@g.dk", language="en",
                     password_hash="x", activated_at="2015-11-01", invited_at="2015-10-20")
    workshop = next(r for r in reminder_due.due(database, settings, date(2016, 2, 22)) if r.activity == "workshop1")
    body = reminder_messages.preview(workshop)
    assert "We look forward to seeing you at \"Joint workshop 1\" on 25 February 2016 (place to follow). Prepare" in body
    assert "()" not in body and "Example" not in body
    admin_edits.save(database, BASE, "workshop1", "place", {"da": "Glostrup Rådhus", "en": "Glostrup Town Hall"},
                           "admin")
    admin_edits.save(database, BASE, "workshop1", "time", {"start": "10:00", "end": "12:00"}, "admin")
    workshop = next(r for r in reminder_due.due(database, settings, date(2016, 2, 22)) if r.activity == "workshop1")
    assert "on 25 February 2016, 10:00–12:00 (Glostrup Town Hall). Prepare" in reminder_messages.preview(workshop)


# --- pages -------------------------------------------------------------------------------------

CONTENT = "pages/admin_content.py"


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_administrator_edits_a_films_questions(demo_db, lang):
    at = app_as("admin", page=CONTENT, lang=lang).run()
    assert not at.exception, at.exception
    at.selectbox(key="content_activity").set_value("film1").run()
    p = "c_film1_reflections"
    at.text_area(key=f"{p}_film1-r1_da").input("Hvad betyder digital ledelse for dig?")
    at.text_area(key=f"{p}_film1-r1_en").input("What does digital leadership mean to you?")
    at.text_input(key=f"{p}_film1-r1_min").input("45")  # the film is 40 minutes
    at.checkbox(key=f"{p}_film1-r3_rm").check()
    at.button(key="save_reflections").click().run()
    assert not at.exception, at.exception
    title = BASE.activity("film1").title[lang]
    expected = {"en": f"{title}: reflection questions: question 1: the minute must be a whole number from 0 to 40 "
                      "(the film's length).",
                "da": f"{title}: refleksionsspørgsmål: spørgsmål 1: minuttet skal være et helt tal fra 0 til 40 "
                      "(filmens længde)."}[lang]
    assert expected in [shown(e.value) for e in at.error]
    assert at.text_area(key=f"{p}_film1-r1_da").value == "Hvad betyder digital ledelse for dig?"  # kept
    assert not admin_edits.stored(demo_db)
    at.text_input(key=f"{p}_film1-r1_min").input("12")
    at.button(key="save_reflections").click().run()
    assert not at.exception, at.exception
    film1 = programme.programme(demo_db).activity("film1")
    # film1-r2 keeps the example minute the demo showed in its field (now set in the app)
    assert [(r.id, r.at_minute) for r in film1.reflections] == [("film1-r1", 12), ("film1-r2", 22)]
    assert [r.id for r in film1.removed_reflections] == ["film1-r3"]
    assert film1.reflections[0].text["en"] == "What does digital leadership mean to you?"
    assert {"en": "Saved.", "da": "Gemt."}[lang] in [s.value for s in at.success]
    assert {"en": "Set in the app by admin on", "da": "Sat i appen af admin den"}[lang] in page_text(at)
    assert at.button(key="reset_reflections")
    at.button(key="reset_reflections").click().run()
    assert not at.exception, at.exception
    assert programme.programme(demo_db).activity("film1").reflections == BASE.activity("film1").reflections


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_administrator_sets_a_meetings_place_and_time(demo_db, lang):
    at = app_as("admin", page=CONTENT, lang=lang).run()
    at.selectbox(key="content_activity").set_value("meeting1").run()
    assert not at.exception, at.exception
    at.text_input(key="c_meeting1_place_da").input("Byrådssalen")
    at.text_input(key="c_meeting1_place_en").input("")
    at.button(key="save_place").click().run()
    title = BASE.activity("meeting1").title[lang]
    expected = {"en": f"{title}: place: write the text in Danish and English.",
                "da": f"{title}: sted: skriv teksten på dansk og engelsk."}[lang]
    assert expected in [shown(e.value) for e in at.error]  # the title is escaped content (issue 21)
    assert at.text_input(key="c_meeting1_place_da").value == "Byrådssalen"
    at.text_input(key="c_meeting1_place_en").input("The council chamber")
    at.button(key="save_place").click().run()
    assert not at.exception, at.exception
    assert programme.programme(demo_db).activity("meeting1").place == {"da": "Byrådssalen", "en": "The council chamber"}
    at.text_input(key="c_meeting1_time_start").input("14:00")
    at.text_input(key="c_meeting1_time_end").input("13:00")
    at.button(key="save_time").click().run()
    expected = {"en": f"{title}: time: the end must be after the start.",
                "da": f"{title}: tidspunkt: slutningen skal ligge efter begyndelsen."}[lang]
    assert expected in [shown(e.value) for e in at.error]
    at.text_input(key="c_meeting1_time_end").input("15:30")
    at.button(key="save_time").click().run()
    m = programme.programme(demo_db).activity("meeting1")
    assert (m.start, m.end) == (time(14, 0), time(15, 30))


def test_a_leader_sees_the_edited_question_on_the_films_page(demo_db):
    rows = admin_edits.default_reflections(BASE.activity("film1"))
    rows[0].update(da="Et helt nyt spørgsmål fra administratoren?", en="A brand new question from the administrator?")
    admin_edits.save(demo_db, BASE, "film1", "reflections", rows, "admin")
    username = demo_db.execute("SELECT username FROM users WHERE id = ?", [_leader(demo_db)]).fetchone()[0]
    for lang, question in (("da", rows[0]["da"]), ("en", rows[0]["en"])):
        at = app_as(username, page="pages/films.py", lang=lang).run()
        assert not at.exception, at.exception
        fields = {e.proto.id.split("-", 2)[2]: json.loads(e.proto.json) for e in at.get("bidi_component")}
        assert fields["refl_film1-r1"]["label"] == question


def test_outside_the_demo_the_meetings_page_shows_no_invented_place_or_time(demo_db):
    db.set_setting(demo_db, "demo", "0")
    username = demo_db.execute("SELECT username FROM users WHERE id = ?", [_leader(demo_db)]).fetchone()[0]
    at = app_as(username, page="pages/meetings.py", lang="da").run()
    assert not at.exception, at.exception
    shown = page_text(at)
    assert "Rådhus" not in shown and "kl. 09.00" not in shown and "kl. 13.00" not in shown
    db.set_setting(demo_db, "demo", "1")
    shown = page_text(app_as(username, page="pages/meetings.py", lang="da").run())
    assert "Eksempel: Albertslund Rådhus" in shown and "kl. 09.00–13.00 (eksempel)" in shown
