"""The outbox (table reminders_sent): each e-mail sent once through a real SMTP server (aiosmtpd),
across overlapping, failed and crashed runs; a failure is retried, then given up."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

from digled.platform import db, mailer
from digled.programme import outbox, reminder_due, reminder_sending
from tests.programme.conftest import EMAILS, FILM_DAY, keys

pytestmark = pytest.mark.usefixtures("films_online", "no_real_mail")


def test_overlapping_runs_send_each_reminder_once(database, settings, cohort, smtp_server, tmp_path):
    smtp_server.delay = 0.02  # keep both runs busy at the same time
    expected = keys(reminder_due.digests(database, settings, FILM_DAY))
    barrier = threading.Barrier(2)
    summaries = []

    def one_run():
        conn = db.connect(tmp_path / "digled.db")
        try:
            barrier.wait()
            summaries.append(reminder_sending.run(conn, settings, FILM_DAY))
        finally:
            conn.close()

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    got = [m["X-Digled-Reminder"] for m in smtp_server.messages]
    assert sorted(got) == sorted(expected)  # every one, none twice
    assert sum(s.sent for s in summaries) == len(expected)
    assert sum(s.failed for s in summaries) == 0


def test_a_rejecting_server_marks_failed_and_the_next_run_retries(database, settings, cohort, smtp_server):
    smtp_server.reject = True
    first = reminder_sending.run(database, settings, FILM_DAY)
    assert (first.sent, first.failed) == (0, EMAILS)
    rows = database.execute("SELECT status, attempts, error FROM reminders_sent").fetchall()
    assert {(s, a) for s, a, _ in rows} == {("failed", 1)}
    assert all("554" in e for _, _, e in rows)
    assert len(reminder_due.due(database, settings, FILM_DAY)) == 7  # still due
    assert len(reminder_due.digests(database, settings, FILM_DAY)) == EMAILS
    smtp_server.reject = False
    second = reminder_sending.run(database, settings, FILM_DAY)
    assert (second.sent, second.failed) == (EMAILS, 0)
    assert database.execute("SELECT DISTINCT status, attempts, error FROM reminders_sent").fetchall() == [("sent", 2, "")]
    assert len(smtp_server.messages) == EMAILS


def test_a_closed_port_marks_failed_and_a_later_run_succeeds(database, settings, cohort, smtp_server, monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    monkeypatch.setenv("DIGLED_SMTP_PORT", str(closed))
    down = reminder_sending.run(database, settings, FILM_DAY)
    assert down.failed == EMAILS and down.sent == 0
    assert "Connection" in next(iter(down.errors.values()))
    monkeypatch.setenv("DIGLED_SMTP_PORT", str(smtp_server.port))
    up = reminder_sending.run(database, settings, FILM_DAY)
    assert (up.sent, up.failed) == (EMAILS, 0)


def test_a_reminder_is_given_up_after_max_attempts(database, settings, cohort, smtp_server):
    smtp_server.reject = True
    for _ in range(outbox.MAX_ATTEMPTS):
        reminder_sending.run(database, settings, FILM_DAY)
    assert reminder_due.due(database, settings, FILM_DAY) == []
    assert reminder_due.digests(database, settings, FILM_DAY) == []
    smtp_server.reject = False
    assert reminder_sending.run(database, settings, FILM_DAY).sent == 0


class Crash(BaseException):
    """The process dies (not an ordinary error the run would catch)."""


def test_a_crash_after_the_claim_is_retried_after_the_stale_period(database, settings, cohort, smtp_server, monkeypatch):
    real_send = mailer.Mailer.send
    calls = {"n": 0}

    def dying_send(self, msg, name=""):
        calls["n"] += 1
        if calls["n"] == 1:
            raise Crash()
        return real_send(self, msg, name)

    monkeypatch.setattr(mailer.Mailer, "send", dying_send)
    first_key = reminder_due.digests(database, settings, FILM_DAY)[0].key
    with pytest.raises(Crash):
        reminder_sending.run(database, settings, FILM_DAY)
    assert database.execute("SELECT status FROM reminders_sent WHERE key = ?", [first_key]).fetchone() == ("claimed",)
    assert smtp_server.messages == []

    soon = reminder_sending.run(database, settings, FILM_DAY)  # the claim is fresh: maybe still sending
    assert (soon.sent, soon.skipped) == (EMAILS - 1, 1)
    later = reminder_sending.run(database, settings, FILM_DAY, now=time.time() + outbox.STALE_CLAIM_S + 1)
    assert (later.sent, later.skipped) == (1, 0)
    assert sorted(m["X-Digled-Reminder"] for m in smtp_server.messages).count(first_key) == 1
    assert len(smtp_server.messages) == EMAILS


def test_no_module_but_the_outbox_writes_reminders_sent():
    root = Path(__file__).resolve().parents[2]
    writes = re.compile(r"(INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+reminders_sent\b", re.I)
    writers = {str(p.relative_to(root)) for p in [*(root / "digled").rglob("*.py"), *(root / "pages").glob("*.py")]
               if writes.search(p.read_text(encoding="utf-8"))}
    assert writers == {"digled/programme/outbox.py"}
