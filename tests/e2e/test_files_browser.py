"""Files in a real browser (issue 12): the administrator uploads a handbook PDF on Files and
materials; a leader whose handbook is unlocked downloads exactly those bytes from Kick-off and
handbook. Danish on a desktop, English on a phone (no sideways scrolling); axe clean."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.content.test_uploaded_files import small_pdf
from tests.e2e.helpers import expect_text, idle, login, open_app
from tests.e2e.test_phone_browser import DESKTOP, OVERFLOW, PHONE
from tests.e2e.test_quality_browser import serious_violations

EXPECTED = {
    "da": {"saved": "Håndbog: Inddragelse af medarbejderne: gemte {name} som version {version}.",
           "download": "Download håndbogen"},
    "en": {"saved": "Handbook: Involving employees: saved {name} as version {version}.",
           "download": "Download the handbook"},
}


@pytest.fixture(scope="module")
def unlocked_leader(server, browser) -> str:
    """The demo database (made by the first visit) where the leader 'leder' took the end
    assessment, so the handbook is unlocked for them (and for no one else: the demo is mid-programme)."""
    page = browser.new_page()
    open_app(page, server.url)
    page.close()
    con = sqlite3.connect(server.db_path, timeout=10)
    try:
        with con:
            con.execute("INSERT INTO participation (user_id, round, taken_on) "
                        "SELECT id, 'end', ? FROM users WHERE username = 'leder'", [date.today().isoformat()])
    finally:
        con.close()
    return "leder"


def set_language(server, lang: str) -> None:
    con = sqlite3.connect(server.db_path, timeout=10)
    try:
        with con:
            con.execute("UPDATE users SET language = ? WHERE username IN ('admin', 'leder')", [lang])
    finally:
        con.close()


def new_page(browser, device: str):
    context = browser.new_context(**(PHONE if device == "phone" else DESKTOP), locale="da-DK", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def next_version(server) -> int:
    """The version the next handbook upload gets (every upload is kept: digled/content/uploaded_files.py)."""
    con = sqlite3.connect(server.db_path, timeout=10)
    try:
        return con.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM content_files WHERE slot = 'handbook'").fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("device, lang", [("desktop", "da"), ("phone", "en")])
def test_an_uploaded_handbook_reaches_an_unlocked_leader_byte_for_byte(browser, server, unlocked_leader, device, lang):
    set_language(server, lang)
    version = next_version(server)
    pdf = small_pdf(f"handbook {device} {lang}")
    name = f"haandbog-{device}.pdf"
    admin = new_page(browser, device)
    try:
        open_app(admin, server.url)
        login(admin, "admin")
        admin.goto(server.url + "/admin-files")
        idle(admin)
        admin.locator("[class*='st-key-file_handbook_'] input[type='file']").set_input_files(
            files=[{"name": name, "mimeType": "application/pdf", "buffer": pdf}])
        idle(admin)
        expect(admin.locator("[class*='st-key-file_handbook_']")).to_contain_text(name)
        admin.locator(".st-key-save_handbook button").click()
        idle(admin)
        expect_text(admin, EXPECTED[lang]["saved"].format(name=name, version=version))
        assert admin.evaluate(OVERFLOW) <= 0
        assert serious_violations(admin) == []
    finally:
        admin.context.close()

    page = new_page(browser, device)  # the leader, in a browser of their own
    try:
        open_app(page, server.url)
        login(page, unlocked_leader)
        page.goto(server.url + "/materials")
        idle(page)
        button = page.locator(".st-key-handbook_download button")
        expect(button).to_contain_text(EXPECTED[lang]["download"])
        with page.expect_download() as caught:
            button.click()
        download = caught.value
        assert download.suggested_filename == name
        assert Path(download.path()).read_bytes() == pdf  # exactly the newest upload
        assert page.evaluate(OVERFLOW) <= 0
        assert serious_violations(page) == []
    finally:
        page.context.close()
