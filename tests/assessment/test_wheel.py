import dataclasses
import xml.etree.ElementTree as ET

import pytest

from digled.assessment import results, scoring, wheel
from digled.insight import assessment_figures

LABELS = {k: k for k in ("score", "level", "target", "previous", "total", "points", "change")}


def _scores(framework, value):
    return scoring.score(framework, {i.id: value for i in framework.items})


def test_wheel_has_16_wedges_in_area_colours_filled_to_the_score(framework):
    s = _scores(framework, 3)
    fig = wheel.wheel(framework, s, "da", LABELS, wheel.WheelOptions(previous=_scores(framework, 2)))
    bars = [t for t in fig.data if t.type == "barpolar"]
    assert fig.layout.polar.barmode == "overlay"  # stacked bars would push the fill off the chart
    background, areas = bars[0], bars[1:]
    assert list(background.r) == [100] * 16
    assert [a.marker.color for a in areas] == [a.colour for a in framework.areas]
    assert sum(len(a.r) for a in areas) == 16
    assert all(abs(r - 200 / 3) < 1e-9 for a in areas for r in a.r)
    assert all(w == 22.5 for a in areas for w in a.width)
    lines = [t for t in fig.data if t.type == "scatterpolar"]
    assert [l.name for l in lines] == ["target", "previous"]
    assert len(lines[0].r) == 17  # closed outline
    assert "67 %" in fig.layout.annotations[0].text
    assert fig.layout.polar.angularaxis.direction == "clockwise"


def test_no_previous_outline_for_a_first_attempt(framework):
    fig = wheel.wheel(framework, _scores(framework, 2), "en", LABELS)
    assert [t.name for t in fig.data if t.type == "scatterpolar"] == ["target"]


def test_hover_shows_competence_score_and_level(framework):
    fig = wheel.wheel(framework, _scores(framework, 4), "en", LABELS)
    first_area = fig.data[1]
    assert first_area.customdata[0][0] == framework.competences[0].name["en"]
    assert first_area.customdata[0][1] == "100 %" and first_area.customdata[0][2] == 8


def test_comparison_and_table_show_the_change(framework):
    before, after = _scores(framework, 2), _scores(framework, 3)
    fig = wheel.comparison(framework, before, after, "en", LABELS)
    assert all(abs(x - 100 / 3) < 1e-9 for x in fig.data[0].x)
    df = results.comparison_table(framework, before, after, "en", lambda m: m)
    assert list(df["Change"]) == ["+33"] * 16


def test_long_labels_are_wrapped():
    assert wheel.wrap("Beskytte persondata og privatliv") == "Beskytte<br>persondata og<br>privatliv"


def test_numbered_wheel_labels_are_short_numbers_and_match_the_list(framework):
    s = _scores(framework, 3)
    fig = wheel.wheel(framework, s, "da", LABELS, wheel.WheelOptions(numbered=True))
    assert list(fig.layout.polar.angularaxis.ticktext) == [str(n) for n in range(1, 17)]
    assert fig.layout.polar.hole >= 0.2 and fig.layout.margin.l <= 40  # fits a 390 px phone
    listed = results.wheel_list(framework, s, "da")
    assert [a.name for a in listed] == [a.name["da"] for a in framework.areas]
    assert [c.number for a in listed for c in a.competences] == list(range(1, 17))
    # number n on the wheel is the n-th wedge, the competence the list names as n
    wedge = dict(zip([c.id for c in framework.competences], fig.layout.polar.angularaxis.tickvals))
    for area in listed:
        for c in area.competences:
            cid = next(x.id for x in framework.competences if results.named(x, "da") == c.name)
            assert wedge[cid] == (c.number - 1) * 22.5 + 11.25
    assert listed[0].competences[0].score == "67 %"
    names = wheel.wheel(framework, s, "da", LABELS)  # the named wheel (management page) is unchanged
    assert "<br>" in "".join(names.layout.polar.angularaxis.ticktext)


def test_wheel_list_html_is_numbered_and_escaped(framework):
    s = _scores(framework, 2)
    out = results.wheel_list_html(framework, s, "en", lambda m: m + " <i>")
    assert out.count("<li value=") == 16 and "<ol start='1'" in out and "<ol start='13'" in out
    assert "<i>" not in out and "level &lt;i&gt;" in out
    assert framework.competences[5].name["en"] in out


def _svg_tree(markup: str):
    return ET.fromstring(markup)


NS = "{http://www.w3.org/2000/svg}"


def test_svg_wheel_has_16_wedges_in_area_colours_target_outline_and_labels(framework):
    s = _scores(framework, 3)
    markup = wheel.svg(framework, s, "da", LABELS, previous=_scores(framework, 2), title="Mit hjul")
    root = _svg_tree(markup)  # well-formed XML
    assert root.get("role") == "img" and root.find(NS + "title").text == "Mit hjul"
    paths = root.findall(NS + "path")
    background = [p for p in paths if p.get("fill") == wheel.BACKGROUND]
    filled = [p for p in paths if p.get("fill") != wheel.BACKGROUND]
    assert len(background) == 16 and len(filled) == 16
    colours = {a.id: a.colour for a in framework.areas}
    expected = [colours[c.area] for c in framework.competences]
    assert [p.get("fill") for p in filled] == expected
    outlines = root.findall(NS + "polygon")
    assert [o.get("stroke-dasharray") is not None for o in outlines] == [True, False]  # target, previous
    assert all(len(o.get("points").split()) == 16 for o in outlines)
    texts = ["".join(t.itertext()) for t in root.findall(NS + "text")]
    assert texts[:16] == [f"{n}67 %" for n in range(1, 17)]
    assert texts[16:] == ["67 %", "total"]
    assert len(markup) < 20_000


