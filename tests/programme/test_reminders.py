"""Reminders: what is due on a simulated date, one e-mail per leader per day (a digest) sent once
through a real SMTP server (aiosmtpd), idempotent across repeated, overlapping and crashed runs;
films only when online; deep links; Danish and English; outbox files; service confirmations."""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from digled import cli
from digled.accounts import auth, invitations
from digled.assessment import answering
from digled.content import activities, mail_texts, programme
from digled.content.loader import ContentError
from digled.platform import config, db, mailer, pseudonyms
from digled.programme import reminders

# The programme's default kick-off is Monday 16 November 2015 (data/programme.yaml):
# assessment_start is open 16-30 Nov, film1 and kl1 open 23 Nov, meeting1 25 Jan - 15 Feb 2016,
# workshop1 on 25 Feb 2016.
FILM_DAY = date(2015, 11, 23)
# On FILM_DAY: Lea and Emma each have 3 reminders (assessment, film1, kl1), Nina an invitation:
# 7 reminders in 3 e-mails.
EMAILS = 3


def online(prog: activities.Programme) -> activities.Programme:
    """The programme with every film online (the seed has no film links yet)."""
    return dataclasses.replace(prog, activities=tuple(
        dataclasses.replace(a, video_url=f"https://video.example.dk/{a.id}") if a.kind in reminders.FILM_KINDS else a
        for a in prog.activities))


@pytest.fixture(autouse=True)
def _films_online(monkeypatch):
    """Every film has a link unless a test says otherwise (test_a_film_without_a_link...)."""
    prog = online(activities.load_programme())
    monkeypatch.setattr(programme, "programme", lambda db=None: prog)  # with or without a database
    return prog


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
    assert workshop.link == "http://localhost:8501/meetings?item=workshop1"
    body = reminders.preview(workshop)
    assert "on 25 February 2016, 09:00–13:00 (Example: Albertslund Town Hall)" in body


