"""The administrator's page for runs (pages/admin_cohorts.py, digled.accounts.programme_runs): the list of runs,
renaming the running run, adding leaders of earlier runs, closing a run and opening the next
(AppTest on the demo database, da and en)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from digled.accounts import auth, programme_runs
from digled.platform import audit, workdays
from tests.apptest import app_as, page_text

PAGE = "pages/admin_cohorts.py"


def open_page(lang: str = "en", username: str = "admin"):
    at = app_as(username, lang=lang).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


MONTHS = {"da": ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
                  "november", "december"),
          "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December")}


def long_day(d: date, lang: str) -> str:
    """'13. august 2026' / '13 August 2026', written out here rather than by the code under test."""
    return f"{d.day}{'.' if lang == 'da' else ''} {MONTHS[lang][d.month - 1]} {d.year}"


# the name of the run a test opens after the demo's (whose own name follows its kick-off year,
# so the day the suite runs on: issue 26)
NEXT = "Næste forløb i digital ledelse"


def demo_name(db) -> str:
    return programme_runs.running(db).name


def table(at):
    return at.dataframe[0].value


def next_monday() -> date:
    """A working day in the future (a Monday that is no holiday)."""
    d = date.today() + timedelta(days=7 - date.today().weekday() + 7)
    return workdays.next_working_day(d)


def close(at, name: str, kickoff: date | None, continuing=(), confirm: bool = True):
    at.text_input(key="co_next_name").input(name)
    if kickoff is not None:
        at.date_input(key="co_next_kickoff").set_value(kickoff)
    at.multiselect(key="co_continuing").set_value(list(continuing))
    if confirm:
        at.checkbox(key="co_confirm").check()
    at.button(key="co_close").click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang, title, running", [("da", "Forløb", "I gang"), ("en", "Runs", "Running")])
def test_the_page_lists_the_demo_run(demo_db, lang, title, running):
    at = open_page(lang)
    assert at.title[0].value == title
    rows = table(at)
    assert len(rows) == 1
    row = rows.iloc[0]
    run = programme_runs.running(demo_db)
    kickoff = date.fromisoformat(run.kickoff)  # the demo places it relative to the day it is built
    assert row.iloc[0] == run.name == f"Digital ledelse {kickoff.year}"
    assert row.iloc[1] == long_day(kickoff, lang)
    assert row.iloc[3] == running
    assert row.iloc[4] == run.members == 61
    assert row.iloc[5] == 0
    # the demo run has all its leaders; the next run's name is suggested
    assert at.text_input(key="co_name").value == f"Digital ledelse {kickoff.year}"
    # the year after the kick-off's, or after this year's when the kick-off lies in an earlier year
    assert at.text_input(key="co_next_name").value == f"Digital ledelse {max(kickoff.year, date.today().year) + 1}"


def test_english_labels_render(demo_db):
    at = open_page("en")
    assert list(table(at).columns) == ["Run", "Kick-off", "Opened", "Closed", "Participants", "Publications"]
    text = page_text(at)
    for label in ("Add leaders from earlier runs to this run", "Name of the running run", "Name of the next run",
                  "Close this run and start the next", "Every active leader takes part in this run."):
        assert label in text, label
    assert at.date_input(key="co_next_kickoff").label == "Kick-off date of the next run"
    assert at.checkbox(key="co_confirm").label == "I understand that the running run is closed"


def test_danish_labels_render(demo_db):
    at = open_page("da")
    assert list(table(at).columns) == ["Forløb", "Kick off", "Åbnet", "Lukket", "Deltagere", "Offentliggørelser"]
    assert "Luk dette forløb, og start det næste" in page_text(at)


def test_renaming_with_an_empty_name_shows_the_danish_error_and_keeps_the_input(demo_db):
    first = demo_name(demo_db)
    at = open_page("da")
    at.text_input(key="co_name").input("   ")
    at.button(key="co_rename").click().run()
    assert [e.value for e in at.error] == ["Giv forløbet et navn, for eksempel “Digital ledelse 2027”."]
    assert at.text_input(key="co_name").value == "   "
    assert programme_runs.running(demo_db).name == first


def test_renaming_works_and_is_audited(demo_db):
    at = open_page("en")
    at.text_input(key="co_name").input("  Digital ledelse 2026 · Albertslund og Glostrup ")  # any name
    at.button(key="co_rename").click().run()
    assert not at.error, [e.value for e in at.error]
    assert programme_runs.running(demo_db).name == "Digital ledelse 2026 · Albertslund og Glostrup"
    assert at.success[0].value == "The running run is now called Digital ledelse 2026 · Albertslund og Glostrup."
    assert table(at).iloc[0, 0] == "Digital ledelse 2026 · Albertslund og Glostrup"
    assert at.text_input(key="co_name").value == "Digital ledelse 2026 · Albertslund og Glostrup"
    row = audit.recent(demo_db, 1)[0]
    assert (row["actor"], row["action"]) == ("admin", "rename cohort")


@pytest.mark.parametrize("lang, message", [
    ("en", "Tick “I understand that the running run is closed” first."),
    ("da", "Sæt først flueben ved “Jeg forstår, at det igangværende forløb bliver lukket”."),
])
def test_closing_without_the_confirmation_refuses_and_keeps_what_was_typed(demo_db, lang, message):
    first = demo_name(demo_db)
    at = open_page(lang)
    leder = auth.get_user(demo_db, "leder").id
    kickoff = next_monday()
    close(at, NEXT, kickoff, [leder], confirm=False)
    assert [e.value for e in at.error] == [message]
    assert at.session_state["co_close_section"] is True  # the section stays open where the error is
    assert programme_runs.running(demo_db).name == first
    assert len(programme_runs.listing(demo_db)) == 1
    assert at.text_input(key="co_next_name").value == NEXT
    assert at.date_input(key="co_next_kickoff").value == kickoff
    assert at.multiselect(key="co_continuing").value == [leder]


def test_closing_names_every_problem_at_once(demo_db):
    first = demo_name(demo_db)
    at = open_page("en")
    close(at, first, None)
    assert [e.value for e in at.error] == [
        f"Another run is already called “{first}”.",
        "Choose the kick-off date of the next run.",
    ]
    assert len(programme_runs.listing(demo_db)) == 1


def test_closing_with_the_confirmation_opens_the_next_run(demo_db):
    assert demo_db.execute("SELECT COUNT(*) FROM progress").fetchone()[0] > 0
    first = demo_name(demo_db)
    leder = auth.get_user(demo_db, "leder").id
    other = next(p[0] for p in programme_runs.running_leaders(demo_db) if p[0] != leder)
    kickoff = next_monday()
    at = open_page("en")
    close(at, NEXT, kickoff, [leder])
    assert not at.error, [e.value for e in at.error]
    new = programme_runs.running(demo_db)
    assert new.name == NEXT
    assert new.kickoff == kickoff.isoformat()
    assert programme_runs.is_member(demo_db, leder) and not programme_runs.is_member(demo_db, other)
    assert new.members == 1
    for tbl in ("progress", "participation"):
        assert demo_db.execute(f"SELECT COUNT(*) FROM {tbl}").fetchone()[0] == 0, tbl
    assert at.success[0].value == (
        f"{first} was closed and kept. The new run {NEXT} is running, with the kick-off "
        "on {day}. Leaders who continue: 1.").format(day=f"{kickoff.day} {kickoff:%B %Y}")
    assert f"Add the participants of {NEXT}" in at.info[0].value
    rows = table(at)
    assert list(rows.iloc[:, 0]) == [NEXT, first]
    assert list(rows.iloc[:, 3]) == ["Running", f"{date.today().day} {date.today():%B %Y}"]
    assert list(rows.iloc[:, 4]) == [1, 61]
    # the form starts afresh for the run after
    assert at.text_input(key="co_name").value == NEXT
    assert at.text_input(key="co_next_name").value == f"Digital ledelse {kickoff.year + 1}"
    assert at.checkbox(key="co_confirm").value is False
    # the others can now be added back from the earlier run
    assert other in [p[0] for p in programme_runs.not_in_running(demo_db)]
    at.multiselect(key="co_add").set_value([other])
    at.button(key="co_add_button").click().run()
    assert at.success[0].value == f"Leaders added to {NEXT}: 1."
    assert programme_runs.is_member(demo_db, other)
    row = audit.recent(demo_db, 1)[0]
    assert (row["actor"], row["action"]) == ("admin", "add to cohort")
    assert row["detail"].endswith(f"(user {other}) -> {NEXT}")


def test_adding_nobody_is_refused(demo_db):
    leder = auth.get_user(demo_db, "leder").id
    programme_runs.close_and_open(demo_db, NEXT, next_monday(), [leder], "admin")
    at = open_page("da")
    at.button(key="co_add_button").click().run()
    assert [e.value for e in at.error] == ["Vælg først de ledere, der skal tilføjes."]
    assert programme_runs.running(demo_db).members == 1


def test_a_kickoff_on_a_day_off_or_in_the_past_is_warned(demo_db):
    at = open_page("en")
    year = date.today().year + 1
    at.date_input(key="co_next_kickoff").set_value(date(year, 6, 5)).run()  # Grundlovsdag
    assert any("is Constitution Day, not a working day" in w.value for w in at.warning), [w.value for w in at.warning]
    at.date_input(key="co_next_kickoff").set_value(date.today() - timedelta(days=1)).run()
    assert any("is in the past" in w.value for w in at.warning)


def test_the_page_is_for_administrators_only(demo_db):
    for username in ("leder", "ledelse"):
        at = app_as(username, page=PAGE).run()
        assert "You do not have access to this page." in [e.value for e in at.error]
