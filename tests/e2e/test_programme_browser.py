"""A leader in a real browser: writes a reflection on a film that survives a reload, then books
a service check. Elements are found by widget keys (`.st-key-<key>`) and menu links by their
address, not by text (new UI text is translated to Danish later)."""

import re
import sqlite3

from playwright.sync_api import expect

from tests.e2e.helpers import idle, login, open_app

NOTE = "Vi skal have styr på gevinsterne, før vi køber et nyt system."


def query(server, sql: str, params=()):
    with sqlite3.connect(server.db_path) as conn:
        return conn.execute(sql, params).fetchone()


def menu(page, url_path: str) -> None:
    side = "[data-testid='stSidebar']"
    page.locator(f"{side} a[href='{url_path}'], {side} a[href$='/{url_path}']").first.click()
    idle(page)


def login_leader(page, server) -> None:
    """Log in as `leder` and wait for the login cookie (written by JavaScript after the run)."""
    open_app(page, server.url)
    login(page, "leder")


def test_reflection_survives_a_reload_and_a_service_check_is_booked(page, server):
    login_leader(page, server)
    menu(page, "films")
    field = page.locator(".st-key-refl_film3-r1 textarea")
    field.fill(NOTE)
    field.press("Tab")  # leaving the field sends it at once (it is also saved while typing)
    # the page says "Gemt kl. ..." once the run that saved it finished
    expect(page.locator(".st-key-refl_film3-r1 [role='status']")).to_have_text(re.compile(r"^Gemt kl\. "))
    saved = "SELECT r.text FROM reflections r JOIN users u ON u.id = r.user_id WHERE u.username = 'leder' AND r.question = 'film3-r1'"
    assert query(server, saved) == (NOTE,)
    page.reload()
    idle(page)
    assert page.locator(".st-key-refl_film3-r1 textarea").input_value() == NOTE

    menu(page, "service-check")
    booked = "SELECT b.slot_id FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.username = 'leder'"
    assert query(server, booked) is None
    first = page.locator("[class*='st-key-book_']").first
    slot_id = int(first.get_attribute("class").split("st-key-book_")[1].split()[0])
    first.locator("button").click()
    idle(page)
    page.locator(".st-key-cancel_booking button").wait_for()
    assert query(server, booked) == (slot_id,)
    assert page.locator(f".st-key-book_{slot_id}").count() == 0
