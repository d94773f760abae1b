"""Importance marks (storage, validation, pre-fill, demo data) and the recommendation ranking
by gap x importance, against hand-computed values. (The leader's form and recommendations:
tests/ui/test_development.py.)"""

from __future__ import annotations

import random
from datetime import date

import pytest

from digled.assessment import answering, importance, results
from digled.platform import i18n, pseudonyms
from tests.conftest import SECRET

CIDS = ("info_search", "info_evaluate", "info_manage", "info_needs",
        "comm_interact", "comm_share", "comm_citizens", "comm_collaborate",
        "prod_content", "prod_integrate", "prod_rights", "prod_innovate",
        "safe_devices", "safe_data", "safe_health", "safe_environment")
FIVE = {c: 5 for c in CIDS}


def scores_at(levels: dict[str, int | None], default: int = 5) -> dict:
    """Stored-scores shape with the given levels (score: the middle of the level's band)."""
    out = {}
    for c in CIDS:
        lv = levels.get(c, default)
        pct = None if lv is None else (lv - 0.5) * 12.5
        out[c] = {"knowledge": pct, "skills": pct, "attitude": pct, "score": pct, "level": lv}
    return {"competences": out}


def ranked(framework, levels, marks, targets=FIVE, n=3):
    return [(r.competence, r.gap, r.weight, r.priority, r.above_target)
            for r in importance.recommend(framework, scores_at(levels), targets, marks, n)]


# --- the ranking: a table of hand-computed cases ---------------------------------------------------

CASES = [
    pytest.param(  # weights: important 1.0, less 0.5, unmarked 0.75; not relevant never
        {"info_search": 2, "comm_share": 3, "safe_data": 1, "prod_rights": 4},
        {"safe_data": "not_relevant", "info_search": "less", "comm_share": "important"},
        [("comm_share", 2, 1.0, 2.0, False), ("info_search", 3, 0.5, 1.5, False),
         ("prod_rights", 1, 0.75, 0.75, False)],
        id="weights-and-not-relevant",
    ),
    pytest.param(  # equal priority 2.0: larger gap first, then framework order
        {"info_search": 3, "info_manage": 1, "comm_interact": 3},
        {"info_search": "important", "info_manage": "less", "comm_interact": "important"},
        [("info_manage", 4, 0.5, 2.0, False), ("info_search", 2, 1.0, 2.0, False),
         ("comm_interact", 2, 1.0, 2.0, False)],
        id="ties",
    ),
    pytest.param(  # nothing marked yet: every gap x 0.75
        {"prod_content": 4, "safe_health": 3, "info_needs": 4},
        {},
        [("safe_health", 2, 0.75, 1.5, False), ("info_needs", 1, 0.75, 0.75, False),
         ("prod_content", 1, 0.75, 0.75, False)],
        id="unmarked",
    ),
    pytest.param(  # one positive gap: filled with important ones closest above target
        {"info_search": 3, "comm_share": 5, "safe_data": 7, "prod_innovate": 6, "info_evaluate": 5},
        {"info_search": "less", "comm_share": "important", "safe_data": "important",
         "prod_innovate": "important", "info_evaluate": "less"},
        [("info_search", 2, 0.5, 1.0, False), ("comm_share", 0, 1.0, 0.0, True),
         ("prod_innovate", -1, 1.0, 0.0, True)],
        id="filled-from-margins",
    ),
    pytest.param(  # a large gap marked not relevant is never recommended, even to fill
        {"safe_environment": 1},
        {"safe_environment": "not_relevant"},
        [],
        id="nothing-to-recommend",
    ),
    pytest.param(  # a competence without a level (nothing answered) is left out
        {"info_search": None, "info_manage": 4},
        {"info_search": "important"},
        [("info_manage", 1, 0.75, 0.75, False)],
        id="no-level",
    ),
]


@pytest.mark.parametrize("levels, marks, expected", CASES)
def test_recommend_ranks_by_gap_times_importance(framework, levels, marks, expected):
    assert ranked(framework, levels, marks) == expected


