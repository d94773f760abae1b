"""digled.assessment.results: what a leader sees about their own attempts, computed from stored
scores: the tables, the three strongest and three to develop, the comparison, the numbered list
beside the wheel and the self-contained personal report. Each competence carries its DigComp 2.2
number (issue 20, point 11); every text in the report is escaped; the Danish report has no English.
"""

import html
import re

import pytest

from digled.assessment import importance, results, scoring
from digled.content import loader, training
from digled.platform import i18n


def _scores():
    fw = loader.framework()
    answers = {i.id: 1 + n % 4 for n, i in enumerate(fw.items)} | {p.id: 3 for p in fw.purposes}
    return fw, scoring.score(fw, answers)


def test_the_table_has_each_competences_digcomp_number_beside_its_name():
    fw, scores = _scores()
    table = results.table(fw, scores, "da", lambda s: s)
    assert list(table.columns[:3]) == ["Competence area", "Competence", "DigComp"]
    assert list(table["DigComp"]) == [c.digcomp for c in fw.competences]
    assert table.set_index("DigComp").loc["1.1", "Competence"] == fw.competence_index["info_search"].name["da"]


def test_the_wheel_legend_and_the_report_name_the_digcomp_number():
    fw, scores = _scores()
    listed = [c.name for area in results.wheel_list(fw, scores, "en") for c in area.competences]
    assert len(listed) == 16 and all("(DigComp " in name for name in listed)
    assert fw.competence_index["info_search"].name["en"] + " (DigComp 1.1)" in listed
    html = results.wheel_list_html(fw, scores, "da", lambda s: s)
    assert html.count("(DigComp ") == 16


# --- moved from tests/assessment/test_answering.py ---------------------------------------------


def test_feedback_and_report(framework):
    answers = {i.id: (4 if i.competence.startswith("comm") else 2) for i in framework.items}
    s = scoring.score(framework, answers)
    strong, recommend = results.feedback(framework, s, "da")
    assert {e.competence for e in strong} <= {"comm_interact", "comm_share", "comm_citizens", "comm_collaborate"}
    assert all(2 <= len(e.exercises) <= 3 for e in recommend)
    report = results.personal_report(framework, s, "en", lambda m: m, "Start · 4 January 2016", previous=s)
    assert report.startswith("<!doctype html>") and "@media print" in report
    _, recommend_en = results.feedback(framework, s, "en")
    assert html.escape(recommend_en[0].exercises[0]) in report
    assert html.escape(framework.purposes[0].text["en"]) in report


def test_report_is_small_self_contained_and_has_a_static_wheel(framework):
    s = scoring.score(framework, {i.id: 3 for i in framework.items} | {p.id: 2 for p in framework.purposes})
    for lang in ("da", "en"):
        report = results.personal_report(framework, s, lang, i18n.translator(lang), "Start", previous=s)
        assert len(report.encode("utf-8")) < 100_000  # was 4.8 MB with plotly.js embedded
        lower = report.lower()
        # opens offline: no script, no stylesheet or image to fetch
        assert "<script" not in lower and "<link" not in lower and "src=" not in lower and "url(" not in lower
        assert lower.count("<svg") == 1 and "plotly" not in lower
        assert report.count("<li value=") == 16  # the numbered list beside the wheel


@pytest.fixture
def recording_da():
    """The Danish translator, recording every message id it is asked for."""
    asked = []
    da = i18n.translator("da")

    def t(message):
        asked.append(message)
        return da(message)

    t.asked = asked
    return t


def _visible_text(report: str) -> str:
    return re.sub(r"<[^>]+>", " ", report.split("</head>")[1])


def test_the_danish_report_has_no_english(framework, recording_da):
    s = scoring.score(framework, {i.id: 2 for i in framework.items} | {p.id: 4 for p in framework.purposes})
    label = results.attempt_label("start", "2026-08-13", recording_da, "da")
    report = results.personal_report(framework, s, "da", recording_da, label, previous=s)
    visible = _visible_text(report)
    english = [m for m in set(recording_da.asked) if i18n.translator("da")(m) != m]
    assert len(english) >= 15  # titles, table heads, the closing sentence, the legend, ...
    assert [m for m in english if m in visible] == []
    for phrase in ("Scores per competence", "Exercises", "My digital competence wheel", "This report is yours",
                   "Total", "level", "Knowledge", "Programme purpose", "Solid line", "August", "2026-08-13"):
        assert phrase not in visible, phrase
    for phrase in ("Mit digitale kompetencehjul", "Resultat pr. kompetence", "Øvelser", "Samlet", "Rapporten er din",
                   "Kompetenceområde", "Start · 13. august 2026", "Fuldt optrukket linje",
                   framework.competences[0].name["da"], framework.purposes[0].text["da"]):
        assert html.escape(phrase) in report, phrase
    assert "<html lang='da'>" in report


