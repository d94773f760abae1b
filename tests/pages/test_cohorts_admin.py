"""The helpers of digled.accounts.programme_runs the administrator's page for runs uses: publications per run,
leaders in and not in the running run, the suggested name of the next run."""

from __future__ import annotations

from datetime import date

import pytest

from digled.accounts import auth, programme_runs
from digled.insight import publications
from digled.platform import db as storage


@pytest.fixture
def runs(database):
    """The migrated running run (id 1) and a closed run 'Digital ledelse 2025' (id 2). Leaders:
    Åse, bo and Carl (running), Cai (only in the closed run), Dan (inactive, closed run); Eva is
    management in no run."""
    d = database
    d.execute("UPDATE cohorts SET name = 'Digital ledelse 2026' WHERE id = 1")
    d.execute("INSERT INTO cohorts (id, name, opened_at, closed_at) VALUES "
              "(2, 'Digital ledelse 2025', '2025-01-01', '2025-12-01T10:00:00+00:00')")
    d.conn.commit()
    ids = {}
    for name, roles in (("Åse", ("leader",)), ("bo", ("leader",)), ("Carl", ("leader",)), ("Cai", ("leader",)), ("Dan", ("leader",)),
                        ("Eva", ("management",))):
        ids[name] = auth.create_user(d, username=name.lower(), name=name, municipality="Glostrup", area="skole",
                                     roles=roles)
    with storage.write(d):
        for name in ("Cai", "Dan"):  # leaders of the earlier run only
            d.execute("DELETE FROM cohort_members WHERE user_id = ?", [ids[name]])
            d.execute("INSERT INTO cohort_members (cohort_id, user_id) VALUES (2, ?)", [ids[name]])
        d.execute("UPDATE users SET active = 0 WHERE id = ?", [ids["Dan"]])
    return d, ids


def test_publication_count_counts_one_runs_publications(runs):
    d, _ = runs
    with storage.write(d):
        for cohort_id in (1, 2, 2, None):
            d.execute("INSERT INTO publications (made_at, trigger, cohort_id) VALUES ('2026-01-01', 'manual', ?)",
                      [cohort_id])
    assert publications.count(d, 1) == 1  # the one count the runs page and management read (issue 25)
    assert publications.count(d, 2) == 2
    assert publications.count(d, 3) == 0


def test_not_in_running_lists_active_leaders_outside_the_running_run(runs):
    d, ids = runs
    assert programme_runs.not_in_running(d) == [(ids["Cai"], "Cai", "Glostrup", "skole")]
    programme_runs.add_member(d, ids["Cai"])
    assert programme_runs.not_in_running(d) == []


def test_running_leaders_are_the_active_leaders_of_the_running_run_by_name(runs):
    d, ids = runs
    # by name regardless of case ("bo" before "Carl"); Å after the ASCII letters, as in Danish
    assert [p[1] for p in programme_runs.running_leaders(d)] == ["bo", "Carl", "Åse"]
    assert programme_runs.running_leaders(d)[0] == (ids["bo"], "bo", "Glostrup", "skole")
    with storage.write(d):
        d.execute("UPDATE users SET active = 0 WHERE id = ?", [ids["bo"]])
    assert [p[1] for p in programme_runs.running_leaders(d)] == ["Carl", "Åse"]


def test_suggested_name_is_the_year_after_the_kickoff_or_today_and_free(runs):
    d, _ = runs
    today = date(2026, 12, 1)
    assert programme_runs.suggested_name(d, today) == "Digital ledelse 2027"  # no kick-off set: the year after today
    storage.set_setting(d, "kickoff_date", "2027-01-11")
    assert programme_runs.suggested_name(d, today) == "Digital ledelse 2028"  # the running run starts in 2027
    storage.set_setting(d, "kickoff_date", "2015-11-16")
    assert programme_runs.suggested_name(d, today) == "Digital ledelse 2027"  # an old kick-off: after today
    with storage.write(d):
        d.execute("INSERT INTO cohorts (name, opened_at, closed_at) VALUES ('digital ledelse 2027', 'x', 'y')")
    assert programme_runs.suggested_name(d, today) == "Digital ledelse 2028"  # taken (any case): the next free year


def test_add_leaders_adds_only_leaders_outside_the_run_each_audited(demo_db):
    from digled.platform import audit

    lea, other = demo_db.execute("SELECT id FROM users WHERE roles = 'leader' ORDER BY id LIMIT 2").fetchall()
    admin = demo_db.execute("SELECT id FROM users WHERE username = 'admin'").fetchone()[0]
    programme_runs.close_and_open(demo_db, "Næste forløb i digital ledelse", date(2027, 1, 11), [lea[0]], "admin")
    # lea is a member already, the admin is no leader, 999999 does not exist: only `other` counts
    assert programme_runs.add_leaders(demo_db, [lea[0], other[0], other[0], admin, 999999], "admin") == 1
    assert programme_runs.is_member(demo_db, other[0]) and not programme_runs.is_member(demo_db, admin)
    rows = [r for r in audit.recent(demo_db, 5) if r["action"] == "add to cohort"]
    assert len(rows) == 1 and rows[0]["detail"].endswith(f"(user {other[0]}) -> Næste forløb i digital ledelse")
