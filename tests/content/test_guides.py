"""digled.content.guides: the guide texts (data/guides.yaml), the video addresses. (The
widget: tests/ui/test_guides.py.)"""

from pathlib import Path

import pytest
import yaml

from digled.content import guides, programme
from digled.content.loader import ContentError
from digled.platform import audit, db, migrations
from tests.apptest import ROOT

SEED_DEFINITION = (
    "Digital kompetence er din evne til at bruge teknologi til at udføre opgaver, løse problemer, kommunikere, "
    "håndtere information, samarbejde, skabe og dele indhold effektivt, hensigtsmæssigt, sikkert, kritisk, "
    "kreativt, selvstændigt og etisk."
)


# --- the texts ---------------------------------------------------------------------------------


def test_the_three_guides_load_in_both_languages():
    loaded = guides.load_guides()
    assert set(loaded) == {"assessment", "wheel", "films"}
    for g in loaded.values():
        assert g.title["da"] and g.title["en"] and g.title["da"] != g.title["en"]
        assert g.markdown("da") != g.markdown("en")


def test_the_seed_definition_is_quoted_exactly_and_translated():
    assessment = guides.guide("assessment")
    assert SEED_DEFINITION in assessment.markdown("da")
    assert "Digital competence is your ability to use technology" in assessment.markdown("en")
    assert SEED_DEFINITION in guides.guide("wheel").markdown("da")


def test_the_purpose_of_the_elearning_is_on_the_films_guide():
    films = guides.guide("films")
    for part in ("egne forståelser af digitalisering", "egne digitale vaner", "egen digital viden",
                 "egne digitale handlemuligheder", "egen rolle"):
        assert part in films.markdown("da")
    for part in ("understanding of digitalisation", "digital habits", "digital knowledge", "options for action",
                 "your own role"):
        assert part in films.markdown("en")


def test_the_framework_is_credited_for_what_it_is_and_nothing_more():
    """digled's 96 questions are its own: the wheel's areas follow Center for Digital Dannelse's
    wheel and the competences DigComp 2.2; the tool of 2015 (developed by the centre, improved by
    the programme's use) is not claimed (issue 20, point 11)."""
    for lang in ("da", "en"):
        md = guides.guide("assessment").markdown(lang)
        assert "Center for Digital Dannelse" in md and "DigComp 2.2" in md
    da = guides.guide("assessment").markdown("da")
    assert "udviklet af Center for Digital Dannelse" not in da and "videreudviklingen af værktøjet" not in da
    assert "skrevet til dette forløb" in da
    en = guides.guide("assessment").markdown("en")
    assert "developed by Center for Digital Dannelse" not in en and "written for this programme" in en


def test_the_wheel_guide_says_how_a_level_is_computed():
    """A level is the score in eight equal steps of a self-rating on four steps, not DigComp's
    descriptors (issue 20, point 12); the words match digled.assessment.scoring."""
    from digled.assessment import scoring

    da = guides.guide("wheel").markdown("da")
    assert "otte lige store trin" in da and "0-12,5 % er niveau 1" in da and "ikke DigComps beskrivelser" in da
    assert scoring.level(12.4) == 1 and scoring.level(12.5) == 2 and scoring.level(87.5) == 8
    assert scoring.SCALE_STEPS == 4 and "skala med fire trin" in da
    en = guides.guide("wheel").markdown("en")
    assert "eight equal steps" in en and "not DigComp's descriptions" in en


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "guides.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _valid() -> dict:
    return yaml.safe_load((ROOT / "data" / "guides.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("change, message", [
    (lambda d: d["texts"]["credit"].pop("en"), "texts: credit: the en text is missing"),
    (lambda d: d["guides"].pop("wheel"), "guides: wheel: the guide is missing"),
    (lambda d: d["guides"].__setitem__("intro", d["guides"]["films"]), "guides: intro: unknown guide"),
    (lambda d: d["guides"]["films"]["texts"].append("nope"), "guides: films: texts: 'nope' is not one of the texts"),
    (lambda d: d["guides"]["assessment"].__setitem__("texts", []), "guides: assessment: texts: must be a non-empty"),
    (lambda d: d["guides"]["wheel"]["title"].__setitem__("da", " "), "guides: wheel: title: the da text is missing"),
])
def test_a_bad_guides_file_names_the_key(tmp_path, change, message):
    data = _valid()
    change(data)
    with pytest.raises(ContentError, match="guides.yaml: " + message.replace("(", r"\(")):
        guides.load_guides(_write(tmp_path, data))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ContentError, match="missing"):
        guides.load_guides(tmp_path / "nothing.yaml")


# --- addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "https://www.youtube.com/watch?v=_T8LGqJtuGc",
    "https://video.albertslund.dk/film1.mp4",
    "https://vimeo.com/123456",
    "  https://xn--rsted-uua.dk/slides  ",
    "https://ørsted.dk/slides",
])
def test_good_addresses_are_kept(url):
    assert guides.clean_url(url) == url.strip()


