"""The personal development plan (issue 11): validation, storage under the pseudonym, what
moved, exports, the demo plans. (The panel under the wheel: tests/ui/test_plan_panel.py.)"""

from __future__ import annotations

import random
from datetime import date

import pytest

from digled.accounts import programme_runs
from digled.assessment import answering, plan
from digled.platform import exports, i18n, pseudonyms
from tests.conftest import SECRET

TODAY = date(2026, 12, 1)
ME = pseudonyms.of_user(SECRET, 7)
OTHER = pseudonyms.of_user(SECRET, 8)
EN = i18n.translator("en")
DA = i18n.translator("da")


def scores(values: dict[str, float | None], framework) -> dict:
    """Scores shaped as stored: every competence, the given ones with their score and level."""
    from digled.assessment import scoring

    comps = {}
    for c in framework.competences:
        v = values.get(c.id)
        comps[c.id] = {"knowledge": v, "skills": v, "attitude": v, "score": v,
                       "level": scoring.level(v) if v is not None else None}
    return {"competences": comps, "areas": {}, "total": 50.0, "total_level": 5, "purposes": {},
            "answered": 1, "dont_know": 0}


# --- validation --------------------------------------------------------------------------------


def test_a_target_date_must_be_real_from_2000_and_at_most_three_years_ahead():
    assert plan.parse_due("2027-03-01", TODAY) == date(2027, 3, 1)
    assert plan.parse_due(date(2000, 1, 1), TODAY) == date(2000, 1, 1)
    assert plan.parse_due(date(2029, 12, 1), TODAY) == date(2029, 12, 1)  # exactly three years
    for bad, message in [
        (None, "Choose a target date."),
        ("", "Choose a target date."),
        ("2027-02-30", "The target date 2027-02-30 is not a real date."),
        ("soon", "The target date soon is not a real date."),
        (date(1999, 12, 31), "The target date cannot be before 2000."),
        (date(2029, 12, 2), "The target date can be at most 3 years ahead."),
    ]:
        with pytest.raises(plan.PlanError) as e:
            plan.parse_due(bad, TODAY)
        assert str(e.value) == message
    assert plan.latest_due(date(2028, 2, 29)) == date(2031, 2, 28)


def test_needs_are_saved_overwritten_and_deleted_when_emptied(database, framework):
    plan.save_need(database, ME, "info_search", "Tid i kalenderen", framework)
    plan.save_need(database, ME, "info_search", "Tid i kalenderen og en makker", framework)
    plan.save_need(database, ME, "safe_data", "Et kursus", framework)
    assert plan.load(database, ME).needs == {"info_search": "Tid i kalenderen og en makker", "safe_data": "Et kursus"}
    plan.save_need(database, ME, "safe_data", "   ", framework)
    assert plan.load(database, ME).needs == {"info_search": "Tid i kalenderen og en makker"}
    assert plan.load(database, OTHER).needs == {}


def test_bad_need_texts_are_refused_and_keep_what_was_stored(database, framework):
    plan.save_need(database, ME, "info_search", "Før", framework)
    plan.save_need(database, ME, "info_search", "x" * 500, framework)  # the limit itself is fine
    with pytest.raises(plan.PlanError) as e:
        plan.save_need(database, ME, "info_search", "y" * 501, framework)
    assert e.value.text(DA) == "Teksten kan højst have 500 tegn (den har 501)."
    with pytest.raises(plan.PlanError, match="Unknown competence: flying."):
        plan.save_need(database, ME, "flying", "z", framework)
    assert plan.load(database, ME).needs == {"info_search": "x" * 500}


