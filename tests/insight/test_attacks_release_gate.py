"""The four routes of issue 18, each played by its attacker on a real database and judged
against the leaders' true values. Every number leaves through one gate (anonymity.py): a figure
is released with the members it is over, a count is a distribution, what a leader sees is
decided at k + c, and only identities an administrator cannot invent count.

1. a count is an answer (a competence nobody in a small group answered; a funnel step)
2. the audit sees the figure's members, not only the group's (k late answerers, one value)
3. the leader's own overlay (a leader and a colleague inside a batch of k newcomers)
4. invented people (an administrator's leaders and management account)
"""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from digled.accounts import auth, identities, invitations, navigation, organisation, participants
from digled.assessment import scoring
from digled.insight import audiences, profiles, publications
from digled.platform import config, pseudonyms
from digled.platform import db as storage
from digled.programme import invitation_sending
from tests.attacker import RowSpace
from tests.conftest import SECRET
from tests.insight.test_attacks_management import World, world  # noqa: F401  (the fixture)


def _answers(rng: random.Random, fw, dont_know: set[str] = frozenset(), value: int | None = None) -> dict[str, int]:
    """Answers to every item (and purpose); the items of the competences in `dont_know` are all
    "don't know"."""
    out = {}
    for item in fw.items:
        if item.competence in dont_know:
            out[item.id] = scoring.DONT_KNOW
        else:
            out[item.id] = value if value is not None else rng.randint(1, scoring.SCALE_STEPS)
    out.update({p.id: value if value is not None else rng.randint(1, scoring.SCALE_STEPS) for p in fw.purposes})
    return out


def _submit(world: World, respondent: str, round_: str, attrs: tuple, answers: dict) -> int:
    scores = scoring.score(world.fw, answers)
    token = world.rng.getrandbits(62)
    with storage.write(world.db):
        world.db.execute(
            "INSERT INTO assessments (id, respondent, round, status, started, submitted, municipality, area, level, scores) "
            "VALUES (?, ?, ?, 'submitted', '', '', ?, ?, ?, ?)",
            [token, respondent, round_, *attrs, json.dumps(scores)])
    world.truth[token] = scores
    return token


GROUP = ("Glostrup", "kultur", "topleder")


# --- 1. a count is an answer ---------------------------------------------------------------------


def test_1_a_competence_nobody_answered_is_no_count_in_any_figure(world):
    """Six leaders took both rounds and all answered "don't know" to every item of one
    competence. The start->end view used to show per competence "Leaders (n)": 0, telling each
    of the six named leaders' answers. Now no count per competence leaves the gate: the stored
    figures and the export hold none, and the mean is withheld."""
    rng = random.Random(1)
    target = world.fw.competences[3].id
    for i in range(6):
        for rnd in ("start", "end"):
            _submit(world, f"p{i}", rnd, GROUP, _answers(rng, world.fw, dont_know={target}))
    pub = world.publish()
    shown, figs = world.shown(pub.id, "paired", GROUP)
    assert shown.status == "new" and figs["n"] == 6
    assert "counts" not in figs and "sd" not in figs  # no count, no spread per competence
    assert figs["competences"][target] is None
    from digled.ui import change_view

    rows = change_view.export_rows(world.db, audiences.EVERYONE, publications.get(world.db, pub.id), GROUP, world.fw)
    assert {r["n"] for r in rows} == {6}  # the group's n only: nothing per competence
    # the truth the attacker wanted: 0 of 6 have a value for the competence
    assert sum(world.truth[m]["competences"][target]["score"] is not None for m in world.truth) == 0


def _steps_world(world: World, taken: dict[str, list[bool]]) -> dict[int, tuple]:
    """Leaders per area, each with the start assessment taken or not (as `taken` says)."""
    people = {}
    for area, flags in taken.items():
        for i, flag in enumerate(flags):
            uid = world.leader(f"{area}{i}", "Glostrup", area, "topleder")
            if flag:
                with storage.write(world.db):
                    world.db.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'start', '2026-09-01')",
                                     [uid])
            people[uid] = (area, flag)
    return people


