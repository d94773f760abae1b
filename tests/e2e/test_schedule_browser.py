"""The administrator's schedule in a real browser: workshops set by hand on Grundlovsdag and on
a Saturday are warned about, each row says where its dates come from; Danish on a desktop,
English on a phone (no sideways scrolling); axe clean."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from digled.platform import db as database
from digled.programme import schedule
from tests.e2e.helpers import expect_text, idle, login, open_app
from tests.e2e.test_phone_browser import DESKTOP, OVERFLOW, PHONE
from tests.e2e.test_quality_browser import serious_violations

EXPECTED = {
    "da": ["Fælles workshop 1: 5. juni 2030 er Grundlovsdag, ikke en arbejdsdag.",
           "Fælles workshop 2: 8. juni 2030 er lørdag, ikke en arbejdsdag.",
           "sat manuelt", "åbning flyttet fra 22. apr. 2030 (Anden påskedag)"],
    "en": ["Joint workshop 1: 5 June 2030 is Constitution Day, not a working day.",
           "Joint workshop 2: 8 June 2030 is Saturday, not a working day.",
           "set by hand", "opens moved from 22 Apr 2030 (Easter Monday)"],
}


@pytest.fixture(scope="module")
def schedule_with_days_off(server, browser) -> None:
    """The demo database (made by the first visit) with a kick-off in 2030 and two workshops set
    by hand on days off."""
    page = browser.new_page()
    open_app(page, server.url)
    page.close()
    d = database.connect(server.db_path)
    try:
        schedule.set_kickoff(d, "admin", date(2030, 1, 7))
        schedule.save(d, "admin", {"workshop1": (date(2030, 6, 5), date(2030, 6, 5)),
                                           "workshop2": (date(2030, 6, 8), date(2030, 6, 8))})
    finally:
        d.close()


def set_admin_language(server, lang: str) -> None:
    con = sqlite3.connect(server.db_path, timeout=10)
    try:
        with con:
            con.execute("UPDATE users SET language = ? WHERE username = 'admin'", [lang])
    finally:
        con.close()


@pytest.mark.parametrize("device, lang", [("desktop", "da"), ("phone", "en")])
def test_schedule_warns_of_days_off_and_shows_the_source_of_dates(browser, server, schedule_with_days_off, device, lang):
    set_admin_language(server, lang)
    context = browser.new_context(**(PHONE if device == "phone" else DESKTOP), locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_app(page, server.url)
        login(page, "admin")
        page.goto(server.url + "/admin-schedule")
        idle(page)
        for text in EXPECTED[lang]:
            expect_text(page, text)
        alerts = page.locator("[data-testid='stAlertContentWarning']").all_inner_texts()
        assert [a.strip() for a in alerts if "2030" in a] == EXPECTED[lang][:2]  # shown as warnings
        assert page.evaluate(OVERFLOW) <= 0
        assert serious_violations(page) == []
    finally:
        context.close()
