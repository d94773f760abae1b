"""The follow-up invitation's link in a real browser (issue 23): the daily reminder run e-mails a
demo leader the 3-month follow-up (a real SMTP server), and the link in the e-mail, opened
logged out, shows the login at that address and then the follow-up assessment with "Hvad fik du
gjort?". One server for the module."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from datetime import date, timedelta

import pytest

from digled.assessment import answering
from digled.content import programme
from digled.platform import db as storage
from tests.e2e.conftest import mail_env
from tests.e2e.helpers import expect_text, login, open_app
from tests.servers import Server


@pytest.fixture(scope="module")
def server(tmp_path_factory, mailbox):
    s = Server(tmp_path_factory.mktemp("followup"), env_extra=mail_env(mailbox), demo=True)
    s.env["DIGLED_BASE_URL"] = s.url  # the e-mailed links open this server
    s.start()
    yield s
    s.stop()


def _follow_up_due_today(server) -> tuple[str, str]:
    """Move the demo's kick-off so the programme ended 100 days ago (the 3-month follow-up is
    open today); return the e-mail of a demo leader who has not taken it (a fresh outbox)."""
    d = storage.connect(server.db_path)
    try:
        prog = programme.programme(d)
        end = answering.programme_end(d, prog)
        kickoff = programme.kickoff_date(d, prog) - (end - (date.today() - timedelta(days=100)))
        with storage.write(d):
            storage.set_setting(d, "kickoff_date", kickoff.isoformat())
        assert answering.open_followup(d, prog) == "followup_3"
    finally:
        d.close()
    with sqlite3.connect(server.db_path) as con:
        username, email = con.execute(
            "SELECT username, email FROM users WHERE password_hash IS NOT NULL AND roles = 'leader' AND username != 'leder' "
            "AND id IN (SELECT user_id FROM participation WHERE round = 'start') "
            "AND id NOT IN (SELECT user_id FROM participation WHERE round = 'followup_3') ORDER BY id LIMIT 1").fetchone()
        con.execute("DELETE FROM reminders_sent")  # only today's e-mails
        con.execute("UPDATE users SET language = 'da' WHERE username = ?", [username])
    return username, email


def test_the_follow_up_invitation_link_opens_the_follow_up_after_login(page, server, mailbox):
    open_app(page, server.url)  # the app loads the demo at its first page run
    username, email = _follow_up_due_today(server)
    subprocess.run([sys.executable, "-m", "digled", "reminders"], env=server.env, check=True, capture_output=True)
    mine = [m for m in mailbox.messages if m["To"].addresses[0].addr_spec == email]
    [msg] = [m for m in mine if "Opfølgning 3 måneder efter forløbet" in m["Subject"]
             or "Opfølgning 3 måneder efter forløbet" in m.get_body(("plain",)).get_content()]
    text = msg.get_body(("plain",)).get_content()
    assert "hvad fik du gjort?" in text
    [link] = [u for u in re.findall(r"https?://\S+", text) if u.rstrip(".)").endswith("/assessment")]
    page.context.clear_cookies()
    page.goto(link.rstrip(".)"))
    expect_text(page, "Log ind for at åbne")
    assert page.url.rstrip("/").endswith("/assessment")
    login(page, username)
    expect_text(page, "Dette er din opfølgende kompetenceafklaring, 3 måneder efter forløbet")
    assert page.url.rstrip("/").endswith("/assessment")