def test_svg_wheel_leaves_unscored_competences_empty_and_escapes_text(framework):
    answers = {i.id: 4 for i in framework.items if i.competence == framework.competences[0].id}
    s = scoring.score(framework, answers)
    labels = dict(LABELS, total="<script>x</script> & co")
    markup = wheel.svg(framework, s, "en", labels, title="a 'quoted' <title>")
    root = _svg_tree(markup)
    filled = [p for p in root.findall(NS + "path") if p.get("fill") != wheel.BACKGROUND]
    assert len(filled) == 1
    texts = ["".join(t.itertext()) for t in root.findall(NS + "text")]
    assert texts[0] == "1100 %" and texts[1] == "2–"
    assert texts[-1] == "<script>x</script> & co" and "<script>" not in markup
    assert root.get("aria-label") == "a 'quoted' <title>"


def _levels(framework, value):
    return {c.id: value for c in framework.competences}


# --- target profiles per leader level and the cohort overlay (issue 11) ---------------------------


def test_wheel_draws_the_given_target_levels_and_names_the_profile(framework):
    s = scoring.score(framework, {i.id: 3 for i in framework.items})
    targets = _levels(framework, 2) | {framework.competences[0].id: 8}
    fig = wheel.wheel(framework, s, "da", LABELS, wheel.WheelOptions(
        numbered=True, targets=targets, target_label="Målprofil: Mellemleder (foreløbig)"))
    (line,) = [d for d in fig.data if d.type == "scatterpolar"]
    assert line.name == "Målprofil: Mellemleder (foreløbig)"
    assert list(line.r) == [93.75] + [18.75] * 15 + [93.75]  # (8 - .5) * 12.5, (2 - .5) * 12.5, closed
    default = wheel.wheel(framework, s, "da", LABELS)
    assert [d.name for d in default.data if d.type == "scatterpolar"] == ["target"]


def test_wheel_overlays_the_cohort_mean_leaving_gaps_for_hidden_values(framework):
    s = scoring.score(framework, {i.id: 3 for i in framework.items})
    f = assessment_figures.Figures(n=7, hidden=False, competences={c.id: 40.0 for c in framework.competences}, total=40.0)
    f.competences[framework.competences[3].id] = None
    fig = wheel.wheel(framework, s, "en", LABELS, wheel.WheelOptions(
        overlay=assessment_figures.as_scores(f, framework), overlay_label="All leaders"))
    names = [d.name for d in fig.data if d.type == "scatterpolar"]
    assert names == ["target", "All leaders"]
    mean = fig.data[-1]
    assert list(mean.r)[:5] == [40.0, 40.0, 40.0, None, 40.0] and len(mean.r) == 17


def test_svg_draws_the_given_targets(framework):
    s = scoring.score(framework, {i.id: 3 for i in framework.items})
    root = ET.fromstring(wheel.svg(framework, s, "en", LABELS, targets=_levels(framework, 8)))
    dashed = [p for p in root.iter("{http://www.w3.org/2000/svg}polygon") if p.get("stroke-dasharray")][0]
    x, y = dashed.get("points").split()[0].split(",")
    assert abs((float(x) ** 2 + float(y) ** 2) ** 0.5 - (48 + 182 * 0.9375)) < 0.2


def test_the_options_are_one_frozen_value_and_none_given_is_the_plain_wheel(framework):
    with pytest.raises(dataclasses.FrozenInstanceError):
        wheel.PLAIN.numbered = True  # a shared default nobody can change
    s = _scores(framework, 3)
    plain = wheel.wheel(framework, s, "da", LABELS)
    assert plain.to_json() == wheel.wheel(framework, s, "da", LABELS, wheel.WheelOptions()).to_json()
    assert [d.name for d in plain.data if d.type == "scatterpolar"] == ["target"]


def test_a_follow_up_wheel_draws_start_and_end_each_as_its_own_named_outline(framework):
    from digled.assessment import scoring

    scores = scoring.score(framework, {i.id: 3 for i in framework.items})
    before = scoring.score(framework, {i.id: 2 for i in framework.items})
    labels = {"score": "s", "level": "l", "target": "t", "previous": "p", "total": "T", "points": "pp", "change": "c"}
    fig = wheel.wheel(framework, scores, "da", labels, wheel.WheelOptions(earlier=(("Start", before), ("Slut", scores))))
    named = {tr.name: tr for tr in fig.data if tr.name in ("Start", "Slut")}
    assert set(named) == {"Start", "Slut"}
    assert named["Start"].line.dash != named["Slut"].line.dash  # told apart without colour
    assert list(named["Start"].r)[0] == before["competences"][framework.competences[0].id]["score"]
