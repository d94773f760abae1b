from digled import results, scoring, wheel

LABELS = {k: k for k in ("score", "level", "target", "previous", "total", "points", "change")}


def _scores(framework, value):
    return scoring.score(framework, {i.id: value for i in framework.items})


def test_wheel_has_16_wedges_in_area_colours_filled_to_the_score(framework):
    s = _scores(framework, 3)
    fig = wheel.wheel(framework, s, "da", LABELS, previous=_scores(framework, 2))
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