def test_actions_are_validated_and_nothing_is_written_on_a_refusal(database, framework):
    cases = [
        (dict(competence="info_search", action_text="  ", due="2027-01-10"), "Write the action (1 to 500 characters)."),
        (dict(competence="info_search", action_text="a" * 501, due="2027-01-10"),
         "An action can be at most 500 characters (this one has 501)."),
        (dict(competence="nope", action_text="Læs", due="2027-01-10"), "Unknown competence: nope."),
        (dict(competence="info_search", action_text="Læs", due="1999-01-10"), "The target date cannot be before 2000."),
        (dict(competence="info_search", action_text="Læs", due="2027-01-10", source="film"), "Unknown kind of action: film."),
    ]
    for kwargs, message in cases:
        with pytest.raises(plan.PlanError) as e:
            plan.add_action(database, ME, framework=framework, today=TODAY, **kwargs)
        assert str(e.value) == message
    assert plan.load(database, ME).actions == ()
    aid = plan.add_action(database, ME, "info_search", "  " + "a" * 500 + " ", "2027-01-10", framework, today=TODAY)
    (a,) = plan.load(database, ME).actions
    assert (a.id, a.competence, a.text, a.source, a.due, a.done) == (aid, "info_search", "a" * 500, "own", date(2027, 1, 10), False)


def test_tick_update_and_delete_only_the_leaders_own_actions(database, framework):
    mine = plan.add_action(database, ME, "comm_share", "Del en fil i Teams", date(2027, 1, 5), framework,
                           source="exercise", today=TODAY)
    theirs = plan.add_action(database, OTHER, "comm_share", "Deres", date(2027, 1, 5), framework, today=TODAY)
    plan.tick(database, ME, mine, True)
    assert plan.load(database, ME).actions[0].done is True
    plan.tick(database, ME, mine, False)
    assert plan.load(database, ME).actions[0].done is False
    for call in (lambda: plan.tick(database, ME, theirs, True),
                 lambda: plan.update_action(database, ME, theirs, "Mit nu", "2027-02-01", today=TODAY),
                 lambda: plan.delete_action(database, ME, theirs),
                 lambda: plan.tick(database, ME, 999999, True)):
        with pytest.raises(plan.PlanError) as e:
            call()
        assert e.value.text(DA) == "Handlingen er ikke i din plan (den er måske slettet)."
    (other,) = plan.load(database, OTHER).actions
    assert (other.text, other.done, other.due) == ("Deres", False, date(2027, 1, 5))
    # the same text keeps the exercise; a changed text makes it the leader's own
    plan.update_action(database, ME, mine, "Del en fil i Teams", "2027-03-01", today=TODAY)
    assert plan.load(database, ME).actions[0].source == "exercise"
    plan.update_action(database, ME, mine, "Del to filer i Teams", "2027-03-02", today=TODAY)
    a = plan.load(database, ME).actions[0]
    assert (a.text, a.source, a.due) == ("Del to filer i Teams", "own", date(2027, 3, 2))
    with pytest.raises(plan.PlanError):
        plan.update_action(database, ME, mine, "", "2027-03-02", today=TODAY)
    assert plan.load(database, ME).actions[0].text == "Del to filer i Teams"
    plan.delete_action(database, ME, mine)
    assert plan.load(database, ME).actions == ()


def test_the_plan_is_kept_under_the_pseudonym_never_a_user_id(database, framework):
    plan.save_need(database, ME, "info_search", "Tid", framework)
    plan.add_action(database, ME, "info_search", "Læs", "2027-01-01", framework, today=TODAY)
    keys = {r[0] for r in database.execute("SELECT respondent FROM plan_needs UNION SELECT respondent FROM plan_actions")}
    assert keys == {ME} and ME != "7" and len(ME) > 20
    columns = {r[1] for t in ("plan_needs", "plan_actions") for r in database.execute(f"PRAGMA table_info({t})")}
    assert not columns & {"user_id", "created_at", "updated_at"}


def test_exercises_follow_the_level_band(framework):
    s = scores({"info_search": 40.0}, framework)  # level 4: intermediate
    assert plan.exercises(framework, "info_search", s, "da")[0].startswith("Opret en nyhedsovervågning")
    assert plan.exercises(framework, "info_search", None, "en")[0].startswith("Identify the three places")


# --- what moved ----------------------------------------------------------------------------


