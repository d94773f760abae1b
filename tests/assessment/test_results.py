"""digled.assessment.results: the leader's own figures as tables and lists; each competence carries its
DigComp 2.2 number (issue 20, point 11)."""

from digled.assessment import results, scoring
from digled.content import loader


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
