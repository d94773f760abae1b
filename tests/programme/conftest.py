"""Shared by the programme's tests. The reminder tests' cohort and surroundings (test_reminder_due,
test_reminder_messages, test_outbox, test_reminder_sending, test_invitation_sending: a module
asks for them with `pytestmark = pytest.mark.usefixtures("films_online", "no_real_mail")`), and
the journey's leaders and days (test_journey, test_reflections, test_schedule, test_attendance)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from digled.accounts import auth
from digled.content import activities, programme
from digled.platform import db
from digled.programme import reminder_due

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
        dataclasses.replace(a, video_url=f"https://video.example.dk/{a.id}") if a.kind in reminder_due.FILM_KINDS else a
        for a in prog.activities))


@pytest.fixture
def films_online(monkeypatch):
    """Every film has a link unless a test says otherwise (test_a_film_without_a_link...)."""
    prog = online(activities.load_programme())
    monkeypatch.setattr(programme, "programme", lambda db=None: prog)  # with or without a database
    return prog


@pytest.fixture
def no_real_mail(monkeypatch, tmp_path):
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


def parts(msg):
    """The plain-text and HTML bodies (line ends normalised: SMTP transports CRLF)."""
    return tuple(msg.get_body((k,)).get_content().replace("\r\n", "\n") for k in ("plain", "html"))


# --- the journey's tests (test_journey, test_reflections, test_schedule, test_attendance) ------

KICKOFF = date(2015, 11, 16)
PROG = programme.programme()


def day(n: int) -> date:
    return KICKOFF + timedelta(days=n)


@pytest.fixture
def leader(database) -> int:
    return auth.create_user(database, username="lea", name="Lea Dam", municipality="Albertslund", area="dagtilbud")


@pytest.fixture
def other(database) -> int:
    return auth.create_user(database, username="ole", name="Ole Hansen", municipality="Glostrup", area="skole")
