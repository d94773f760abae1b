"""Sending the day's reminders (reminder_sending.run and `python -m digled reminders`): one e-mail
per leader per day, through SMTP or as .eml files in the outbox directory, never credentials
without encryption."""

from __future__ import annotations

from datetime import date
from email import message_from_bytes, policy

import pytest

from digled import cli
from digled.programme import reminder_due, reminder_sending
from tests.programme.conftest import EMAILS, FILM_DAY, parts

pytestmark = pytest.mark.usefixtures("films_online", "no_real_mail")


def test_one_email_per_leader_per_day_lists_everything_due(database, settings, cohort, smtp_server):
    due = reminder_due.due(database, settings, FILM_DAY)
    assert len(due) == 7
    summary = reminder_sending.run(database, settings, FILM_DAY)
    assert (summary.sent, summary.failed, summary.skipped) == (EMAILS, 0, 0)
    to = sorted(m["To"].addresses[0].addr_spec for m in smtp_server.messages)
    assert to == ["emma@g.dk", "lea@a.dk", "nina@a.dk"]  # one each
    assert sorted(m["X-Digled-Reminder"] for m in smtp_server.messages) == sorted(
        f"digest:{cohort[n]}:2015-11-23" for n in ("lea", "emma", "nina"))
    assert all(m["From"] == "Digital ledelse <forloeb@test.digled.dk>" for m in smtp_server.messages)
    lea = next(m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == "lea@a.dk")
    assert lea["Subject"] == "Digital ledelse: 3 ting til dig"
    text, _ = parts(lea)
    for line in ("1. Kompetenceafklaringen er åben: Kompetenceafklaring – start",
                 "2. Ny film i forløbet: Digital ledelse i organisationen",
                 "3. Ny film i forløbet: To spor: Effektivisering og udvikling af kerneopgaver",
                 "Se filmen:\nhttp://localhost:8501/films?item=film1",
                 "Se filmen:\nhttp://localhost:8501/films?item=kl1",
                 "Start kompetenceafklaringen:\nhttp://localhost:8501/assessment\n"):
        assert line in text, line
    # a second run the same day sends nothing, and nothing is due on the page
    again = reminder_sending.run(database, settings, FILM_DAY)
    assert (again.sent, again.failed, len(again.due)) == (0, 0, 0)
    assert reminder_due.digests(database, settings, FILM_DAY) == []
    assert len(smtp_server.messages) == EMAILS
    statuses = database.execute("SELECT status, attempts, COUNT(*) FROM reminders_sent GROUP BY 1, 2").fetchall()
    assert statuses == [("sent", 1, EMAILS)]
    # the next day, what was in the e-mail is not repeated
    assert [r for r in reminder_due.due(database, settings, date(2015, 11, 24)) if r.kind == "film"] == []


def test_without_smtp_every_message_is_an_eml_file_in_the_outbox(database, settings, cohort, tmp_path):
    summary = reminder_sending.run(database, settings, FILM_DAY)
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert summary.sent == len(files) == EMAILS
    assert summary.delivered_to == f"outbox {tmp_path / 'outbox'}"
    msg = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["X-Digled-Reminder"] and msg.get_body(("plain",)) and msg.get_body(("html",))
    assert reminder_sending.run(database, settings, FILM_DAY).sent == 0
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == EMAILS


def test_credentials_are_never_sent_without_encryption(database, settings, cohort, smtp_server, monkeypatch):
    monkeypatch.setenv("DIGLED_SMTP_USER", "digled")
    monkeypatch.setenv("DIGLED_SMTP_PASSWORD", "hemmelig")
    summary = reminder_sending.run(database, settings, FILM_DAY)
    assert summary.failed == EMAILS and smtp_server.messages == []
    assert "STARTTLS" in next(iter(summary.errors.values()))


def test_cli_dry_run_prints_one_line_per_due_reminder_and_sends_nothing(database, settings, cohort, capsys, tmp_path):
    assert cli.main(["reminders", "--dry-run", "--today", "2015-11-23"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == EMAILS + 1  # one e-mail per leader and the summary
    assert "lea@a.dk\tdigest\tassessment_start film1 kl1\tDigital ledelse: 3 ting til dig" in out
    assert "emma@g.dk\tdigest\tassessment_start film1 kl1\tDigital leadership: 3 things for you" in out
    assert any(line.startswith("nina@a.dk\tinvitation\t-\t") for line in out)
    assert out[-1] == f"2015-11-23: dry run: {EMAILS} due, nothing sent"
    assert database.execute("SELECT COUNT(*) FROM reminders_sent").fetchone()[0] == 0
    assert not (tmp_path / "outbox").exists()


def test_cli_sends_and_prints_a_summary(database, settings, cohort, capsys, smtp_server):
    assert cli.main(["reminders", "--today", "2015-11-23"]) == 0
    assert capsys.readouterr().out.strip() == f"2015-11-23: sent {EMAILS}, failed 0, skipped 0 (SMTP 127.0.0.1:{smtp_server.port})"
    assert cli.main(["reminders", "--today", "2015-11-23"]) == 0
    assert "sent 0, failed 0, skipped 0" in capsys.readouterr().out
    assert len(smtp_server.messages) == EMAILS
    assert cli.main(["reminders", "--today", "23-11-2015"]) == 2