def test_an_unfinished_draft_is_reminded_once_a_week(database, settings, cohort):
    lea = cohort["lea"]
    answering.start(database, pseudonyms.of_user(settings.pseudonym_secret, lea), "start", today=date(2015, 11, 20),
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
    answering.start(database, pseudonyms.of_user(settings.pseudonym_secret, emma), "start", today=FILM_DAY,
                     secret=settings.pseudonym_secret)
    assert not [r for r in reminders.due(database, settings, FILM_DAY) if r.kind == "draft" and r.user.id == emma]


def test_one_email_per_leader_per_day_lists_everything_due(database, settings, cohort, smtp_server):
    due = reminders.due(database, settings, FILM_DAY)
    assert len(due) == 7
    summary = reminders.run(database, settings, FILM_DAY)
    assert (summary.sent, summary.failed, summary.skipped) == (EMAILS, 0, 0)
    to = sorted(m["To"].addresses[0].addr_spec for m in smtp_server.messages)
    assert to == ["emma@g.dk", "lea@a.dk", "nina@a.dk"]  # one each
    assert sorted(m["X-Digled-Reminder"] for m in smtp_server.messages) == sorted(
        f"digest:{cohort[n]}:2015-11-23" for n in ("lea", "emma", "nina"))
    assert all(m["From"] == "Digital ledelse <forloeb@test.digled.dk>" for m in smtp_server.messages)
    lea = next(m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == "lea@a.dk")
    assert lea["Subject"] == "Digital ledelse: 3 ting til dig"
    text, _ = _parts(lea)
    for line in ("1. Kompetenceafklaringen er åben: Kompetenceafklaring – start",
                 "2. Ny film i forløbet: Digital ledelse i organisationen",
                 "3. Ny film i forløbet: To spor: Effektivisering og udvikling af kerneopgaver",
                 "Se filmen:\nhttp://localhost:8501/films?item=film1",
                 "Se filmen:\nhttp://localhost:8501/films?item=kl1",
                 "Start kompetenceafklaringen:\nhttp://localhost:8501/assessment\n"):
        assert line in text, line
    # a second run the same day sends nothing, and nothing is due on the page
    again = reminders.run(database, settings, FILM_DAY)
    assert (again.sent, again.failed, len(again.due)) == (0, 0, 0)
    assert reminders.digests(database, settings, FILM_DAY) == []
    assert len(smtp_server.messages) == EMAILS
    statuses = database.execute("SELECT status, attempts, COUNT(*) FROM reminders_sent GROUP BY 1, 2").fetchall()
    assert statuses == [("sent", 1, EMAILS)]
    # the next day, what was in the e-mail is not repeated
    assert [r for r in reminders.due(database, settings, date(2015, 11, 24)) if r.kind == "film"] == []


def test_two_activities_opening_the_same_day_make_one_email(database, settings, cohort, smtp_server):
    lea = cohort["lea"]
    with db.write(database):  # Lea has taken the start assessment: only the two films are new
        database.execute("INSERT INTO participation VALUES (?, 'start', '2015-11-20')", [lea])
    [digest] = [d for d in reminders.digests(database, settings, FILM_DAY) if d.user.id == lea]
    assert [r.activity for r in digest.items] == ["film1", "kl1"]
    assert digest.subject == "Digital ledelse: 2 ting til dig"
    reminders.run(database, settings, FILM_DAY)
    mine = [m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == "lea@a.dk"]
    assert len(mine) == 1
    text, html = _parts(mine[0])
    assert "Digital ledelse i organisationen" in text and "To spor: Effektivisering" in text
    assert html.count("<h2") == 2


def test_something_new_later_the_same_day_waits_for_the_next_day(database, settings, cohort, smtp_server):
    lea = cohort["lea"]
    reminders.run(database, settings, date(2015, 11, 16))  # the start assessment opens
    first = len(smtp_server.messages)
    # the same day a film comes out early (the administrator moves it): no second e-mail today
    db.set_setting(database, "schedule_overrides", '{"film1": {"opens": "2015-11-16", "due": "2015-12-14"}}')
    assert any(r.activity == "film1" for r in reminders.due(database, settings, date(2015, 11, 16)) if r.user.id == lea)
    assert not [d for d in reminders.digests(database, settings, date(2015, 11, 16)) if d.user.id == lea]
    assert reminders.run(database, settings, date(2015, 11, 16)).sent == 0
    assert len(smtp_server.messages) == first
    # the next day it comes
    nxt = [d for d in reminders.digests(database, settings, date(2015, 11, 17)) if d.user.id == lea]
    assert [r.activity for d in nxt for r in d.items] == ["film1"]


def test_a_film_without_a_link_is_never_open_in_an_email(database, settings, cohort, monkeypatch):
    seed = activities.load_programme()
    assert not any(a.video_url for a in seed.activities if a.kind in reminders.FILM_KINDS)
    monkeypatch.setattr(programme, "programme", lambda db=None: seed)
    assert [r for r in reminders.due(database, settings, FILM_DAY) if r.kind == "film"] == []
    # the administrator sets the film's video in the app: now it is open
    from digled.content import guides

    guides.save(database, {"film1": "https://www.youtube.com/watch?v=abcdefghijk"}, "admin", seed)
    films = [r for r in reminders.due(database, settings, FILM_DAY) if r.kind == "film"]
    assert {r.activity for r in films} == {"film1"}
    assert all(r.link == "http://localhost:8501/films?item=film1" for r in films)


def test_overlapping_runs_send_each_reminder_once(database, settings, cohort, smtp_server, tmp_path):
    smtp_server.delay = 0.02  # keep both runs busy at the same time
    expected = keys(reminders.digests(database, settings, FILM_DAY))
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
    assert (first.sent, first.failed) == (0, EMAILS)
    rows = database.execute("SELECT status, attempts, error FROM reminders_sent").fetchall()
    assert {(s, a) for s, a, _ in rows} == {("failed", 1)}
    assert all("554" in e for _, _, e in rows)
    assert len(reminders.due(database, settings, FILM_DAY)) == 7  # still due
    assert len(reminders.digests(database, settings, FILM_DAY)) == EMAILS
    smtp_server.reject = False
    second = reminders.run(database, settings, FILM_DAY)
    assert (second.sent, second.failed) == (EMAILS, 0)
    assert database.execute("SELECT DISTINCT status, attempts, error FROM reminders_sent").fetchall() == [("sent", 2, "")]
    assert len(smtp_server.messages) == EMAILS


def test_a_closed_port_marks_failed_and_a_later_run_succeeds(database, settings, cohort, smtp_server, monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    monkeypatch.setenv("DIGLED_SMTP_PORT", str(closed))
    down = reminders.run(database, settings, FILM_DAY)
    assert down.failed == EMAILS and down.sent == 0
    assert "Connection" in next(iter(down.errors.values()))
    monkeypatch.setenv("DIGLED_SMTP_PORT", str(smtp_server.port))
    up = reminders.run(database, settings, FILM_DAY)
    assert (up.sent, up.failed) == (EMAILS, 0)


def test_a_reminder_is_given_up_after_max_attempts(database, settings, cohort, smtp_server):
    smtp_server.reject = True
    for _ in range(reminders.MAX_ATTEMPTS):
        reminders.run(database, settings, FILM_DAY)
    assert reminders.due(database, settings, FILM_DAY) == []
    assert reminders.digests(database, settings, FILM_DAY) == []
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
    first_key = reminders.digests(database, settings, FILM_DAY)[0].key
    with pytest.raises(Crash):
        reminders.run(database, settings, FILM_DAY)
    assert database.execute("SELECT status FROM reminders_sent WHERE key = ?", [first_key]).fetchone() == ("claimed",)
    assert smtp_server.messages == []

    soon = reminders.run(database, settings, FILM_DAY)  # the claim is fresh: maybe still sending
    assert (soon.sent, soon.skipped) == (EMAILS - 1, 1)
    later = reminders.run(database, settings, FILM_DAY, now=time.time() + reminders.STALE_CLAIM_S + 1)
    assert (later.sent, later.skipped) == (1, 0)
    assert sorted(m["X-Digled-Reminder"] for m in smtp_server.messages).count(first_key) == 1
    assert len(smtp_server.messages) == EMAILS


def _parts(msg):
    """The plain-text and HTML bodies (line ends normalised: SMTP transports CRLF)."""
    return tuple(msg.get_body((k,)).get_content().replace("\r\n", "\n") for k in ("plain", "html"))


def test_messages_in_danish_and_english_with_text_and_html(database, settings, cohort, smtp_server):
    with db.write(database):  # only film1 is new for them: a single-item e-mail
        for who in ("lea", "emma"):
            database.execute("INSERT INTO participation VALUES (?, 'start', '2015-11-20')", [cohort[who]])
            database.execute("INSERT INTO progress VALUES (?, 'kl1', 'done', '2015-11-20')", [cohort[who]])
    reminders.run(database, settings, FILM_DAY)
    by_key = {m["X-Digled-Reminder"]: m for m in smtp_server.messages}
    da = by_key[f"digest:{cohort['lea']}:2015-11-23"]
    en = by_key[f"digest:{cohort['emma']}:2015-11-23"]
    assert da["Subject"] == "Ny film i forløbet: Digital ledelse i organisationen"
    assert en["Subject"] == "New film in the programme: Digital leadership in the organisation"
    assert da["Content-Language"] == "da" and en["Content-Language"] == "en"
    da_text, da_html = _parts(da)
    en_text, en_html = _parts(en)
    assert da_text.startswith("Kære Lea <b>Dam</b>,") and "14. december 2015" in da_text
    assert "Se filmen:\nhttp://localhost:8501/films?item=film1" in da_text and "Venlig hilsen" in da_text
    assert en_text.startswith("Dear Emma Stone,") and "14 December 2015" in en_text and "Kind regards" in en_text
    assert '<a href="http://localhost:8501/films?item=film1"' in en_html and "Watch the film" in en_html
    # a generic link never carries the personal-link wording
    assert "personligt" not in da_text and "personal" not in en_text
    assert "Linkene åbner appen" in da_text
    assert "Lea &lt;b&gt;Dam&lt;/b&gt;" in da_html and "<b>Dam</b>" not in da_html  # never rendered as HTML
    assert 'lang="da"' in da_html and "Kære" in da_html


def test_the_invitation_reminder_carries_a_fresh_working_link(database, settings, cohort, smtp_server, monkeypatch):
    monkeypatch.setenv("DIGLED_BASE_URL", "https://digled.example.dk")
    old = invitations.create(database, cohort["nina"], now=time.time() - 30 * 86400)
    reminders.run(database, settings, FILM_DAY)
    msg = next(m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == "nina@a.dk")
    text, html = _parts(msg)
    assert msg["Subject"] == "Din invitation til Digital ledelse"
    assert "Linket er personligt" in text  # an invitation link is personal, and says so
    token = re.search(r"https://digled\.example\.dk/accept-invitation\?token=([\w-]+)", text).group(1)
    assert invitations.verify(database, token).user.username == "nina"
    assert invitations.verify(database, old).reason == "expired"
    assert f"token={token}" in html


def test_without_smtp_every_message_is_an_eml_file_in_the_outbox(database, settings, cohort, tmp_path):
    summary = reminders.run(database, settings, FILM_DAY)
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert summary.sent == len(files) == EMAILS
    assert summary.delivered_to == f"outbox {tmp_path / 'outbox'}"
    msg = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["X-Digled-Reminder"] and msg.get_body(("plain",)) and msg.get_body(("html",))
    assert reminders.run(database, settings, FILM_DAY).sent == 0
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == EMAILS


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
    assert summary.failed == EMAILS and smtp_server.messages == []
    assert "STARTTLS" in next(iter(summary.errors.values()))


def test_a_broken_text_file_is_named(tmp_path):
    source = (config.DATA_DIR / "reminders.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "reminders.yaml"
    broken.write_text(source.replace("Ny film i forløbet: {activity}", "Ny film: {film}"), encoding="utf-8")
    with pytest.raises(ContentError, match=r"reminders.yaml: kinds: film: subject: the da text has an unknown"):
        mail_texts.load_texts(broken)
    assert mail_texts.load_texts().kinds.keys() == set(reminders.KINDS)


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


def test_a_film_falling_due_is_reminded_once_days_before(database, settings, cohort):
    lea = cohort["lea"]

    def due_soon(day):
        return {r.activity for r in reminders.due(database, settings, day) if r.user.id == lea and r.kind == "film_due"}

    # not while the release reminder is still unsent (it names the due day itself)
    assert due_soon(date(2015, 12, 11)) == set()
    reminders.run(database, settings, FILM_DAY)
    assert due_soon(date(2015, 12, 10)) == set()  # film1 and kl1 are due on 14 December
    assert due_soon(date(2015, 12, 11)) == {"film1", "kl1"}
    with db.write(database):
        database.execute("INSERT INTO progress VALUES (?, 'kl1', 'done', '2015-12-11')", [lea])
    [digest] = [d for d in reminders.digests(database, settings, date(2015, 12, 11)) if d.user.id == lea]
    # kl2 opened on 7 December (its release) and film1 falls due: one e-mail lists both
    assert [(r.kind, r.activity) for r in digest.items] == [("film", "kl2"), ("film_due", "film1")]
    assert digest.subject == "Digital ledelse: 2 ting til dig"
    assert digest.items[1].link == "http://localhost:8501/films?item=film1"
    preview = reminders.preview(digest)
    assert "2. Snart sidste frist: Digital ledelse i organisationen" in preview
    assert "Husk at se »Digital ledelse i organisationen« senest 14. december 2015." in preview
    reminders.run(database, settings, date(2015, 12, 11))
    assert due_soon(date(2015, 12, 12)) == set()  # once
