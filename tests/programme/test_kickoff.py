"""digled.programme.kickoff: the kick-off's talks and documents (data/kickoff.yaml, checked when
loaded), the talks' film addresses (https only, stored and audited), and the handbook file served
only to an unlocked, active leader."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from digled.accounts import auth
from digled.content import programme, uploaded_files
from digled.content.loader import ContentError
from digled.platform import audit
from digled.programme import journey, kickoff, schedule
from tests.content.test_uploaded_files import small_pdf


def test_the_kickoff_file_holds_the_seeds_talks_and_the_documents():
    k = kickoff.load_kickoff()
    assert [s.slot for s in k.documents] == ["kickoff:invitation", "kickoff:programme"]
    assert [t.title["da"] for t in k.talks] == [
        "Part 1: Ledelse og digitalisering", "Part 2: Ledelse og digitalisering", "Fremtid og vision",
        "Digital ledelse", "Center for Digital Ledelse", "Brændende platforme og succeser"]
    assert all(t.title["en"] and t.film == "" for t in k.talks)
    assert k.slots()[0].slot == "handbook" and len(k.slots()) == 9
    assert k.talk("fremtid").slides.slot == "kickoff:talk:fremtid:slides"


@pytest.mark.parametrize("text, message", [
    ("documents: []\ntalks: []\n", r"kickoff.yaml: documents: must be a non-empty list"),
    ("documents:\n  - {id: Invitation, title: {da: a, en: b}}\n", r"documents: Invitation: id: must be lower-case"),
    ("documents:\n  - {id: a, title: {da: a, en: b}}\n  - {id: a, title: {da: a, en: b}}\n",
     r"documents: a: id: is used twice"),
    ("documents:\n  - {id: a, title: {da: a}}\n", r"documents: a: title: the en text is missing"),
    ("documents:\n  - {id: a, title: {da: a, en: b}}\ntalks:\n  - {id: t, title: {da: a, en: b}, "
     "film: 'http://x.dk/f'}\n", r"talks: t: film: must be empty or a web address starting with https://"),
    ("documents:\n  - {id: a, title: {da: a, en: b}}\ntalks:\n  - {id: t, title: {da: a, en: b}}\n",
     r"handbook: must be a mapping"),
])
def test_a_bad_kickoff_file_is_named_with_its_key(tmp_path, text, message):
    path = tmp_path / "kickoff.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=message):
        kickoff.load_kickoff(path)


@pytest.mark.parametrize("url, problem", [
    ("", None),
    ("https://video.example.dk/film/1", None),
    ("http://video.example.dk/film/1", "the address must start with https://"),
    ("javascript:alert(1)", "the address must start with https://"),
    ("https://", "the address has no valid web site after https://"),
    ("https://user:pw@example.dk/x", "the address has no valid web site after https://"),
    ("https://example.dk/a film", "the address must not contain spaces"),
    ("https://example.dk/" + "a" * 500, "the address is too long (at most 500 characters)"),
])
def test_film_addresses_are_https_only(url, problem):
    assert kickoff.film_problem(url) == problem


def test_a_film_address_is_stored_in_the_overrides_and_audited(database):
    assert kickoff.films(database)["fremtid"] == ""
    kickoff.set_film(database, "fremtid", " https://video.example.dk/fremtid ", "admin")
    assert kickoff.films(database)["fremtid"] == "https://video.example.dk/fremtid"
    row = database.execute("SELECT value, updated_by FROM content_overrides WHERE key = ?",
                           ["kickoff:talk:fremtid:film"]).fetchone()
    assert row == ('"https://video.example.dk/fremtid"', "admin")
    with pytest.raises(kickoff.FilmRefused, match="must start with https://"):
        kickoff.set_film(database, "fremtid", "http://video.example.dk/other", "admin")
    assert kickoff.films(database)["fremtid"] == "https://video.example.dk/fremtid"  # unchanged
    kickoff.set_film(database, "fremtid", "", "anne")
    assert kickoff.films(database)["fremtid"] == ""
    assert [(r["actor"], r["detail"]) for r in audit.recent(database)] == [
        ("anne", "kickoff:talk:fremtid:film: (none)"), ("admin", "kickoff:talk:fremtid:film: https://video.example.dk/fremtid")]


# --- the handbook reaches a leader only once unlocked -------------------------------------------


def test_the_handbook_file_is_served_only_to_an_unlocked_active_leader(database):
    prog = programme.programme()
    lea = auth.create_user(database, username="lea", name="Lea Dam", municipality="Albertslund", area="dagtilbud")
    boss = auth.create_user(database, username="boss", name="Bo Ss", municipality="Albertslund",
                            area="administration", roles=("management",))
    pdf = small_pdf()
    uploaded_files.upload(database, "handbook", "h.pdf", pdf, "admin")
    schedule.set_kickoff(database, "admin", date.today())  # the handbook opens about 221 days ahead
    assert journey.handbook_opens(database, prog) > date.today()
    with pytest.raises(kickoff.HandbookLocked):
        kickoff.handbook_file(database, lea, prog)
    database.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'end', ?)",
                     [lea, date.today().isoformat()])
    assert kickoff.handbook_file(database, lea, prog)[0] == pdf
    schedule.set_kickoff(database, "admin", date.today() - timedelta(days=400))  # opens for everyone
    assert journey.handbook_unlocked(database, boss, prog)
    with pytest.raises(kickoff.HandbookLocked):  # unlocked by date, but management is no leader
        kickoff.handbook_file(database, boss, prog)
    database.execute("UPDATE users SET active = 0 WHERE id = ?", [lea])
    with pytest.raises(kickoff.HandbookLocked):
        kickoff.handbook_file(database, lea, prog)


# --- pages: the administrator's Files and materials ------------------------------------------------
