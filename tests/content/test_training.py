"""data/training.yaml: which programme activities train each competence, validated."""

from __future__ import annotations

import pytest
import yaml

from digled.content import activities, training
from digled.content.loader import ContentError
from digled.platform.config import DATA_DIR


def test_every_competence_links_to_real_films_meetings_or_workshops(framework):
    links = training.load()
    assert list(links) == [c.id for c in framework.competences]  # all 16, in framework order
    prog = activities.load_programme()
    kinds = {a.id: a.kind for a in prog.activities}
    for cid, entries in links.items():
        assert entries, cid
        for x in entries:
            assert kinds[x.activity] in ("elearning", "kl_film", "meeting", "workshop")
            assert x.page == ("pages/films.py" if kinds[x.activity] in ("elearning", "kl_film") else "pages/meetings.py")
            assert x.why["da"] and x.why["en"] and x.why["da"] != x.why["en"]
            if x.question:
                assert x.question in [r.id for r in prog.activity(x.activity).reflections]
                assert x.question_text == next(r.text for r in prog.activity(x.activity).reflections if r.id == x.question)
    # a few links checked by hand against the programme
    assert [x.activity for x in links["comm_citizens"]] == ["film4", "meeting2"]
    assert links["info_manage"][0].activity == "kl2" and links["info_manage"][1].question == "meeting1-r3"
    # where the programme has nothing on a competence, the text says so
    assert "no film on copyright" in links["prod_rights"][0].why["en"]


def _write(tmp_path, data) -> str:
    path = tmp_path / "training.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _real() -> dict:
    return yaml.safe_load((DATA_DIR / "training.yaml").read_text(encoding="utf-8"))


WHY = {"da": "Fordi", "en": "Because"}


@pytest.mark.parametrize("change, message", [
    (lambda d: d["training"].update(no_such=[{"activity": "film1", "why": WHY}]),
     "training: no_such: unknown competence"),
    (lambda d: d["training"].update(info_search=[{"activity": "film9", "why": WHY}]),
     "training: info_search[0]: activity: unknown activity 'film9'"),
    (lambda d: d["training"].update(info_search=[{"activity": "service_check", "why": WHY}]),
     "training: info_search[0]: activity: service_check is a service_check"),
    (lambda d: d["training"].update(info_search=[{"activity": "film1", "question": "film2-r1", "why": WHY}]),
     "training: info_search[0]: question: film1 has no reflection question 'film2-r1'"),
    (lambda d: d["training"].update(info_search=[{"activity": "film1", "why": {"da": "Fordi"}}]),
     "training: info_search[0]: why: the en text is missing"),
    (lambda d: d["training"].update(info_search=[{"activity": "film1", "why": WHY, "film": "x"}]),
     "training: info_search[0]: unknown key 'film'"),
    (lambda d: d["training"].update(info_search=[]), "training: info_search: must be a non-empty list"),
    (lambda d: d["training"].pop("safe_environment"), "training: safe_environment: missing"),
])
def test_a_bad_mapping_names_the_file_and_the_key(tmp_path, change, message):
    data = _real()
    change(data)
    with pytest.raises(ContentError) as e:
        training.load(_write(tmp_path, data))
    assert str(e.value).startswith(str(tmp_path / "training.yaml") + ": ")
    assert message in str(e.value)