def test_recommend_uses_the_target_levels_it_is_given(framework):
    levels = {"info_search": 4, "safe_data": 4}
    assert [r[0] for r in ranked(framework, levels, {}, targets=FIVE)] == ["info_search", "safe_data"]
    targets = {**FIVE, "info_search": 4, "safe_data": 7}  # another profile: info_search meets it
    assert ranked(framework, levels, {}, targets=targets) == [("safe_data", 3, 0.75, 2.25, False)]
    # n is respected
    many = {c: 3 for c in CIDS}
    assert len(importance.recommend(framework, scores_at(many), FIVE, {}, n=5)) == 5


def test_an_unimportant_competence_drops_out_of_the_recommendations(framework):
    levels = {"info_search": 2, "comm_share": 3, "prod_rights": 4, "safe_health": 4}
    before = [r[0] for r in ranked(framework, levels, {})]
    assert before == ["info_search", "comm_share", "prod_rights"]
    after = [r[0] for r in ranked(framework, levels, {"info_search": "not_relevant"})]
    assert after == ["comm_share", "prod_rights", "safe_health"]


# --- storage -----------------------------------------------------------------------------------------


def _submitted(database, framework, n: int, round_: str = "start", day=date(2027, 1, 10)):
    respondent = pseudonyms.of_user(SECRET, n)
    d = answering.start(database, respondent, round_, today=day, secret=SECRET)
    for q in answering.question_ids(framework):
        answering.save_answer(database, framework, d.id, q, 3)
    return answering.submit(database, framework, d.id, today=day, secret=SECRET)


def test_marks_are_saved_exactly_and_read_back(database, framework):
    a = _submitted(database, framework, 1)
    assert importance.marks(database, a.id) == {}
    saved = importance.save(database, a.id, {"info_search": "important", "safe_data": "less", "comm_share": None}, framework)
    assert saved == {"info_search": "important", "safe_data": "less"}
    assert importance.marks(database, a.id) == saved
    importance.save(database, a.id, {"safe_data": "not_relevant"}, framework)  # replaces the set
    assert importance.marks(database, a.id) == {"safe_data": "not_relevant"}


@pytest.mark.parametrize("given, english, danish", [
    ({"no_such": "important"}, "Unknown competence: no_such.", "Ukendt kompetence: no_such."),
    ({"info_search": "very"}, "“very” is not a valid importance for info_search",
     "“very” er ikke en gyldig vigtighed for info_search"),
])
def test_bad_marks_are_refused_with_a_clear_error_and_nothing_written(database, framework, given, english, danish):
    a = _submitted(database, framework, 1)
    importance.save(database, a.id, {"comm_share": "important"}, framework)
    with pytest.raises(importance.ImportanceError) as e:
        importance.save(database, a.id, given, framework)
    assert english in str(e.value)
    assert danish in e.value.text(i18n.translator("da"))
    assert importance.marks(database, a.id) == {"comm_share": "important"}


def test_a_draft_or_unknown_attempt_takes_no_marks(database, framework):
    d = answering.start(database, pseudonyms.of_user(SECRET, 2), "start", today=date(2027, 1, 10), secret=SECRET)
    for attempt_id in (d.id, 987654321):
        with pytest.raises(importance.ImportanceError):
            importance.save(database, attempt_id, {"info_search": "important"}, framework)
    assert database.execute("SELECT COUNT(*) FROM importance").fetchone()[0] == 0


def test_prefill_and_effective_marks_take_the_latest_answer(database, framework):
    first = _submitted(database, framework, 1, "start", date(2027, 1, 10))
    second = _submitted(database, framework, 1, "end", date(2027, 6, 10))
    attempts = [first, second]
    assert importance.prefill(database, attempts) == {}
    assert importance.effective(database, attempts, second) == ({}, "none")
    importance.save(database, first.id, {"info_search": "important", "safe_data": "less"}, framework)
    assert importance.prefill(database, attempts) == {"info_search": "important", "safe_data": "less"}
    assert importance.effective(database, attempts, second) == ({"info_search": "important", "safe_data": "less"}, "earlier")
    importance.save(database, second.id, {"safe_data": "important", "comm_share": "not_relevant"}, framework)
    # per competence the latest mark; earlier marks fill what the later attempt left open
    assert importance.prefill(database, attempts) == {
        "info_search": "important", "safe_data": "important", "comm_share": "not_relevant"}
    assert importance.prefill(database, [first]) == {"info_search": "important", "safe_data": "less"}
    assert importance.effective(database, attempts, second) == ({"safe_data": "important", "comm_share": "not_relevant"}, "this")
    assert importance.effective(database, attempts, first) == ({"info_search": "important", "safe_data": "less"}, "this")