def test_what_moved_sets_the_actions_beside_the_change_in_level_and_score(framework):
    p = plan.Plan(ME, {"safe_data": "Kursus", "info_search": "", "comm_share": ""}, (
        plan.Action(1, "info_search", "Læs", "own", date(2027, 1, 1), True),
        plan.Action(2, "info_search", "Søg", "exercise", date(2027, 2, 1), False),
        plan.Action(3, "safe_data", "Tjek", "own", None, True),
    ))
    before = scores({"info_search": 30.0, "safe_data": 60.0}, framework)
    after = scores({"info_search": 55.0, "safe_data": 60.0, "comm_share": 90.0}, framework)
    moved = plan.what_moved(p, before, after)
    # framework order, only planned competences (comm_share has neither need text nor action)
    assert [m.competence for m in moved] == ["info_search", "safe_data"]
    info, safe = moved
    assert (info.done, len(info.actions), info.level_before, info.level_after, info.change, info.level_change) == (1, 2, 3, 5, 25.0, 2)
    assert (safe.need, safe.done, safe.level_before, safe.level_after, safe.change) == ("Kursus", 1, 5, 5, 0.0)
    first = plan.what_moved(p, None, after)  # no earlier attempt
    assert first[0].score_before is None and first[0].change is None and first[0].level_change is None
    table = plan.moved_table(moved, framework, "en", EN)
    assert table.to_dict("records")[0] == {
        "Competence": "Browsing, searching and filtering information", "Actions": "Læs (done); Søg (not done)",
        "Done": "1 of 2", "Level": "3 → 5", "Score": "30\u00a0% → 55\u00a0%", "Change": "+25",
    }
    assert list(table["Change"]) == ["+25", "+0"]
    assert list(table["Done"]) == ["1 of 2", "1 of 1"]


def test_the_baseline_is_the_start_for_an_end_attempt_else_the_previous():
    def a(i, r):
        return answering.Attempt(i, r, "submitted", "", "2026-01-0" + str(i), 0, {})

    s1, s2, e3, e4 = a(1, "start"), a(2, "start"), a(3, "end"), a(4, "end")
    assert plan.baseline([s1], 0) is None
    assert plan.baseline([s1, s2], 1) is s1
    assert plan.baseline([s1, s2, e3], 2) is s2
    assert plan.baseline([s1, s2, e3, e4], 3) is s2
    assert plan.baseline([e3, e4], 1) is e3


def test_focus_is_the_important_competences_largest_gap_first(framework):
    s = scores({"info_search": 30.0, "safe_data": 60.0, "comm_share": 30.0, "prod_rights": 10.0}, framework)
    targets = {c.id: 6 for c in framework.competences}
    marks = {"safe_data": "important", "comm_share": "important", "info_search": "important",
             "prod_rights": "not_relevant", "safe_health": "less"}
    # gaps: info_search 6-3=3, comm_share 3, safe_data 6-5=1; ties in framework order
    assert plan.focus(framework, marks, s, targets) == ["info_search", "comm_share", "safe_data"]
    assert plan.focus(framework, marks, s, targets, limit=2) == ["info_search", "comm_share"]
    assert plan.focus(framework, {}, s, targets) == []


# --- exports -------------------------------------------------------------------------------


def _plan_with_markup(database, framework) -> plan.Plan:
    plan.save_need(database, ME, "safe_data", "<script>alert(1)</script> & *mere*", framework)
    a = plan.add_action(database, ME, "safe_data", "=HYPERLINK(\"x\") [klik](http://x) <b>", "2027-01-15", framework, today=TODAY)
    plan.add_action(database, ME, "info_search", "Læs vejledningen", "2027-02-01", framework, today=TODAY)
    plan.tick(database, ME, a, True)
    return plan.load(database, ME)


def test_the_report_section_is_escaped_and_in_the_language(database, framework):
    assert plan.report_html(plan.load(database, ME), framework, "da", DA) == ""
    p = _plan_with_markup(database, framework)
    da = plan.report_html(p, framework, "da", DA)
    assert "<script>" not in da and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; *mere*" in da
    assert "&lt;b&gt;" in da and "<b>" not in da.replace("<b>" + "Hvad der skal til", "")
    assert "Min udviklingsplan" in da and "15. jan. 2027" in da and "☑" in da and "☐" in da
    # framework order: information (info_search) before safety (safe_data)
    assert da.index("Læs vejledningen") < da.index("HYPERLINK")
    en = plan.report_html(p, framework, "en", EN)
    assert "My development plan" in en and "15 Jan 2027" in en


