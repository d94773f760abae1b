"""The demo as shipped (issue 23): a running run mid-programme and, before it, a closed run that
went through the whole programme and both follow-up rounds, published, so that every management
view (effect by part, did the change hold, the evaluation report, two runs compared) shows
something. Judged against the demo's own rows and dates."""

from __future__ import annotations

import json
from datetime import date

from digled.accounts import organisation, programme_runs
from digled.assessment import answering
from digled.content import loader, programme
from digled.insight import participation, publications
from digled.insight.anonymity import Row
from digled.platform.db import get_setting
from tests import attacker


def _runs(db):
    running, *closed = programme_runs.listing(db)
    assert running.running and len(closed) == 1
    return running, closed[0]


def test_the_earlier_run_is_closed_before_the_running_one_began(full_demo_db):
    running, earlier = _runs(full_demo_db)
    assert earlier.name != running.name
    assert date.fromisoformat(earlier.kickoff) < date.fromisoformat(earlier.closed_at[:10])
    assert date.fromisoformat(earlier.opened_at[:10]) < date.fromisoformat(earlier.kickoff)
    # closed (and the running run opened) before the running run's kick-off, not today
    assert earlier.closed_at[:10] == running.opened_at[:10]
    assert date.fromisoformat(running.opened_at[:10]) < date.fromisoformat(running.kickoff) < date.today()
    # their leaders are not the same people
    members = {c.id: {r[0] for r in full_demo_db.execute("SELECT user_id FROM cohort_members WHERE cohort_id = ?", [c.id])}
               for c in (running, earlier)}
    assert members[running.id] and members[earlier.id] and not members[running.id] & members[earlier.id]


def test_every_follow_up_answer_lies_in_its_window_of_the_earlier_run(full_demo_db, settings):
    running, earlier = _runs(full_demo_db)
    prog = programme.programme(full_demo_db)
    schedule = programme_runs.schedule(full_demo_db, prog, earlier.id)
    windows = {w.round: w for w in answering.followup_windows(full_demo_db, prog, schedule)}
    assert set(windows) == set(answering.FOLLOWUP_ROUNDS)
    assert max(w.closes for w in windows.values()) < date.fromisoformat(earlier.closed_at[:10])
    rounds = dict(full_demo_db.execute("SELECT round, COUNT(*) FROM assessments WHERE cohort_id = ? GROUP BY round",
                                  [earlier.id]).fetchall())
    assert rounds["start"] > rounds["end"] > rounds["followup_3"] >= rounds["followup_6"] >= 20
    # the running run is mid-programme: no follow-up answer in it
    assert full_demo_db.execute("SELECT COUNT(*) FROM assessments WHERE cohort_id = ? AND round LIKE 'followup%'",
                           [running.id]).fetchone()[0] == 0
    for attempt_id, respondent in full_demo_db.execute(
            "SELECT id, respondent FROM assessments WHERE cohort_id = ? AND round LIKE 'followup%'", [earlier.id]):
        a = next(a for a in answering.history(full_demo_db, respondent, settings.pseudonym_secret) if a.id == attempt_id)
        w = windows[a.round]
        assert w.opens <= date.fromisoformat(a.submitted[:10]) <= w.closes, (a.round, a.submitted)


def test_the_earlier_run_publishes_every_view_with_something_shown(full_demo_db):
    _, earlier = _runs(full_demo_db)
    pub = publications.latest(full_demo_db, earlier.id)
    assert pub is not None and pub.made_at.date() <= date.fromisoformat(earlier.closed_at[:10])
    # its leaders were counted (invited by e-mail) before it was published: all of them begin to count in it
    assert pub.summary["identities"]["new"] == earlier.members

    def shown(kind):
        return [s for s in publications.shown_all(full_demo_db, pub.id, kind) if s.status == "new"]

    followups = {s.key[0] for s in shown("followup") if s.key[1:] == (None, None, None)}
    assert followups == {"end>followup_3", "start>followup_3", "end>followup_6", "start>followup_6"}
    effect = {s.key for s in shown("effect")}
    assert ("all", None) in effect
    for dimension in ("films", "meetings", "workshops", "service", "dose"):  # each part compares something
        assert any(k[0] == dimension for k in effect), dimension
    assert {s.key[0] for s in shown("assessment") if s.key[1:] == (None, None, None)} == set(answering.RUN_ROUNDS)
    # each municipality's own view: its follow-up figures
    assert {s.key[1] for s in shown("assessment") if s.key[0] == "followup_3" and s.key[2:] == (None, None)} \
        >= {"Albertslund", "Glostrup"}


