"""The evaluation report's content (issue 23): every figure as the stored publication holds it,
nothing for a group the reader may not see, and the sections of figure kinds a publication may
hold (effect, follow-up rounds) shown exactly when it holds them."""

from __future__ import annotations

import json

import pytest

from digled.accounts import organisation, programme_runs
from digled.content import programme
from digled.insight import audiences, publications
from digled.insight import evaluation_report as er
from digled.insight.assessment_figures import Change, Figures
from digled.platform import dates, numbers


def _build(db, framework, lang="en", **kw):
    return er.build(db, framework, organisation.current(db), programme.programme(db), lang, **kw)


@pytest.fixture
def published(demo_db, framework, settings):
    publications.make(demo_db, framework, organisation.current(demo_db), programme.programme(demo_db), "first",
                      settings=settings)
    return demo_db


def _section(report, sid):
    return next(s for s in report.sections if s.id == sid)


def _tables(section):
    return [b for b in section.blocks if isinstance(b, er.Table)]


def _cells(report) -> str:
    out = [report.title, report.subtitle]
    for s in report.sections:
        out.append(s.title)
        for b in s.blocks:
            if isinstance(b, er.Table):
                out += [b.caption, *b.headers, *(c for row in b.rows for c in row)]
            elif isinstance(b, er.Chart):
                out += [b.title, *(x.label for x in b.bars), *(x.shown for x in b.bars)]
            else:
                out.append(b)
    return "\n".join(out)


def test_no_report_before_the_first_publication(demo_db, framework):
    assert _build(demo_db, framework) is None


def test_every_figure_is_the_stored_publications(published, framework):
    report = _build(published, framework)
    pub = publications.latest(published)
    shown = {(s.kind, s.key): s for kind in ("assessment", "paired", "participation")
             for s in publications.shown_all(published, pub.id, kind)}
    start = Figures.from_json(shown[("assessment", ("start", None, None, None))].figures)
    end = Figures.from_json(shown[("assessment", ("end", None, None, None))].figures)
    change = Change.from_json(shown[("paired", (None, None, None))].figures)
    funnel = json.loads(shown[("participation", (None, None))].figures)["funnel"]

    areas = _tables(_section(report, "start_end"))[0].rows
    assert areas[0] == ["Total", f"{round(start.total)} %", f"{round(end.total)} %"]
    for row, area in zip(areas[1:], framework.areas):
        assert row[1:] == [f"{round(start.areas[area.id])} %", f"{round(end.areas[area.id])} %"]
    per_competence = _tables(_section(report, "start_end"))[1].rows
    for row, c in zip(per_competence, framework.competences):
        mean, ci = change.competences[c.id], change.intervals[c.id]
        assert row[2] == numbers.decimal(mean, "en", 1, sign=True)
        assert row[3] == (f"{numbers.decimal(ci[0], 'en', 1, sign=True)} to {numbers.decimal(ci[1], 'en', 1, sign=True)}"
                          if ci else "–")
    total_line = next(b for b in _section(report, "start_end").blocks if isinstance(b, str) and "both rounds" in b)
    assert numbers.decimal(change.total, "en", 1, sign=True) in total_line and str(change.n) in total_line
    steps = _tables(_section(report, "participation"))[0].rows
    for v, row in zip(funnel.values(), steps):  # a count as a number, a band in words, a withheld one as a dash
        assert row[1] == (str(v) if isinstance(v, int) else f"fewer than {v['hi'] + 1}" if isinstance(v, dict) and v["lo"] == 0
                          else f"at least {v['lo']}" if isinstance(v, dict) else "–")
    purposes = _tables(_section(report, "purposes"))[0].rows
    for row, p in zip(purposes, framework.purposes):
        assert row[1:] == [f"{round(start.purposes[p.id])} %", f"{round(end.purposes[p.id])} %"]


def test_a_hidden_group_gives_no_figure_and_its_reason_is_named(published, framework):
    report = _build(published, framework)
    pub = publications.latest(published)
    hidden = [s for s in publications.shown_all(published, pub.id, "paired") if s.status == "hidden"]
    assert hidden, "the demo has hidden start->end groups"
    org = organisation.current(published)
    by_group = _tables(_section(report, "start_end"))[-1].rows
    names = {r[0] for r in by_group}
    for s in hidden:
        fixed = [(i, v) for i, v in enumerate(s.key) if v is not None]
        if len(fixed) == 1:  # a municipality, area or level alone: it has no row
            kind = ("municipalities", "areas", "levels")[fixed[0][0]]
            assert getattr(org, kind)[fixed[0][1]]["en"] not in names
    counted = sum(int(r[2]) for r in _tables(_section(report, "hidden"))[0].rows)
    everything = sum(1 for kind in er.HIDDEN_KINDS for s in publications.shown_all(published, pub.id, kind)
                     if s.status == "hidden")
    assert counted == everything


