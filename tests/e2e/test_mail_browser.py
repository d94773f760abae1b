"""A leader in a real browser books a service check (Danish and English, desktop and phone):
the page says "Booket"/"Booked" with dates in words, a confirmation e-mail with a calendar file
arrives at a real SMTP server (aiosmtpd), the page's "Tilføj til kalender (.ics)" download is
the same calendar event, and cancelling sends the CANCEL. One server for the module."""

from __future__ import annotations

import re
import sqlite3

import pytest
from icalendar import Calendar

from digled.accounts import programme_runs
from tests.e2e.conftest import mail_env
from tests.e2e.helpers import body, expect_text, idle, login, open_app, pick_option
from tests.servers import Server

DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
TEXTS = {
    "da": {"booked": "Dit servicetjek er booket.", "badge": "Booket", "download": "Tilføj til kalender (.ics)",
           "cancelled": "Din booking er aflyst.", "subject": "Bekræftelse: servicetjek "},
    "en": {"booked": "Your service check is booked.", "badge": "Booked", "download": "Add to calendar (.ics)",
           "cancelled": "Your booking is cancelled.", "subject": "Confirmed: service check on "},
}
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{4}/\d{2}/\d{2}\b")


@pytest.fixture(scope="module")
def server(tmp_path_factory, mailbox):
    s = Server(tmp_path_factory.mktemp("mail"), env_extra=mail_env(mailbox), demo=True).start()
    yield s
    s.stop()


def free_leader(server, lang: str) -> tuple[str, str]:
    """A demo leader of the running run who can log in and has no booking, set to `lang`: (username, e-mail)."""
    with sqlite3.connect(server.db_path) as con:
        username, email = con.execute(
            "SELECT username, email FROM users WHERE password_hash IS NOT NULL AND roles = 'leader' "
            "AND username != 'leder' AND id NOT IN (SELECT user_id FROM bookings) "
            f"AND id NOT IN (SELECT user_id FROM reminders_sent) AND {programme_runs.IN_RUNNING} ORDER BY id LIMIT 1"
        ).fetchone()
        con.execute("UPDATE users SET language = ? WHERE username = ?", [lang or "da", username])
    return username, email


def messages_to(mailbox, email: str) -> list:
    """The e-mails the SMTP server accepted for `email`. The page sends them inside the script run
    that says "Booket"/"cancelled" (pages/service_check.py), and the server holds a message
    before it answers 250, so once the page says so they are all here."""
    return [m for m in mailbox.messages if m["To"].addresses[0].addr_spec == email]


def attached_calendar(msg) -> Calendar:
    [part] = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_content())


def open_menu(page) -> None:
    """Open the sidebar where it is collapsed (a phone)."""
    expand = page.locator("[data-testid='stExpandSidebarButton']")
    if expand.count() and expand.first.is_visible():
        expand.first.click()
        page.locator("[data-testid='stSidebar'] .st-key-lang_picker").wait_for(state="visible")


def close_menu(page) -> None:
    """Close the sidebar where it covers the page (a phone)."""
    if page.viewport_size["width"] >= 768:
        return
    close = page.locator("[data-testid='stSidebarCollapseButton'] button, button[data-testid='stSidebarCollapseButton']")
    if close.count() and page.locator("[data-testid='stSidebar'][data-collapsed='false']").count():
        close.first.click()
        page.locator("[data-testid='stSidebar'][data-collapsed='true']").wait_for(state="attached")


def set_language(page, lang: str) -> None:
    """Choose the language with the sidebar's picker (before logging in)."""
    if lang == "da":
        return
    open_menu(page)
    pick_option(page, "lang_picker", "English")
    close_menu(page)


def open_service_check(page, server) -> None:
    page.goto(server.url + "/service-check")
    idle(page)
    if page.locator("[class*='st-key-book_']").count() == 0:  # landed elsewhere: use the menu
        open_menu(page)
        page.locator("[data-testid='stSidebar'] a[href$='service-check']").first.click()
        idle(page)


@pytest.mark.parametrize("lang, device", [("da", "desktop"), ("en", "phone"), ("en", "desktop"), ("da", "phone")])
def test_booking_mails_a_calendar_file_and_the_page_offers_it(browser, server, mailbox, lang, device):
    context = browser.new_context(**(PHONE if device == "phone" else DESKTOP),
                                  locale="da-DK" if lang == "da" else "en-GB", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_app(page, server.url)  # the first visit creates the demo database
        username, email = free_leader(server, lang)
        set_language(page, lang)
        login(page, username)
        open_service_check(page, server)
        first = page.locator("[class*='st-key-book_']").first
        first.locator("button").click()
        idle(page)
        texts = TEXTS[lang]
        expect_text(page, texts["booked"])
        expect_text(page, texts["badge"])
        text = body(page)
        assert not ISO_DATE.search(text), ISO_DATE.search(text).group(0)
        [booked] = messages_to(mailbox, email)
        assert booked["Subject"].startswith(texts["subject"])
        event = attached_calendar(booked).walk("VEVENT")[0]
        assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"

        button = page.locator(".st-key-booking_ics button:visible")
        assert texts["download"] in button.inner_text()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]  # fits the phone
        with page.expect_download() as download:
            button.click()
        assert download.value.suggested_filename.endswith(".ics")
        cal = Calendar.from_ical(open(download.value.path(), "rb").read())
        [same] = cal.walk("VEVENT")
        assert str(same["UID"]) == str(event["UID"]) and same.decoded("dtstart") == event.decoded("dtstart")
        assert str(same["LOCATION"]) == str(event["LOCATION"])
        # demo (no DIGLED_BASE_URL): the link is to the server that made it, not to port 8501
        assert str(same["URL"]) == f"{server.url}/service-check", str(same["URL"])

        page.locator(".st-key-cancel_booking button").click()
        idle(page)
        expect_text(page, texts["cancelled"])
        _, cancelled = messages_to(mailbox, email)
        cancel = attached_calendar(cancelled)
        assert str(cancel["METHOD"]) == "CANCEL" and str(cancel.walk("VEVENT")[0]["UID"]) == str(event["UID"])
    finally:
        context.close()
