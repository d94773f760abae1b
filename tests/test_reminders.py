"""Reminders: what is due on a simulated date, sent once through a real SMTP server (aiosmtpd),
idempotent across repeated, overlapping and crashed runs; Danish and English; outbox files."""

from __future__ import annotations

import re
import threading
import time
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from digled import anonymity, assessment, auth, cli, config, db, invitations, mailer, reminders
from digled.content import ContentError

# The programme's default kick-off is Monday 16 November 2015 (data/programme.yaml):
# assessment_start is open 16-30 Nov, film1 and kl1 open 23 Nov, meeting1 25 Jan - 15 Feb 2016,
# workshop1 on 25 Feb 2016.
FILM_DAY = date(2015, 11, 23)


@pytest.fixture(autouse=True)
def _no_real_mail(monkeypatch, tmp_path):
    """Never talk to an SMTP server from the surroundings; the outbox is per test."""
    for var in ("DIGLED_SMTP_HOST", "DIGLED_SMTP_PORT", "DIGLED_SMTP_USER", "DIGLED_SMTP_PASSWORD",
                "DIGLED_SMTP_FROM", "DIGLED_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DIGLED_OUTBOX", str(tmp_path / "outbox"))


@pytest.fixture
def cohort(database):
    """Two activated leaders (Danish, English), one invited but not activated, and three
    people who must never get a reminder (admin only, no e-mail, deactivated)."""
    ids = {}
    common = dict(password_hash="x", activated_at="2015-11-01", invited_at="2015-10-20")
    ids["lea"] = auth.create_user(database, username="lea", name="Lea <b>Dam</b>", email="lea@a.dk", **common)
    ids["emma"] = auth.create_user(database, username="emma", name="Emma Stone", email="emma@g.dk",
                                   language="en", **common)
    ids["nina"] = auth.create_user(database, username="nina", name="Nina Holm", email="nina@a.dk",
                                   invited_at="2015-11-02")
    auth.create_user(database, username="boss", name="Boss", email="boss@a.dk", roles=["admin"], **common)
    auth.create_user(database, username="nomail", name="No Mail", email="", **common)
    gone = auth.create_user(database, username="gone", name="Gone", email="gone@a.dk", **common)
    with db.write(database):
        database.execute("UPDATE users SET active = 0 WHERE id = ?", [gone])
    return ids


def keys(items) -> set[str]:
    return {r.key for r in items}


def test_what_is_due_on_a_simulated_date(database, settings, cohort):
    lea, emma, nina = cohort["lea"], cohort["emma"], cohort["nina"]
    assert reminders.due(database, settings, date(2015, 11, 1)) == []
    first_day = keys(reminders.due(database, settings, date(2015, 11, 16)))
    assert first_day == {f"assessment:assessment_start:{lea}", f"assessment:assessment_start:{emma}",
                         f"invitation::{nina}:2015-W47"}
    assert keys(reminders.due(database, settings, FILM_DAY)) == {
        f"assessment:assessment_start:{lea}", f"assessment:assessment_start:{emma}",
        f"film:film1:{lea}", f"film:kl1:{lea}", f"film:film1:{emma}", f"film:kl1:{emma}",
        f"invitation::{nina}:2015-W48",
    }
    # done work and a taken assessment are not reminded
    with db.write(database):
        database.execute("INSERT INTO progress VALUES (?, 'film1', 'done', '2015-11-24')", [lea])
        database.execute("INSERT INTO participation VALUES (?, 'start', '2015-11-24')", [lea])
    later = keys(reminders.due(database, settings, date(2015, 11, 25)))
    assert f"film:film1:{lea}" not in later and f"assessment:assessment_start:{lea}" not in later
    assert f"film:kl1:{lea}" in later and f"film:film1:{emma}" in later
    # a film is no longer reminded after its due date
    assert not [r for r in reminders.due(database, settings, date(2015, 12, 15)) if r.activity == "film1"]


