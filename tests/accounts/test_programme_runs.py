"""Cohorts (issue 12): an existing database migrates into its first cohort without loss; closing
a run keeps its state and opens the next; a leader in both keeps one wheel history; figures and
publications belong to one cohort; and comparing two cohorts' releases reveals no one."""

from __future__ import annotations

import json
from datetime import UTC, date, timedelta

import pytest

from digled.accounts import auth, organisation, programme_runs
from digled.assessment import answering
from digled.content import programme
from digled.insight import assessment_figures, publications
from digled.platform import db as storage
from digled.platform import migrations, pseudonyms
from tests import attacker
from tests.conftest import SECRET
from tests.insight.test_attacks_management import AREAS, LEVELS, MUNIS, World

# names of the runs a test opens after the demo's (whose name follows its kick-off year, so the
# day the suite runs on: issue 26)
NEXT, AFTER = "Næste forløb i digital ledelse", "Forløbet derefter i digital ledelse"
RUN_TABLES = ("progress", "participation", "workshop_tables", "bookings", "service_slots", "reminders_sent")


def _counts(d) -> dict[str, int]:
    tables = [r[0] for r in d.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {t: d.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0] for t in tables}


def _publish(db, framework):
    return publications.make(db, framework, organisation.current(db), programme.programme(db), "admin", actor="admin")


def _user(db, username: str) -> int:
    return db.execute("SELECT id FROM users WHERE username = ?", [username]).fetchone()[0]


# --- migration -------------------------------------------------------------------------------------


def test_an_existing_database_migrates_into_its_first_cohort_without_loss(demo_db, framework, tmp_path):
    """The demo database (published once) at schema 10, as it was before cohorts, migrated to 11."""
    with storage.write(demo_db):  # schema 10 knew no follow-up round (step 14 added them)
        demo_db.execute("DELETE FROM assessments WHERE round LIKE 'followup%'")
    _publish(demo_db, framework)
    path = tmp_path / "v10.db"
    v10 = storage.connect(path)
    migrations.migrate(v10, target=10)
    v10.execute("PRAGMA foreign_keys = OFF")  # copied table by table, in any order
    # copy every v10 table's rows of the demo database into it
    for table in _counts(v10):
        cols = [c[1] for c in v10.execute(f"PRAGMA table_info([{table}])")]
        rows = demo_db.execute(f"SELECT {', '.join(cols)} FROM [{table}]").fetchall()
        with storage.write(v10):
            v10.conn.executemany(f"INSERT INTO [{table}] ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
    with storage.write(v10):
        v10.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('cohort_name', 'Digital ledelse Vest 2026')")
    before = _counts(v10)
    rounds = dict(v10.execute("SELECT round, COUNT(*) FROM assessments GROUP BY round").fetchall())
    assert rounds["start"] > 20 and rounds["end"] > 5 and before["publications"] >= 1
    assert migrations.migrate(v10) == migrations.SCHEMA_VERSION

    after = _counts(v10)
    assert {t: n for t, n in after.items() if t in before} == before  # nothing lost, nothing added
    (first,) = programme_runs.listing(v10)
    assert first.name == "Digital ledelse Vest 2026" and first.running and first.id == programme_runs.running_id(v10)
    leaders = len(auth.leader_ids(v10))
    assert first.members == leaders > 20
    assert v10.execute("SELECT COUNT(*) FROM assessments WHERE round IN ('start', 'end') AND cohort_id = ?",
                       [first.id]).fetchone()[0] == rounds["start"] + rounds["end"]
    assert v10.execute("SELECT COUNT(*) FROM assessments WHERE round = 'extra' AND cohort_id IS NOT NULL").fetchone()[0] == 0
    assert v10.execute("SELECT COUNT(*) FROM publications WHERE cohort_id = ?", [first.id]).fetchone()[0] == before["publications"]
    assert v10.execute("PRAGMA foreign_key_check").fetchall() == []
    v10.close()


def test_without_a_run_name_the_first_cohort_is_named_by_the_kickoff_year(tmp_path):
    d = storage.connect(tmp_path / "x.db")
    migrations.migrate(d, target=10)
    with storage.write(d):
        d.execute("INSERT INTO settings (key, value) VALUES ('kickoff_date', '2027-01-11')")
    migrations.migrate(d)
    assert programme_runs.running(d).name == "Digital ledelse 2027"
    d.close()
    empty = migrations.open_and_migrate(tmp_path / "y.db")
    assert programme_runs.running(empty).name == f"Digital ledelse {date.today().year}"
    empty.close()


def test_only_one_cohort_can_run(database):
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError):
        with storage.write(database):
            database.execute("INSERT INTO cohorts (name, opened_at) VALUES ('Another', '2027-01-01')")