def test_demo_marks_are_plausible_and_follow_the_area(demo_db, framework):
    demo_db.execute("DELETE FROM importance")
    demo_db.conn.commit()
    submitted = demo_db.execute("SELECT COUNT(*) FROM assessments WHERE status = 'submitted'").fetchone()[0]
    assert submitted > 20
    assert importance.demo_marks(demo_db, random.Random(7), framework) == submitted
    rows = demo_db.execute(
        "SELECT s.area, i.competence, i.value FROM importance i JOIN assessments s ON s.id = i.assessment_id"
    ).fetchall()
    assert len(rows) == 16 * submitted
    assert {v for _, _, v in rows} == set(importance.VALUES)

    def share(competence, areas, value="important"):
        got = [v for a, c, v in rows if c == competence and a in areas]
        return sum(v == value for v in got) / len(got)

    # a competence listed as important for an area is marked important far more often there
    assert share("safe_environment", {"teknik"}) > share("safe_environment", {"skole", "dagtilbud", "aeldre", "social"}) + 0.3
    assert share("comm_citizens", {"aeldre", "social", "beskaeftigelse", "kultur"}) > share("comm_citizens", {"administration"})
    assert importance.demo_marks(demo_db, random.Random(7), framework) == 0  # already marked: left alone


# --- the report uses the same ranking -----------------------------------------------------------------


def test_feedback_and_report_use_the_importance_ranking_and_list_the_activities(framework):
    t = i18n.translator("en")
    levels = {"info_search": 2, "comm_share": 3, "prod_rights": 4, "safe_health": 4}
    scores = scores_at(levels)
    scores.update(total=50.0, total_level=4, areas={a.id: 50.0 for a in framework.areas},
                  purposes={p.id: 50.0 for p in framework.purposes})
    marks = {"info_search": "not_relevant", "comm_share": "less"}
    _, develop = results.feedback(framework, scores, "en", FIVE, marks)
    # comm_share 2 x 0.5 = 1.0; prod_rights and safe_health 1 x 0.75 (framework order); info_search never
    assert [(e.competence, e.ranking.gap, e.ranking.priority) for e in develop] == [
        ("comm_share", 2, 1.0), ("prod_rights", 1, 0.75), ("safe_health", 1, 0.75)]
    assert [x.activity for x in develop[0].links] == ["workshop1", "workshop2"]
    # in words a leader reads (issue 20, point 5); the rule with the numbers one click away
    assert results.ranking_line(develop[0].ranking, t, "en") == (
        "Level 3, target 5: 2 levels below the target, and you marked it less important, which counts half.")
    assert results.ranking_method(develop[0].ranking, t, "en").endswith("Here 2 × 0.5 = 1; the highest comes first.")
    da = i18n.translator("da")
    line = results.ranking_line(develop[1].ranking, da, "da")
    assert line == "Niveau 4, mål 5: 1 niveau under målet, og du har ikke markeret den endnu, hvilket tæller midt imellem."
    assert "×" not in line and "=" not in line and "0,75" in results.ranking_method(develop[1].ranking, da, "da")
    report = results.personal_report(framework, scores, "en", t, "Start", target_levels=FIVE, marks=marks)
    develop_part = report[report.index("Three competences to develop"):report.index("The programme purposes")]
    assert develop_part.index("<h3>Sharing through") < develop_part.index("<h3>Copyright") < develop_part.index("<h3>Protecting health")
    assert "Joint workshop 1 – question: Which reflection from the meeting" in develop_part
    assert "E-learning film: The municipality as an authentic actor on digital media" in develop_part
    assert "Browsing, searching" not in develop_part  # marked not relevant
    # without marks and targets the report ranks as before marks existed: gap x 0.75 on the profile
    plain = results.personal_report(framework, scores, "en", t, "Start")
    assert "Browsing, searching" in plain[plain.index("Three competences to develop"):]