def test_meetings_and_workshops_are_reminded_days_before(database, settings, cohort):
    def activities(day):
        return {r.activity for r in reminders.due(database, settings, day) if r.user.id == cohort["lea"]}

    assert "meeting1" not in activities(date(2016, 1, 21))
    assert "meeting1" in activities(date(2016, 1, 22))  # 3 days before it opens on 25 Jan
    assert "meeting1" in activities(date(2016, 2, 15))
    assert "workshop1" not in activities(date(2016, 2, 21))
    assert "workshop1" in activities(date(2016, 2, 22))
    assert "workshop1" not in activities(date(2016, 2, 26))
    with db.write(database):
        database.execute("INSERT INTO progress VALUES (?, 'workshop1', 'attended', '2016-02-25')", [cohort["lea"]])
    assert "workshop1" not in activities(date(2016, 2, 24))
    workshop = next(r for r in reminders.due(database, settings, date(2016, 2, 22))
                    if r.activity == "workshop1" and r.user.id == cohort["emma"])
    assert workshop.subject == "Joint workshop 1 on 25 February 2016"
    assert workshop.link == "http://localhost:8501/meetings"


def test_an_unfinished_draft_is_reminded_once_a_week(database, settings, cohort):
    lea = cohort["lea"]
    assessment.start(database, anonymity.pseudonym(settings.pseudonym_secret, lea), "start", today=date(2015, 11, 20),
                     secret=settings.pseudonym_secret)
    mine = [r for r in reminders.due(database, settings, FILM_DAY) if r.user.id == lea]
    assert f"draft:assessment_start:{lea}:2015-W48" in keys(mine)
    assert f"assessment:assessment_start:{lea}" not in keys(mine)  # started already
    draft = next(r for r in mine if r.kind == "draft")
    assert draft.subject == "Din kompetenceafklaring venter på dig"
    assert draft.link.endswith("/assessment")
    reminders.run(database, settings, FILM_DAY)
    assert not [r for r in reminders.due(database, settings, date(2015, 11, 29)) if r.kind == "draft"]  # same week
    assert [r for r in reminders.due(database, settings, date(2015, 11, 30)) if r.kind == "draft"]  # next week
    # a draft started just now waits for the grace period
    emma = cohort["emma"]
    assessment.start(database, anonymity.pseudonym(settings.pseudonym_secret, emma), "start", today=FILM_DAY,
                     secret=settings.pseudonym_secret)
    assert not [r for r in reminders.due(database, settings, FILM_DAY) if r.kind == "draft" and r.user.id == emma]


def test_each_reminder_arrives_once_through_smtp(database, settings, cohort, smtp_server):
    due = reminders.due(database, settings, FILM_DAY)
    summary = reminders.run(database, settings, FILM_DAY)
    assert (summary.sent, summary.failed, summary.skipped) == (len(due), 0, 0) == (7, 0, 0)
    got = sorted(m["X-Digled-Reminder"] for m in smtp_server.messages)
    assert got == sorted(keys(due))
    assert {m["To"].addresses[0].addr_spec for m in smtp_server.messages} == {"lea@a.dk", "emma@g.dk", "nina@a.dk"}
    assert all(m["From"] == "Digital ledelse <forloeb@test.digled.dk>" for m in smtp_server.messages)
    again = reminders.run(database, settings, FILM_DAY)
    assert (again.sent, again.failed, len(again.due)) == (0, 0, 0)
    assert len(smtp_server.messages) == 7
    statuses = database.execute("SELECT status, attempts, COUNT(*) FROM reminders_sent GROUP BY 1, 2").fetchall()
    assert statuses == [("sent", 1, 7)]


def test_overlapping_runs_send_each_reminder_once(database, settings, cohort, smtp_server, tmp_path):
    smtp_server.delay = 0.02  # keep both runs busy at the same time
    expected = keys(reminders.due(database, settings, FILM_DAY))
    barrier = threading.Barrier(2)
    summaries = []

    def one_run():
        conn = db.connect(tmp_path / "digled.db")
        try:
            barrier.wait()
            summaries.append(reminders.run(conn, settings, FILM_DAY))
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
    first = reminders.run(database, settings, FILM_DAY)
    assert (first.sent, first.failed) == (0, 7)
    rows = database.execute("SELECT status, attempts, error FROM reminders_sent").fetchall()
    assert {(s, a) for s, a, _ in rows} == {("failed", 1)}
    assert all("554" in e for _, _, e in rows)
    assert len(reminders.due(database, settings, FILM_DAY)) == 7  # still due
    smtp_server.reject = False
    second = reminders.run(database, settings, FILM_DAY)
    assert (second.sent, second.failed) == (7, 0)
    assert database.execute("SELECT DISTINCT status, attempts, error FROM reminders_sent").fetchall() == [("sent", 2, "")]
    assert len(smtp_server.messages) == 7


