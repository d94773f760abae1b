"""The privacy statement in a real browser, logged out, in Danish: reached from the login
screen and by its address, readable on a desktop and a phone screen, without serious
accessibility violations."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.helpers import body, expect_text, idle, open_app

TITLE = "Oplysning om behandling af personoplysninger"
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SCREENS = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3},
}


@pytest.mark.parametrize("screen", SCREENS)
def test_privacy_statement_logged_out(browser, server, screen):
    context = browser.new_context(locale="da-DK", **SCREENS[screen])
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_app(page, server.url)
        expect_text(page, "Brugernavn")
        link = page.locator("[data-testid='stMainBlockContainer'] [data-testid='stPageLink']")
        link.get_by_text("Sådan behandler vi dine personoplysninger").click()
        idle(page)
        expect_text(page, TITLE)
        assert page.url.rstrip("/").endswith("/privacy")

        page.goto(server.url + "/privacy")  # the address works on its own, still logged out
        idle(page)
        expect_text(page, TITLE)
        headings = [h.strip() for h in page.locator("[data-testid='stMainBlockContainer'] h2").all_inner_texts()]
        for heading in ("Dataansvarlig", "Retsgrundlag", "Hvem ser hvad", "Dine rettigheder", "Kontakt"):
            assert heading in headings, headings
        text = body(page)
        assert "grupper på mindst 5 ledere" in text and "Datatilsynet" in text
        assert "Brugernavn" not in text  # the statement itself, not the login form

        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"the page scrolls sideways by {overflow}px on the {screen} screen"
        result = Axe().run(page, options=WCAG)
        serious = [v["id"] for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == []
    finally:
        context.close()