# --- closing a run and opening the next ------------------------------------------------------------


def test_closing_keeps_the_run_and_opens_the_next_with_the_continuing_leaders(demo_db):
    old = programme_runs.running(demo_db)
    lea = _user(demo_db, "leder")
    other = demo_db.execute("SELECT id FROM users WHERE roles = 'leader' AND username != 'leder' LIMIT 1").fetchone()[0]
    kept = {t: [dict(r) for r in demo_db.query(f"SELECT * FROM {t}")] for t in RUN_TABLES}
    groups = demo_db.execute("SELECT COUNT(*) FROM leader_groups").fetchone()[0]
    kickoff = demo_db.execute("SELECT value FROM settings WHERE key = 'kickoff_date'").fetchone()[0]
    assert kept["progress"] and kept["participation"] and groups
    new = programme_runs.close_and_open(demo_db, NEXT, date(2027, 1, 11), [lea], "admin")

    assert new.running and new.name == NEXT and new.kickoff == "2027-01-11" and new.members == 1
    closed = programme_runs.get(demo_db, old.id)
    assert not closed.running and closed.kickoff == kickoff
    archive = programme_runs.archive(demo_db, old.id)
    assert {t: archive["tables"][t] for t in RUN_TABLES} == json.loads(json.dumps(kept, default=str))
    assert len(archive["leader_groups"]) == groups and lea in archive["members"] and other in archive["members"]
    for table in RUN_TABLES:
        assert demo_db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    assert demo_db.execute("SELECT COUNT(*) FROM leader_groups").fetchone()[0] == 0
    # the chairs' summaries (issue 23) are kept with the closed run, and gone from the next
    assert len(archive["group_summaries"]) == 3
    assert demo_db.execute("SELECT COUNT(*) FROM group_summaries").fetchone()[0] == 0
    assert demo_db.execute("SELECT value FROM settings WHERE key = 'kickoff_date'").fetchone()[0] == "2027-01-11"
    assert demo_db.execute("SELECT COUNT(*) FROM settings WHERE key LIKE 'round_k:%'").fetchone()[0] == 0
    assert programme_runs.is_member(demo_db, lea) and not programme_runs.is_member(demo_db, other)
    assert [c.name for c in programme_runs.of_user(demo_db, lea)] == [old.name, NEXT]
    assert "close cohort" in [r[0] for r in demo_db.execute("SELECT action FROM audit_log")]
    # a leader added now takes part in the new run
    with storage.write(demo_db):
        new_id = demo_db.execute("INSERT INTO users (username, name, roles) VALUES ('ny', 'Ny Leder', 'leader')").lastrowid
    assert programme_runs.is_member(demo_db, new_id)


@pytest.mark.parametrize("name, message", [
    ("", "Name the run"), ("=SUM(A1)", "must not start with"), ("x" * 81, "too long"),
])
def test_a_bad_name_refuses_and_changes_nothing(demo_db, name, message):
    before = _counts(demo_db)
    with pytest.raises(programme_runs.CohortError) as e:
        programme_runs.close_and_open(demo_db, name, date(2027, 1, 11), [], "admin")
    assert message in str(e.value)
    assert _counts(demo_db) == before


def test_the_name_of_an_earlier_run_and_non_leaders_are_refused(demo_db):
    first = programme_runs.running(demo_db).name
    programme_runs.close_and_open(demo_db, NEXT, date(2027, 1, 11), [], "admin")
    with pytest.raises(programme_runs.CohortError, match="already called"):
        programme_runs.close_and_open(demo_db, first.upper(), date(2028, 1, 10), [], "admin")
    admin = _user(demo_db, "admin")
    with pytest.raises(programme_runs.CohortError, match="Only leaders"):
        programme_runs.close_and_open(demo_db, AFTER, date(2028, 1, 10), [admin], "admin")
    assert programme_runs.running(demo_db).name == NEXT


def test_a_draft_open_at_closing_becomes_the_leaders_own_extra_retake(demo_db):
    lea = _user(demo_db, "leder")
    respondent = pseudonyms.of_user(SECRET, lea)
    answering.discard_draft(demo_db, respondent)
    d = answering.start(demo_db, respondent, "end", secret=SECRET)
    assert demo_db.execute("SELECT cohort_id FROM assessments WHERE id = ?", [d.id]).fetchone()[0] == programme_runs.running_id(demo_db)
    programme_runs.close_and_open(demo_db, NEXT, date(2027, 1, 11), [lea], "admin")
    row = demo_db.execute("SELECT round, cohort_id, status FROM assessments WHERE id = ?", [d.id]).fetchone()
    assert tuple(row) == ("extra", None, "draft")