def _consistent(people: dict[int, tuple], world: World, pids: list[int]) -> list[dict[int, bool]]:
    """Every assignment of "took the start assessment" to the leaders that agrees with every
    participation count and band of the publications (the attacker knows who is in which
    group: the org chart)."""
    uids = sorted(people)
    constraints = []
    for pid in pids:
        for s in publications.shown_all(world.db, pid, "participation"):
            if s.status != "new" or not s.figures:
                continue
            mun, area = s.key
            members = [u for u in uids if area in (None, people[u][0])]
            value = json.loads(s.figures)["counts"].get("start")
            if isinstance(value, int):
                constraints.append((members, value, value))
            elif isinstance(value, dict):
                constraints.append((members, value["lo"], value["hi"]))
    out = []
    for bits in range(1 << len(uids)):
        guess = {u: bool(bits >> i & 1) for i, u in enumerate(uids)}
        if all(lo <= sum(guess[u] for u in members) <= hi for members, lo, hi in constraints):
            out.append(guess)
    return out


def test_1_a_funnel_step_is_a_distribution_not_each_leaders_step(world):
    """Kultur: all 6 took the start assessment; teknik: none of 5. Shown as numbers these tell
    every named leader's step. The attacker takes every count and band published and the org
    chart: no leader's step follows (brute force over every assignment)."""
    people = _steps_world(world, {"kultur": [True] * 6, "teknik": [False] * 5})
    pub = world.publish()
    possible = _consistent(people, world, [pub.id])
    truth = {u: flag for u, (_, flag) in people.items()}
    assert truth in possible
    for u in people:
        assert {g[u] for g in possible} == {True, False}, f"leader {u}'s step is known"
    kultur = json.loads(publications.shown(world.db, pub.id, "participation", ("Glostrup", "kultur")).figures)
    assert kultur["counts"]["start"] == {"lo": 2, "hi": 6}  # "at least 2", not "6 of 6"


# --- 2. the audit sees the figure's members ---------------------------------------------------------


def test_2_k_late_answerers_of_whom_one_has_a_value_give_no_value_away(world):
    """Ten leaders took both rounds, five of them with no value for one competence; then five
    more took both, only one of them with a value for it. The group grew by k (allowed), its
    members with a value by one: n x mean differences would give that leader's exact change
    (known to lie within the five late answerers)."""
    rng = random.Random(2)
    target = world.fw.competences[5].id
    change = {}
    for i in range(10):
        lacking = {target} if i < 5 else set()
        a = _submit(world, f"q{i}", "start", GROUP, _answers(rng, world.fw, lacking))
        b = _submit(world, f"q{i}", "end", GROUP, _answers(rng, world.fw, lacking))
        change[f"q{i}"] = (a, b)
    first = world.publish()
    for i in range(10, 15):
        lacking = set() if i == 10 else {target}
        a = _submit(world, f"q{i}", "start", GROUP, _answers(rng, world.fw, lacking))
        b = _submit(world, f"q{i}", "end", GROUP, _answers(rng, world.fw, lacking))
        change[f"q{i}"] = (a, b)
    second = world.publish()
    _, f1 = world.shown(first.id, "paired", GROUP)
    s2, f2 = world.shown(second.id, "paired", GROUP)
    assert f1["n"] == 10 and f1["competences"][target] is not None  # five with a value, five without: shown
    assert s2.status == "new" and f2["n"] == 15  # the group moved by k

    def score(m):
        return world.truth[m]["competences"][target]["score"]

    a, b = change["q10"]
    truth = score(b) - score(a)
    m1, m2 = f1["competences"][target], f2["competences"][target]
    if m2 is not None and m2 != m1:
        guess = 6 * m2 - 5 * m1  # the attacker knows (worst case) how many have a value
        assert abs(guess - truth) > 0.5, "one leader's change follows"
    assert m2 is None  # withheld: the mean's own members moved by one
    # the other competences, which every late answerer has, moved with the group
    other = world.fw.competences[0].id
    assert f2["competences"][other] is not None and f2["competences"][other] != f1["competences"][other]


# --- 3. the leader's own overlay ----------------------------------------------------------------------