def test_the_english_report_is_english(framework):
    s = scoring.score(framework, {i.id: 2 for i in framework.items})
    t = i18n.translator("en")
    report = results.personal_report(framework, s, "en", t, results.attempt_label("end", "2026-08-13", t, "en"))
    for phrase in ("My digital competence wheel", "Scores per competence", "End · 13 August 2026", "Competence area",
                   "This report is yours.", framework.competences[0].name["en"]):
        assert html.escape(phrase) in report, phrase
    assert "Resultat pr. kompetence" not in report and "Solid line" not in report  # no previous attempt


def test_report_escapes_every_text(framework):
    s = scoring.score(framework, {i.id: 2 for i in framework.items})
    report = results.personal_report(framework, s, "en", lambda m: m + "<b>x</b>", "<script>alert(1)</script>")
    assert "<script" not in report.lower() and "<b>x</b>" not in report and "&lt;b&gt;x&lt;/b&gt;" in report




def test_attempt_label_shows_the_day_in_the_users_language():
    assert results.attempt_label("start", "2026-08-13", i18n.translator("da"), "da") == "Start · 13. august 2026"
    assert results.attempt_label("extra", "2026-08-13", i18n.translator("en"), "en") == "Extra · 13 August 2026"
    assert results.attempt_label("end", None, i18n.translator("da"), "da") == "Slut"


def _na(framework):
    """A scored attempt with no answer at all for the first competence (its score None)."""
    first = framework.competences[0].id
    return scoring.score(framework, {i.id: 3 for i in framework.items if i.competence != first})


def test_a_missing_score_shows_as_a_dash_and_the_target_is_the_profile_or_the_given_levels(framework):
    s = _na(framework)
    table = results.table(framework, s, "en", lambda m: m)
    assert list(table.columns) == ["Competence area", "Competence", "DigComp", "Knowledge", "Skills", "Attitude",
                                   "Score", "Level", "Target level"]
    first = table.iloc[0]
    assert first["Score"] == "–" and first["Level"] == "–" and first["Knowledge"] == "–"
    assert table.iloc[1]["Score"].endswith(" %") and table.iloc[1]["Score"] == f"{s['competences'][framework.competences[1].id]['score']:.0f} %"
    assert list(table["Target level"]) == [framework.target_levels[c.id] for c in framework.competences]
    own = results.table(framework, s, "en", lambda m: m, {c.id: 2 for c in framework.competences})
    assert set(own["Target level"]) == {2}


def test_the_purposes_table_shows_before_only_when_there_is_a_before(framework):
    s = scoring.score(framework, {p.id: 4 for p in framework.purposes})
    earlier = scoring.score(framework, {})
    alone = results.purposes_table(framework, s, "en", lambda m: m)
    assert list(alone.columns) == ["Programme purpose", "Now"] and len(alone) == len(framework.purposes)
    assert alone.iloc[0]["Programme purpose"] == framework.purposes[0].text["en"]
    both = results.purposes_table(framework, s, "en", lambda m: m, before=earlier)
    assert list(both.columns) == ["Programme purpose", "Now", "Before"] and set(both["Before"]) == {"–"}


def test_the_comparison_has_no_change_where_either_score_is_missing(framework):
    before, after = _na(framework), scoring.score(framework, {i.id: 4 for i in framework.items})
    df = results.comparison_table(framework, before, after, "en", lambda m: m)
    assert list(df.columns) == ["Competence", "Before", "After", "Change"]
    assert df.iloc[0]["Before"] == "–" and df.iloc[0]["Change"] == "–" and df.iloc[0]["After"] == "100 %"
    assert df.iloc[1]["Change"].startswith("+")


def test_the_development_table_has_a_row_per_attempt_with_total_and_areas(framework):
    a = scoring.score(framework, {i.id: 2 for i in framework.items})
    b = scoring.score(framework, {i.id: 4 for i in framework.items})
    df = results.development_table(framework, [("Start", a), ("End", b)], "en", lambda m: m)
    assert list(df["Attempt"]) == ["Start", "End"] and df.iloc[1]["Total"] == "100 %"
    assert list(df.columns) == ["Attempt", "Total", *(area.name["en"] for area in framework.areas)]