# --- one leader, two runs: one history; figures of one run ----------------------------------------


def _leader_with_history(db) -> tuple[int, str]:
    for (uid,) in db.execute("SELECT id FROM users WHERE roles = 'leader' ORDER BY id"):
        respondent = pseudonyms.of_user(SECRET, uid)
        if answering.history(db, respondent, SECRET):
            return uid, respondent
    raise AssertionError("no demo leader with a submitted attempt")


def test_a_leader_in_two_runs_keeps_one_history_and_each_run_counts_its_own(demo_db, framework):
    lea, respondent = _leader_with_history(demo_db)
    first = programme_runs.running_id(demo_db)
    earlier = answering.history(demo_db, respondent, SECRET)
    old_frame = assessment_figures.frame(demo_db, framework)
    assert len(earlier) >= 1 and len(old_frame) > 20
    _publish(demo_db, framework)

    programme_runs.close_and_open(demo_db, NEXT, date(2027, 1, 11), [lea], "admin")
    assert assessment_figures.frame(demo_db, framework).empty  # the new run has no answers yet
    assert list(assessment_figures.frame(demo_db, framework, first)["member"]) == list(old_frame["member"])
    assert publications.latest(demo_db) is None and publications.latest(demo_db, first) is not None

    answering.discard_draft(demo_db, respondent)
    d = answering.start(demo_db, respondent, "start", secret=SECRET)
    answers = {i.id: 4 for i in framework.items} | {p.id: 4 for p in framework.purposes}
    for item, value in answers.items():
        answering.save_answer(demo_db, framework, d.id, item, value)
    answering.submit(demo_db, framework, d.id, secret=SECRET)
    history = answering.history(demo_db, respondent, SECRET)
    assert [a.id for a in history[:-1]] == [a.id for a in earlier] and history[-1].id == d.id
    assert list(assessment_figures.frame(demo_db, framework)["member"]) == [d.id]
    # the new run's first publication: its one answer stays hidden and nothing of the old run is in
    # it, so nothing is released: no publication is stored (issue 25: not one of hidden groups)
    plan = _publish(demo_db, framework)
    assert plan.id is None and plan.releases_nothing
    everyone = next(s for s in plan.shown if s.kind == "assessment" and s.key == ("start", None, None, None))
    assert everyone.status == "hidden" and everyone.n is None
    assert publications.latest(demo_db) is None and publications.listing(demo_db) == []
    assert publications.count(demo_db) == 0 and publications.count(demo_db, first) >= 1
    assert publications.due(demo_db, programme.programme(demo_db)) is None  # not tried again until something changes


def test_k_is_frozen_per_run(demo_db):
    frozen = organisation.round_k(demo_db, "start")
    organisation.set_min_group_size(demo_db, frozen + 2, "admin")
    assert organisation.round_k(demo_db, "start") == frozen  # the demo run has answers: frozen
    programme_runs.close_and_open(demo_db, NEXT, date(2027, 1, 11), [], "admin")
    assert organisation.round_k(demo_db, "start") == frozen + 2  # the next run: today's k


# --- the attacker: management compares two runs -------------------------------------------------


def test_comparing_two_runs_reveals_no_leader_and_no_ones_change(database, framework):
    """30 leaders in the first run (start, most also end), published as often as allowed; the run
    is closed; 15 continue with 12 new leaders, and the second run is published as often. The
    attacker reads every release of both runs, knows which attempts each covers and who is who:
    no attempt's value, and no leader's change between their attempts, is in their row space."""
    world = World(database, framework)
    people = [(f"p{i}", MUNIS[i % 2], AREAS[i % 4], LEVELS[i % 3]) for i in range(30)]
    for i, p in enumerate(people):
        world.submit(p[0], "start", *p[1:])
        if i % 5 == 4:
            world.publish()
    for i, p in enumerate(people):
        if i % 4:
            world.submit(p[0], "end", *p[1:])
        if i % 6 == 5:
            world.publish()
    first_rows = len(world.released_rows())
    programme_runs.close_and_open(database, NEXT, world.when.date() + timedelta(days=60), [], "admin")
    second = people[:15] + [(f"n{i}", MUNIS[i % 2], AREAS[i % 4], LEVELS[i % 3]) for i in range(12)]
    for i, p in enumerate(second):
        world.submit(p[0], "start", *p[1:])
        if i % 3 == 2:
            world.publish()
    assert first_rows > 5 and len(world.released_rows()) > first_rows  # both runs released groups
    firsts = {r[0] for r in database.execute("SELECT id FROM publications WHERE cohort_id = 1")}
    sets = {pid: publications._unpack(b) for pid, b in database.execute(
        "SELECT publication_id, members FROM released_sets WHERE kind = 'assessment'")}
    old = set().union(*(s.plus for pid, s in sets.items() if pid in firsts))
    new = set().union(*(s.plus for pid, s in sets.items() if pid not in firsts))
    assert old and new and not old & new  # each attempt in one run's figures only
    assert attacker.exposed(world.released_rows(), world.respondent_of(), 5) == []


