"""The reminder e-mails (reminder_messages): Danish and English, plain text and HTML, deep links,
a name never rendered as HTML, and the invitation's fresh personal link."""

from __future__ import annotations

import re
import time

import pytest

from digled.accounts import invitations
from digled.platform import db
from digled.programme import reminder_sending
from tests.programme.conftest import FILM_DAY, parts

pytestmark = pytest.mark.usefixtures("films_online", "no_real_mail")


def test_messages_in_danish_and_english_with_text_and_html(database, settings, cohort, smtp_server):
    with db.write(database):  # only film1 is new for them: a single-item e-mail
        for who in ("lea", "emma"):
            database.execute("INSERT INTO participation VALUES (?, 'start', '2015-11-20')", [cohort[who]])
            database.execute("INSERT INTO progress VALUES (?, 'kl1', 'done', '2015-11-20')", [cohort[who]])
    reminder_sending.run(database, settings, FILM_DAY)
    by_key = {m["X-Digled-Reminder"]: m for m in smtp_server.messages}
    da = by_key[f"digest:{cohort['lea']}:2015-11-23"]
    en = by_key[f"digest:{cohort['emma']}:2015-11-23"]
    assert da["Subject"] == "Ny film i forløbet: Digital ledelse i organisationen"
    assert en["Subject"] == "New film in the programme: Digital leadership in the organisation"
    assert da["Content-Language"] == "da" and en["Content-Language"] == "en"
    da_text, da_html = parts(da)
    en_text, en_html = parts(en)
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
    reminder_sending.run(database, settings, FILM_DAY)
    msg = next(m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == "nina@a.dk")
    text, html = parts(msg)
    assert msg["Subject"] == "Din invitation til Digital ledelse"
    assert "Linket er personligt" in text  # an invitation link is personal, and says so
    token = re.search(r"https://digled\.example\.dk/accept-invitation\?token=([\w-]+)", text).group(1)
    assert invitations.verify(database, token).user.username == "nina"
    assert invitations.verify(database, old).reason == "expired"
    assert f"token={token}" in html
