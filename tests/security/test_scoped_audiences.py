"""Attacks by a management account scoped to one municipality (issue 23, part A), judged against
true values: it cannot read, filter, download or compare its way to the other municipality's
breakdowns, and an administrator's routine powers (re-scoping an account, moving a leader) give
nothing away.

The attacker holds every figure its audience reads in every publication and, in the worst case,
knows exactly which leaders each of those figures covers: whatever lies in the row space of those
sets it can compute (tests/attacker.py, exact arithmetic).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from digled.accounts import auth, identities, organisation, participants
from digled.content import loader, programme
from digled.insight import audiences, participation, publications
from tests import attacker
from tests.insight.test_attacks_management import World

GLOSTRUP = audiences.Audience("Glostrup")
AREAS, LEVELS = ("skole", "dagtilbud"), ("mellemleder", "foersteleder")


@pytest.fixture
def world(database, framework):
    w = World(database, framework)
    for mun in ("Albertslund", "Glostrup"):
        for area in AREAS:
            for level in LEVELS:
                for i in range(6):
                    w.submit(f"{mun}-{area}-{level}-{i}", "start", mun, area, level)
    return w


def readable_rows(db, audience: audiences.Audience, kinds=("assessment", "paired")) -> list:
    """The member sets behind every group `audience` reads in every publication (worst case)."""
    rows = []
    for (pid,) in db.execute("SELECT id FROM publications").fetchall():
        for kind in kinds:
            for s in audiences.shown_all(db, audience, pid, kind):
                if s.status != "hidden" and s.since is not None:
                    blob = db.execute("SELECT members FROM released_sets WHERE publication_id = ? AND kind = ? AND grp = ?",
                                      [s.since, kind, json.dumps(list(s.key))]).fetchone()
                    rows.append(publications._unpack(blob[0]))
    return rows


def members(db, municipality=None, area=None, level=None) -> dict:
    """The true members of a start group (its attempts) as an attacker's target vector."""
    out = {}
    for mid, mun, ar, lv in db.execute("SELECT id, municipality, area, level FROM assessments WHERE round = 'start'"):
        if all(want is None or got == want for want, got in ((municipality, mun), (area, ar), (level, lv))):
            out[mid] = 1
    return out


def test_no_figure_of_the_other_municipalitys_breakdowns_can_be_read_or_worked_out(world):
    world.publish()
    db = world.db
    pid = publications.latest(db).id
    # read or filtered: no group of Albertslund, no joint group broken down
    for kind in ("assessment", "paired", "participation"):
        for s in audiences.shown_all(db, GLOSTRUP, pid, kind):
            place = s.key[audiences.MUNICIPALITY_AT[kind]:]
            assert place[0] == "Glostrup" or all(v is None for v in place), s.key
    # downloaded: the whole publication's CSV rows hold no Albertslund row and no joint breakdown
    for r in audiences.export_rows(db, GLOSTRUP, pid):
        assert r["municipality"] == "Glostrup" or (r["municipality"] == "" and r["area"] == r["level"] == "")
    # worked out: every Albertslund breakdown stays outside what the scoped account can compute,
    # while an unscoped reader (who is shown them) computes each one: the check can fail
    mine, everyone = attacker.RowSpace(attacker.rows_of(readable_rows(db, GLOSTRUP))), \
        attacker.RowSpace(attacker.rows_of(readable_rows(db, audiences.EVERYONE)))
    targets = [(a, None) for a in AREAS] + [(None, lv) for lv in LEVELS] + [(a, lv) for a in AREAS for lv in LEVELS]
    for area, level in targets:
        target = members(db, "Albertslund", area, level)
        assert target and not mine.contains(target), (area, level)
        assert everyone.contains(target), (area, level)
    # its own breakdowns it reads; the other municipality as a whole (all together minus its own)
    # it can work out, as every unscoped reader is shown it
    assert mine.contains(members(db, "Glostrup", "skole", "mellemleder"))
    assert mine.contains(members(db, "Albertslund"))
    # and against the true values: no difference of two figures it reads gives an Albertslund area's n or total
    shown = {s.key: json.loads(s.figures) for s in audiences.shown_all(db, GLOSTRUP, pid, "assessment")
             if s.status != "hidden"}
    sums = {key: f["n"] * f["total"] for key, f in shown.items() if f.get("total") is not None}
    for area in AREAS:
        target = members(db, "Albertslund", area)
        true_n, true_sum = len(target), sum(world.truth[m]["total"] for m in target)
        for a in sums:
            for b in sums:
                if a != b and shown[a]["n"] - shown[b]["n"] == true_n:
                    assert abs(sums[a] - sums[b] - true_sum) > 0.01, (a, b)


