"""Attacks by a management user (issue 9, attacks 1-4 and 6), each run against real
publications made by digled.insight.publications on a real database, and judged as the attacker
would: against the leaders' true values.

The attacker reads every publication (n and means, so every group sum), knows the org chart
and, in the worst case, exactly which leaders each released figure covers. Whatever lies in
the row space of those sets can be computed (tests/attacker.py does it exactly).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from digled.accounts import organisation
from digled.assessment import scoring
from digled.content import programme
from digled.insight import publications
from digled.insight.anonymity import Row
from digled.platform import db as storage
from tests import attacker

T0 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
MUNIS, AREAS, LEVELS = ["Albertslund", "Glostrup"], ["skole", "dagtilbud", "aeldre", "teknik"], ["topleder", "mellemleder", "foersteleder"]
TARGET = ("Glostrup", "kultur", "topleder")  # a group the background leaves empty
KEY = ("start", *TARGET)


@pytest.fixture
def world(database, framework):
    return World(database, framework)


class World:
    """A cohort on a real database: leaders, their submitted attempts, publications."""

    def __init__(self, db, framework):
        self.db, self.fw = db, framework
        self.rng = random.Random(42)
        self.truth: dict[int, dict] = {}  # member (the attempt's random id) -> scores
        self.when = T0
        self.org = organisation.current(db)
        self.prog = programme.programme()

    def leader(self, name: str, municipality: str, area: str, level: str) -> int:
        with storage.write(self.db):
            cur = self.db.execute(
                "INSERT INTO users (username, name, municipality, area, level, roles, activated_at, counted_at) "
                "VALUES (?, ?, ?, ?, ?, 'leader', '2026-08-01', '2026-08-01')",
                [name, name, municipality, area, level])
        return cur.lastrowid

    def submit(self, respondent: str, round_: str, municipality: str, area: str, level: str) -> int:
        """A submitted attempt with random answers; returns its member (the attempt's id)."""
        answers = {i.id: self.rng.randint(1, scoring.SCALE_STEPS) for i in self.fw.items}
        answers.update({p.id: self.rng.randint(1, scoring.SCALE_STEPS) for p in self.fw.purposes})
        scores = scoring.score(self.fw, answers)
        token = self.rng.getrandbits(62)
        with storage.write(self.db):
            self.db.execute(
                "INSERT INTO assessments (id, respondent, round, status, started, submitted, municipality, area, level, scores) "
                "VALUES (?, ?, ?, 'submitted', '', '', ?, ?, ?, ?)",
                [token, respondent, round_, municipality, area, level, json.dumps(scores)])
        self.truth[token] = scores
        return token

    def publish(self, days: float = 1.0) -> publications.Plan:
        self.when += timedelta(days=days)
        return publications.make(self.db, self.fw, organisation.current(self.db), self.prog, "admin", actor="admin", now=self.when)

    def shown(self, pid: int, kind: str, key: tuple):
        s = publications.shown(self.db, pid, kind, key)
        return s, (json.loads(s.figures) if s and s.figures else None)

    def released_rows(self, kinds=("assessment", "paired")) -> list[Row]:
        """Every released set of every publication: the attacker's worst-case knowledge."""
        return [publications._unpack(blob) for kind, blob in
                self.db.execute("SELECT kind, members FROM released_sets").fetchall() if kind in kinds]

    def respondent_of(self):
        lookup = dict(self.db.execute("SELECT id, respondent FROM assessments").fetchall())
        return lambda m: lookup.get(m, m)


def _group(world: World, n: int, prefix: str, attrs=TARGET, round_="start") -> list[str]:
    return [world.submit(f"{prefix}{i}", round_, *attrs) for i in range(n)]


def _background(world: World, n: int = 40) -> None:
    """Other leaders spread over the organisation, so the cohort is realistic."""
    for i in range(n):
        world.submit(f"bg{i}", "start", MUNIS[i % 2], AREAS[i % 4], LEVELS[i % 3])


# --- 1. changing k ---------------------------------------------------------------------------------


@pytest.mark.parametrize("new_k", [3, 6])
def test_changing_k_does_not_release_the_sixth_leader(world, new_k):
    _background(world)
    five = _group(world, 5, "g")
    first = world.publish()
    key = KEY
    s1, f1 = world.shown(first.id, "assessment", key)
    assert s1.status == "new" and f1["n"] == 5
    organisation.set_min_group_size(world.db, new_k, "admin")  # a routine request to the administrator
    assert organisation.round_k(world.db, "start") == 5  # frozen: the round has answers
    sixth = world.submit("g5", "start", *TARGET)
    second = world.publish()
    s2, f2 = world.shown(second.id, "assessment", key)
    # the attacker's computation: 6 * mean6 - 5 * mean5
    if f2["n"] != f1["n"]:
        guess = f2["n"] * f2["total"] - f1["n"] * f1["total"]
        assert abs(guess - world.truth[sixth]["total"]) > 0.01
    assert f2["n"] == 5 and f2 == f1 and s2.status == "held"
    # and over every group of both publications, nothing about one leader follows
    assert attacker.exposed(world.released_rows(), world.respondent_of(), 5) == []
    assert five  # the five remain the released members


# --- 2. draft order --------------------------------------------------------------------------------


def test_a_late_submission_of_an_early_draft_swaps_no_one_in(world):
    _background(world)
    # she starts her draft at kick-off, before anyone else
    with storage.write(world.db):
        world.db.execute(
            "INSERT INTO assessments (id, respondent, round, status, started, municipality, area, level) "
            "VALUES (7, 'early', 'start', 'draft', '', ?, ?, ?)", TARGET)
    _group(world, 5, "c")
    first = world.publish()
    key = KEY
    _, f1 = world.shown(first.id, "assessment", key)
    with storage.write(world.db):  # she submits after the five
        world.db.execute("DELETE FROM assessments WHERE id = 7")
    world.submit("early", "start", *TARGET)
    second = world.publish()
    _, f2 = world.shown(second.id, "assessment", key)
    assert f2 == f1  # the same five members, not her in place of one of them
    assert attacker.exposed(world.released_rows(), world.respondent_of(), 5) == []


# --- 3. retakes in the extra round -----------------------------------------------------------------


def test_an_extra_retake_moves_no_figure(world):
    _background(world)
    _group(world, 5, "r")
    first = world.publish()
    key = KEY
    _, f1 = world.shown(first.id, "assessment", key)
    assert f1["quartiles"] is None  # no quartiles under 4k: they would be individual values
    world.submit("r0", "extra", *TARGET)  # his private retake
    second = world.publish()
    for s in publications.shown_all(world.db, second.id, "assessment"):
        before = publications.shown(world.db, first.id, "assessment", s.key)
        assert s.figures == before.figures, s.key


# --- 4. the tracker: polling every publication as leaders answer one by one -------------------------


def test_polling_every_publication_recovers_no_leader(world):
    rng = random.Random(4)
    leaders = [(f"t{i}", MUNIS[rng.random() < 0.4], rng.choice(AREAS), rng.choice(LEVELS)) for i in range(90)]
    rng.shuffle(leaders)
    made = 0
    for i, leader in enumerate(leaders):
        world.submit(leader[0], "start", *leader[1:])
        if i % 3 == 2:  # the most an administrator could publish: a publication per day
            world.publish()
            made += 1
    rows = world.released_rows()
    assert made == 30 and len(rows) > 10  # the cohort was published, many groups over time
    # every leader's total and band, with exact linear algebra over all released sums
    assert attacker.exposed(rows, world.respondent_of(), 5) == []


def test_start_and_end_figures_reveal_no_ones_change(world):
    rng = random.Random(5)
    people = [(f"p{i}", MUNIS[i % 2], AREAS[i % 3], LEVELS[i % 2]) for i in range(36)]
    for p in people:
        world.submit(p[0], "start", *p[1:])
    world.publish()
    for i, p in enumerate(people):
        if rng.random() < 0.8:
            world.submit(p[0], "end", *p[1:])
        if i % 6 == 5:
            world.publish()
    assert attacker.exposed(world.released_rows(), world.respondent_of(), 5) == []


# --- 6. roster changes -----------------------------------------------------------------------------


def test_deactivating_or_moving_a_leader_reveals_not_their_steps(world):
    ids = [world.leader(f"l{i}", MUNIS[i % 2], AREAS[i % 2], LEVELS[0]) for i in range(24)]
    with storage.write(world.db):
        for uid in ids[::2]:
            world.db.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'start', '2026-09-01')", [uid])
    first = world.publish()
    all_before = world.shown(first.id, "participation", (None, None))[1]
    assert all_before["n"] == 24
    leaver, mover = ids[0], ids[1]
    with storage.write(world.db):
        world.db.execute("UPDATE users SET active = 0 WHERE id = ?", [leaver])  # she left
        world.db.execute("UPDATE users SET area = 'aeldre' WHERE id = ?", [mover])  # he moved
    second = world.publish()
    for s in publications.shown_all(world.db, second.id, "participation"):
        before = publications.shown(world.db, first.id, "participation", s.key)
        if before.figures and s.figures:
            b, a = json.loads(before.figures), json.loads(s.figures)
            if a["n"] != b["n"]:
                assert abs(a["n"] - b["n"]) >= 5, s.key  # no difference of one leader
    assert world.shown(second.id, "participation", (None, None))[1] == all_before
    assert attacker.exposed(world.released_rows(("participation",)), lambda m: m >> 32, 5) == []