def test_markdown_and_csv_exports(database, framework):
    p = _plan_with_markup(database, framework)
    md = plan.markdown(p, framework, "en", EN)
    assert md.startswith("# My development plan\n")
    assert "- [x] =HYPERLINK(\"x\") \\[klik\\](http://x) \\<b\\> (15 Jan 2027)" in md
    assert "- [ ] Læs vejledningen (1 Feb 2027)" in md
    assert "\\<script\\>alert(1)\\</script\\> & \\*mere\\*" in md
    rows = exports.read_csv_text(plan.csv_bytes(p, framework, "da", DA).decode("utf-8"))
    assert rows[0] == ["Kompetence", "Hvad der skal til for at styrke den", "Handling", "Type", "Måldato", "Gennemført",
                       "Hvad fik du gjort?", "Bemærkning"]
    assert len(rows) == 3
    safe = next(r for r in rows if "HYPERLINK" in r[2])
    assert safe[2].startswith("'=HYPERLINK") and safe[4] == "2027-01-15" and safe[5] == "ja"


# --- the demo cohort -----------------------------------------------------------------------


def test_demo_plans_for_about_half_of_the_leaders_with_some_actions_done(demo_db, framework):
    with demo_db.conn:  # the demo may already carry plans: start from none
        demo_db.execute("DELETE FROM plan_actions")
        demo_db.execute("DELETE FROM plan_needs")
    rng = random.Random(11)
    n = plan.demo_plans(demo_db, SECRET, rng, today=TODAY, framework=framework)
    with_attempts = {r[0] for r in demo_db.execute("SELECT DISTINCT respondent FROM assessments WHERE status = 'submitted'")}
    planned = {r[0] for r in demo_db.execute("SELECT respondent FROM plan_needs UNION SELECT respondent FROM plan_actions")}
    assert planned <= with_attempts and len(planned) == n
    assert 0.3 * len(with_attempts) <= n <= 0.7 * len(with_attempts)
    done = demo_db.execute("SELECT SUM(done), COUNT(*) FROM plan_actions").fetchone()
    assert 0 < done[0] < done[1]
    for r in demo_db.execute("SELECT text, due, competence FROM plan_actions"):
        assert 1 <= len(r[0]) <= 500 and r[2] in framework.competence_index
        assert abs((date.fromisoformat(r[1]) - TODAY).days) <= 90


# --- "Hvad fik du gjort?" at a follow-up (issue 23) ------------------------------------------------


def test_what_came_of_each_action_is_the_leaders_own_and_private(database, framework):
    cid = framework.competences[0].id
    a = plan.add_action(database, ME, cid, "Tage punktet op", "2027-01-10", framework, today=TODAY)
    b = plan.add_action(database, ME, cid, "Læse vejledningen", "2027-01-10", framework, today=TODAY)
    plan.set_outcome(database, ME, a, "done", "Det gik godt")
    plan.set_outcome(database, ME, b, "dropped", "")
    got = {x.id: x for x in plan.load(database, ME).actions}
    assert (got[a].outcome, got[a].outcome_note, got[a].done) == ("done", "Det gik godt", True)
    assert (got[b].outcome, got[b].done) == ("dropped", False)
    plan.set_outcome(database, ME, a, "started", "halvvejs")  # a later answer replaces it
    assert plan.load(database, ME).actions[0].outcome == "started" and not plan.load(database, ME).actions[0].done
    with pytest.raises(plan.PlanError):
        plan.set_outcome(database, OTHER, a, "done")  # not hers: nothing written
    with pytest.raises(plan.PlanError):
        plan.set_outcome(database, ME, a, "maybe")
    with pytest.raises(plan.PlanError):
        plan.set_outcome(database, ME, a, "done", "x" * (plan.MAX_CHARS + 1))
    assert plan.load(database, ME).actions[0].outcome_note == "halvvejs"
    csv = plan.csv_bytes(plan.load(database, ME), framework, "da", DA).decode("utf-8-sig")
    assert "Hvad fik du gjort?" in csv and "Påbegyndt" in csv and "Droppet" in csv and "halvvejs" in csv



