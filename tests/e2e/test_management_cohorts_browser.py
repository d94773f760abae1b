"""Comparing two runs in a real browser (issue 12): management opens "Compare runs" on a server
whose demo run was published and closed and a second run published; both runs' names, counts,
the grouped bar charts and the table show in Danish and English, on a desktop and a phone
screen: no exception, no sideways scrolling, axe clean (WCAG 2.1 AA, serious or critical)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import idle, login, open_app
from tests.e2e.test_quality_browser import serious_violations, set_language
from tests.pages.test_management_cohorts import NEW_RUN, _second_run

SCREENS = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
}


@pytest.fixture(scope="module")
def two_runs(server, browser):
    """The server's demo database (made at the first page run) with a second run published."""
    from digled.platform import db as dbmod

    page = browser.new_page()
    open_app(page, server.url)  # the demo is loaded at the server's first page run
    page.close()
    d = dbmod.connect(server.db_path)
    try:
        old_id = _second_run(d, server.env["DIGLED_PSEUDONYM_SECRET"])[0]
        return d.execute("SELECT name FROM cohorts WHERE id = ?", [old_id]).fetchone()[0]
    finally:
        d.close()


def _check(page, screen: str, words: tuple[str, ...], old_name: str, axe: bool) -> None:
    main = page.locator("[data-testid='stMainBlockContainer']")
    expect(main.get_by_role("heading", name=words[0])).to_be_visible()
    expect(main.get_by_role("heading", name=f"{NEW_RUN} {words[1]}")).to_be_visible()
    expect(main.get_by_role("heading", name=old_name, exact=True)).to_be_visible()
    expect(main.locator("[data-testid='stMetric']")).to_have_count(2)
    expect(main.locator(".js-plotly-plot")).to_have_count(2)
    expect(main.locator(".js-plotly-plot").first).to_be_visible()
    expect(main.locator("[data-testid='stDataFrame']").last).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the comparison scrolls sideways by {overflow}px on the {screen} screen"
    if axe:
        assert serious_violations(page) == []


@pytest.mark.parametrize("screen", SCREENS)
def test_management_compares_two_runs(browser, server, two_runs, screen):
    context = browser.new_context(locale="da-DK", **SCREENS[screen])
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_app(page, server.url)
        login(page, "ledelse")
        page.goto(server.url + "/management-cohorts")
        idle(page)
        desktop = screen == "desktop"
        _check(page, screen, ("Sammenlign forløb", "(i gang)"), two_runs, axe=desktop)
        if desktop:
            set_language(page, "English")
            idle(page)
            _check(page, screen, ("Compare runs", "(running)"), two_runs, axe=True)
            set_language(page, "Dansk")  # the choice is kept for the account: back for the next test
            idle(page)
    finally:
        context.close()