def test_the_closed_runs_funnel_is_judged_by_its_own_days(full_demo_db):
    running, earlier = _runs(full_demo_db)
    prog = programme.programme(full_demo_db)
    closed = participation.run_open_stages(full_demo_db, prog, earlier.id)
    assert all(closed.values()), closed  # everything had opened by the day it closed, the follow-up too
    now = participation.run_open_stages(full_demo_db, prog)
    assert not now[participation.FOLLOWUP_STAGE.id]  # mid-programme: the follow-up has not opened
    assert not all(now.values())
    # the running run's schedule is not the closed one's
    assert programme_runs.schedule(full_demo_db, prog, earlier.id) != programme_runs.schedule(full_demo_db, prog, running.id)
    assert programme_runs.schedule(full_demo_db, prog, running.id) == programme.schedule(full_demo_db, prog)


def test_the_earlier_runs_frozen_k_went_with_it(full_demo_db):
    """Each round's k was frozen in the earlier run when it had answers; closing it kept those in
    its archive and cleared them, so the running run freezes its own (its follow-ups' too)."""
    _, earlier = _runs(full_demo_db)
    kept = programme_runs.archive(full_demo_db, earlier.id)["settings"]
    assert {f"round_k:{r}" for r in answering.RUN_ROUNDS} <= set(kept)
    assert get_setting(full_demo_db, "round_k:followup_3") is None and get_setting(full_demo_db, "round_k:followup_6") is None


def test_the_running_runs_figures_are_not_withheld_for_the_earlier_runs(full_demo_db, settings):
    """A new run's first publication shows its importance shares (the focus list) and its funnel
    counts as a run without a history would: the earlier run's releases are over other members."""
    db = full_demo_db
    plan = publications.make(db, loader.framework(), organisation.current(db), programme.programme(db), "first",
                             settings=settings)
    start = json.loads(publications.shown(db, plan.id, "assessment", ("start", None, None, None)).figures)
    shares = [v for marks in start["importance"].values() for v in (marks["important"], marks["less"])]
    assert all(isinstance(v, float) for v in shares), start["importance"]
    funnel = json.loads(publications.shown(db, plan.id, "participation", (None, None)).figures)["funnel"]
    assert all(isinstance(v, int) or isinstance(v, dict) for v in funnel.values())  # a number or a band, never held back
    assert any(isinstance(v, int) and v > 0 for v in funnel.values())


def test_an_attacker_with_both_runs_publications_singles_out_nobody(full_demo_db, settings):
    """Judged against every row both runs released (exact linear algebra, tests/attacker.py):
    no leader's attempt, and no leader's programme state, is isolated."""
    db = full_demo_db
    publications.make(db, loader.framework(), organisation.current(db), programme.programme(db), "first",
                      settings=settings)
    rows = publications._history(db)  # every released set of every publication, both runs
    assert {s.publication for s in rows} >= {1, 2}
    respondent = dict(db.execute("SELECT id, respondent FROM assessments").fetchall())
    for kinds, person in ((("assessment", "overlay"), respondent.get), (("participation",), participation.person_of)):
        released = [s.row for s in rows if s.kind in kinds and isinstance(s.row, Row)]
        assert released and attacker.exposed(released, person, 5) == [], kinds