def test_the_wheel_labels_go_through_the_translator():
    labels = results.wheel_labels(i18n.translator("da"))
    assert set(labels) == {"score", "level", "target", "previous", "total", "points", "change"}
    assert labels["total"] == "Samlet" and labels["target"] != "The digital leader (target)"


def test_attempt_label_keeps_an_unknown_round_as_it_is():
    assert results.attempt_label("retake", None, lambda m: m, "en") == "retake"


def _rec(**kw):
    base = dict(competence="info_search", level=3, target=5, gap=2, importance="important", weight=1.0, priority=2.0)
    return importance.Recommendation(**(base | kw))


def test_the_ranking_line_says_why_in_words_and_the_method_gives_the_numbers():
    t = i18n.translator("en")
    assert results.ranking_line(_rec(), t, "en") == (
        "Level 3, target 5: 2 levels below the target, and you marked it important.")
    assert "1 level below the target" in results.ranking_line(_rec(level=4, gap=1, priority=1.0), t, "en")
    above = _rec(level=6, gap=-1, priority=0.0, above_target=True)
    assert results.ranking_line(above, t, "en") == "Level 6, target 5: at or above the target, but important in your area."
    assert results.ranking_method(above, t, "en").startswith("Fewer than three competences are below their target")
    assert results.ranking_method(_rec(weight=0.75, priority=1.5), t, "en").endswith("Here 2 × 0.75 = 1.5; the highest comes first.")
    assert "2 × 0,75 = 1,5" in results.ranking_method(_rec(weight=0.75, priority=1.5), i18n.translator("da"), "da")


def test_a_training_link_names_its_kind_and_its_question_when_asked():
    film = training.Link("kl1", "kl_film", {"en": "Benefits", "da": "Gevinster"}, {"en": "why", "da": "hvorfor"})
    assert results.link_line(film, "da", lambda m: m) == "KL film: Gevinster"
    meeting = training.Link("meeting1", "meeting", {"en": "Leader meeting 1", "da": "Ledermøde 1"}, {"en": "w", "da": "w"},
                            question="q1", question_text={"en": "What changed?", "da": "Hvad ændrede sig?"})
    assert results.link_line(meeting, "en", lambda m: m) == "Leader meeting 1 – question: What changed?"
    assert results.link_line(meeting, "en", lambda m: m, question=False) == "Leader meeting 1"


def test_the_three_strongest_carry_no_exercises_and_the_three_to_develop_carry_their_training(framework):
    s = scoring.score(framework, {i.id: (4 if i.competence.startswith("comm") else 1) for i in framework.items})
    strong, develop = results.feedback(framework, s, "en")
    assert len(strong) == 3 and len(develop) == 3
    assert all(e.exercises == () and e.links == () and e.ranking is None for e in strong)
    links = training.training()
    assert all(e.ranking is not None and e.links == links.get(e.competence, ()) for e in develop)
    assert {e.competence for e in strong}.isdisjoint({e.competence for e in develop})


def test_the_report_says_so_when_nothing_is_left_to_develop_and_carries_the_plan(framework):
    top = scoring.score(framework, {i.id: 4 for i in framework.items})
    report = results.personal_report(framework, top, "en", lambda m: m, "End", marks={c.id: "not_relevant" for c in framework.competences},
                                     extra_html="<section id='plan'>my plan</section>")
    assert html.escape(results.NONE_NOTE) in report
    assert report.index("<section id='plan'>my plan</section>") < report.index("This report is yours.")
    assert "Dashed line: the digital leader target profile." in report


def test_the_report_puts_no_break_between_a_number_and_its_percent_sign(framework):
    s = scoring.score(framework, {i.id: 3 for i in framework.items})
    report = results.personal_report(framework, s, "en", lambda m: m, "Start")
    table = report[report.index("<table>"):report.index("</table>")]
    assert results.NBSP + "%" in table and re.search(r"\d %", table) is None


def test_every_round_has_a_name_and_a_follow_up_shows_the_way_here():
    from digled.assessment import answering

    assert set(results.ROUND_NAMES) == set(answering.ROUNDS)

    def a(i, r):
        return answering.Attempt(i, r, "submitted", "", f"2026-0{i}-01", 0, {})

    s, x, e, f3, f6 = a(1, "start"), a(2, "extra"), a(3, "end"), a(4, "followup_3"), a(5, "followup_6")
    attempts = [s, x, e, f3, f6]
    assert results.way_here(attempts, 3) == [s, e]  # start -> end -> this follow-up
    assert results.way_here(attempts, 4) == [s, e, f3]
    assert results.way_here(attempts, 2) == []  # an end attempt compares with the one before it
    assert results.way_here([x, f3], 1) == []  # no start or end: nothing drawn
