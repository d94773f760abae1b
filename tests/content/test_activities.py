"""digled.content.activities: data/programme.yaml as written, checked when loaded. A broken file
is refused naming the file and the entry: ids unique, a known kind, due never before opens, an
assessment with its round, times "HH:MM" with the end after the start, a day within opens..due,
reflection minutes within the film, examples naming only fields the activity has."""

import pytest

from digled.content import activities
from digled.content.loader import ContentError
from digled.platform.config import DATA_DIR

SOURCE = (DATA_DIR / "programme.yaml").read_text(encoding="utf-8")


def _load(tmp_path, text):
    path = tmp_path / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    return activities.load_programme(path)


# --- moved from tests/content/test_loader.py ---------------------------------------------------


def test_programme_content_is_valid_and_ordered():
    p = activities.load_programme()
    kinds = [a.kind for a in p.activities]
    assert kinds.count("elearning") == 4 and kinds.count("kl_film") == 5
    assert kinds.count("workshop") == 2 and kinds.count("meeting") == 2
    assert all(2 <= len(a.reflections) <= 4 for a in p.activities if a.kind == "elearning")
    m1, w1 = p.activity("meeting1"), p.activity("workshop1")
    assert m1.due < w1.opens


# --- moved from tests/content/test_admin_edits.py ----------------------------------------------


@pytest.mark.parametrize("change, message", [
    ("    examples: [place, start, end]\n", "examples must be a list"),
    ("    examples: [day, start, end]\n", "examples names day, but the activity has no day"),
])
def test_the_loader_checks_the_examples(tmp_path, change, message):
    text = (DATA_DIR / "programme.yaml").read_text(encoding="utf-8")
    if "no day" in message:  # the kick-off has no day
        text = text.replace("    examples: [place, start, end]\n", change, 1)
    else:
        text = text.replace(change, "    examples: [venue]\n", 1)
    path = tmp_path / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=message):
        activities.load_programme(path)


def test_the_loader_refuses_a_minute_past_the_films_end(tmp_path):
    text = (DATA_DIR / "programme.yaml").read_text(encoding="utf-8")
    text = text.replace("      - id: kl1-r1\n        at_minute: 5\n", "      - id: kl1-r1\n        at_minute: 6\n", 1)
    path = tmp_path / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=r"activity kl1: reflections\[0\].*between 0 and 5"):
        activities.load_programme(path)


def test_the_programme_as_written_is_loaded_once():
    activities.as_written.cache_clear()
    assert activities.as_written() is activities.as_written()
    assert activities.as_written().activity("kickoff").kind == "kickoff"
    with pytest.raises(KeyError):
        activities.as_written().activity("nothing")


def test_every_activity_has_a_known_kind_and_assessments_their_round():
    prog = activities.load_programme()
    assert {a.kind for a in prog.activities} <= set(activities.KINDS)
    assert sorted(a.round for a in prog.activities if a.kind == "assessment") == ["end", "start"]
    assert all(a.opens <= a.due for a in prog.activities)


@pytest.mark.parametrize("old, new, message", [
    ("  - id: kl1\n", "  - id: film1\n", "activity film1: id is missing or used twice"),
    ("    kind: kl_film\n", "    kind: podcast\n", "kind must be one of kickoff, assessment"),
    ("    start: \"09:00\"", "    start: \"9.00\"", 'start: must be a time of day like "09:30" in quotes'),
    ("    end: \"15:30\"", "    end: \"08:00\"", r"end \(08:00\) must be after start \(09:00\)"),
    ("  kickoff_date: 2015-11-16", "  kickoff_date: soon", "programme: kickoff_date: must be a date like 2015-11-16"),
])
def test_a_broken_file_is_named_with_its_entry(tmp_path, old, new, message):
    assert old in SOURCE, old
    with pytest.raises(ContentError, match=message):
        _load(tmp_path, SOURCE.replace(old, new, 1))


def test_an_example_place_is_marked_as_one():
    kickoff = activities.load_programme().activity("kickoff")
    assert kickoff.is_example("place") and not kickoff.is_example("day")
