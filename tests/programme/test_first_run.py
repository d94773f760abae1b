"""The first-run wizard (digled/programme/first_run.py, pages/admin_setup.py): who needs it, its warnings,
its state in the database, and an administrator walking through it in AppTest."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from digled.accounts import auth
from digled.content import programme
from digled.platform import db, i18n, migrations
from digled.programme import first_run
from tests.apptest import app_as, page_text

PROG = programme.programme()
TODAY = date(2026, 12, 1)  # a Tuesday


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    """A fresh installation outside demo (DIGLED_DB), with one administrator and nobody else."""
    monkeypatch.setenv("DIGLED_DEMO", "0")
    d = migrations.open_and_migrate(tmp_path / "digled.db")
    auth.create_user(d, username="chef", name="Cecilie Chef", email="chef@kommune.dk", roles=("admin",))
    yield d
    d.close()


def texts(warnings, lang="en") -> list[str]:
    return [w.text(i18n.translator(lang)) for w in warnings]


# --- who needs the wizard ------------------------------------------------------------------------


def test_an_empty_installation_outside_demo_needs_setup(empty_db):
    assert first_run.needs_setup(empty_db)
    assert first_run.participant_count(empty_db) == 0


def test_a_demo_installation_never_needs_setup(empty_db):
    db.set_setting(empty_db, "demo", "1")
    assert not first_run.needs_setup(empty_db)
    assert not first_run.wizard_open(empty_db)


def test_an_installation_with_participants_needs_no_setup(empty_db):
    auth.create_user(empty_db, username="lea", name="Lea", email="lea@kommune.dk", roles=("leader",))
    assert first_run.participant_count(empty_db) == 1
    assert not first_run.needs_setup(empty_db)
    assert first_run.wizard_open(empty_db)  # still offered in the menu until finished


def test_finishing_needs_the_name_and_the_kickoff_and_ends_the_wizard(empty_db):
    with pytest.raises(first_run.SetupError) as e:
        first_run.finish(empty_db, "chef")
    assert e.value.msg == "Step 1 is not done yet: name the run."
    first_run.set_cohort_name(empty_db, "chef", "Digital ledelse 2027")
    with pytest.raises(first_run.SetupError) as e:
        first_run.finish(empty_db, "chef")
    assert e.value.msg == "Step 2 is not done yet: save the kick-off date."
    first_run.save_kickoff(empty_db, "chef", date(2027, 1, 11))
    first_run.finish(empty_db, "chef")
    assert not first_run.needs_setup(empty_db) and not first_run.wizard_open(empty_db)
    actions = [r["action"] for r in empty_db.query("SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["set cohort_name", "set kickoff_date", "finish setup"]


# --- step 1: the run's name ----------------------------------------------------------------------


@pytest.mark.parametrize("value, message", [
    ("", "Name the run, for example “Digital ledelse 2027”."),
    ("   ", "Name the run, for example “Digital ledelse 2027”."),
    ("x" * 81, "The run's name is too long: 81 characters, at most 80."),
    ("=HYPERLINK(1)", "The run's name must not start with = + - or @."),
])
def test_a_bad_run_name_is_refused_naming_why(empty_db, value, message):
    with pytest.raises(first_run.SetupError) as e:
        first_run.set_cohort_name(empty_db, "chef", value)
    assert str(e.value) == message
    assert first_run.cohort_name(empty_db) is None


def test_a_run_name_of_80_characters_is_kept_with_its_spaces_collapsed(empty_db):
    assert first_run.set_cohort_name(empty_db, "chef", "x" * 80) == "x" * 80
    assert first_run.set_cohort_name(empty_db, "chef", "  Digital   ledelse 2027 ") == "Digital ledelse 2027"
    assert db.get_setting(empty_db, "cohort_name") == "Digital ledelse 2027"
    assert first_run.state(empty_db).done == {1}


# --- step 2: the kick-off's warnings -------------------------------------------------------------


def test_a_kickoff_in_the_past_is_warned_naming_the_activities_left_in_the_past(empty_db):
    # kick-off Monday 2 November 2026, today 1 December: kick-off (2 Nov), start assessment
    # (opens 2 Nov), film 1 and KL film 1 (open 9 Nov), KL film 2 (opens 23 Nov) lie before today
    warnings = first_run.kickoff_warnings(empty_db, "en", date(2026, 11, 2), PROG, TODAY)
    assert texts(warnings) == [
        "The kick-off date 2 November 2026 is in the past.",
        "5 of 18 activities would have dates in the past, and leaders would see them as missed: Kick-off, "
        "Competence assessment – start, Digital leadership in the organisation, Two tracks: Efficiency and "
        "development of core tasks, Responsibility for benefits.",
    ]


def test_a_kickoff_on_grundlovsdag_is_warned(empty_db):
    warnings = first_run.kickoff_warnings(empty_db, "da", date(2026, 6, 5), PROG, date(2026, 5, 1))
    assert texts(warnings, "da") == ["Datoen for kick off, 5. juni 2026, er Grundlovsdag, ikke en arbejdsdag."]


def test_a_kickoff_on_a_saturday_is_warned(empty_db):
    warnings = first_run.kickoff_warnings(empty_db, "en", date(2027, 1, 9), PROG, TODAY)
    assert texts(warnings) == ["The kick-off date 9 January 2027 is Saturday, not a working day."]


def test_a_future_working_day_has_no_warning(empty_db):
    assert first_run.kickoff_warnings(empty_db, "en", date(2027, 1, 11), PROG, TODAY) == []


def test_saved_kickoff_in_the_past_is_still_told_after_saving(empty_db):
    first_run.save_kickoff(empty_db, "chef", date(2026, 11, 2))
    assert first_run.stored_kickoff(empty_db, PROG) == date(2026, 11, 2)
    shown = texts(first_run.stored_warnings(empty_db, "en", PROG, TODAY))
    assert any("2 November 2026" in s and "in the past" in s for s in shown)
    assert any(s.startswith("5 of 18 activities have dates in the past") for s in shown)


def test_the_default_kickoff_of_2015_is_not_a_saved_one(empty_db):
    assert first_run.stored_kickoff(empty_db, PROG) is None
    assert PROG.kickoff_date < TODAY  # why the wizard exists: the YAML's date is long past


# --- step 3: the review --------------------------------------------------------------------------


def test_the_review_says_which_dates_were_moved_off_a_weekend(empty_db):
    # kick-off Wednesday 13 January 2027: workshop 1 (+101 days) falls on Saturday 24 April and
    # is moved to Monday 26 April
    first_run.save_kickoff(empty_db, "chef", date(2027, 1, 13))
    rows = {r.title: r for r in first_run.review_rows(empty_db, "en", PROG)}
    t = i18n.translator("en")
    workshop = rows["Joint workshop 1"]
    assert (workshop.opens, workshop.due) == (date(2027, 4, 26), date(2027, 4, 26))
    assert [n.text(t) for n in workshop.notes] == ["follows the kick-off", "moved from 24 Apr 2027 (Saturday)"]
    assert [n.text(t) for n in rows["Kick-off"].notes] == ["follows the kick-off"]
    assert len(rows) == 18


# --- the state resumes ---------------------------------------------------------------------------


def test_the_wizard_state_resumes_from_the_database(empty_db, tmp_path):
    first_run.set_cohort_name(empty_db, "chef", "Digital ledelse 2027")
    first_run.save_draft(empty_db, "kickoff", "2027-01-11")
    first_run.go_to(empty_db, 2)
    again = db.connect(tmp_path / "digled.db")  # a restart: a new connection
    try:
        s = first_run.state(again)
        assert (s.step, s.done, s.drafts, s.finished) == (2, {1}, {"kickoff": "2027-01-11"}, None)
        first_run.save_kickoff(again, "chef", date(2027, 1, 11))
        assert first_run.state(again).drafts == {}  # the saved value replaces the draft
        assert first_run.state(again).done == {1, 2}
    finally:
        again.close()


def test_an_unreadable_state_starts_over(empty_db):
    db.set_setting(empty_db, "setup_state", "{not json")
    assert first_run.state(empty_db) == first_run.State()


# --- AppTest: the administrator of an empty installation walks through the wizard ----------------

WORDS = {
    "en": {"title": "Get started", "step2": "Step 2 of 4", "saturday": "is Saturday, not a working day",
           "saved": "Saved: the kick-off is", "step3": "Step 3 of 4", "moved": "moved from 24 Apr 2027 (Saturday)",
           "step4": "Step 4 of 4", "count0": "Participants so far: 0", "count1": "Participants so far: 1",
           "email": "e-mail: not a valid e-mail address", "added": "Lea Holm was added.",
           "finished": "Setup is finished", "run": "Run: Digital ledelse 2027", "before": "Not saved yet"},
    "da": {"title": "Kom i gang", "step2": "Trin 2 af 4", "saturday": "er lørdag, ikke en arbejdsdag",
           "saved": "Gemt: kick off er", "step3": "Trin 3 af 4", "moved": "flyttet fra 24. apr. 2027 (lørdag)",
           "step4": "Trin 4 af 4", "count0": "Deltagere indtil nu: 0", "count1": "Deltagere indtil nu: 1",
           "email": "e-mail: ikke en gyldig e-mailadresse", "added": "Lea Holm er tilføjet.",
           "finished": "Opsætningen er færdig", "run": "Forløb: Digital ledelse 2027", "before": "Ikke gemt endnu"},
}


def table_text(at) -> str:
    return "\n".join(str(v) for tbl in at.table for v in tbl.value.to_numpy().ravel())


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_admin_of_an_empty_installation_walks_through_all_four_steps(empty_db, lang):
    w = WORDS[lang]
    at = app_as("chef", lang=lang).run()
    assert not at.exception
    assert at.title[0].value == w["title"]  # the administrator lands on the wizard

    # step 1: a name that is too long is refused and kept in the field; a good one is saved
    at.text_input(key="setup_cohort_name").input("x" * 81).run()
    assert any("81" in e.value and "80" in e.value for e in at.error)
    assert at.text_input(key="setup_cohort_name").value == "x" * 81
    at.button(key="setup_next").click().run()
    assert first_run.state(empty_db).step == 1 and at.error  # Next does not pass a bad name
    at.text_input(key="setup_cohort_name").input("Digital ledelse 2027").run()
    at.button(key="setup_next").click().run()
    assert not at.exception and not at.error
    assert w["step2"] in page_text(at) and w["run"] in page_text(at)
    assert db.get_setting(empty_db, "cohort_name") == "Digital ledelse 2027"

    # step 2: a Saturday is warned before saving, and nothing is saved until asked
    at.date_input(key="setup_kickoff").set_value(date(2027, 1, 9)).run()
    assert any(w["saturday"] in x.value for x in at.warning) and w["before"] in page_text(at)
    assert first_run.stored_kickoff(empty_db) is None
    assert first_run.state(empty_db).drafts == {"kickoff": "2027-01-09"}  # kept over a refresh
    at.date_input(key="setup_kickoff").set_value(date(2027, 1, 13)).run()
    at.button(key="setup_save_kickoff").click().run()
    assert first_run.stored_kickoff(empty_db) == date(2027, 1, 13)
    assert w["saved"] in page_text(at)
    at.button(key="setup_next").click().run()

    # step 3: every activity's dates, with the moved-from notes
    assert w["step3"] in page_text(at)
    cells = table_text(at)
    assert w["moved"] in cells and cells.count("2027") >= 36
    at.button(key="setup_next").click().run()
    assert first_run.state(empty_db).done == {1, 2, 3}

    # step 4: a bad participant row is named (the e-mail), nothing typed is lost; then added
    assert w["step4"] in page_text(at) and w["count0"] in page_text(at)
    at.text_input(key="setup_person_name").input("Lea Holm").run()
    at.text_input(key="setup_person_email").input("lea.holm@").run()
    at.selectbox(key="setup_person_municipality").set_value("Glostrup").run()
    at.selectbox(key="setup_person_area").set_value("skole").run()
    at.selectbox(key="setup_person_level").set_value("mellemleder").run()
    at.button(key="setup_add_person").click().run()
    assert [e.value for e in at.error] == [w["email"]]
    assert at.text_input(key="setup_person_name").value == "Lea Holm"
    assert first_run.participant_count(empty_db) == 0
    at.text_input(key="setup_person_email").input("lea.holm@glostrup.dk").run()
    at.button(key="setup_add_person").click().run()
    assert not at.error and w["added"] in page_text(at) and w["count1"] in page_text(at)
    assert at.text_input(key="setup_person_name").value == ""
    lea = auth.get_user(empty_db, "lea.holm")
    assert (lea.name, lea.municipality, lea.area, lea.level, lea.roles) == (
        "Lea Holm", "Glostrup", "skole", "mellemleder", ("leader",))

    at.button(key="setup_finish").click().run()
    assert not at.exception
    assert w["finished"] in page_text(at)
    assert first_run.state(empty_db).finished is not None
    assert not first_run.needs_setup(empty_db)


def menu_labels(at) -> list[str]:
    return [p.proto.label for p in at.get("page_link") if p.proto.label]


def test_the_wizard_resumes_at_its_step_after_a_new_login(empty_db):
    at = app_as("chef").run()
    at.text_input(key="setup_cohort_name").input("Digital ledelse 2027").run()
    at.button(key="setup_next").click().run()
    at.date_input(key="setup_kickoff").set_value(date(2027, 1, 11)).run()  # picked, not saved
    again = app_as("chef").run()  # a new session (a logout, a refresh, a restart)
    assert "Step 2 of 4" in page_text(again)
    assert again.date_input(key="setup_kickoff").value == date(2027, 1, 11)
    assert first_run.stored_kickoff(empty_db) is None


def test_other_admin_pages_point_to_the_unfinished_wizard(empty_db):
    at = app_as("chef").run()
    assert "Get started" in menu_labels(at)
    at.switch_page("pages/admin_participants.py").run()
    assert not at.exception
    assert any("not set up yet" in i.value for i in at.info)
    at.switch_page("pages/admin_setup.py").run()
    assert not any("not set up yet" in i.value for i in at.info)


def test_after_finishing_the_admin_lands_on_participants_and_the_menu_drops_the_wizard(empty_db):
    first_run.set_cohort_name(empty_db, "chef", "Digital ledelse 2027")
    first_run.save_kickoff(empty_db, "chef", date(2027, 1, 11))
    first_run.finish(empty_db, "chef")
    at = app_as("chef").run()
    assert at.title[0].value == "Participants"
    assert "Get started" not in menu_labels(at)
    assert not any("not set up yet" in i.value for i in at.info)


def test_a_demo_installation_never_shows_the_wizard(demo_db):
    at = app_as("admin").run()
    assert not at.exception
    assert at.title[0].value == "Participants"
    assert "Get started" not in menu_labels(at)
    assert not any("not set up yet" in i.value for i in at.info)
    at.switch_page("pages/admin_setup.py").run()
    assert not at.exception
    assert any("demo installation" in i.value for i in at.info)
    assert not [b for b in at.button if b.key in ("setup_next", "setup_finish")]


def test_next_saves_a_picked_kickoff_in_the_past_and_the_review_says_so(empty_db):
    first_run.set_cohort_name(empty_db, "chef", "Digital ledelse 2027")
    first_run.go_to(empty_db, 2)
    at = app_as("chef").run()
    past = date.today() - timedelta(days=60)
    at.date_input(key="setup_kickoff").set_value(past).run()
    assert any("is in the past" in w.value for w in at.warning)  # before saving
    at.button(key="setup_next").click().run()
    assert first_run.stored_kickoff(empty_db) == past
    assert "Step 3 of 4" in page_text(at)
    shown = [x.value for x in (*at.warning, *at.info)]
    assert any("activities have dates in the past, and leaders see them as missed" in s for s in shown)


def test_a_participant_typed_but_not_added_survives_a_new_session(empty_db):
    first_run.go_to(empty_db, 4)
    at = app_as("chef").run()
    at.text_input(key="setup_person_name").input("Lea Holm").run()
    at.selectbox(key="setup_person_area").set_value("skole").run()
    again = app_as("chef").run()
    assert again.text_input(key="setup_person_name").value == "Lea Holm"
    assert again.selectbox(key="setup_person_area").value == "skole"
    assert first_run.participant_count(empty_db) == 0  # typed, not added


def test_the_wizard_status_agrees_with_needs_setup_and_wizard_open(empty_db):
    def expected():
        return "needed" if first_run.needs_setup(empty_db) else "open" if first_run.wizard_open(empty_db) else None

    assert first_run.wizard_status(empty_db) == expected() == "needed"
    auth.create_user(empty_db, username="lea", name="Lea", email="lea@kommune.dk", roles=("leader",))
    assert first_run.wizard_status(empty_db) == expected() == "open"
    db.set_setting(empty_db, "demo", "1")
    assert first_run.wizard_status(empty_db) is expected() is None
