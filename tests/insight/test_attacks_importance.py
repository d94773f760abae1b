"""Attacks on the importance figures of publications (issue 11), on a real database: a leader
changes her marks after a publication, and management compares the publications before and
after. Published importance comes from the frozen snapshot of the released members only."""

from __future__ import annotations

import json

import numpy as np

from digled.insight import assessment_figures, publications
from digled.platform import db as storage
from tests.insight.test_attacks_management import MUNIS, World, world  # noqa: F401  (the fixture)

GROUPS = [(MUNIS[0], "skole", "mellemleder"), (MUNIS[1], "skole", "mellemleder")]
MARKS = ("important", "less", "not_relevant")


def _mark(world: World, member: int, i: int) -> None:
    """Marks that differ per leader (so no share is withheld): competence j gets MARKS[(i+j) % 3],
    the last competence is left unanswered by every third leader."""
    comps = [c.id for c in world.fw.competences]
    with storage.write(world.db):
        world.db.execute("DELETE FROM importance WHERE assessment_id = ?", [member])
        for j, cid in enumerate(comps):
            if j == len(comps) - 1 and i % 3 == 0:
                continue
            world.db.execute("INSERT INTO importance (assessment_id, competence, value) VALUES (?, ?, ?)",
                             [member, cid, MARKS[(i + j) % 3]])


def _cohort(world: World, per_group: int = 12) -> list[int]:
    members = []
    for g, attrs in enumerate(GROUPS):
        for i in range(per_group):
            m = world.submit(f"r{g}-{i}", "start", *attrs)
            _mark(world, m, g * per_group + i)
            members.append(m)
    return members


def _assessment_figures(world: World, pid: int) -> dict:
    return {s.key: s.figures for s in publications.shown_all(world.db, pid, "assessment")}


def _snapshot(world: World, member: int) -> dict:
    """A member's frozen marks, every competence (the snapshot stores the given marks only; a
    missing one is unanswered, and an attempt without marks has one marker row)."""
    rows = dict(world.db.execute("SELECT competence, value FROM published_importance WHERE assessment_id = ?",
                                 [member]).fetchall())
    if not rows:
        return {}
    return {c.id: rows.get(c.id, "unanswered") for c in world.fw.competences}


def _check_shares(world: World, members, published: dict) -> int:
    """Every published importance share agrees with the members' frozen snapshot rows: a number
    is the count's share, a band holds the count; a withheld share (None) tells nothing.
    Returns how many shares were numbers."""
    codes = np.array([[assessment_figures.IMPORTANCE.index(_snapshot(world, m)[c.id]) for c in world.fw.competences] for m in members])
    exact = 0
    for j, c in enumerate(world.fw.competences):
        for v, name in enumerate(assessment_figures.IMPORTANCE):
            count, shown = int((codes[:, j] == v).sum()), published[c.id][name]
            if isinstance(shown, dict):
                assert shown["lo"] <= count <= shown["hi"], (c.id, name)
            elif shown is not None:
                assert shown == count / len(members) * 100, (c.id, name)
                exact += 1
    return exact