def test_a_municipality_sees_its_own_groups_and_the_joint_ones_only(published, framework):
    mine = _build(published, framework, audience=audiences.Audience("Albertslund"))
    both = _build(published, framework)
    assert "Glostrup Municipality" in _cells(both)
    assert "Glostrup Municipality" not in _cells(mine)
    assert "Albertslund Municipality" in _cells(mine)
    # the joint figures are the same for both readers
    assert _tables(_section(mine, "start_end"))[0].rows == _tables(_section(both, "start_end"))[0].rows


def test_the_report_is_in_the_readers_language(published, framework):
    da = _cells(_build(published, framework, "da"))
    en = _cells(_build(published, framework, "en"))
    assert "Evaluering af forløbet i digital ledelse" in da and "Hvad blev skjult og hvorfor" in da
    assert "Evaluation of the programme in digital leadership" in en
    for english in ("How to read this report", "What was hidden and why", "Percentage points", "Workshops held"):
        assert english not in da


def test_effect_and_follow_up_sections_show_only_what_a_publication_holds(published, framework):
    pub = publications.latest(published)
    published.conn.execute(  # a publication without follow-up rounds (the demo's has them)
        "DELETE FROM released_groups WHERE publication_id = ? AND (kind IN ('followup', 'effect') OR grp LIKE '[\"followup%')",
        (pub.id,))
    published.conn.commit()
    report = _build(published, framework)
    assert {s.id for s in report.sections} >= {"method", "participation", "start_end", "purposes", "focus",
                                                 "workshops", "hidden"}
    assert not {"effect", "followup"} & {s.id for s in report.sections}
    follow = Figures(n=11, hidden=False, total=61.25, areas={a.id: 60.0 + i for i, a in enumerate(framework.areas)})
    effect = {"n": 9, "total": 12.34, "interval_total": [3.1, 21.6]}
    published.conn.executemany(
        "INSERT INTO released_groups (publication_id, kind, grp, status, reason, since, n, figures) VALUES (?, ?, ?, ?, '', ?, ?, ?)",
        [(pub.id, "assessment", json.dumps(["followup_3", None, None, None]), "new", pub.id, 11, follow.to_json()),
         (pub.id, "effect", json.dumps(["workshops", "both"]), "new", pub.id, 9, json.dumps(effect)),
         (pub.id, "effect", json.dumps(["workshops", "none"]), "hidden", None, None, None)])
    published.conn.commit()
    report = _build(published, framework)
    followup = _tables(_section(report, "followup"))[0]
    assert followup.headers[-1] == "3 months after" and followup.rows[1][-1] == "61 %"
    rows = _tables(_section(report, "effect"))[0].rows
    assert rows == [["Both workshops", "9", "+12.3", "+3.1 to +21.6"]]  # the hidden group gives nothing
    assert "association" in _section(report, "effect").blocks[0]


def test_workshops_held_are_dates_and_places(published, framework):
    tables = _tables(_section(_build(published, framework), "workshops"))
    rows = tables[0].rows if tables else []
    prog = programme.programme(published)
    schedule = programme.schedule(published, prog)
    pub = publications.latest(published)
    held = [a for a in prog.activities if a.kind == "workshop"
            and programme.event_day(a, schedule[a.id]) <= pub.made_at.date()]
    assert held, "the demo has held a workshop"
    assert [r[0] for r in rows] == [a.title["en"] for a in held]
    assert all(len(r) == 3 for r in rows)  # name, day and place: no people


def test_a_scoped_report_holds_no_joint_group_broken_down(published, framework):
    """A Glostrup account's pages never read all municipalities broken down by area (Glostrup's
    own area group subtracted from it gives Albertslund's); its report reads through the same door."""
    pub = publications.latest(published)
    area = next(iter(organisation.current(published).areas))
    published.conn.execute(
        "INSERT OR REPLACE INTO released_groups (publication_id, kind, grp, status, reason, since, n, figures) "
        "VALUES (?, 'paired', ?, 'new', '', ?, 12, ?)",
        (pub.id, json.dumps([None, area, None]), pub.id, Change(n=12, total=4.25).to_json()))
    published.conn.commit()
    name = organisation.current(published).areas[area]["en"]
    rows = lambda report: [r[0] for r in _tables(_section(report, "start_end"))[-1].rows]  # noqa: E731
    assert name in rows(_build(published, framework))
    assert name not in rows(_build(published, framework, audience=audiences.Audience("Glostrup")))


def test_the_effect_section_reads_the_gates_own_figures_in_danish(published, framework):
    """The demo's publication holds the effect kind as the gate stores it: its groups read by
    their translated labels, never by their ids."""
    report = _build(published, framework, lang="da")
    rows = _tables(_section(report, "effect"))[0].rows
    pub = publications.latest(published)
    shown = [s for s in publications.shown_all(published, pub.id, "effect") if s.status != "hidden" and s.figures]
    assert len(rows) == len(shown) >= 1
    assert rows[0][0] == "Alle ledere, der tog begge runder" and rows[0][1] == str(shown[0].n)
    assert not any(word in " ".join(r[0] for r in rows) for word in ("all", "workshops", "films", "dose"))


