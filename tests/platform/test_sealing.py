"""No linkage through dates or order: sealed leader-only dates, random assessment ids, the
conversion of rows written before schema step 5, and the administrator's backup."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from digled.accounts import auth
from digled.assessment import answering, scoring
from digled.platform import audit, db, migrations, pseudonyms, sealing
from tests.conftest import SECRET

OTHER_SECRET = "another-secret-" + "z" * 32


def _answer_all(database, framework, draft_id, value=3):
    for q in answering.question_ids(framework):
        answering.save_answer(database, framework, draft_id, q, value)


def _take(database, framework, respondent, round_, started, submitted, value=3):
    d = answering.start(database, respondent, round_, "Glostrup", "skole", "mellemleder", today=started, secret=SECRET)
    _answer_all(database, framework, d.id, value)
    return answering.submit(database, framework, d.id, today=submitted, secret=SECRET)


# --- sealing ---------------------------------------------------------------------------------


def test_a_sealed_value_opens_only_with_the_secret_and_for_its_respondent():
    token = sealing.seal(SECRET, "r1", {"started": "2016-01-04"})
    assert token.startswith("v1:") and "2016" not in token
    assert sealing.unseal(SECRET, "r1", token) == {"started": "2016-01-04"}
    for secret, respondent in ((OTHER_SECRET, "r1"), (SECRET, "r2")):
        with pytest.raises(sealing.SealError):
            sealing.unseal(secret, respondent, token)
    with pytest.raises(sealing.SealError):
        sealing.unseal(SECRET, "r1", token[:-4] + "AAAA")
    assert sealing.unseal(SECRET, "r1", "") == {}
    assert sealing.seal(SECRET, "r1", {"a": 1}) != sealing.seal(SECRET, "r1", {"a": 1})  # a fresh nonce


def test_a_token_of_another_format_an_empty_secret_or_broken_text_is_refused_by_name():
    with pytest.raises(sealing.SealError, match="unknown sealed format"):
        sealing.unseal(SECRET, "r1", "v0:abc")
    with pytest.raises(sealing.SealError, match="does not open with this secret"):
        sealing.unseal(SECRET, "r1", "v1:not base64 at all!")
    with pytest.raises(sealing.SealError):
        sealing.unseal(SECRET, "r1", "v1:")
    with pytest.raises(ValueError, match="the pseudonym secret is empty"):
        sealing.seal("", "r1", {})
    with pytest.raises(sealing.SealError):  # opening without a secret: it does not open
        sealing.unseal("", "r1", sealing.seal(SECRET, "r1", {}))
    token = sealing.seal(SECRET, "r1", {"b": [1, 2], "a": "æøå"})
    assert sealing.unseal(SECRET, "r1", token) == {"a": "æøå", "b": [1, 2]}


def test_sealing_a_fresh_database_has_nothing_to_do(database):
    assert sealing.seal_legacy_rows(database, SECRET) == 0
    assert sealing.seal_legacy_rows(database, SECRET) == 0


def test_random_ids_are_positive_62_bit_numbers():
    ids = {sealing.random_id() for _ in range(2000)}
    assert len(ids) == 2000 and all(0 < i < 2**62 for i in ids)
    assert max(ids) > 2**58  # not small sequential numbers


# --- assessment rows ---------------------------------------------------------------------------


def test_rows_hold_no_date_and_no_order_but_the_leader_sees_both(database, framework):
    respondent = pseudonyms.of_user(SECRET, 7)
    first = _take(database, framework, respondent, "start", date(2016, 1, 4), date(2016, 1, 5), 2)
    draft = answering.start(database, respondent, "extra", today=date(2016, 3, 1), secret=SECRET)
    _answer_all(database, framework, draft.id, 4)
    second = answering.submit(database, framework, draft.id, today=date(2016, 3, 2), secret=SECRET)
    rows = database.execute("SELECT id, started, submitted, sealed FROM assessments").fetchall()
    assert all(started == "" and submitted == "" and sealed.startswith("v1:") for _, started, submitted, sealed in rows)
    dump = "\n".join(database.conn.iterdump())
    assert "2016" not in "\n".join(line for line in dump.splitlines() if "assessments" in line)
    assert all(i > 2**40 for i, *_ in rows)  # random, not 1, 2, ...
    history = answering.history(database, respondent, SECRET)
    assert [(a.id, a.started, a.submitted) for a in history] == [
        (first.id, "2016-01-04", "2016-01-05"), (second.id, "2016-03-01", "2016-03-02")]
    # without the secret the rows still belong to the respondent but show no date
    blind = answering.history(database, respondent, OTHER_SECRET)
    assert {a.id for a in blind} == {first.id, second.id} and {a.submitted for a in blind} == {""}


def test_two_attempts_on_one_day_keep_their_order(database, framework):
    respondent = pseudonyms.of_user(SECRET, 8)
    day = date(2016, 5, 1)
    ids = [_take(database, framework, respondent, r, day, day, v).id for r, v in (("start", 1), ("extra", 4), ("extra", 2))]
    assert [a.id for a in answering.history(database, respondent, SECRET)] == ids


def test_a_draft_knows_its_start_day_with_the_secret_only(database):
    respondent = pseudonyms.of_user(SECRET, 9)
    answering.start(database, respondent, "start", today=date(2015, 11, 20), secret=SECRET)
    assert answering.draft(database, respondent, SECRET).started == "2015-11-20"
    assert answering.draft(database, respondent).started == ""


def test_insert_submitted_writes_a_sealed_row_with_its_answers(database, framework):
    respondent = pseudonyms.of_user(SECRET, 10)
    given = {q: 2 for q in answering.question_ids(framework)}
    with db.write(database):
        new_id = answering.insert_submitted(database, SECRET, respondent, "start", date(2016, 1, 4), "Glostrup",
                                             "skole", "mellemleder", {"total": 50.0}, given)
    assert new_id > 2**20 and answering.answers(database, new_id) == given
    [attempt] = answering.history(database, respondent, SECRET)
    assert (attempt.id, attempt.submitted, attempt.scores) == (new_id, "2016-01-04", {"total": 50.0})


# --- rows written by the old schema --------------------------------------------------------------


def _old_database(path, framework):
    """A database as digled wrote it before schema step 5: sequential ids, plaintext days."""
    d = db.connect(path)
    migrations.migrate(d, target=4)
    with db.write(d):
        for uid in (1, 2, 3):
            d.execute("INSERT INTO users (id, username, name, password_hash, activated_at) VALUES (?, ?, ?, 'x', '2015-11-01')",
                      [uid, f"u{uid}", f"User {uid}"])
    rows = [  # (user, round, status, started, submitted, value)
        (1, "start", "submitted", "2015-11-20", "2015-11-21", 2),
        (2, "start", "submitted", "2015-11-22", "2015-11-22", 3),
        (1, "extra", "submitted", "2016-02-01", "2016-02-01", 4),
        (1, "extra", "submitted", "2016-02-01", "2016-02-01", 1),  # a second retake on the same day
        (3, "start", "draft", "2016-02-03", None, 2),
    ]
    questions = answering.question_ids(framework)
    with db.write(d):
        for uid, rnd, status, started, submitted, value in rows:
            given = {q: value for q in questions}
            scores = json.dumps(scoring.score(framework, given)) if status == "submitted" else None
            cur = d.execute(
                "INSERT INTO assessments (respondent, round, status, started, submitted, municipality, area, level, scores) "
                "VALUES (?, ?, ?, ?, ?, 'Glostrup', 'skole', 'mellemleder', ?)",
                [pseudonyms.of_user(SECRET, uid), rnd, status, started, submitted, scores],
            )
            d.conn.executemany("INSERT INTO answers (assessment_id, item, value) VALUES (?, ?, ?)",
                               [(cur.lastrowid, q, v) for q, v in given.items()])
            if status == "submitted" and rnd != "extra":
                d.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, ?, ?)", [uid, rnd, submitted])
    d.close()


def test_rows_of_the_old_schema_are_sealed_and_keep_working_for_their_leaders(tmp_path, framework):
    path = tmp_path / "old.db"
    _old_database(path, framework)
    d = migrations.open_and_migrate(path)
    assert migrations.version(d) == migrations.SCHEMA_VERSION
    mine = pseudonyms.of_user(SECRET, 1)
    before = answering.history(d, mine, SECRET)  # works before the conversion too (plaintext)
    totals = [a.scores["total"] for a in before]
    assert [a.submitted for a in before] == ["2015-11-21", "2016-02-01", "2016-02-01"] and totals[1] > totals[0] > totals[2]
    assert sealing.seal_legacy_rows(d, SECRET) == 5
    assert sealing.seal_legacy_rows(d, SECRET) == 0  # idempotent
    rows = d.execute("SELECT id, started, COALESCE(submitted, '-'), sealed FROM assessments").fetchall()
    assert all(i > 5 and started == "" and submitted in ("", "-") and sealed for i, started, submitted, sealed in rows)
    after = answering.history(d, mine, SECRET)
    assert [(a.started, a.submitted, a.scores["total"]) for a in after] == [
        ("2015-11-20", "2015-11-21", totals[0]), ("2016-02-01", "2016-02-01", totals[1]),
        ("2016-02-01", "2016-02-01", totals[2])]
    n = len(answering.question_ids(framework))
    assert all(set(answering.answers(d, a.id).values()) == {v} and len(answering.answers(d, a.id)) == n
               for a, v in zip(after, (2, 4, 1)))  # the answers followed their row
    assert d.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 5 * n
    assert d.execute("PRAGMA foreign_key_check").fetchall() == []
    draft = answering.draft(d, pseudonyms.of_user(SECRET, 3), SECRET)
    assert draft.started == "2016-02-03" and len(answering.answers(d, draft.id)) == n
    d.close()


def test_the_cli_init_seals_old_rows(tmp_path, framework, monkeypatch, capsys):
    from digled.cli import main

    path = tmp_path / "old.db"
    _old_database(path, framework)
    monkeypatch.setenv("DIGLED_DB", str(path))
    monkeypatch.setenv("DIGLED_DEMO", "0")
    assert main(["init"]) == 0
    assert "sealed the dates of 5 assessment rows" in capsys.readouterr().out
    d = db.connect(path)
    assert d.execute("SELECT COUNT(*) FROM assessments WHERE sealed = ''").fetchone()[0] == 0
    d.close()


def test_the_app_seals_old_rows_at_start_up_and_shows_the_leader_her_dates(tmp_path, framework, monkeypatch):
    from tests.apptest import app_as

    path = tmp_path / "digled.db"
    _old_database(path, framework)
    with db.write(d := db.connect(path)):
        d.execute("UPDATE users SET roles = 'leader' WHERE id = 1")
    d.close()
    at = app_as("u1").run()
    at.switch_page("pages/my_results.py").run()
    assert not at.exception, at.exception
    labels = at.selectbox(key="attempt").options
    assert labels[0].endswith("21 November 2015") and labels[-1].endswith("1 February 2016")  # the user's language
    d = db.connect(path)
    assert d.execute("SELECT COUNT(*) FROM assessments WHERE sealed = '' OR started != ''").fetchone()[0] == 0
    d.close()


# --- separation of duties in the migration ------------------------------------------------------


def test_the_migration_keeps_admin_only_for_an_account_holding_both(tmp_path):
    path = tmp_path / "both.db"
    d = db.connect(path)
    migrations.migrate(d, target=4)
    with db.write(d):
        d.execute("INSERT INTO users (username, name, roles) VALUES ('boss', 'Boss', 'leader,management,admin')")
        d.execute("INSERT INTO users (username, name, roles) VALUES ('hr', 'HR', 'management')")
    d.close()
    d = migrations.open_and_migrate(path)
    boss, hr = auth.get_user(d, "boss"), auth.get_user(d, "hr")
    assert (boss.roles, boss.duty) == (("leader", "admin"), "admin")
    assert (hr.roles, hr.duty) == (("management",), "management")
    [entry] = [e for e in audit.recent(d) if e["action"] == "separate duties"]
    assert entry["actor"] == "migration" and "boss" in entry["detail"]
    # the database itself refuses both roles, and the other duty later, whatever the path
    for sql in ("UPDATE users SET roles = 'admin,management' WHERE username = 'hr'",
                "UPDATE users SET roles = 'leader,management' WHERE username = 'boss'",
                "UPDATE users SET roles = 'admin' WHERE username = 'hr'",
                "INSERT INTO users (username, name, roles) VALUES ('x', 'X', 'management,admin')"):
        with pytest.raises(sqlite3.IntegrityError, match="both administrator and management"):
            d.execute(sql)
    d.close()


# --- the administrator's backup ---------------------------------------------------------------------


def test_the_admin_backup_leaves_out_answers_and_keeps_everything_else(demo_db, tmp_path):
    live = {t: demo_db.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0] for t in demo_db.table_names()}
    assert live["assessments"] and live["answers"]
    path = db.admin_backup(demo_db, tmp_path / "admin.db")
    copy = sqlite3.connect(path)
    kept = {t: copy.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0]
            for (t,) in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    copy.close()
    assert set(kept) == set(live)  # the schema is whole
    for table in db.ADMIN_BACKUP_EXCLUDES:
        assert kept[table] == 0
    assert {t: n for t, n in kept.items() if t not in db.ADMIN_BACKUP_EXCLUDES} == {
        t: n for t, n in live.items() if t not in db.ADMIN_BACKUP_EXCLUDES}
    assert not (tmp_path / "admin.db-wal").exists()  # one self-contained file


def test_the_operator_backup_is_full(demo_db, tmp_path):
    path = db.backup(demo_db, tmp_path / "full.db")
    copy = sqlite3.connect(path)
    assert copy.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == demo_db.execute(
        "SELECT COUNT(*) FROM answers").fetchone()[0]
    copy.close()
