"""A leader's reflections: saved, updated, deleted, private to the leader, refused when unknown or
too long, exported as Markdown in programme order."""

import pytest

from digled.programme import journey, reflections
from tests.programme.conftest import PROG, day


def test_reflections_are_saved_updated_deleted_and_private(database, leader, other):
    reflections.save(database, leader, "film1-r1", "First thought", PROG)
    reflections.save(database, leader, "film1-r1", "Second thought", PROG)
    reflections.save(database, leader, "kl1-r1", "Two tracks", PROG)
    reflections.save(database, other, "film1-r1", "Ole's own", PROG)
    assert reflections.load(database, leader) == {"film1-r1": "Second thought", "kl1-r1": "Two tracks"}
    assert reflections.load(database, leader, "kl1") == {"kl1-r1": "Two tracks"}
    reflections.save(database, leader, "kl1-r1", "   ", PROG)
    assert reflections.load(database, leader) == {"film1-r1": "Second thought"}
    assert database.execute("SELECT activity FROM reflections WHERE user_id = ?", [leader]).fetchone()[0] == "film1"


def test_reflection_refusals(database, leader):
    with pytest.raises(journey.JourneyError, match="Unknown reflection question: x-r9"):
        reflections.save(database, leader, "x-r9", "text", PROG)
    with pytest.raises(journey.JourneyError, match="at most 10000 characters"):
        reflections.save(database, leader, "film1-r1", "x" * 10_001, PROG)
    assert reflections.load(database, leader) == {}


def test_export_holds_only_my_reflections_in_programme_order(database, leader, other):
    assert reflections.export(database, leader, "en", lambda s: s, PROG) == ""
    reflections.save(database, leader, "film2-r1", "Self-service booking", PROG)
    reflections.save(database, leader, "film1-r2", "Goals first", PROG)
    reflections.save(database, other, "film1-r1", "SECRET of Ole", PROG)
    md = reflections.export(database, leader, "en", lambda s: s, PROG, today=day(60))
    assert md.startswith("# My reflections: Digital leadership\n")
    assert "Exported on 15 January 2016." in md
    assert "SECRET" not in md
    film1 = PROG.activity("film1")
    assert md.index(film1.title["en"]) < md.index("Goals first") < md.index("Self-service booking")
    assert film1.reflections[1].text["en"] in md and film1.reflections[0].text["en"] not in md
    da = reflections.export(database, leader, "da", lambda s: s, PROG)
    assert film1.title["da"] in da