def test_an_administrator_cannot_widen_what_a_scoped_account_reads(database):
    scopes = {"ledelse_glostrup": "Glostrup", "ledelse_glostrup2": "Glostrup", "ledelse_albertslund": "Albertslund"}
    for name, municipality in scopes.items():
        auth.create_user(database, username=name, name=name.replace("_", " ").title().replace("2", " To"),
                         email=f"{name}@glostrup.dk", roles=("management",))
        identities.scope_by_operator(database, name, municipality)
    g = auth.get_user(database, "ledelse_glostrup")
    # the administrator asks to widen Glostrup's account to every municipality, then to Albertslund
    for wider, refusing in ((None, scopes), ("Albertslund", ("ledelse_glostrup", "ledelse_glostrup2"))):
        rid = identities.request_scope(database, g.id, wider, "anne")
        assert audiences.of(database, g) == GLOSTRUP  # asking changes nothing
        # neither the account itself, nor a management account that does not read it all, nor the administrator
        for actor in (*refusing, "anne"):
            with pytest.raises(identities.RoleRequestError):
                identities.decide_scope(database, rid, actor, grant=True)
        assert audiences.of(database, g) == GLOSTRUP
        assert identities.pending_scopes(database)[0]["scope"] == wider
    # moving the account itself to the other municipality (a routine edit) changes nothing it reads
    participants.update(database, g.id, {"name": g.name, "email": g.email, "municipality": "Albertslund", "area": "skole",
                                         "level": "topleder", "roles": list(g.roles)}, "anne")
    assert auth.get_user(database, "ledelse_glostrup").municipality == "Albertslund"
    assert audiences.of(database, g) == GLOSTRUP
    # an unscoped management user may confirm it, and the account and every management user are told
    auth.create_user(database, username="direktion", name="Direktion", roles=("management",))
    identities.decide_scope(database, identities.pending_scopes(database)[0]["id"], "direktion", grant=True)
    assert audiences.of(database, g) == audiences.Audience("Albertslund")
    told = database.execute("SELECT COUNT(*) FROM notices WHERE user_id = ? AND message = ?",
                            [g.id, identities.SCOPE_SET]).fetchone()[0]
    assert told >= 1


def test_a_management_role_confirmed_by_a_scoped_account_reads_no_more_than_it(database):
    auth.create_user(database, username="lg", name="Lene Glostrup", roles=("management",))
    identities.scope_by_operator(database, "lg", "Glostrup")
    # the administrator makes an account at an address it controls and asks for the management role
    new = auth.create_user(database, username="x", name="Xenia", roles=("leader",))
    rid = identities.request_management(database, new, "anne")
    identities.decide(database, rid, "lg", grant=True)
    x = auth.get_user(database, "x")
    assert identities.MANAGEMENT in x.roles and audiences.of(database, x) == GLOSTRUP


def test_moving_a_leader_between_municipalities_gives_the_scoped_account_nothing(demo_db, framework):
    fw, org, prog = loader.framework(), organisation.current(demo_db), programme.programme(demo_db)
    first = publications.make(demo_db, fw, org, prog, "first")
    moved = demo_db.execute(
        f"SELECT id FROM users WHERE municipality = 'Glostrup' AND counted_at IS NOT NULL AND {auth.LEADER_SQL} "
        "ORDER BY id LIMIT 1").fetchone()[0]
    u = auth.get_user_by_id(demo_db, moved)
    participants.update(demo_db, moved, {"name": u.name, "email": u.email, "municipality": "Albertslund", "area": u.area,
                                         "level": u.level, "roles": list(u.roles)}, "admin")
    publications.make(demo_db, fw, org, prog, "admin", now=first.made_at + timedelta(days=1))
    k = publications.k_of(first.summary, "participation")
    rows = readable_rows(demo_db, GLOSTRUP, ("participation",))
    assert rows  # the scoped account does read participation counts
    assert attacker.exposed(rows, participation.person_of, k) == []
    # nor does any pair of its Glostrup groups, before and after, differ by the moved leader alone
    by_key = {}
    for (pid,) in demo_db.execute("SELECT id FROM publications ORDER BY id"):
        for s in audiences.shown_all(demo_db, GLOSTRUP, pid, "participation"):
            by_key.setdefault(s.key, []).append(s)
    for key, (before, after) in ((k_, v) for k_, v in by_key.items() if len(v) == 2):
        if before.status != "hidden" and after.status != "hidden" and before.n is not None and after.n is not None:
            assert before.n - after.n != 1 or after.status == "held", key