def test_a_changed_mark_after_publication_leaks_nothing(world):
    members = _cohort(world)
    first = world.publish()
    fig1 = _assessment_figures(world, first.id)
    whole = json.loads(fig1[("start", None, None, None)])
    comps = [c.id for c in world.fw.competences]
    # 24 leaders, competence 0: leaders i with i % 3 == 0 -> important (8), 1 -> less (8), 2 -> not relevant (8)
    assert whole["n"] == 24
    assert whole["importance"][comps[0]] == {"important": 8 / 24 * 100, "less": 8 / 24 * 100,
                                             "not_relevant": 8 / 24 * 100, "unanswered": {"lo": 0, "hi": 4}}
    # the last competence: 8 of 24 left it unanswered
    assert whole["importance"][comps[-1]]["unanswered"] == 8 / 24 * 100
    frozen = _snapshot(world, members[0])
    assert len(frozen) == len(comps) and frozen[comps[-1]] == "unanswered"

    # she (competence 0: important) changes every mark to not relevant, and answers the last one
    with storage.write(world.db):
        world.db.execute("DELETE FROM importance WHERE assessment_id = ?", [members[0]])
        world.db.conn.executemany("INSERT INTO importance (assessment_id, competence, value) VALUES (?, ?, 'not_relevant')",
                             [(members[0], cid) for cid in comps])
    second = world.publish()
    assert _assessment_figures(world, second.id) == fig1  # identical for every group
    assert _snapshot(world, members[0]) == frozen  # the published values never change

    # six newcomers make the groups new: recomputed, yet still from the frozen values; and a
    # share moves only when the newcomers split into k and k on it (a count is a distribution):
    # 2 / 2 / 2 of six would tell about fewer than k of them, so those shares are held back
    for i in range(100, 106):
        _mark(world, world.submit(f"late{i}", "start", *GROUPS[0]), i)
    third = world.publish()
    whole3 = json.loads(_assessment_figures(world, third.id)[("start", None, None, None)])
    assert whole3["n"] == 30
    assert whole3["importance"][comps[0]] == {"important": None, "less": None, "not_relevant": None,
                                              "unanswered": {"lo": 0, "hi": 4}}
    # fifteen more, five of each mark on competence 0 (i = 106..120): now 15 / 15 / 15 of 45
    for i in range(106, 121):
        _mark(world, world.submit(f"late{i}", "start", *GROUPS[0]), i)
    fourth = world.publish()
    whole4 = json.loads(_assessment_figures(world, fourth.id)[("start", None, None, None)])
    assert whole4["n"] == 45
    # competence 0: 8 / 8 / 8 frozen (her change would make it 7 / 8 / 9), newcomers 7 / 7 / 7
    assert whole4["importance"][comps[0]] == {"important": 15 / 45 * 100, "less": 15 / 45 * 100,
                                              "not_relevant": 15 / 45 * 100, "unanswered": {"lo": 0, "hi": 4}}


def test_importance_shares_come_from_the_released_set_only(world):
    _cohort(world)
    world.publish()
    for i in range(6):
        _mark(world, world.submit(f"late{i}", "start", *GROUPS[1]), i)
    last = world.publish()
    checked = 0
    for pid, kind, grp, blob in world.db.execute(
            "SELECT publication_id, kind, grp, members FROM released_sets WHERE kind = 'assessment'").fetchall():
        figs = json.loads(world.db.execute(
            "SELECT figures FROM released_groups WHERE publication_id = ? AND kind = ? AND grp = ?", [pid, kind, grp]).fetchone()[0])
        members = sorted(publications._unpack(blob).plus)
        assert figs["n"] == len(members)
        checked += _check_shares(world, members, figs["importance"])
    assert checked >= 4 * 16 and last.id
    # attempts never released (here: none hidden with marks) have no snapshot; released ones all do
    released = {m for (blob,) in world.db.execute("SELECT members FROM released_sets WHERE kind = 'assessment'")
                for m in publications._unpack(blob).plus}
    snapped = {r[0] for r in world.db.execute("SELECT DISTINCT assessment_id FROM published_importance")}
    assert snapped == released


def test_an_attempt_is_frozen_when_first_released_not_before(world):
    _cohort(world)
    world.publish()
    alone = world.submit("alone", "start", *GROUPS[1])  # one newcomer: every group holds it back
    _mark(world, alone, 0)
    second = world.publish()
    assert all(s.status != "new" for s in publications.shown_all(world.db, second.id, "assessment"))
    assert _snapshot(world, alone) == {}  # not released: nothing frozen, she may still change her marks
    _mark(world, alone, 1)
    for i in range(5):
        _mark(world, world.submit(f"more{i}", "start", *GROUPS[1]), i)
    world.publish()
    first_comp = world.fw.competences[0].id
    assert _snapshot(world, alone)[first_comp] == "less"  # her marks when first released (i=1)


def test_an_attempt_published_without_marks_stays_unanswered_after_marking(world):
    """An attempt with no marks at its first publication is frozen too (one marker row): marks
    given afterwards never reach a figure, so the change cannot be read off the next publication."""
    members = _cohort(world)
    with storage.write(world.db):
        world.db.execute("DELETE FROM importance WHERE assessment_id = ?", [members[0]])
    first = world.publish()
    rows = world.db.execute("SELECT competence, value FROM published_importance WHERE assessment_id = ?",
                            [members[0]]).fetchall()
    assert rows == [("", "unanswered")]
    codes, frozen = assessment_figures.importance_codes(world.db, world.fw, [members[0]])
    assert frozen.tolist() == [True] and set(codes[0].tolist()) == {assessment_figures.UNANSWERED}
    _mark(world, members[0], 0)  # she marks everything now
    second = world.publish()
    assert _assessment_figures(world, second.id) == _assessment_figures(world, first.id)
