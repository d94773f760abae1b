"""AppTest (da, en): the follow-up rounds (issue 23). The leader's assessment page offers the
follow-up with "Hvad fik du gjort?" per plan action, the results page draws start -> end ->
follow-up, management sees whether the change held, and the administrator switches the rounds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from digled.accounts import auth, programme_runs
from digled.assessment import answering, plan
from digled.content import programme
from digled.platform import pseudonyms
from digled.platform.db import set_setting, write
from digled.programme import journey, reminder_due
from tests.apptest import app_as, page_text
from tests.conftest import SECRET

TEXTS = {
    "da": ("Dette er din opfølgende kompetenceafklaring, 3 måneder efter forløbet", "Hvad fik du gjort?", "Påbegyndt",
           "Holdt forandringen?", "Slut til 3 måneder efter", "Linjer: din vej hertil"),
    "en": ("This is your follow-up assessment, 3 months after the programme", "What did you get done?", "Started",
           "Did the change hold?", "End to 3 months after", "Lines: your way here"),
}


def _programme_ended_100_days_ago(db) -> None:
    """Move the kick-off so the programme ended 100 days ago: the 3-month follow-up is open today."""
    prog = programme.programme(db)
    end = answering.programme_end(db, prog)
    kickoff = programme.kickoff_date(db, prog) - (end - (date.today() - timedelta(days=100)))
    with write(db):
        set_setting(db, "kickoff_date", kickoff.isoformat())
    assert answering.open_followup(db, prog) == "followup_3"


def _leader_with_a_plan_and_no_follow_up(db) -> tuple[auth.User, str, plan.Plan]:
    for uid in auth.leader_ids(db):
        respondent = pseudonyms.of_user(SECRET, uid)
        p = plan.load(db, respondent)
        if p.actions and "followup_3" not in answering.taken_rounds(db, uid) and "start" in answering.taken_rounds(db, uid):
            return auth.get_user_by_id(db, uid), respondent, p
    raise AssertionError("the demo has a leader with a plan who has not taken the follow-up")


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_follow_up_offers_the_assessment_and_what_the_leader_got_done(demo_db, lang):
    _programme_ended_100_days_ago(demo_db)
    user, respondent, p = _leader_with_a_plan_and_no_follow_up(demo_db)
    assert answering.next_round(demo_db, user.id) == "followup_3"
    at = app_as(user.username, lang=lang).run()
    at.switch_page("pages/assessment.py").run()
    assert not at.exception, at.exception
    text = page_text(at)
    intro, question, started = TEXTS[lang][:3]
    assert intro in text and question in text
    first = p.actions[0]
    at.selectbox(key=f"plan_outcome_{first.id}").set_value("started").run()
    at.text_input(key=f"plan_outcome_note_{first.id}").set_value("halvvejs").run()
    assert not at.exception, at.exception
    saved = next(a for a in plan.load(demo_db, respondent).actions if a.id == first.id)
    assert (saved.outcome, saved.outcome_note) == ("started", "halvvejs")
    assert started in [o for o in at.selectbox(key=f"plan_outcome_{first.id}").options]
    # the follow-up attempt starts in its round
    at.button(key="start_assessment").click().run()
    assert answering.draft(demo_db, respondent).round == "followup_3"


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_leader_sees_the_way_here_and_management_whether_the_change_held(full_demo_db, lang):
    """The demo's earlier run took its follow-ups: one of its leaders, and management reading that run."""
    earlier = programme_runs.listing(full_demo_db)[1]
    uid = next(r["user_id"] for r in programme_runs.archive(full_demo_db, earlier.id)["tables"]["participation"]
               if r["round"] == "followup_3")
    user = auth.get_user_by_id(full_demo_db, uid)
    at = app_as(user.username, lang=lang).run()
    at.switch_page("pages/my_results.py").run()
    assert not at.exception, at.exception
    assert TEXTS[lang][5] in page_text(at)  # the latest attempt, the follow-up: start -> end -> follow-up
    assert any(TEXTS[lang][1] == s.label for s in at.selectbox)  # the plan asks what came of each action
    at = app_as("ledelse", lang=lang).run()
    at.switch_page("pages/management_competences.py").run()
    at.selectbox(key="cohort").set_value(earlier.id).run()
    at.radio(key="cohort_view").set_value("change").run()
    assert not at.exception, at.exception
    text = page_text(at)
    assert TEXTS[lang][3] in text
    table = at.dataframe[-1].value
    assert TEXTS[lang][4] in table.iloc[:, 0].tolist()


def test_an_administrator_switches_the_follow_up_rounds(demo_db):
    at = app_as("admin", lang="da").run()
    at.switch_page("pages/admin_settings.py").run()
    assert not at.exception, at.exception
    assert at.toggle(key="followup_rounds").value is True  # on in the demo
    at.toggle(key="followup_rounds").set_value(False)
    at.button(key="save_followup").click().run()
    assert not at.exception, at.exception
    assert not answering.followup_enabled(demo_db)
    assert "Gemt: opfølgningsrunderne er slået fra." in page_text(at)


HOME = {"da": ("Opfølgende kompetenceafklaring, 3 måneder efter forløbet", "hvad fik du gjort?"),
        "en": ("Follow-up assessment, 3 months after the programme", "what did you get done?")}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_home_page_shows_the_open_follow_up_as_due_as_the_reminder_does(demo_db, settings, lang):
    """One door for what is due: the journey's follow-up is the home page's next step and the
    reminder e-mail's follow-up invitation, both leading to the assessment."""
    _programme_ended_100_days_ago(demo_db)
    user, _, _ = _leader_with_a_plan_and_no_follow_up(demo_db)
    prog = programme.programme(demo_db)
    due = journey.journey(demo_db, user.id, prog).followup
    assert due is not None and due.round == "followup_3" and due.page == "pages/assessment.py"
    reminders = [r for r in reminder_due.due(demo_db, settings, date.today()) if r.kind == "followup"]
    assert user.id in {r.user.id for r in reminders}
    mailed = next(r for r in reminders if r.user.id == user.id)
    assert mailed.activity == due.round and "assessment" in mailed.link
    at = app_as(user.username, lang=lang).run()
    assert not at.exception, at.exception
    title, question = HOME[lang]
    card = page_text(at)
    assert title in card and question in card and due.when(lang) in card
    at.button(key="next_step").click().run()
    assert not at.exception, at.exception
    assert TEXTS[lang][0] in page_text(at)  # the assessment page: the follow-up round
    # taken: no longer due, neither on the home page nor by e-mail
    answering.record_participation(demo_db, user.id, "followup_3")
    assert journey.journey(demo_db, user.id, prog).followup is None
    assert user.id not in {r.user.id for r in reminder_due.due(demo_db, settings, date.today()) if r.kind == "followup"}
    assert title not in page_text(app_as(user.username, lang=lang).run())
