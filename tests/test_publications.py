"""Publications: when they are due, the administrator's rate limit, storage, and the first
publication of a database migrated from before publications existed."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from digled import content, db as storage, organisation, programme, publications, scoring

PROG = programme.programme()


def make(d, when, trigger="admin"):
    return publications.make(d, content.framework(), organisation.current(d), PROG, trigger, now=when)


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
    fw, org = content.framework(), organisation.current(database)
    first = publications.publish_by_admin(database, fw, org, PROG, "admin", now=t0)
    with pytest.raises(publications.PublishRefused) as e:
        publications.publish_by_admin(database, fw, org, PROG, "admin", now=t0 + timedelta(hours=23))
    assert e.value.next_at == t0 + timedelta(days=1)
    second = publications.publish_by_admin(database, fw, org, PROG, "admin", now=t0 + timedelta(days=1))
    assert [p.id for p in publications.listing(database)] == [second.id, first.id]
    assert database.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'publish'").fetchone()[0] == 2


def test_a_dry_run_stores_nothing(database):
    t0 = publications.at_date(programme.kickoff_date(database, PROG))
    plan = publications.make(database, content.framework(), organisation.current(database), PROG, "first", now=t0, dry_run=True)
    assert plan.id is None and plan.shown
    assert database.execute("SELECT COUNT(*) FROM publications").fetchone()[0] == 0


def test_a_database_from_before_publications_migrates_and_publishes(tmp_path, framework):
    d = storage.connect(tmp_path / "old.db")
    storage.migrate(d, 3)  # the schema before publications
    answers = {i.id: 3 for i in framework.items}
    scores = json.dumps(scoring.score(framework, answers))
    with storage.write(d):
        for i in range(12):
            d.execute(
                "INSERT INTO assessments (respondent, round, status, started, submitted, municipality, area, level, scores) "
                "VALUES (?, 'start', 'submitted', '2026-09-01', '2026-09-02', 'Albertslund', 'skole', 'mellemleder', ?)",
                [f"r{i}", scores])
    assert storage.migrate(d) == storage.SCHEMA_VERSION
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
    mine = publications.make(database, content.framework(), organisation.current(database), PROG, "admin", now=t0)
    assert [p.id for p in publications.listing(database)] == [mine.id, 1] and mine.id == 2
    # a due publication that someone else already made is not made twice
    raced.clear()
    other = publications.make(database, content.framework(), organisation.current(database), PROG, "schedule", now=t0)
    assert other.id == 3 and len(publications.listing(database)) == 3


def test_a_due_publication_is_made_in_the_background_once(tmp_path, framework):
    path = str(tmp_path / "bg.db")
    d = storage.open_and_migrate(path)
    make(d, publications.now_utc() - timedelta(days=8), "first")
    org = organisation.current(d)
    thread = publications.publish_in_background(path, framework, org, PROG)
    assert thread is not None and publications.running_in_background(path)
    assert publications.publish_in_background(path, framework, org, PROG) is None  # one at a time
    thread.join(timeout=60)
    assert not publications.running_in_background(path)
    assert [p.trigger for p in publications.listing(d)] == ["schedule", "first"]