def test_the_markdown_and_html_exports_say_what_came_of_each_action(database, framework):
    """Like the CSV: each action's answer to "Hvad fik du gjort?" and the private note, in the
    reader's language, the note escaped; an action without an answer says nothing of it."""
    cid = framework.competences[0].id
    a = plan.add_action(database, ME, cid, "Tage punktet op", "2027-01-10", framework, today=TODAY)
    b = plan.add_action(database, ME, cid, "Læse vejledningen", "2027-01-10", framework, today=TODAY)
    c = plan.add_action(database, ME, cid, "Holde et teammøde", "2027-01-10", framework, today=TODAY)
    plan.set_outcome(database, ME, a, "started", "halvvejs <b>*nu*</b>")
    plan.set_outcome(database, ME, b, "dropped", "")
    p = plan.load(database, ME)
    assert c and not p.actions[2].outcome
    da_md = plan.markdown(p, framework, "da", DA).splitlines()
    at = da_md.index("- [ ] Tage punktet op (10. jan. 2027)")
    assert da_md[at + 1] == "  - Hvad fik du gjort? Påbegyndt. Bemærkning: halvvejs \\<b\\>\\*nu\\*\\</b\\>"
    assert da_md[da_md.index("- [ ] Læse vejledningen (10. jan. 2027)") + 1] == "  - Hvad fik du gjort? Droppet."
    assert da_md[da_md.index("- [ ] Holde et teammøde (10. jan. 2027)") + 1:] in ([], [""])
    en_md = plan.markdown(p, framework, "en", EN)
    assert "  - What did you get done? Started. Note: halvvejs" in en_md and "Påbegyndt" not in en_md
    da = plan.report_html(p, framework, "da", DA)
    assert "Hvad fik du gjort?" in da and "Påbegyndt" in da and "Droppet" in da
    assert "halvvejs &lt;b&gt;*nu*&lt;/b&gt;" in da and "<b>*nu*" not in da
    assert da.count("Hvad fik du gjort?") == 2  # the action without an answer says nothing
    en = plan.report_html(p, framework, "en", EN)
    assert "What did you get done?" in en and "Started" in en and "Dropped" in en and "Note" in en


def test_a_follow_up_is_compared_with_the_end_else_the_start():
    class A:
        def __init__(self, r):
            self.round = r

    s, e, x, f3, f6 = A("start"), A("end"), A("extra"), A("followup_3"), A("followup_6")
    assert plan.baseline([s, e, x, f3], 3) is e
    assert plan.baseline([s, e, f3, f6], 3) is e
    assert plan.baseline([s, x, f3], 2) is s
    assert plan.baseline([x, f3], 1) is x


def test_the_demo_has_a_follow_up_round_with_answers_and_what_leaders_got_done(full_demo_db, framework):
    """The demo's earlier run took its follow-up rounds (its participation kept in its archive),
    and its leaders said what they got done of their plans."""
    assert answering.followup_enabled(full_demo_db)  # on in the demo, off in a new run
    earlier = programme_runs.listing(full_demo_db)[1]
    kept = programme_runs.archive(full_demo_db, earlier.id)["tables"]["participation"]
    taken = sum(r["round"] == "followup_3" for r in kept)
    ends = sum(r["round"] == "end" for r in kept)
    answered = full_demo_db.execute("SELECT COUNT(*) FROM assessments WHERE round = 'followup_3' AND status = 'submitted' "
                                    "AND cohort_id = ?", [earlier.id]).fetchone()[0]
    assert 0.5 * ends < taken == answered <= ends
    outcomes = dict(full_demo_db.execute("SELECT outcome, COUNT(*) FROM plan_actions GROUP BY outcome").fetchall())
    assert set(outcomes) >= {"done", "started", "not_yet", "dropped"}
