"""digled.insight.participation: counts per step and the funnel, never a person.

The rules tested: the funnel's stages count a leader only when every earlier stage is passed too
(it never widens); a member is a leader in one state (user id high, steps as bits low; the
kick-off took the last bit so earlier member ids stay); counts show as the gate released them
(exact, a band, or withheld); only active, counted leaders of the running run take part; a stage
opens with its first activity.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from digled.accounts import auth
from digled.assessment import answering
from digled.content import programme
from digled.insight import anonymity, participation
from digled.platform.db import write

# --- moved from tests/pages/test_management_pages.py ---------------------------------------------


def _people(rows):
    cols = ["kickoff", "start", "film1", "kl1", "meeting1", "workshop1", "end"]
    return pd.DataFrame([dict(zip(cols, r), id=i + 1) for i, r in enumerate(rows)])


def test_the_funnel_counts_a_leader_only_through_every_earlier_stage():
    prog = programme.programme()
    people = _people([
        (1, 1, 1, 0, 1, 1, 1),  # A: every stage
        (0, 1, 1, 1, 1, 1, 1),  # B: missed the kick-off, so counts nowhere after it
        (1, 1, 0, 1, 0, 1, 0),  # C: kick-off, start, a KL film; no meeting
        (1, 0, 1, 1, 1, 1, 1),  # D: no start assessment
        (1, 1, 1, 1, 1, 0, 1),  # E: no workshop
    ])
    got = participation.funnel(people, prog)
    assert got == {"kickoff": 4, "start": 3, "films": 3, "meetings": 2, "workshops": 1, "end": 1}
    assert int(people["end"].sum()) == 4  # the step on its own would widen the funnel again
    values = list(got.values())
    assert values == sorted(values, reverse=True)
    # only some leaders of a group, and a programme step nobody has reached (no column at all)
    mask = np.array([True, False, True, False, False])
    assert participation.funnel(people[mask], prog) == {"kickoff": 2, "start": 2, "films": 2, "meetings": 1,
                                                         "workshops": 1, "end": 1}
    assert participation.funnel(people.drop(columns=["meeting1"]), prog)["meetings"] == 0


def test_the_funnel_is_released_with_the_counts_and_the_state_keeps_its_bits():
    prog = programme.programme()
    people = _people([(1, 1, 1, 0, 1, 1, 1), (0, 1, 0, 1, 0, 0, 0)])
    for step in ("invited", "activated"):
        people[step] = 1
    released = participation.counts(people, np.array([True, True]), prog)
    assert released["n"] == 2 and released["counts"]["kickoff"] == 1 and released["counts"]["start"] == 2
    assert released["funnel"] == {"kickoff": 1, "start": 1, "films": 1, "meetings": 1, "workshops": 1, "end": 1}
    # the kick-off came later: it takes the next bit, every earlier bit stays (a leader without
    # the kick-off keeps the member id earlier publications knew)
    assert participation.state_columns(prog) == [
        "invited", "activated", "start", "film1", "kl1", "kl2", "film2", "kl3", "meeting1", "film3", "kl4", "workshop1",
        "film4", "kl5", "meeting2", "service_check", "workshop2", "end", "handbook", "kickoff",
        "followup_3", "followup_6"]  # the follow-up rounds came later still (issue 23)
    ids = participation.member_ids(people, prog)
    assert participation.person_of(ids[0]) == 1 and participation.person_of(ids[1]) == 2
    # leader 2: invited (bit 0), activated (1), start (2), kl1 (4)
    assert int(ids[1]) & 0xFFFFFFFF == 0b10111


def test_stages_open_on_their_first_activity():
    prog = programme.programme()
    kickoff = date(2026, 1, 5)
    sched = {a.id: programme.Dates(kickoff + timedelta(days=a.opens), kickoff + timedelta(days=a.due)) for a in prog.activities}
    opens = participation.stage_opens(prog, sched)
    by_id = {a.id: a for a in prog.activities}
    assert opens["kickoff"] == kickoff and opens["start"] == kickoff
    assert opens["films"] == kickoff + timedelta(days=by_id["film1"].opens)  # film1 and kl1 open together
    assert opens["meetings"] == kickoff + timedelta(days=by_id["meeting1"].opens)
    assert opens["end"] == kickoff + timedelta(days=by_id["assessment_end"].opens)
    day_before_meetings = opens["meetings"] - timedelta(days=1)
    assert participation.open_stages(prog, sched, day_before_meetings) == {
        "kickoff": True, "start": True, "films": True, "meetings": False, "workshops": False, "end": False}
    assert all(participation.open_stages(prog, sched, opens["end"]).values())


# --- steps and members ---------------------------------------------------------------------------


def test_the_steps_follow_the_programme_from_invitation_to_the_handbook():
    prog = programme.programme()
    ids = [s.id for s in participation.steps(prog)]
    assert ids[:4] == ["invited", "activated", "kickoff", "start"] and ids[-2:] == ["end", "handbook"]
    counted = [a.id for a in prog.activities if a.kind in ("elearning", "kl_film", "meeting", "workshop", "service_check")]
    assert ids[4:-2] == counted  # in programme order
    assert len(ids) == len(set(ids))
    shown = [s.id for s in participation.shown_steps(prog)]
    assert shown == ids[2:]  # invited and activated are the group itself: its size stands for them


def test_a_member_is_a_leader_in_one_state():
    prog = programme.programme()
    people = _people([(0, 1, 0, 0, 0, 0, 0), (0, 1, 1, 0, 0, 0, 0)])
    before = participation.member_ids(people, prog)
    people.loc[0, "film1"] = 1  # leader 1 saw a film: a new member, the same person
    after = participation.member_ids(people, prog)
    assert before[0] != after[0] and before[1] == after[1]
    assert participation.person_of(after[0]) == participation.person_of(before[0]) == 1
    assert participation.member_ids(pd.DataFrame({"id": [7]}), prog)[0] == 7 << 32  # no step reached


def test_the_stages_are_passed_by_one_activity_of_their_kind_or_the_round_taken():
    prog = programme.programme()
    by_id = {s.id: s for s in participation.STAGES}
    assert participation.stage_columns(by_id["start"], prog) == ["start"]
    assert participation.stage_columns(by_id["end"], prog) == ["end"]
    films = participation.stage_columns(by_id["films"], prog)
    assert set(films) == {a.id for a in prog.activities if a.kind in ("elearning", "kl_film")}
    assert participation.stage_columns(by_id["meetings"], prog) == [a.id for a in prog.activities if a.kind == "meeting"]


def test_in_group_selects_a_municipality_and_area_with_none_for_all():
    people = pd.DataFrame({"municipality": ["Glostrup", "Glostrup", "Albertslund"], "area": ["skole", "dagtilbud", "skole"]})
    assert list(participation.in_group(people, (None, None))) == [True, True, True]
    assert list(participation.in_group(people, ("Glostrup", None))) == [True, True, False]
    assert list(participation.in_group(people, (None, "skole"))) == [True, False, True]
    assert list(participation.in_group(people, ("Albertslund", "dagtilbud"))) == [False, False, False]


# --- what the gate released ----------------------------------------------------------------------


def _five():
    people = _people([(1, 1, 1, 0, 1, 1, 1)] * 3 + [(1, 1, 0, 0, 0, 0, 0)] * 2)
    people["invited"] = 1
    people["activated"] = 1
    people["member"] = participation.member_ids(people, programme.programme())
    return people


def test_the_families_count_the_members_of_each_step_and_stage():
    prog = programme.programme()
    people = _five()
    fams = {f.id: f for f in participation.families(people, prog)}
    assert set(fams) == {f"step:{s.id}" for s in participation.shown_steps(prog)} | {
        f"stage:{s.id}" for s in participation.STAGES}
    assert all(f.rule == anonymity.COUNT for f in fams.values())
    members = people["member"].tolist()
    assert set(fams["step:film1"].members) == set(members[:3])
    assert set(fams["step:start"].members) == set(members)
    assert len(fams["step:kl2"].members) == 0  # a step nobody reached: no column, no member
    assert set(fams["stage:films"].members) == set(members[:3]) and set(fams["stage:end"].members) == set(members[:3])


def test_counts_show_what_the_gate_released_exact_band_or_withheld():
    prog = programme.programme()
    people = _five()
    released = {
        "step:start": anonymity.Figure(anonymity.EXACT),
        "step:film1": anonymity.Figure(anonymity.BAND, "small", (0, 4)),
        "stage:end": anonymity.Figure(anonymity.WITHHELD, "difference"),
    }
    out = participation.counts(people, np.ones(5, dtype=bool), prog, released)
    assert out["n"] == 5
    assert out["counts"]["start"] == 5
    assert out["counts"]["film1"] == {"lo": 0, "hi": 4}
    assert out["funnel"]["end"] is None
    assert out["counts"]["kl2"] == 0 and out["funnel"]["films"] == 3  # not in `released`: the count itself
    assert set(out["counts"]) == {s.id for s in participation.shown_steps(prog)}


def test_counts_of_part_of_the_leaders():
    out = participation.counts(_five(), np.array([False, False, False, True, True]), programme.programme())
    assert out["n"] == 2 and out["counts"]["start"] == 2 and out["counts"]["film1"] == 0
    assert out["funnel"] == {"kickoff": 2, "start": 2, "films": 0, "meetings": 0, "workshops": 0, "end": 0}


# --- from the database ---------------------------------------------------------------------------


def test_person_steps_has_one_row_per_counted_active_leader_of_the_running_run(demo_db):
    people = participation.person_steps(demo_db)
    expected = {r[0] for r in demo_db.execute(
        f"SELECT id FROM users WHERE active = 1 AND counted_at IS NOT NULL AND {auth.LEADER_SQL} "
        "AND id IN (SELECT user_id FROM cohort_members WHERE cohort_id = (SELECT id FROM cohorts WHERE closed_at IS NULL))")}
    assert set(people["id"]) == expected and len(people) == len(expected) > 0
    assert (people["invited"] == 1).all()
    started = {r[0] for r in demo_db.execute("SELECT user_id FROM participation WHERE round = 'start'")}
    assert set(people.loc[people["start"] == 1, "id"]) == started & expected
    one = int(people["id"].iloc[0])
    with write(demo_db):
        demo_db.execute("UPDATE users SET active = 0 WHERE id = ?", [one])
    assert one not in set(participation.person_steps(demo_db)["id"])


def test_a_stage_without_an_activity_never_opens():
    prog = programme.programme()
    no_meetings = replace(prog, activities=tuple(a for a in prog.activities if a.kind != "meeting"))
    sched = {a.id: programme.Dates(date(2026, 1, 5), date(2026, 1, 9)) for a in no_meetings.activities}
    assert participation.stage_opens(no_meetings, sched)["meetings"] is None
    assert participation.open_stages(no_meetings, sched, date(2030, 1, 1))["meetings"] is False
    assert participation.open_stages(no_meetings, sched, date(2026, 1, 4)) == {s.id: False for s in participation.STAGES}
    assert participation.stage_opens(no_meetings, sched)["films"] == date(2026, 1, 5)


def test_the_funnel_has_a_follow_up_stage_while_the_follow_ups_are_in_use(database):
    """Issue 23: off and untaken, no follow-up stage at all (the funnel as before); on, a stage
    after the end assessment that never widens, gated like the others (its own family), and a
    leader who takes a follow-up is a new member (the counts move only with members)."""
    prog = programme.programme()
    assert not participation.followup_in_use(database)
    people = participation.person_steps(database)
    assert "followup_3" not in people
    assert [s.id for s in participation.stages(False)] == [s.id for s in participation.STAGES]
    answering.set_followup_enabled(database, True, "admin")
    assert participation.followup_in_use(database)
    assert [s.id for s in participation.stages(True)][-2:] == ["end", "followup"]
    people = pd.DataFrame({"id": [1, 2, 3], "municipality": ["a"] * 3, "area": ["x"] * 3,
                           "start": [1, 1, 1], "end": [1, 1, 0], "followup_3": [1, 0, 1], "followup_6": [0, 0, 0]})
    for a in prog.activities:
        people[a.id] = 1
    for step in ("invited", "activated"):
        people[step] = 1
    out = participation.counts(people, np.ones(3, dtype=bool), prog)
    assert out["funnel"]["end"] == 2 and out["funnel"]["followup"] == 1  # leader 3 skipped the end: not through
    people["member"] = participation.member_ids(people, prog)
    fams = {f.id: f for f in participation.families(people, prog)}
    assert sorted(fams["stage:followup"].members) == [int(people["member"][0])]
    before = participation.member_ids(people.assign(followup_3=0), prog)
    assert int(before[0]) != int(people["member"][0]) and int(before[1]) == int(people["member"][1])
    opens = participation.stage_opens(prog, programme.schedule(database, prog))
    assert "followup" not in opens
    with_followup = participation.open_stages(prog, programme.schedule(database, prog), date(2029, 12, 31),
                                              date(2030, 1, 1))
    assert list(with_followup)[-1] == "followup" and with_followup["followup"] is False
