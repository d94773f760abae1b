import shutil

import pytest
import yaml

from digled.cli import main
from digled.content import loader


def test_real_content_is_complete(framework):
    assert len(framework.areas) == 4 and len(framework.competences) == 16
    assert len(framework.items) >= 96 and len(framework.purposes) == 7
    for c in framework.competences:
        for d in loader.DIMENSIONS:
            assert sum(1 for i in framework.items if i.competence == c.id and i.dimension == d) >= 2
    assert len(framework.feedback) == 16 * 4
    assert set(framework.target_levels) == {c.id for c in framework.competences}


def test_area_colours_pass_wcag_contrast(framework):
    for area in framework.areas:
        assert loader.contrast_ratio(area.colour, "#ffffff") >= 4.5


def test_contrast_ratio_known_values():
    assert loader.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert loader.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_check_content_prints_the_summary(capsys):
    assert main(["check-content"]) == 0
    assert capsys.readouterr().out.strip() == "content ok: 4 areas, 16 competences, 96 items (da 96, en 96), 7 purposes"


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "assessment"
    shutil.copytree(loader.DATA_DIR / "assessment", target)
    return target


def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    "file, change, expected",
    [
        ("items.yaml", lambda d: d["items"][3]["text"].pop("en"), "item info_search-s2: text: the en text is missing"),
        ("items.yaml", lambda d: d["items"][0].update(competence="nonsense"), "item info_search-k1: unknown competence 'nonsense'"),
        ("items.yaml", lambda d: d["items"].append(dict(d["items"][0])), "item info_search-k1: id is used twice"),
        ("items.yaml", lambda d: d.update(items=[i for i in d["items"] if i["id"] != "safe_data-a2"]), "competence safe_data: has 1 attitude items"),
        ("framework.yaml", lambda d: d["areas"][0].update(colour="#aaccff"), "area information: colour #aaccff has contrast below"),
        ("framework.yaml", lambda d: d["scales"]["skills"][1].update(value=7), "scales: skills[1]: value must be 2"),
        ("profile.yaml", lambda d: d["target_profile"]["levels"].update(info_search=9), "target_profile: levels: info_search: must be a whole number from 1 to 8"),
        ("feedback.yaml", lambda d: d["feedback"]["prod_rights"]["advanced"].update(exercises=["x"]), "feedback: prod_rights: advanced: exercises: must have 2 or 3"),
    ],
)
def test_invalid_content_names_file_entry_and_problem(content_copy, file, change, expected):
    _edit(content_copy / file, change)
    with pytest.raises(loader.ContentError) as e:
        loader.load_framework(content_copy)
    assert file in str(e.value) and expected in str(e.value)


def test_malformed_yaml_is_named(content_copy):
    (content_copy / "items.yaml").write_text("items: [unclosed", encoding="utf-8")
    with pytest.raises(loader.ContentError, match="items.yaml: not valid YAML"):
        loader.load_framework(content_copy)


def test_check_content_exits_non_zero_on_invalid_content(content_copy, monkeypatch, capsys):
    _edit(content_copy / "items.yaml", lambda d: d["items"][0].update(dimension="feelings"))
    monkeypatch.setattr(loader, "DATA_DIR", content_copy.parent)
    monkeypatch.setattr(loader, "load_framework", lambda directory=None, _orig=loader.load_framework: _orig(content_copy))
    assert main(["check-content"]) == 1
    assert "item info_search-k1: dimension must be one of" in capsys.readouterr().err


def test_organisation_lists():
    org = loader.load_organisation()
    assert set(org.municipalities) == {"Albertslund", "Glostrup"}
    assert len(org.areas) >= 5 and len(org.levels) == 3
