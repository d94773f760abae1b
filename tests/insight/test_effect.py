"""digled/insight/effect.py: leaders grouped by what they took part in, and each group's
start->end change as the release gate stores it (publications kind "effect")."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from digled.accounts import organisation
from digled.assessment import scoring
from digled.content import programme
from digled.insight import assessment_figures, effect, publications
from digled.platform import db as storage
from digled.platform import pseudonyms, stats
from digled.programme import journey
from tests.conftest import SECRET

T0 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
FILMS = ("film1", "film2", "film3", "film4")  # the programme's four films (e-learning)
MEETINGS = ("meeting1", "meeting2")
WORKSHOPS = ("workshop1", "workshop2")
EVERYTHING = (*FILMS, *MEETINGS, *WORKSHOPS, "service_check")


class Cohort:
    """Leaders with a start and an end attempt each, and the parts of the programme they took."""

    def __init__(self, db, framework, seed: int = 7):
        self.db, self.fw = db, framework
        self.rng = random.Random(seed)
        self.prog = programme.programme()
        self.truth: dict[int, dict] = {}  # attempt (member) -> its scores
        self.ends: dict[int, int] = {}  # user -> end attempt
        self.starts: dict[int, int] = {}  # user -> start attempt
        self.when = T0

    def leader(self, name: str, municipality="Glostrup", area="skole", level="mellemleder") -> int:
        with storage.write(self.db):
            cur = self.db.execute(
                "INSERT INTO users (username, name, municipality, area, level, roles, activated_at, counted_at) "
                "VALUES (?, ?, ?, ?, ?, 'leader', '2026-08-01', '2026-08-01')", [name, name, municipality, area, level])
        return cur.lastrowid

    def attempt(self, uid: int, round_: str, attrs=("Glostrup", "skole", "mellemleder"), value: int | None = None) -> int:
        answers = {i.id: value or self.rng.randint(1, scoring.SCALE_STEPS) for i in self.fw.items}
        answers.update({p.id: value or self.rng.randint(1, scoring.SCALE_STEPS) for p in self.fw.purposes})
        scores = scoring.score(self.fw, answers)
        token = self.rng.getrandbits(62)
        with storage.write(self.db):
            self.db.execute(
                "INSERT INTO assessments (id, respondent, round, status, started, submitted, municipality, area, level, scores) "
                "VALUES (?, ?, ?, 'submitted', '', '', ?, ?, ?, ?)",
                [token, pseudonyms.of_user(SECRET, uid), round_, *attrs, json.dumps(scores)])
        self.truth[token] = scores
        (self.starts if round_ == "start" else self.ends)[uid] = token
        return token

    def took(self, uid: int, activities) -> None:
        journey.record_history(self.db, [(uid, a, "attended" if a.startswith(("meeting", "workshop", "service")) else "done",
                                          "2026-10-01") for a in activities])

    def member(self, name: str, activities=(), attrs=("Glostrup", "skole", "mellemleder")) -> int:
        """A leader with both rounds taken and `activities` completed; returns the user id."""
        uid = self.leader(name, *attrs)
        self.attempt(uid, "start", attrs)
        self.attempt(uid, "end", attrs)
        self.took(uid, activities)
        return uid

    def publish(self, days: float = 1.0) -> publications.Plan:
        self.when += timedelta(days=days)
        return publications.make(self.db, self.fw, organisation.current(self.db), self.prog, "admin", actor="admin",
                                 now=self.when)

    def shown(self, pid: int, key: tuple):
        s = publications.shown(self.db, pid, "effect", key)
        return s, (json.loads(s.figures) if s and s.figures else None)

    def true_change(self, users, column: str = "total") -> float:
        def value(m):
            s = self.truth[m]
            if column == "total":
                return s["total"]
            kind, cid = column.split(":")
            return s["areas" if kind == "a" else "purposes"][cid]
        return float(np.mean([value(self.ends[u]) - value(self.starts[u]) for u in users]))


@pytest.fixture
def cohort(database, framework):
    return Cohort(database, framework)


def _places(cohort: Cohort):
    df = assessment_figures.frame(cohort.db, cohort.fw)
    pairs = assessment_figures.paired(df)
    placed = effect.placed(pairs, effect.parts(cohort.db, cohort.prog, SECRET), cohort.prog)
    by_user = {}
    for uid, end in cohort.ends.items():
        by_user[uid] = placed.loc[pairs.index[pairs["member"] == end][0]].to_dict()
    return by_user


def test_each_leader_is_placed_by_the_programmes_own_records(cohort):
    everything = cohort.member("all", EVERYTHING)
    three_films = cohort.member("three", (*FILMS[:3], "meeting1", "workshop2"))
    nothing = cohort.member("none", ())
    absent = cohort.member("absent", FILMS)
    journey.record_history(cohort.db, [(absent, "meeting1", "absent", "2026-10-01"),
                                       (absent, "service_check", "absent", "2026-10-01")])  # a no-show is no part
    kl_only = cohort.member("kl", ("kl1", "kl2", "kl3", "kl4"))  # the KL films are not the four films
    places = _places(cohort)
    assert places[everything] == {"films": "all", "meetings": "both", "workshops": "both", "service": "yes", "dose": 4}
    assert places[three_films] == {"films": "fewer", "meetings": "fewer", "workshops": "one", "service": "no", "dose": 0}
    assert places[nothing] == {"films": "fewer", "meetings": "fewer", "workshops": "none", "service": "no", "dose": 0}
    assert places[absent] == {"films": "all", "meetings": "fewer", "workshops": "none", "service": "no", "dose": 1}
    assert places[kl_only]["films"] == "fewer"


def test_a_pair_without_an_account_took_part_in_nothing_recorded(cohort):
    uid = cohort.member("gone", EVERYTHING)
    with storage.write(cohort.db):
        cohort.db.execute("DELETE FROM users WHERE id = ?", [uid])
    assert _places(cohort)[uid] == {"films": "fewer", "meetings": "fewer", "workshops": "none", "service": "no", "dose": 0}


def test_every_dimension_splits_the_whole_cohort_and_is_a_breakdown():
    keys = effect.groups()
    assert keys[0] == effect.ALL and len(keys) == len(set(keys))
    assert {d.id for d in effect.DIMENSIONS} == {"films", "meetings", "workshops", "service", "dose"}
    assert [v for v, _ in effect.BY_ID["dose"].values] == [0, 1, 2, 3, 4]
    assert [v for v, _ in effect.BY_ID["workshops"].values] == ["both", "one", "none"]
    for parent, children in effect.breakdowns():
        assert parent == effect.ALL and children and all(c in keys for c in children)
    assert {c for _, ch in effect.breakdowns() for c in ch} == set(keys[1:])


def test_a_groups_figures_are_its_true_mean_change_with_intervals_from_2k(cohort, framework):
    users = [cohort.member(f"w{i}", WORKSHOPS) for i in range(10)]
    df = assessment_figures.frame(cohort.db, framework)
    pairs = assessment_figures.paired(df)
    mask = np.ones(len(pairs), dtype=bool)
    figs = effect.figures(df, pairs, mask, framework, 5, ("workshops", "both"))
    assert figs["kind"] == "effect" and figs["dimension"] == "workshops" and figs["value"] == "both"
    assert figs["label"] == "Both workshops" and figs["n"] == 10
    assert figs["total"] == pytest.approx(cohort.true_change(users))
    area, purpose = framework.areas[1].id, framework.purposes[2].id
    assert figs["areas"][area] == pytest.approx(cohort.true_change(users, f"a:{area}"))
    assert figs["purposes"][purpose] == pytest.approx(cohort.true_change(users, f"p:{purpose}"))
    diffs = [cohort.truth[cohort.ends[u]]["total"] - cohort.truth[cohort.starts[u]]["total"] for u in users]
    low, high = stats.paired_interval(float(np.mean(diffs)), float(np.std(diffs, ddof=1)), 10, 0.95)
    assert figs["interval_total"] == [round(low, 1), round(high, 1)]
    assert effect.figures(df, pairs, mask, framework, 6, ("workshops", "both"))["interval_total"] is None  # 10 < 2k


def test_the_gate_releases_groups_with_n_and_their_figures(cohort):
    keen = [cohort.member(f"a{i}", EVERYTHING) for i in range(6)]
    idle = [cohort.member(f"b{i}", ()) for i in range(7)]
    pub = cohort.publish()
    assert publications.k_of(pub.summary, "effect") == 5
    s, f = cohort.shown(pub.id, effect.ALL)
    assert s.status == "new" and f["n"] == 13
    for key, users in ((("films", "all"), keen), (("workshops", "none"), idle), (("dose", 4), keen), (("dose", 0), idle)):
        s, f = cohort.shown(pub.id, key)
        assert s.status == "new" and s.n == f["n"] == len(users), key
        assert f["total"] == pytest.approx(cohort.true_change(users)) and f["label"] == effect.label(key)
    s, _ = cohort.shown(pub.id, ("workshops", "one"))
    assert s.status == "hidden" and s.reason == "small"  # nobody
    assert pub.summary["counts"]["effect"]["new"] == 11  # all, and two groups of each of the five dimensions


def test_a_group_whose_rest_is_under_k_is_hidden_so_its_size_tells_nobodys_part(cohort):
    for i in range(7):
        cohort.member(f"a{i}", EVERYTHING)
    for i in range(3):
        cohort.member(f"b{i}", ("workshop1",))
    pub = cohort.publish()
    s, _ = cohort.shown(pub.id, effect.ALL)
    assert s.status == "new"
    s, _ = cohort.shown(pub.id, ("workshops", "both"))
    assert s.status == "hidden" and s.reason == "rest"  # 7 of 10: its n would tell the other 3 did not
    s, _ = cohort.shown(pub.id, ("workshops", "one"))
    assert s.status == "hidden" and s.reason == "small"
