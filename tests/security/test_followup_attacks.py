"""Attacks on the follow-up rounds (issue 23), played on a real database through
publications.make and judged against the leaders' true values. A follow-up attempt is a member
like a start or end attempt: the rounds, the start->end change and the base->follow-up changes
are audited together, so no combination of them tells one leader's answers.

1. a follow-up round beside start and end: polling every publication isolates no one
2. a leader who only takes the follow-up: the follow-up group minus the pairs would be her
"""

from __future__ import annotations

import json

import numpy as np

from digled.insight import publications
from digled.insight.assessment_figures import FOLLOWUP_PAIRS
from tests import attacker
from tests.insight.test_attacks_management import AREAS, LEVELS, MUNIS, TARGET, World, world  # noqa: F401  (the fixture)

KINDS = ("assessment", "paired", "followup")


def _figures(world: World, pid: int, kind: str, key: tuple):
    s, f = world.shown(pid, kind, key)
    return (s.status, f) if s else (None, None)


def test_a_follow_up_round_beside_start_and_end_isolates_no_one(world):
    people = [(f"p{i}", MUNIS[i % 2], AREAS[i % 3], LEVELS[i % 2]) for i in range(36)]
    members: dict[str, dict[str, int]] = {}
    for p in people:
        members[p[0]] = {"start": world.submit(p[0], "start", *p[1:])}
    world.publish()
    for i, p in enumerate(people):
        if i % 5:
            members[p[0]]["end"] = world.submit(p[0], "end", *p[1:])
    world.publish()
    for rnd in ("followup_3", "followup_6"):
        for i, p in enumerate(people):
            if i % 4 != 3 - (rnd == "followup_6"):  # most take each follow-up, a few skip one
                members[p[0]][rnd] = world.submit(p[0], rnd, *p[1:])
            if i % 6 == 5:
                world.publish()  # the most an administrator could publish while leaders answer
    last = world.publish()

    # a follow-up change was released (the test is not vacuous), and it is the true values
    released = 0
    for pair in FOLLOWUP_PAIRS:
        status, f = _figures(world, last.id, "followup", (pair, None, None, None))
        if status not in ("new", "held"):
            continue
        # a held group shows the figures of the set it was released with: judge against those members
        s = world.shown(last.id, "followup", (pair, None, None, None))[0]
        blob = world.db.execute("SELECT members FROM released_sets WHERE publication_id = ? AND kind = 'followup' "
                                "AND grp = ?", [s.since, json.dumps([pair, None, None, None])]).fetchone()[0]
        row = publications._unpack(blob)
        base, after = pair.split(">")
        pairs = {(m[base], m[after]) for m in members.values() if base in m and after in m}
        assert f["n"] == len(row.plus) == len(row.minus) >= 5
        assert {(a, b) for a, b in pairs if b in row.plus} and all(a in row.minus for a, b in pairs if b in row.plus)
        true_change = (np.mean([world.truth[b]["total"] for b in row.plus])
                       - np.mean([world.truth[a]["total"] for a in row.minus]))
        assert abs(f["total"] - true_change) < 1e-9
        released += 1
    assert released >= 2  # 3 and 6 months after
    status, f = _figures(world, last.id, "assessment", ("followup_3", None, None, None))
    assert status in ("new", "held") and 5 <= f["n"] <= sum("followup_3" in m for m in members.values())

    # with exact linear algebra over every released set of every kind: nothing about one leader
    rows = world.released_rows(KINDS)
    assert any(kind == "followup" for (kind,) in world.db.execute("SELECT kind FROM released_sets"))
    assert attacker.exposed(rows, world.respondent_of(), 5) == []


def test_a_leader_who_only_takes_the_follow_up_is_not_the_difference(world):
    """Five leaders in one group took start, end and the follow-up; a sixth only the follow-up.
    The follow-up group of six minus the five's start group and their start->follow-up change
    would be the sixth's answers: the gate releases no such pair of figures."""
    five = [f"g{i}" for i in range(5)]
    start = {p: world.submit(p, "start", *TARGET) for p in five}
    end = {p: world.submit(p, "end", *TARGET) for p in five}
    for i in range(30):  # the rest of the organisation, so the cohort is realistic
        world.submit(f"bg{i}", "start", MUNIS[i % 2], AREAS[i % 4], LEVELS[i % 3])
    world.publish()
    follow = {p: world.submit(p, "followup_3", *TARGET) for p in five}
    sixth = world.submit("late", "followup_3", *TARGET)
    pub = world.publish()
    key = (*TARGET,)
    s_all, f_all = _figures(world, pub.id, "assessment", ("followup_3", *key))
    s_start, f_start = _figures(world, pub.id, "assessment", ("start", *key))
    s_pair, f_pair = _figures(world, pub.id, "followup", ("start>followup_3", *key))
    shown = [f for f in (f_all, f_start, f_pair) if f is not None]
    if len(shown) == 3:  # the attacker's computation, judged against her true total
        guess = f_all["n"] * f_all["total"] - f_start["n"] * f_start["total"] - f_pair["n"] * f_pair["total"]
        assert abs(guess - world.truth[sixth]["total"]) > 0.01
    rows = world.released_rows(KINDS)
    found = attacker.exposed(rows, world.respondent_of(), 5)
    assert found == []
    assert end and follow and start  # the five's attempts exist in every round
    # the figures management reads hold no per-leader count: only the groups' n
    assert all("counts" not in json.loads(fig) for (fig,) in world.db.execute(
        "SELECT figures FROM released_groups WHERE kind = 'followup' AND figures IS NOT NULL"))
