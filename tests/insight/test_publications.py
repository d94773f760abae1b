"""Publications: when they are due, the administrator's rate limit, storage, and the first
publication of a database migrated from before publications existed."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pytest

from digled.accounts import organisation
from digled.assessment import scoring
from digled.content import loader, programme
from digled.insight import publications
from digled.platform import db as storage
from digled.platform import migrations

PROG = programme.programme()


def make(d, when, trigger="admin"):
    return publications.make(d, loader.framework(), organisation.current(d), PROG, trigger, now=when)


def test_first_then_weekly_then_when_a_window_closes(database):
    start = publications.at_date(programme.kickoff_date(database, PROG))
    assert publications.due(database, PROG, start) == "first"
    make(database, start, "first")
    assert publications.due(database, PROG, start + timedelta(days=1)) is None
    assert publications.due(database, PROG, start + timedelta(days=7)) == "schedule"
    closings = publications.window_closings(database, PROG)
    make(database, closings[0] - timedelta(days=1))
    assert publications.due(database, PROG, closings[0]) == "window_closed"


def test_the_period_is_validated_and_used(database):
    for bad in (0, 91, 2.5, "7", True):
        with pytest.raises(publications.InvalidPeriod):
            publications.set_period_days(database, bad, "admin")
    publications.set_period_days(database, 14, "admin")
    assert publications.period_days(database) == 14
    t0 = publications.at_date(programme.kickoff_date(database, PROG))
    make(database, t0)
    assert publications.due(database, PROG, t0 + timedelta(days=8)) is None
    assert publications.due(database, PROG, t0 + timedelta(days=14)) == "schedule"


def test_an_administrator_publishes_at_most_once_a_day(database):
    t0 = publications.at_date(programme.kickoff_date(database, PROG))
    fw, org = loader.framework(), organisation.current(database)
    first = publications.publish_by_admin(database, fw, org, PROG, "admin", now=t0)
    with pytest.raises(publications.PublishRefused) as e:
        publications.publish_by_admin(database, fw, org, PROG, "admin", now=t0 + timedelta(hours=23))
    assert e.value.next_at == t0 + timedelta(days=1)
    second = publications.publish_by_admin(database, fw, org, PROG, "admin", now=t0 + timedelta(days=1))
    assert [p.id for p in publications.listing(database)] == [second.id, first.id]
    assert database.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'publish'").fetchone()[0] == 2


def test_a_dry_run_stores_nothing(database):
    t0 = publications.at_date(programme.kickoff_date(database, PROG))
    plan = publications.make(database, loader.framework(), organisation.current(database), PROG, "first", now=t0, dry_run=True)
    assert plan.id is None and plan.shown
    assert database.execute("SELECT COUNT(*) FROM publications").fetchone()[0] == 0


def test_a_database_from_before_publications_migrates_and_publishes(tmp_path, framework):
    d = storage.connect(tmp_path / "old.db")
    migrations.migrate(d, 3)  # the schema before publications
    answers = {i.id: 3 for i in framework.items}
    scores = json.dumps(scoring.score(framework, answers))
    with storage.write(d):
        for i in range(12):
            d.execute(
                "INSERT INTO assessments (respondent, round, status, started, submitted, municipality, area, level, scores) "
                "VALUES (?, 'start', 'submitted', '2026-09-01', '2026-09-02', 'Albertslund', 'skole', 'mellemleder', ?)",
                [f"r{i}", scores])
    assert migrations.migrate(d) == migrations.SCHEMA_VERSION
    made = publications.publish_if_due(d, framework, organisation.current(d), PROG)
    assert made.trigger == "first"
    s = publications.shown(d, made.id, "assessment", ("start", None, None, None))
    assert s.status == "new" and s.n == 12
    assert publications.shown(d, made.id, "assessment", ("start", "Albertslund", "skole", None)).n == 12


def test_a_publication_made_meanwhile_is_decided_against(database, monkeypatch):
    t0 = publications.at_date(programme.kickoff_date(database, PROG))
    real, raced = publications.plan, []

    def racing(*args, **kwargs):
        result = real(*args, **kwargs)
        if not raced:  # another process stores a publication while this one is being decided
            raced.append(True)
            make(database, t0, "first")
        return result

    monkeypatch.setattr(publications, "plan", racing)
    mine = publications.make(database, loader.framework(), organisation.current(database), PROG, "admin", now=t0)
    assert [p.id for p in publications.listing(database)] == [mine.id, 1] and mine.id == 2
    # a due publication that someone else already made is not made twice
    raced.clear()
    other = publications.make(database, loader.framework(), organisation.current(database), PROG, "schedule", now=t0)
    assert other.id == 3 and len(publications.listing(database)) == 3


# --- issue 11: importance shares and the spread of paired changes ------------------------------


def test_importance_shares_are_shares_of_all_members_and_withheld_when_telling(framework):
    import pandas as pd

    from digled.insight import assessment_figures

    ids = [c.id for c in framework.competences]
    n = 12
    codes = np.full((n, len(ids)), assessment_figures.UNANSWERED, dtype=np.int8)
    codes[:, 0] = [0] * 5 + [1] * 5 + [2] + [3]  # 5 important, 5 less, 1 not relevant, 1 unanswered
    codes[:, 1] = [0] * 9 + [1] * 3  # all but 3 (< k = 5) important: a count is a distribution
    rows = pd.DataFrame({"member": range(n), **{c: np.full(n, 50.0) for c in assessment_figures.value_columns(framework)},
                         "total_level": np.full(n, 4.0)})
    f = assessment_figures.figures(rows, np.ones(n, dtype=bool), framework, 5, codes)
    # shares of all n members; a count under k, or leaving fewer than k, only as a band
    assert f.importance[ids[0]] == {"important": 5 / n * 100, "less": 5 / n * 100, "not_relevant": {"lo": 0, "hi": 4},
                                    "unanswered": {"lo": 0, "hi": 4}}
    assert f.importance[ids[1]] == {"important": {"lo": 8, "hi": 12}, "less": {"lo": 0, "hi": 4},
                                    "not_relevant": {"lo": 0, "hi": 4}, "unanswered": {"lo": 0, "hi": 4}}
    assert f.importance[ids[2]]["unanswered"] == {"lo": 8, "hi": 12}  # nobody answered: all in one value


def test_old_figures_and_changes_load_without_the_new_fields():
    from digled.insight import assessment_figures

    f = assessment_figures.Figures.from_json(json.dumps({"n": 6, "hidden": False, "total": 50.0}))
    assert f.importance == {} and f.n == 6
    c = assessment_figures.Change.from_json(json.dumps({"n": 6, "hidden": False, "competences": {"x": 1.0}, "total": 2.0}))
    assert c.intervals == {} and c.interval_total is None
    again = assessment_figures.Change.from_json(assessment_figures.Change(n=3, hidden=False, intervals={"x": [1.5, 2.5]}, interval_total=[0.1, 0.2]).to_json())
    assert again.intervals == {"x": [1.5, 2.5]} and again.interval_total == [0.1, 0.2]


def test_paired_change_has_the_interval_of_the_differences(framework):
    import pandas as pd

    from digled.insight import assessment_figures

    first = framework.competences[0].id
    cols = assessment_figures.value_columns(framework)
    rows = []
    # total: start 40/50/60, end 50/70/90 -> differences 10, 20, 30: mean 20, sd 10
    # first competence: differences 5, 5, 20: mean 10, sd sqrt((25 + 25 + 100) / 2) = sqrt(75)
    for i, (t0, t1, c0, c1) in enumerate([(40, 50, 10, 15), (50, 70, 20, 25), (60, 90, 30, 50)]):
        for rnd, member, total, c in (("start", 100 + i, t0, c0), ("end", 200 + i, t1, c1)):
            row = {col: np.nan for col in cols}
            row.update({"member": member, "respondent": f"r{i}", "round": rnd, "municipality": "M", "area": "A",
                        "level": "L", "total_level": 4.0, "total": float(total), f"c:{first}": float(c)})
            rows.append(row)
    df = pd.DataFrame(rows).set_index("member", drop=False)
    pairs = assessment_figures.paired(df)
    ch = assessment_figures.change(df, pairs, np.ones(len(pairs), dtype=bool), framework, 1)  # k = 1: 2k = 2 pairs suffice
    # total: mean 20, sd 10, n 3: t(0.975, 2) = 4.3027; half = 4.3027 * 10 / sqrt(3) = 24.84
    assert ch.n == 3 and ch.total == 20.0 and ch.interval_total == [-4.8, 44.8]
    # first competence: mean 10, sd sqrt(75): half = 4.3027 * 8.6603 / sqrt(3) = 21.51
    assert ch.competences[first] == 10.0 and ch.intervals[first] == [-11.5, 31.5]
    second = framework.competences[1].id
    assert ch.competences[second] is None and ch.intervals[second] is None  # no values
    assert assessment_figures.sample_sd(np.array([3.0, np.nan])) is None  # fewer than 2
    stored = json.loads(ch.to_json())
    assert "sd" not in stored and "counts" not in stored  # neither the spread nor a count per competence
    assert assessment_figures.change(df, pairs, np.ones(len(pairs), dtype=bool), framework, 3).intervals[first] is None  # under 2k


def test_importance_codes_prefer_the_frozen_snapshot(database, framework):
    from digled.insight import assessment_figures

    a, b = framework.competences[0].id, framework.competences[1].id
    with storage.write(database):
        for aid in (11, 12, 13):
            database.execute("INSERT INTO assessments (id, respondent, round, status, started) VALUES (?, ?, 'start', 'submitted', '')",
                             [aid, f"r{aid}"])
        database.execute("INSERT INTO importance VALUES (11, ?, 'less')", [a])  # edited after its snapshot
        database.execute("INSERT INTO published_importance VALUES (11, ?, 'important')", [a])
        database.execute("INSERT INTO published_importance VALUES (11, ?, 'unanswered')", [b])
        database.execute("INSERT INTO importance VALUES (12, ?, 'not_relevant')", [b])  # never published
    codes, frozen = assessment_figures.importance_codes(database, framework, [13, 12, 11])
    assert frozen.tolist() == [False, False, True]
    idx = assessment_figures.IMPORTANCE.index
    assert codes[2, 0] == idx("important") and codes[2, 1] == idx("unanswered")
    assert codes[1, 1] == idx("not_relevant") and codes[1, 0] == idx("unanswered")
    assert (codes[0] == idx("unanswered")).all()