@pytest.mark.parametrize("url, problem", [
    ("http://video.albertslund.dk/a.mp4", guides.NOT_HTTPS),
    ("javascript:alert(1)", guides.NOT_HTTPS),
    ("video.albertslund.dk/a.mp4", guides.NOT_HTTPS),
    ("https://", guides.NO_HOST),
    ("https:///a.mp4", guides.NO_HOST),
    ("https://localhost/a.mp4", guides.NO_HOST),
    ("https://video.albertslund.dk:99999/a", guides.NO_HOST),
    ("https://user:pw@video.albertslund.dk/a", guides.HAS_CREDENTIALS),
    ("https://video.albertslund.dk/my film.mp4", guides.HAS_SPACE),
    ("https://video.albertslund.dk/a\n.mp4", guides.HAS_SPACE),
    ("https://video.albertslund.dk/" + "a" * guides.MAX_URL_LENGTH, guides.TOO_LONG),
])
def test_bad_addresses_are_refused_with_the_reason(url, problem):
    with pytest.raises(guides.InvalidVideoUrl) as e:
        guides.clean_url(url)
    assert e.value.msg == problem


def test_the_reason_is_translated():
    from digled.platform.i18n import translator

    with pytest.raises(guides.InvalidVideoUrl) as e:
        guides.clean_url("http://x.dk/a")
    assert e.value.text(translator("da")) == "adressen skal begynde med https://"


def test_an_empty_address_means_none():
    assert guides.clean_url("   ") == "" and guides.clean_url(None) == ""


@pytest.mark.parametrize("url, plays", [
    ("https://www.youtube.com/watch?v=_T8LGqJtuGc", True),
    ("https://youtu.be/_T8LGqJtuGc", True),
    ("https://video.albertslund.dk/film1.MP4", True),
    ("https://video.albertslund.dk/film1.webm?t=3", True),
    ("https://vimeo.com/123456", False),
    ("https://albertslund.sharepoint.com/slides.pptx", False),
    ("https://video.albertslund.dk/mp4", False),
])
def test_embeddable(url, plays):
    assert guides.embeddable(url) is plays


# --- slots and storage --------------------------------------------------------------------------


def test_slots_are_the_guides_then_every_film():
    prog = programme.programme()
    keys = [s.key for s in guides.slots(prog)]
    films = [a.id for a in prog.activities if a.kind in ("elearning", "kl_film")]
    assert keys == ["assessment", "wheel", "films", *films]
    assert "film1" in films and "kl1" in films and "meeting1" not in keys


def test_slot_names_are_translated_or_content():
    from digled.platform.i18n import translator

    prog = programme.programme()
    by_key = {s.key: s for s in guides.slots(prog)}
    assert by_key["assessment"].name(translator("da"), "da") == "Vejledning før kompetenceafklaringen"
    assert by_key["film1"].name(translator("en"), "en") == prog.activity("film1").title["en"] + " (E-learning film)"
    assert by_key["kl1"].name(translator("da"), "da") == prog.activity("kl1").title["da"] + " (KL-film)"


def test_saving_sets_changes_and_removes_with_an_audit(database):
    prog = programme.programme()
    assert guides.video_url(database, "assessment") == ""
    assert guides.video_url(database, "film1", default="https://yaml.dk/x") == "https://yaml.dk/x"
    changed = guides.save(database, {"assessment": " https://v.albertslund.dk/a.mp4 ", "film1": "https://youtu.be/_T8LGqJtuGc"},
                          "admin", prog)
    assert changed == ["assessment", "film1"]
    assert guides.video_url(database, "assessment") == "https://v.albertslund.dk/a.mp4"
    assert guides.video_url(database, "film1", default="https://yaml.dk/x") == "https://youtu.be/_T8LGqJtuGc"
    assert guides.save(database, {"assessment": "https://v.albertslund.dk/a.mp4", "wheel": ""}, "admin", prog) == []
    assert guides.save(database, {"assessment": ""}, "admin", prog) == ["assessment"]
    assert guides.video_url(database, "assessment") == ""
    actions = [(r["action"], r["detail"]) for r in audit.recent(database, 10)]
    assert actions[:3] == [("remove guide video", "assessment"), ("set guide video", "film1: https://youtu.be/_T8LGqJtuGc"),
                           ("set guide video", "assessment: https://v.albertslund.dk/a.mp4")]


def test_one_bad_address_saves_nothing_and_names_each(database):
    prog = programme.programme()
    with pytest.raises(guides.InvalidVideos) as e:
        guides.save(database, {"assessment": "https://ok.dk/a.mp4", "wheel": "http://x.dk", "kl2": "https://"},
                    "admin", prog)
    assert set(e.value.problems) == {"wheel", "kl2"}
    assert guides.videos(database) == {}


def test_an_unknown_slot_is_a_programming_error(database):
    with pytest.raises(KeyError, match="meeting1"):
        guides.save(database, {"meeting1": "https://x.dk/a.mp4"}, "admin", programme.programme())


def test_the_table_refuses_a_non_https_address_even_from_elsewhere(database):
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError):
        database.execute("INSERT INTO guide_videos VALUES ('wheel', 'http://x.dk', '2026-01-01', 'x')")


def test_an_old_database_gets_the_table(tmp_path):
    d = db.connect(tmp_path / "old.db")
    migrations.migrate(d, target=migrations.MIGRATIONS.index(migrations._v7_guide_videos))
    assert "guide_videos" not in d.table_names()
    d.close()
    d = migrations.open_and_migrate(tmp_path / "old.db")
    assert "guide_videos" in d.table_names()
    d.close()


def test_the_admin_page_is_in_the_menu_for_administrators_only():
    from digled.accounts import navigation

    spec = navigation.spec_for("pages/admin_content.py")
    assert (spec.title, spec.roles, spec.url_path) == ("Guides and videos", ("admin",), "admin-content")
    paths = [p.path for p in navigation.PAGES]
    assert paths.index("pages/admin_content.py") == paths.index("pages/admin_settings.py") + 1