def test_3_a_leader_and_a_colleague_inside_a_batch_of_k_learn_no_third_leaders_scores(world):
    """k = 3, c = 1. Four leaders, then three more (a batch of k: allowed for management). Lea
    and Mads are in the batch and share their own wheels; with the overlay's mean before and
    after, 7 x after - 4 x before - Lea - Mads would be the third newcomer's 16 scores."""
    organisation.set_min_group_size(world.db, 3, "admin")
    rng = random.Random(3)
    for i in range(4):
        _submit(world, f"o{i}", "start", GROUP, _answers(rng, world.fw))
    world.publish()
    before = profiles.cohort_overlays(world.db, "start", "", "")["all"]
    assert before.available and before.figures.n == 4  # k + c: shown to leaders
    lea = _submit(world, "lea", "start", GROUP, _answers(rng, world.fw))
    mads = _submit(world, "mads", "start", GROUP, _answers(rng, world.fw))
    third = _submit(world, "third", "start", GROUP, _answers(rng, world.fw))
    second = world.publish()
    assert publications.shown(world.db, second.id, "assessment", ("start", None, None, None)).n == 7  # management: new
    after = profiles.cohort_overlays(world.db, "start", "", "")["all"]
    assert after.available
    comps = [c.id for c in world.fw.competences]
    guess = [7 * after.figures.competences[c] - 4 * before.figures.competences[c]
             - world.truth[lea]["competences"][c]["score"] - world.truth[mads]["competences"][c]["score"] for c in comps]
    truth = [world.truth[third]["competences"][c]["score"] for c in comps]
    assert sum(abs(g - t) < 0.5 for g, t in zip(guess, truth)) < len(comps), "the third newcomer's scores follow"
    assert after.figures.n == 4 and after.shown.status == "held"  # the batch of k is under k + c for leaders
    # what reaches a leader's browser is rounded as shown: whole percent
    assert all(v == round(v) for v in after.figures.competences.values() if v is not None)


# --- 4. invented people ----------------------------------------------------------------------------------


@pytest.fixture
def domains(monkeypatch):
    monkeypatch.setenv("DIGLED_MAIL_DOMAINS", "albertslund.dk, glostrup.dk")
    return config.load_settings()


def _take(world: World, user_id: int, answers: dict) -> int:
    return _submit(world, pseudonyms.of_user(SECRET, user_id), "start", GROUP, answers)


def test_4_invented_leaders_and_a_management_account_give_the_administrator_nothing(world, domains, monkeypatch, tmp_path):
    """The administrator creates four leaders (their links shown on its screen, or e-mailed to
    addresses it reads) and a management account at an address it controls, answers as the four
    before the first publication, and would subtract: one real leader's total, 16 scores and
    7 purposes. Only the real leader counts; the management role waits for management."""
    monkeypatch.delenv("DIGLED_SMTP_HOST", raising=False)
    monkeypatch.setenv("DIGLED_OUTBOX", str(tmp_path / "outbox"))
    db, settings = world.db, domains
    fields = dict(zip(("municipality", "area", "level"), GROUP))
    auth.create_user(db, username="anne", name="Anne Krogh", email="anne@glostrup.dk", roles=["admin"], **fields)
    rng = random.Random(4)
    # the real leader, invited by e-mail to her municipal address, activates and answers
    vera = participants.add(db, {"name": "Vera Solo", "email": "vera@glostrup.dk", "roles": ["leader"], **fields}, "anne")
    token = invitations.create(db, vera)
    assert invitations.accept(db, token, "veras-password", "veras-password", domains=settings.mail_domains) is None
    real = _take(world, vera, _answers(rng, world.fw))
    # the invented ones: two with links shown on screen, two e-mailed to an address the administrator reads
    fakes = []
    for n in range(4):
        email = f"fake{n}@glostrup.dk" if n < 2 else f"fake{n}@example.dk"
        fake = participants.add(db, {"name": f"Fake {'ABCD'[n]}", "email": email, "roles": ["leader"], **fields}, "anne")
        [inv] = invitation_sending.invite(db, settings, [fake], "anne", send=n >= 2)
        link = inv.link or invitations.link(invitations.create(db, fake))  # what reached the outbox
        assert invitations.accept(db, link.split("token=")[1], "fake-password", "fake-password",
                                  domains=settings.mail_domains) is None
        _take(world, fake, _answers(rng, world.fw, value=4))
        fakes.append(fake)
    assert not any(identities.counted(db, f) for f in fakes) and identities.counted(db, vera)
    # the management account at the administrator's own address: asked for, not given
    puppet = participants.add(db, {"name": "Puppet Boss", "email": "anne.private@example.dk", "roles": ["management"],
                                   **fields}, "anne")
    roles = auth.get_user_by_id(db, puppet).roles
    assert "management" not in roles and identities.pending_for(db, puppet)
    assert not any(navigation.allowed(p, roles) for p in navigation.PAGES if p.roles == ("management",))

    pub = publications.make(db, world.fw, organisation.current(db), world.prog, "admin", actor="anne", settings=settings)
    whole = publications.shown(db, pub.id, "assessment", ("start", *GROUP))
    if whole.status != "hidden":  # the attacker's subtraction, judged against Vera's true scores
        f = json.loads(whole.figures)
        fake_scores = [world.truth[m] for m in world.truth if m != real]
        guess = f["n"] * f["total"] - sum(s["total"] for s in fake_scores)
        assert abs(guess - world.truth[real]["total"]) > 0.5
    assert whole.status == "hidden" and whole.reason == "small"  # only Vera counts: one leader
    assert pub.summary["identities"]["new"] == 1  # the publication says who began to count: Vera

    # the puppet's owner changes its password from an e-mailed reset: still no role; a fake
    # whose link was shown counts once its holder resets from the e-mailed link (its address!)
    reset = invitations.create(db, fakes[0], purpose="reset")
    assert invitations.accept(db, reset, "new-password", "new-password", domains=settings.mail_domains) is None
    assert identities.counted(db, fakes[0])  # an address in the domains whose mailbox received the link