def test_the_leaders_history_names_the_run_of_each_attempt_once_there_are_two(demo_db, framework):
    from tests.apptest import app_as

    lea, respondent = _leader_with_history(demo_db)
    username = demo_db.execute("SELECT username FROM users WHERE id = ?", [lea]).fetchone()[0]
    first = programme_runs.running(demo_db).name
    at = app_as(username).run()
    at.switch_page("pages/my_results.py").run()
    assert not at.exception
    assert not any(first in o for o in at.selectbox(key="attempt").options)  # one run: no run names
    programme_runs.close_and_open(demo_db, NEXT, date(2027, 1, 11), [lea], "admin")
    answering.discard_draft(demo_db, respondent)
    d = answering.start(demo_db, respondent, "start", secret=SECRET)
    for item in [i.id for i in framework.items] + [p.id for p in framework.purposes]:
        answering.save_answer(demo_db, framework, d.id, item, 3)
    answering.submit(demo_db, framework, d.id, secret=SECRET)
    at = app_as(username).run()
    at.switch_page("pages/my_results.py").run()
    assert not at.exception
    options = at.selectbox(key="attempt").options
    assert options[-1].startswith(NEXT + " · Start") and options[0].startswith(first + " · ")


def test_a_leader_outside_the_running_run_keeps_their_wheel_but_not_its_programme(demo_db):
    from datetime import datetime

    from digled.programme import service
    from tests.apptest import app_as

    lea = _user(demo_db, "leder")
    programme_runs.close_and_open(demo_db, NEXT, date(2027, 1, 11), [], "admin")
    at = app_as("leder", lang="da").run()
    assert not at.exception
    assert any("Du er ikke deltager i det igangværende forløb, " + NEXT in i.value for i in at.info)
    at.switch_page("pages/assessment.py").run()
    assert not at.exception
    assert "Dette er en ekstra afklaring" in " ".join(i.value for i in at.info)  # never the run's start
    slot = service.create_slot(demo_db, "admin", datetime(2027, 2, 1, 9, 0, tzinfo=UTC), 30, 2, "")
    with pytest.raises(service.ServiceError, match="participants of the running run"):
        service.book(demo_db, lea, slot, now=datetime(2027, 1, 20, tzinfo=UTC))
    programme_runs.add_member(demo_db, lea)  # added to the run: the programme is theirs again
    at = app_as("leder", lang="da").run()
    assert not any("ikke deltager" in i.value for i in at.info)


def test_the_wizards_run_name_is_the_running_runs_name(database):
    from digled.programme import first_run

    assert first_run.cohort_name(database) is None  # not named by an administrator yet
    first_run.set_cohort_name(database, "admin", "Digital ledelse Vest")
    assert programme_runs.running(database).name == first_run.cohort_name(database) == "Digital ledelse Vest"
    programme_runs.rename(database, programme_runs.running_id(database), "Digital ledelse Vest 2027", "admin")
    assert first_run.cohort_name(database) == "Digital ledelse Vest 2027"  # one name, never a stale copy
    programme_runs.close_and_open(database, "Digital ledelse 2028", date(2028, 1, 10), [], "admin")
    assert first_run.cohort_name(database) == "Digital ledelse 2028"


def test_the_cli_says_a_new_run_has_nothing_to_publish_yet(demo_db, framework, capsys):
    """Issue 25: after closing a run, `publish` stores no publication of hidden groups and says so."""
    from digled import cli

    _publish(demo_db, framework)
    programme_runs.close_and_open(demo_db, NEXT, date(2027, 1, 11), [], "admin")
    assert cli.main(["publish"]) == 0
    assert "nothing stored: the new run has nothing to show yet" in capsys.readouterr().out
    assert publications.count(demo_db) == 0
    assert cli.main(["publish"]) == 0  # not tried again until something changes
    assert "no publication due: the new run has nothing to show yet" in capsys.readouterr().out
    assert publications.count(demo_db) == 0


def test_closing_a_run_keeps_and_clears_every_rounds_frozen_k():
    """Every round's frozen k belongs to its run (the follow-up rounds' too): kept in the archive
    and cleared for the next run."""
    assert {organisation.ROUND_K_PREFIX + r for r in organisation.ASSESSMENT_ROUNDS} <= set(programme_runs.RUN_SETTINGS)
