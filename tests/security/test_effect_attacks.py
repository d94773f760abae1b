"""Attacks on effect by part of the programme (issue 23), each on a real database through
publications.make and judged against the leaders' true values: the attacker reads every
publication (each group's n and mean change, so every group's sum of changes), knows who took
part in what (the participation counts and the org chart) and, in the worst case, exactly which
leaders every released set holds. Whatever lies in the row space of the released sets of the
assessment audit (assessment groups, start->end groups, effect groups) can be computed
(tests/attacker.py, exact arithmetic)."""

from __future__ import annotations

import random

import pytest

from digled.insight import effect, publications
from tests import attacker
from tests.insight.test_effect import EVERYTHING, WORKSHOPS, Cohort

AUDIT = ("assessment", "paired", "effect")


@pytest.fixture
def cohort(database, framework):
    return Cohort(database, framework)


def _released(cohort: Cohort):
    return [publications._unpack(blob) for kind, blob in
            cohort.db.execute("SELECT kind, members FROM released_sets").fetchall() if kind in AUDIT]


def _person(cohort: Cohort):
    lookup = dict(cohort.db.execute("SELECT id, respondent FROM assessments").fetchall())
    return lambda m: lookup.get(m, m)


def _own_change_known(cohort: Cohort, uid: int) -> bool:
    """Can the attacker compute this leader's own start->end change (end minus start)?"""
    space = attacker.RowSpace(attacker.rows_of(list(dict.fromkeys(_released(cohort)))))
    return space.contains({cohort.ends[uid]: 1, cohort.starts[uid]: -1})


def _sum_of(cohort: Cohort, pid: int, key: tuple):
    """What a publication tells of a group: n times its mean change of the total (None: hidden)."""
    s, f = cohort.shown(pid, key)
    return None if s is None or s.status == "hidden" or f["total"] is None else f["n"] * f["total"]


def test_a_group_minus_the_total_isolates_nobody(cohort):
    """Twelve leaders attended both workshops, one attended none. "Workshops: both" minus the
    total would be her change: the group is hidden (its rest is under k) and so is her own."""
    for i in range(12):
        cohort.member(f"w{i}", WORKSHOPS)
    target = cohort.member("target", ())
    pub = cohort.publish()
    total, both = _sum_of(cohort, pub.id, effect.ALL), _sum_of(cohort, pub.id, ("workshops", "both"))
    assert total is not None  # the whole cohort is shown
    truth = cohort.true_change([target])
    if both is not None:
        assert abs((total - both) - truth) > 0.01
    assert both is None and _sum_of(cohort, pub.id, ("workshops", "none")) is None
    assert not _own_change_known(cohort, target)
    assert attacker.exposed(_released(cohort), _person(cohort), 5) == []


def test_one_more_meeting_between_two_publications_tells_nothing(cohort):
    """A leader attends the second leader meeting between two publications: "meetings: both"
    gains her and "fewer" loses her, so new sum minus old sum would be her change. Both groups
    keep their published sets; the attacker computes nothing about her."""
    meetings = ("meeting1", "meeting2")
    for i in range(7):
        cohort.member(f"m{i}", meetings)
    others = [cohort.member(f"o{i}", ("meeting1",)) for i in range(7)]
    first = cohort.publish()
    before = {key: _sum_of(cohort, first.id, key) for key in (("meetings", "both"), ("meetings", "fewer"))}
    assert all(v is not None for v in before.values())  # 7 and 7: both shown
    mover = others[0]
    cohort.took(mover, ("meeting2",))
    second = cohort.publish()
    truth = cohort.true_change([mover])
    for key, old in before.items():
        new = _sum_of(cohort, second.id, key)
        s, _ = cohort.shown(second.id, key)
        assert s.status in ("held", "hidden")
        if new is not None and new != old:
            assert abs(abs(new - old) - abs(truth)) > 0.01
    assert not _own_change_known(cohort, mover)
    assert attacker.exposed(_released(cohort), _person(cohort), 5) == []


def test_small_groups_are_withheld_and_their_complement_with_them(cohort):
    """Three leaders used the service check: their group is too small, and "did not use it"
    (the whole cohort but three) is hidden too, so neither the three's change nor the fact that
    exactly they used it can be read."""
    users = [cohort.member(f"s{i}", ("service_check",)) for i in range(3)]
    for i in range(9):
        cohort.member(f"n{i}", ())
    pub = cohort.publish()
    yes, _ = cohort.shown(pub.id, ("service", "yes"))
    no, _ = cohort.shown(pub.id, ("service", "no"))
    assert (yes.status, yes.reason) == ("hidden", "small") and yes.n is None
    assert (no.status, no.reason) == ("hidden", "rest") and no.n is None
    for u in users:
        assert not _own_change_known(cohort, u)


@pytest.mark.parametrize("seed", [3, 11])
def test_random_cohorts_over_publications_expose_nobody_across_every_kind(database, framework, seed):
    """Leaders spread over municipalities, areas and levels take random parts; between
    publications some take one more part and a few new pairs arrive. Over every released set of
    every kind of the assessment audit, no leader's change, nor the sum or difference of two
    attempts of fewer than k persons, can be computed; and the effect groups are shown."""
    rng = random.Random(seed)
    cohort = Cohort(database, framework, seed)
    places = [("Glostrup", "skole", "mellemleder"), ("Albertslund", "skole", "mellemleder"),
              ("Glostrup", "dagtilbud", "topleder")]
    users = []
    for i in range(22):
        parts = [a for a in EVERYTHING if rng.random() < 0.6]
        users.append(cohort.member(f"u{i}", parts, attrs=rng.choice(places)))
    shown = 0
    for step in range(3):
        pub = cohort.publish()
        shown += sum(s.status == "new" for s in publications.shown_all(cohort.db, pub.id, "effect"))
        for u in rng.sample(users, 2):
            done = {a for (a,) in cohort.db.execute("SELECT activity FROM progress WHERE user_id = ?", [u])}
            cohort.took(u, [a for a in EVERYTHING if a not in done][:1])
        users.append(cohort.member(f"late{step}", [a for a in EVERYTHING if rng.random() < 0.5],
                                   attrs=rng.choice(places)))
    assert shown >= 3
    assert attacker.exposed(_released(cohort), _person(cohort), 5) == []
    assert not any(_own_change_known(cohort, u) for u in users)