def test_a_closed_port_marks_failed_and_a_later_run_succeeds(database, settings, cohort, smtp_server, monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    monkeypatch.setenv("DIGLED_SMTP_PORT", str(closed))
    down = reminders.run(database, settings, FILM_DAY)
    assert down.failed == 7 and down.sent == 0
    assert "Connection" in next(iter(down.errors.values()))
    monkeypatch.setenv("DIGLED_SMTP_PORT", str(smtp_server.port))
    up = reminders.run(database, settings, FILM_DAY)
    assert (up.sent, up.failed) == (7, 0)


def test_a_reminder_is_given_up_after_max_attempts(database, settings, cohort, smtp_server):
    smtp_server.reject = True
    for _ in range(reminders.MAX_ATTEMPTS):
        reminders.run(database, settings, FILM_DAY)
    assert reminders.due(database, settings, FILM_DAY) == []
    smtp_server.reject = False
    assert reminders.run(database, settings, FILM_DAY).sent == 0


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
    first_key = reminders.due(database, settings, FILM_DAY)[0].key
    with pytest.raises(Crash):
        reminders.run(database, settings, FILM_DAY)
    assert database.execute("SELECT status FROM reminders_sent WHERE key = ?", [first_key]).fetchone() == ("claimed",)
    assert smtp_server.messages == []

    soon = reminders.run(database, settings, FILM_DAY)  # the claim is fresh: maybe still sending
    assert (soon.sent, soon.skipped) == (6, 1)
    later = reminders.run(database, settings, FILM_DAY, now=time.time() + reminders.STALE_CLAIM_S + 1)
    assert (later.sent, later.skipped) == (1, 0)
    assert sorted(m["X-Digled-Reminder"] for m in smtp_server.messages).count(first_key) == 1
    assert len(smtp_server.messages) == 7


def _parts(msg):
    """The plain-text and HTML bodies (line ends normalised: SMTP transports CRLF)."""
    return tuple(msg.get_body((k,)).get_content().replace("\r\n", "\n") for k in ("plain", "html"))


def test_messages_in_danish_and_english_with_text_and_html(database, settings, cohort, smtp_server):
    reminders.run(database, settings, FILM_DAY)
    by_key = {m["X-Digled-Reminder"]: m for m in smtp_server.messages}
    da = by_key[f"film:film1:{cohort['lea']}"]
    en = by_key[f"film:film1:{cohort['emma']}"]
    assert da["Subject"] == "Ny film i forløbet: Digital ledelse i organisationen"
    assert en["Subject"] == "New film in the programme: Digital leadership in the organisation"
    assert da["Content-Language"] == "da" and en["Content-Language"] == "en"
    da_text, da_html = _parts(da)
    en_text, en_html = _parts(en)
    assert da_text.startswith("Kære Lea <b>Dam</b>,") and "14. december 2015" in da_text
    assert "Se filmen:\nhttp://localhost:8501/films" in da_text and "Venlig hilsen" in da_text
    assert en_text.startswith("Dear Emma Stone,") and "14 December 2015" in en_text and "Kind regards" in en_text
    assert '<a href="http://localhost:8501/films"' in en_html and "Watch the film" in en_html
    assert "Lea &lt;b&gt;Dam&lt;/b&gt;" in da_html and "<b>Dam</b>" not in da_html  # never rendered as HTML
    assert 'lang="da"' in da_html and "Kære" in da_html


def test_the_invitation_reminder_carries_a_fresh_working_link(database, settings, cohort, smtp_server, monkeypatch):
    monkeypatch.setenv("DIGLED_BASE_URL", "https://digled.example.dk")
    old = invitations.create(database, cohort["nina"], now=time.time() - 30 * 86400)
    reminders.run(database, settings, FILM_DAY)
    msg = next(m for m in smtp_server.messages if m["X-Digled-Reminder"].startswith("invitation:"))
    text, html = _parts(msg)
    assert msg["Subject"] == "Din invitation til Digital ledelse"
    token = re.search(r"https://digled\.example\.dk/accept-invitation\?token=([\w-]+)", text).group(1)
    assert invitations.verify(database, token).user.username == "nina"
    assert invitations.verify(database, old).reason == "expired"
    assert f"token={token}" in html


def test_without_smtp_every_message_is_an_eml_file_in_the_outbox(database, settings, cohort, tmp_path):
    summary = reminders.run(database, settings, FILM_DAY)
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert summary.sent == len(files) == 7
    assert summary.delivered_to == f"outbox {tmp_path / 'outbox'}"
    msg = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["X-Digled-Reminder"] and msg.get_body(("plain",)) and msg.get_body(("html",))
    assert reminders.run(database, settings, FILM_DAY).sent == 0
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 7


def test_the_default_outbox_is_beside_the_database(settings, monkeypatch):
    monkeypatch.delenv("DIGLED_OUTBOX")
    assert mailer.load(settings).outbox == Path(settings.db_path).resolve().parent / "outbox"


def test_smtp_settings_from_the_secrets_file_and_the_environment(settings, tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[smtp]\nhost = "mail.kommune.dk"\nport = 2525\nuser = "digled"\n'
                       'password = "pw"\nfrom = "forloeb@kommune.dk"\n', encoding="utf-8")
    monkeypatch.setenv("DIGLED_SECRETS_FILE", str(secrets))
    m = mailer.load(settings)
    assert (m.host, m.port, m.user, m.password, m.sender) == ("mail.kommune.dk", 2525, "digled", "pw", "forloeb@kommune.dk")
    assert "pw" not in m.describe()
    monkeypatch.setenv("DIGLED_SMTP_PORT", "587")
    assert mailer.load(settings).port == 587
    monkeypatch.setenv("DIGLED_SMTP_PORT", "many")
    with pytest.raises(config.ConfigError, match="DIGLED_SMTP_PORT"):
        mailer.load(settings)


def test_credentials_are_never_sent_without_encryption(database, settings, cohort, smtp_server, monkeypatch):
    monkeypatch.setenv("DIGLED_SMTP_USER", "digled")
    monkeypatch.setenv("DIGLED_SMTP_PASSWORD", "hemmelig")
    summary = reminders.run(database, settings, FILM_DAY)
    assert summary.failed == 7 and smtp_server.messages == []
    assert "STARTTLS" in next(iter(summary.errors.values()))


def test_a_broken_text_file_is_named(tmp_path):
    source = (config.DATA_DIR / "reminders.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "reminders.yaml"
    broken.write_text(source.replace("Ny film i forløbet: {activity}", "Ny film: {film}"), encoding="utf-8")
    with pytest.raises(ContentError, match=r"reminders.yaml: kinds: film: subject: the da text has an unknown"):
        reminders.load_texts(broken)
    assert reminders.load_texts().kinds.keys() == set(reminders.KINDS)


def test_cli_dry_run_prints_one_line_per_due_reminder_and_sends_nothing(database, settings, cohort, capsys, tmp_path):
    assert cli.main(["reminders", "--dry-run", "--today", "2015-11-23"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 8  # 7 reminders and the summary
    assert "lea@a.dk\tfilm\tfilm1\tNy film i forløbet: Digital ledelse i organisationen" in out
    assert "emma@g.dk\tassessment\tassessment_start\tThe competence assessment is open: Competence assessment – start" in out
    assert any(line.startswith("nina@a.dk\tinvitation\t-\t") for line in out)
    assert out[-1] == "2015-11-23: dry run: 7 due, nothing sent"
    assert database.execute("SELECT COUNT(*) FROM reminders_sent").fetchone()[0] == 0
    assert not (tmp_path / "outbox").exists()


def test_cli_sends_and_prints_a_summary(database, settings, cohort, capsys, smtp_server):
    assert cli.main(["reminders", "--today", "2015-11-23"]) == 0
    assert capsys.readouterr().out.strip() == f"2015-11-23: sent 7, failed 0, skipped 0 (SMTP 127.0.0.1:{smtp_server.port})"
    assert cli.main(["reminders", "--today", "2015-11-23"]) == 0
    assert "sent 0, failed 0, skipped 0" in capsys.readouterr().out
    assert len(smtp_server.messages) == 7
    assert cli.main(["reminders", "--today", "23-11-2015"]) == 2


def test_cli_invite_prints_a_working_link(database, cohort, capsys):
    assert cli.main(["invite", "nina"]) == 0
    link = capsys.readouterr().out.strip()
    assert link.startswith("http://localhost:8501/accept-invitation?token=")
    assert invitations.verify(database, link.split("token=")[1]).user.username == "nina"
    assert cli.main(["invite", "nobody"]) == 1


def test_a_recent_invitation_link_postpones_the_invitation_reminder(database, settings, cohort):
    from datetime import timedelta

    db.set_setting(database, "kickoff_date", (date.today() - timedelta(days=30)).isoformat())

    def invitation_due() -> bool:
        return any(r.kind == "invitation" for r in reminders.due(database, settings))

    assert invitation_due()
    invitations.create(database, cohort["nina"], actor="admin")
    assert not invitation_due()