def _held(report):
    section = _section(report, "followup")
    return next(t for t in _tables(section) if t.headers[0] in ("Compared", "Sammenlignet"))


@pytest.fixture
def earlier(full_demo_db):
    """The demo's earlier run (both follow-ups taken and published): the database and its run id."""
    return full_demo_db, programme_runs.listing(full_demo_db)[1].id


def test_did_the_change_hold_reads_the_followup_kind_of_the_demo(earlier, framework):
    """The demo's earlier run took both follow-ups: the report shows end->follow-up and
    start->follow-up of all leaders exactly as the publication's "followup" kind holds them."""
    db, run = earlier
    pub = publications.latest(db, run)
    held = _held(_build(db, framework, cohort_id=run))
    assert held.headers == ["Compared", "Leaders who took both rounds", "Mean change of the total (percentage points)",
                            "95 % interval"]
    rows = {r[0]: r[1:] for r in held.rows}
    for pair, name in (("end>followup_3", "End to 3 months after"), ("start>followup_3", "Start to 3 months after"),
                       ("end>followup_6", "End to 6 months after"), ("start>followup_6", "Start to 6 months after")):
        ch = Change.from_json(publications.shown(db, pub.id, "followup", (pair, None, None, None)).figures)
        assert ch.n and ch.interval_total, "the demo's follow-up is shown with its interval"
        assert rows[name] == [str(ch.n), numbers.decimal(ch.total, "en", 1, sign=True),
                              f"{numbers.decimal(ch.interval_total[0], 'en', 1, sign=True)} to "
                              f"{numbers.decimal(ch.interval_total[1], 'en', 1, sign=True)}"]
    da = _held(_build(db, framework, lang="da", cohort_id=run))
    assert da.rows[0][0] == "Slut til 3 måneder efter" and "," in da.rows[0][2]


def test_did_the_change_hold_follows_the_readers_audience(earlier, framework):
    """A group a scoped reader may not see gives nothing; its own municipality's pairs it sees."""
    db, run = earlier
    pub = publications.latest(db, run)
    db.conn.executemany(
        "INSERT OR REPLACE INTO released_groups (publication_id, kind, grp, status, reason, since, n, figures) "
        "VALUES (?, 'followup', ?, 'new', '', ?, 12, ?)",
        [(pub.id, json.dumps(["end>followup_3", mun, None, None]), pub.id,
          Change(n=12, hidden=False, total=total, interval_total=[total - 2, total + 2]).to_json())
         for mun, total in (("Glostrup", 3.4), ("Albertslund", -4.6))])
    db.conn.commit()

    def municipal(report):
        return [r for t in _tables(_section(report, "followup")) if t.headers[0] == "Municipality" for r in t.rows]

    everyone = municipal(_build(db, framework, cohort_id=run))
    assert ["Glostrup Municipality", "End to 3 months after", "12", "+3.4", "+1.4 to +5.4"] in everyone
    assert ["Albertslund Municipality", "End to 3 months after", "12", "-4.6", "-6.6 to -2.6"] in everyone
    glostrup = municipal(_build(db, framework, audience=audiences.Audience("Glostrup"), cohort_id=run))
    assert {r[0] for r in glostrup} == {"Glostrup Municipality"}


def test_hidden_follow_up_changes_are_named_with_their_reason(published, framework):
    """The demo's 6-months pairs are hidden (too few so far): the last section counts them and
    names the whole group's rows by their pair."""
    pub = publications.latest(published)
    hidden = [s for s in publications.shown_all(published, pub.id, "followup") if s.status == "hidden"]
    assert hidden, "the demo has hidden follow-up changes"
    tables = _tables(_section(_build(published, framework), "hidden"))
    counted = sum(int(r[2]) for r in tables[0].rows if r[0] == "Did the change hold?")
    assert counted == len(hidden)
    coarse = [r[1] for r in tables[1].rows if r[0] == "Did the change hold?"]
    assert "End to 6 months after / All" in coarse and "Start to 6 months after / All" in coarse


def test_a_closed_runs_report_holds_its_own_workshops(full_demo_db, framework):
    """The demo's earlier run held both workshops; its report names them on that run's days (its
    archived kick-off), not on the running run's, which are later than its publication."""
    earlier = programme_runs.listing(full_demo_db)[1]
    prog = programme.programme(full_demo_db)
    report = _build(full_demo_db, framework, cohort_id=earlier.id)
    rows = _tables(_section(report, "workshops"))[0].rows
    schedule = programme_runs.schedule(full_demo_db, prog, earlier.id)
    expected = [[a.title["en"], dates.day(programme.event_day(a, schedule[a.id]), "en")]
                for a in prog.activities if a.kind == "workshop"]
    assert [r[:2] for r in rows] == expected and len(expected) == 2
    running = programme.schedule(full_demo_db, prog)
    assert all(programme.event_day(a, running[a.id]) > publications.latest(full_demo_db, earlier.id).made_at.date()
               for a in prog.activities if a.kind == "workshop")
