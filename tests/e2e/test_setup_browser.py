"""The first-run wizard in a real browser: a fresh installation outside demo whose first
administrator was made with `python -m digled add-admin` (as the README says). The administrator
logs in, lands on the wizard and completes it: Danish on a desktop, English on a phone (Back and
Next stay on one row, no sideways scrolling); axe clean on every step."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date, timedelta

import pytest

from digled.content import programme
from digled.platform import dates
from digled.programme import first_run
from tests.e2e.conftest import _require_chromium
from tests.e2e.helpers import expect_text, idle, login, open_app
from tests.e2e.test_phone_browser import DESKTOP, OVERFLOW, PHONE
from tests.e2e.test_quality_browser import serious_violations
from tests.servers import ROOT, Server

PASSWORD = "Kontor-Foraar-2027-lang"
WORDS = {
    "da": {"title": "Kom i gang", "step": "Trin {n} af 4", "saturday": "er lørdag, ikke en arbejdsdag",
           "saved": "Gemt: kick off er", "moved": "flyttet fra", "count": "Deltagere indtil nu: {n}",
           "bad_email": "e-mail: ikke en gyldig e-mailadresse", "finished": "Opsætningen er færdig",
           "done": "(udført)", "current": "(aktuelt trin)",
           "options": ("Glostrup", "Skole og SFO", "Mellemleder")},
    "en": {"title": "Get started", "step": "Step {n} of 4", "saturday": "is Saturday, not a working day",
           "saved": "Saved: the kick-off is", "moved": "moved from", "count": "Participants so far: {n}",
           "bad_email": "e-mail: not a valid e-mail address", "finished": "Setup is finished",
           "done": "(done)", "current": "(current step)",
           "options": ("Glostrup", "Schools", "Middle manager")},
}


def next_weekday(weekday: int, after: date) -> date:
    """The first `weekday` (0 = Monday) at least 30 days after `after`."""
    day = after + timedelta(days=30)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A server outside demo on an empty database with one administrator, `chef`."""
    _require_chromium()
    server = Server(tmp_path_factory.mktemp("fresh"), env_extra={"DIGLED_DEMO": "0"})
    server.env["DIGLED_BASE_URL"] = server.url
    made = subprocess.run(
        [sys.executable, "-m", "digled", "add-admin", "chef", "--name", "Cecilie Chef", "--email", "chef@kommune.dk"],
        input=PASSWORD + "\n", text=True, capture_output=True, cwd=ROOT, env=server.env, timeout=60,
    )
    assert made.returncode == 0, made.stderr
    server.start()
    yield server
    server.stop()


def review_days(server, lang: str) -> list[list[str]]:
    """The opening and due day of every activity as the app writes them, from the stored schedule."""
    from digled.platform import db

    d = db.connect(server.db_path)
    try:
        return [[dates.day(r.opens, lang, "medium"), dates.day(r.due, lang, "medium")]
                for r in first_run.review_rows(d, lang, programme.programme(d))]
    finally:
        d.close()


def reset(server, lang: str) -> None:
    """Back to an empty installation (the wizard not started), the administrator in `lang`."""
    con = sqlite3.connect(server.db_path, timeout=10)
    try:
        with con:
            con.execute("DELETE FROM settings WHERE key IN ('setup_state', 'cohort_name', 'kickoff_date')")
            con.execute("DELETE FROM users WHERE username != 'chef'")
            con.execute("UPDATE users SET language = ? WHERE username = 'chef'", [lang])
    finally:
        con.close()


def click(page, key: str) -> None:
    page.locator(f".st-key-{key} button").click()
    idle(page)


def step_is(page, w, n: int) -> None:
    expect_text(page, w["step"].format(n=n))


@pytest.mark.parametrize("device, lang", [("desktop", "da"), ("phone", "en")])
def test_the_first_admin_lands_on_the_wizard_and_completes_it(browser, fresh, device, lang):
    w = WORDS[lang]
    reset(fresh, lang)
    context = browser.new_context(**(PHONE if device == "phone" else DESKTOP), locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_app(page, fresh.url)
        login(page, "chef", PASSWORD)
        expect_text(page, w["title"])
        step_is(page, w, 1)
        assert serious_violations(page) == []

        # Back and Next on one row, also on a phone
        back, nxt = (page.locator(f".st-key-{k} button").bounding_box() for k in ("setup_back", "setup_next"))
        assert abs(back["y"] - nxt["y"]) < 4 and back["x"] < nxt["x"]

        name = page.locator(".st-key-setup_cohort_name input")
        # empty, and nothing in it that looks filled in (the example is in the help)
        assert name.input_value() == "" and not name.get_attribute("placeholder")
        name.fill("Digital ledelse 2027")
        name.press("Enter")
        idle(page)
        click(page, "setup_next")
        step_is(page, w, 2)

        saturday = next_weekday(5, date.today())
        page.locator(".st-key-setup_kickoff [role='spinbutton']").first.click()  # day, month, year
        page.keyboard.type(saturday.strftime("%d%m%Y"), delay=30)
        page.locator("h1").first.click()  # the date is taken when the field loses focus
        idle(page)
        expect_text(page, w["saturday"])  # warned before saving
        assert page.evaluate(OVERFLOW) <= 0
        assert serious_violations(page) == []
        click(page, "setup_save_kickoff")
        expect_text(page, w["saved"])
        click(page, "setup_next")

        step_is(page, w, 3)
        expect_text(page, w["moved"])  # a Saturday kick-off moves some generated dates
        assert page.locator("[data-testid='stTable'] tbody tr").count() == 18
        # every date reads whole, as the app writes it (a cell "6. apr." became a list and lost its day)
        shown = [[c.strip() for c in row.locator("td").all_inner_texts()]
                 for row in page.locator("[data-testid='stTable'] tbody tr").all()]
        assert [row[1:3] for row in shown] == review_days(fresh, lang)
        assert serious_violations(page) == []
        click(page, "setup_next")

        step_is(page, w, 4)
        expect_text(page, w["count"].format(n=0))
        page.locator(".st-key-setup_person_name input").fill("Lea Holm")
        page.locator(".st-key-setup_person_name input").press("Enter")
        idle(page)
        page.locator(".st-key-setup_person_email input").fill("lea.holm@")
        page.locator(".st-key-setup_person_email input").press("Enter")
        idle(page)
        for key, option in zip(("municipality", "area", "level"), w["options"]):
            box = page.locator(f".st-key-setup_person_{key} input[role='combobox']")
            box.scroll_into_view_if_needed()
            box.click()
            page.keyboard.type(option[:4], delay=30)  # a combobox: typing filters and opens the list
            page.get_by_role("option", name=option).first.click()
            idle(page)
        click(page, "setup_add_person")
        expect_text(page, w["bad_email"])
        assert page.locator(".st-key-setup_person_name input").input_value() == "Lea Holm"  # nothing lost
        page.locator(".st-key-setup_person_email input").fill("lea.holm@glostrup.dk")
        page.locator(".st-key-setup_person_email input").press("Enter")
        idle(page)
        click(page, "setup_add_person")
        expect_text(page, w["count"].format(n=1))
        assert page.evaluate(OVERFLOW) <= 0
        assert serious_violations(page) == []

        click(page, "setup_finish")
        expect_text(page, w["finished"])
        steps = page.locator("[data-testid='stMarkdownContainer'] ol li")
        assert steps.count() == 4 and all(w["done"] in s for s in steps.all_inner_texts())
        assert w["current"] not in page.locator("[data-testid='stMain']").inner_text()
        assert serious_violations(page) == []
    finally:
        context.close()
