"""Publications in a real browser, in Danish, on a desktop and a phone screen: management's
competence and participation pages read a publication (picker, a figure or the reason it is
hidden), the administrator's publications page shows the list; no exception anywhere and no
sideways scrolling."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import idle, login, open_app, publish_first_figures

SCREENS = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
}
SCREENSHOT = os.environ.get("DIGLED_E2E_SHOT", "/tmp/digled-competences-390x844.png")


def _context(browser, screen):
    context = browser.new_context(locale="da-DK", **SCREENS[screen])
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def _visit(page, url: str, screen: str) -> None:
    page.goto(url)
    idle(page)
    assert page.locator("[data-testid='stException']").count() == 0, page.locator("[data-testid='stException']").first.inner_text()
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{url} scrolls sideways by {overflow}px on the {screen} screen"


def _figure_or_reason(page) -> None:
    """A published figure (a metric) or the reason the group is hidden ("Skjult: ...")."""
    main = page.locator("[data-testid='stMainBlockContainer']")
    shown = main.locator("[data-testid='stMetric']").or_(main.get_by_text("Skjult:", exact=False))
    expect(shown.first).to_be_visible()


@pytest.mark.parametrize("screen", SCREENS)
def test_publications_in_the_browser(browser, server, screen):
    context, page = _context(browser, screen)
    try:
        open_app(page, server.url)
        login(page, "ledelse")

        _visit(page, server.url + "/management-competences", screen)
        expect(page.locator("h1").first).to_have_text("Kompetencer på holdet")
        if page.locator(".st-key-publish_first").count():  # the first visit of the server's demo: an explicit step
            main = page.locator("[data-testid='stMainBlockContainer']")
            expect(main.get_by_text("Der er endnu ikke offentliggjort tal for dette forløb", exact=False)).to_be_visible()
            expect(page.locator(".st-key-publish_first button")).to_have_text("Offentliggør de første tal")
            assert page.locator(".st-key-publication").count() == 0  # nothing was published by opening the page
            assert publish_first_figures(page)
        picker = page.locator(".st-key-publication")
        expect(picker).to_be_visible()
        expect(picker).to_contain_text("Offentliggørelse")
        expect(picker.get_by_role("combobox")).to_have_value(re.compile(r"\(første offentliggørelse\)$"))
        _figure_or_reason(page)
        expect(page.locator("[data-testid='stMainBlockContainer'] [data-testid='stMetric']").first).to_contain_text(
            "Besvarelser i tallene")
        if screen == "phone":  # the whole page at phone width: Streamlit scrolls an inner box, so grow the viewport
            page.locator(".st-key-export_publication").scroll_into_view_if_needed()
            idle(page)
            tall = page.evaluate("() => document.querySelector(\"[data-testid='stMain']\").scrollHeight")
            page.set_viewport_size({"width": 390, "height": tall})
            idle(page)
            page.screenshot(path=SCREENSHOT, full_page=True)
            page.set_viewport_size(SCREENS["phone"]["viewport"])
            idle(page)

        # a small group: its reason, no figure
        for key, option in (("filter_municipality", "Glostrup"), ("filter_area", "Kultur"), ("filter_level", "Topleder")):
            box = page.locator(f".st-key-{key}").get_by_role("combobox")
            box.scroll_into_view_if_needed()
            box.click()
            # type and confirm: on a phone the list may open past the screen's edge
            page.keyboard.type(option)
            page.get_by_role("option", name=option, exact=False).first.wait_for()
            page.keyboard.press("Enter")
            idle(page)
        expect(page.locator("[data-testid='stMainBlockContainer']").get_by_text("Skjult: færre end 5 besvarelser.")).to_be_visible()
        assert page.locator("[data-testid='stMainBlockContainer'] [data-testid='stMetric']").count() == 0

        _visit(page, server.url + "/management-participation", screen)
        expect(page.locator(".st-key-publication")).to_be_visible()
        _figure_or_reason(page)
        expect(page.locator("[data-testid='stMainBlockContainer'] [data-testid='stMetric']").first).to_contain_text(
            "Ledere i gruppen")
    finally:
        context.close()

    context, page = _context(browser, screen)
    try:
        open_app(page, server.url)
        login(page, "admin")
        _visit(page, server.url + "/admin-publications", screen)
        expect(page.locator("h1").first).to_have_text("Offentliggørelser")
        expect(page.locator(".st-key-publication_period_days input")).to_be_visible()
        # management's step made the first publication today: the next one waits a day
        expect(page.get_by_text("Den næste offentliggørelse kan laves fra", exact=False)).to_be_visible()
        assert page.locator(".st-key-publish_now").count() == 0
        listing = page.locator("[data-testid='stDataFrame']").first
        expect(listing).to_be_visible()
    finally:
        context.close()
