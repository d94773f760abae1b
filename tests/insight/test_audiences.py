"""Which groups of a publication an account may read (digled/insight/audiences.py)."""

from __future__ import annotations

import pytest

from digled.accounts import auth, identities, organisation
from digled.content import programme
from digled.insight import audiences, publications

GLOSTRUP = audiences.Audience("Glostrup")


@pytest.mark.parametrize("kind, key, readable", [
    ("assessment", ("start", "Glostrup", None, None), True),
    ("assessment", ("start", "Glostrup", "skole", "topleder"), True),  # its own breakdowns
    ("assessment", ("end", None, None, None), True),  # all municipalities together
    ("assessment", ("start", "Albertslund", None, None), False),
    ("assessment", ("start", "Albertslund", "skole", None), False),
    ("assessment", ("start", None, "skole", None), False),  # joint minus its own would be Albertslund's
    ("assessment", ("start", None, None, "topleder"), False),
    ("paired", ("Glostrup", "skole", None), True),
    ("paired", (None, None, None), True),
    ("paired", ("Albertslund", None, None), False),
    ("paired", (None, None, "mellemleder"), False),
    ("participation", ("Glostrup", "skole"), True),
    ("participation", (None, None), True),
    ("participation", ("Albertslund", None), False),
    ("participation", (None, "skole"), False),
    ("a_kind_added_later", ("Glostrup",), False),  # fails closed until MUNICIPALITY_AT names it
])
def test_a_scoped_account_reads_its_own_municipality_and_the_whole(kind, key, readable):
    assert GLOSTRUP.may_read(kind, key) is readable
    assert audiences.EVERYONE.may_read(kind, key)


def test_the_picker_offers_only_readable_municipalities():
    assert GLOSTRUP.municipalities(["Albertslund", "Glostrup"]) == ["Glostrup"]
    assert audiences.EVERYONE.municipalities(["Albertslund", "Glostrup"]) == ["Albertslund", "Glostrup"]
    assert GLOSTRUP.breaks_down("Glostrup") and not GLOSTRUP.breaks_down(None)
    assert audiences.EVERYONE.breaks_down(None)


def test_reads_go_through_the_rule_on_a_real_publication(demo_db, framework):
    pub = publications.make(demo_db, framework, organisation.current(demo_db), programme.programme(demo_db), "first")
    everything = publications.shown_all(demo_db, pub.id, "assessment")
    mine = audiences.shown_all(demo_db, GLOSTRUP, pub.id, "assessment")
    assert mine and len(mine) < len(everything)
    assert all(s.key[1] == "Glostrup" or s.key[1:] == (None, None, None) for s in mine)
    assert audiences.shown(demo_db, GLOSTRUP, pub.id, "assessment", ("start", "Albertslund", None, None)) is None
    assert publications.shown(demo_db, pub.id, "assessment", ("start", "Albertslund", None, None)) is not None
    rows = audiences.export_rows(demo_db, GLOSTRUP, pub.id)
    assert rows and {r["municipality"] for r in rows} == {"Glostrup", ""}
    assert all(r["area"] == r["level"] == "" for r in rows if r["municipality"] == "")
    assert len(audiences.export_rows(demo_db, audiences.EVERYONE, pub.id)) == len(publications.export_rows(demo_db, pub.id))


def test_the_audience_is_read_fresh_from_the_database(demo_db):
    boss = auth.get_user(demo_db, "ledelse")
    assert audiences.of(demo_db, boss) == audiences.EVERYONE
    identities.scope_by_operator(demo_db, "ledelse", "Glostrup")
    assert audiences.of(demo_db, boss) == GLOSTRUP  # the same (cached) user object: the scope is not cached


def test_every_read_of_a_publication_outside_the_gate_goes_through_this_door():
    """Pages, digled/ui and the evaluation report read groups through audiences, never through
    publications.shown / shown_all / export_rows directly; the exceptions, with their reasons:
    the operator's command line (every municipality), a leader's own wheel overlay (profiles)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    allowed = {"digled/insight/audiences.py", "digled/insight/publications.py",
               "digled/cli.py", "digled/insight/profiles.py"}
    found = {str(p.relative_to(root)) for folder in ("digled", "pages") for p in (root / folder).rglob("*.py")
             if re.search(r"publications\.(shown|shown_all|export_rows)\(", p.read_text(encoding="utf-8"))}
    assert found <= allowed, found - allowed


def test_a_scoped_account_reads_the_joint_effect_groups():
    """Effect by part has no municipality in its key: every group is all municipalities together,
    so a scoped account reads them like the other joint groups (no own group to subtract)."""
    assert GLOSTRUP.may_read("effect", ("workshops", "both")) and GLOSTRUP.may_read("effect", ("dose", 2))
    assert not GLOSTRUP.may_read("no-such-kind", (None,))  # a kind in neither list fails closed
