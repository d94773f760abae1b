"""digled.ui.plan_panel: the leader's development plan under the wheel, in AppTest: actions
added, ticked, changed and deleted with a visible confirmation, refusals kept in their block
with what was typed, and "what I planned, what moved" after a retake."""

from __future__ import annotations

from datetime import date, timedelta

from streamlit.testing.v1 import AppTest

from digled.assessment import answering, plan
from tests.assessment.test_plan import ME, TODAY, scores
from tests.conftest import SECRET


def _panel_db(database, framework, rounds=("start",)):
    from digled.platform.db import write

    with write(database):
        for i, r in enumerate(rounds):
            values = {c.id: 30.0 + 20 * i for c in framework.competences}
            answering.insert_submitted(database, SECRET, ME, r, TODAY - timedelta(days=60 - 30 * i), "albertslund",
                                        "dagtilbud", "first_line", scores(values, framework))
    return database


def _panel(lang="en"):
    def script(respondent, lang, today):
        import os

        from digled.assessment import answering
        from digled.content import loader
        from digled.platform import db, i18n
        from digled.ui import plan_panel
        from tests.conftest import SECRET

        d = db.connect(os.environ["DIGLED_DB"])
        attempts = answering.history(d, respondent, SECRET)
        plan_panel.show(d, loader.framework(), respondent, attempts, len(attempts) - 1,
                        ["info_search", "safe_data"], i18n.translator(lang), lang, today=today)

    return AppTest.from_function(script, args=(ME, lang, TODAY), default_timeout=30)


def test_the_panel_adds_ticks_changes_and_deletes_actions_with_confirmations(database, framework):
    _panel_db(database, framework)
    at = _panel().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.subheader] == [
        "Browsing, searching and filtering information", "Protecting personal data and privacy", "What I planned, what moved"]
    # an own action without text is refused, with the date kept
    at.date_input(key="plan_due_info_search").set_value(date(2027, 1, 20))
    at.button(key="FormSubmitter:plan_add_info_search-Add action").click().run()
    assert [e.value for e in at.error] == ["Write the action (1 to 500 characters)."]
    assert at.date_input(key="plan_due_info_search").value == date(2027, 1, 20)
    assert plan.load(database, ME).actions == ()
    # an own action with a date is added, confirmed, and the text field emptied
    at.text_input(key="plan_own_info_search").input("Spørg Mette om fagsystemet")
    at.button(key="FormSubmitter:plan_add_info_search-Add action").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Saved: the action was added to your plan."]
    assert not at.error
    (a,) = plan.load(database, ME).actions
    assert (a.text, a.due, a.source, a.done) == ("Spørg Mette om fagsystemet", date(2027, 1, 20), "own", False)
    assert at.text_input(key="plan_own_info_search").value == ""
    # an exercise of the leader's band (30 % is level 3: intermediate)
    first_exercise = plan.exercises(framework, "safe_data", scores({"safe_data": 30.0}, framework), "en")[0]
    at.radio(key="plan_pick_safe_data").set_value(first_exercise)
    at.button(key="FormSubmitter:plan_add_safe_data-Add action").click().run()
    assert [s.value for s in at.success] == ["Saved: the action was added to your plan."]
    assert [(x.competence, x.source, x.text) for x in plan.load(database, ME).actions][1] == ("safe_data", "exercise", first_exercise)
    # ticked: saved at once with a confirmation
    at.checkbox(key=f"plan_done_{a.id}").check().run()
    assert [s.value for s in at.success] == ["Saved: marked as done."]
    assert plan.load(database, ME).actions[0].done is True
    # changed: an emptied text is refused, the new date kept on screen and nothing stored; then saved
    at.text_input(key=f"plan_edit_text_{a.id}").input("")
    at.date_input(key=f"plan_edit_due_{a.id}").set_value(date(2027, 2, 2))
    at.button(key=f"plan_save_{a.id}").click().run()
    assert [e.value for e in at.error] == ["Write the action (1 to 500 characters)."]
    assert at.date_input(key=f"plan_edit_due_{a.id}").value == date(2027, 2, 2)
    assert (plan.load(database, ME).actions[0].text, plan.load(database, ME).actions[0].due) == ("Spørg Mette om fagsystemet", date(2027, 1, 20))
    at.text_input(key=f"plan_edit_text_{a.id}").input("Spørg Mette to gange")
    at.date_input(key=f"plan_edit_due_{a.id}").set_value(date(2027, 2, 2))
    at.button(key=f"plan_save_{a.id}").click().run()
    assert [s.value for s in at.success] == ["Saved: the action was changed."] and not at.error
    assert (plan.load(database, ME).actions[0].text, plan.load(database, ME).actions[0].due) == ("Spørg Mette to gange", date(2027, 2, 2))
    at.button(key=f"plan_delete_{a.id}").click().run()
    assert [s.value for s in at.success] == ["Saved: the action was deleted."]
    assert [x.competence for x in plan.load(database, ME).actions] == ["safe_data"]
    assert not at.exception


def test_the_panel_refuses_an_exercise_and_an_own_text_together(database, framework):
    _panel_db(database, framework)
    at = _panel("da").run()
    at.radio(key="plan_pick_info_search").set_value(at.radio(key="plan_pick_info_search").options[1])
    at.text_input(key="plan_own_info_search").input("Min egen")
    at.button(key="FormSubmitter:plan_add_info_search-Tilføj handling").click().run()
    assert [e.value for e in at.error] == ["Vælg en øvelse eller skriv din egen handling, ikke begge dele."]
    assert at.text_input(key="plan_own_info_search").value == "Min egen"
    assert plan.load(database, ME).actions == ()


def test_the_panel_shows_what_moved_after_a_retake(database, framework):
    _panel_db(database, framework, rounds=("start", "end"))
    plan.save_need(database, ME, "info_search", "Tid", framework)
    a = plan.add_action(database, ME, "info_search", "Læs [mere](http://x)", "2027-01-01", framework, today=TODAY)
    plan.add_action(database, ME, "info_search", "Søg", "2027-01-02", framework, today=TODAY)
    plan.tick(database, ME, a, True)
    at = _panel().run()
    assert not at.exception, at.exception
    assert "What I planned, what moved" in [s.value for s in at.subheader]
    texts = [m.value for m in at.markdown]
    card = texts[texts.index("**Browsing, searching and filtering information**"):][:4]
    assert card[1:] == [
        "Level 3 → 5 · score 30\u00a0% → 50\u00a0% (+20 percentage points)",
        "Actions done: 1 of 2",
        # user text shown literally (no link forms; a word joiner keeps the address from autolinking)
        "- ☑ Læs \\[mere\\]\\(http\u2060\\:\\/\\/x\\) (done)\n- ☐ Søg (not done)",
    ]
    # safe_data, asked for but without need or action, has no card
    assert "**Protecting personal data and privacy**" not in texts
    assert not at.table


def test_the_panel_without_an_earlier_attempt_explains_what_will_come(database, framework):
    _panel_db(database, framework)
    at = _panel("da").run()
    assert not at.exception
    assert any("Efter din næste kompetenceafklaring" in c.value for c in at.caption)
    assert not any(m.value.startswith("Niveau ") for m in at.markdown)