def test_4_the_management_role_needs_management_or_the_operator(database, capsys):
    """Asked by an administrator, confirmed by a management user (never the account itself),
    or granted by the operator on the command line; every other management user is told."""
    from digled.cli import main

    auth.create_user(database, username="hr", name="Hanne HR", email="hr@glostrup.dk", roles=[])
    boss = auth.create_user(database, username="boss", name="Bo Boss", email="bo@glostrup.dk", roles=[])
    assert main(["grant-management", "hr"]) == 0  # the operator's grant: the first management user
    assert "hr (Hanne HR) has the management role" in capsys.readouterr().out
    rid = identities.request_management(database, boss, "anne")
    with pytest.raises(identities.RoleRequestError):
        identities.decide(database, rid, "anne", grant=True)  # an administrator cannot confirm
    with pytest.raises(identities.RoleRequestError):
        identities.decide(database, rid, "boss", grant=True)  # nor the account asked for
    identities.decide(database, rid, "hr", grant=True)
    assert "management" in auth.get_user_by_id(database, boss).roles
    actions = [(r["actor"], r["action"]) for r in reversed(
        list(database.query("SELECT actor, action FROM audit_log ORDER BY id")))]
    assert ("operator", "grant management role") in actions and ("hr", "grant management role") in actions
    assert main(["grant-management", "nobody"]) == 1


def test_4_a_leader_activated_outside_the_domains_counts_only_after_an_e_mailed_reset(database, domains):
    """Domains set: an address outside them never counts by itself; an e-mailed reset to an
    address inside them does; single sign-on does (the identity provider's word)."""
    uid = auth.create_user(database, username="ole", name="Ole", email="ole@glostrup.dk", roles=["leader"])
    token = invitations.create(database, uid, shown=True)  # the administrator saw this link
    assert invitations.accept(database, token, "p4ssword-ole", "p4ssword-ole", domains=domains.mail_domains) is None
    assert not identities.counted(database, uid)
    reset = invitations.create(database, uid, purpose="reset")
    assert invitations.accept(database, reset, "another-pass", "another-pass", domains=domains.mail_domains) is None
    assert identities.counted(database, uid)
    out = auth.create_user(database, username="x", name="X", email="x@example.dk", roles=["leader"])
    token = invitations.create(database, out)
    assert invitations.accept(database, token, "p4ssword-xx", "p4ssword-xx", domains=domains.mail_domains) is None
    assert not identities.counted(database, out)
    assert identities.domain_allowed("a@sub.glostrup.dk", domains.mail_domains)
    assert not identities.domain_allowed("a@glostrup.dk.example.com", domains.mail_domains)
    with pytest.raises(config.ConfigError):
        config.mail_domains("glostrup")
    with pytest.raises(config.ConfigError):
        config.coalition("0")


def test_the_attackers_row_space_is_exact():  # the tool the property tests lean on
    space = RowSpace([{1: 1, 2: 1}, {2: 1}])
    assert space.contains({1: 1}) and not space.contains({3: 1})
    assert np.isfinite(space.rank)
