"""The focus list in a real browser (issue 11): management sees the demo cohort's focus list
(table) and the importance-performance matrix, in Danish and English, on a desktop and a phone
screen: no exception, no sideways scrolling, axe clean (WCAG 2.1 AA, serious or critical)."""

from __future__ import annotations

import random
import sqlite3

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import idle, login, open_app, publish_first_figures
from tests.e2e.test_quality_browser import serious_violations, set_language

SCREENS = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
}


def _ensure_marks(path) -> None:
    """The demo cohort's importance marks (the demo loader gives them; a stand-in until it
    does), written before management's first-figures step makes the first publication. The demo is
    loaded by the server's first page run (open_app before this)."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT COUNT(*) FROM assessments WHERE status = 'submitted'").fetchone()[0]
        if con.execute("SELECT COUNT(*) FROM importance").fetchone()[0] == 0:
            rng = random.Random(11)
            ids = [r[0] for r in con.execute("SELECT id FROM assessments WHERE status = 'submitted' ORDER BY id")]
            comps = sorted({r[0] for r in con.execute(
                "SELECT key FROM assessments, json_each(assessments.scores, '$.competences') LIMIT 1000")})
            con.executemany("INSERT INTO importance (assessment_id, competence, value) VALUES (?, ?, ?)",
                            [(a, c, rng.choices(["important", "less", "not_relevant"], [5 + j % 4, 3, 1 + j % 3])[0])
                             for a in ids for j, c in enumerate(comps)])
            con.commit()
    finally:
        con.close()


def _no_error_no_sideways(page, screen: str) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, page.locator("[data-testid='stException']").first.inner_text()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the focus list scrolls sideways by {overflow}px on the {screen} screen"


def _focus_list(page, view: str, heading: str, matrix_heading: str, screen: str, check_axe: bool) -> None:
    page.locator(".st-key-cohort_view").get_by_text(view, exact=True).click()
    idle(page)
    main = page.locator("[data-testid='stMainBlockContainer']")
    expect(main.get_by_role("heading", name=heading)).to_be_visible()
    expect(main.get_by_role("heading", name=matrix_heading)).to_be_visible()
    expect(main.locator("[data-testid='stDataFrame']").first).to_be_visible()
    expect(main.locator(".js-plotly-plot").first).to_be_visible()
    # the matrix: one numbered point per competence shown (numbers as on the wheel)
    points = main.locator(".js-plotly-plot .scatterlayer .textpoint")
    points.nth(7).wait_for(state="attached")  # at least 8, drawn
    _no_error_no_sideways(page, screen)
    if check_axe:
        assert serious_violations(page) == []


@pytest.mark.parametrize("screen", SCREENS)
def test_management_sees_the_focus_list_and_the_matrix(browser, server, screen):
    context = browser.new_context(locale="da-DK", **SCREENS[screen])
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_app(page, server.url)
        _ensure_marks(server.db_path)
        login(page, "ledelse")
        page.goto(server.url + "/management-competences")
        idle(page)
        publish_first_figures(page)  # the first visit of the server's demo: management's explicit step
        desktop = screen == "desktop"  # axe runs on the desktop (the same page, narrower, on the phone)
        _focus_list(page, "Fokusliste", "Fokusliste", "Vigtighed og niveau", screen, check_axe=desktop)
        expect(page.locator("[data-testid='stMainBlockContainer']")).to_contain_text("Styrk")
        if desktop:
            set_language(page, "English")
            _focus_list(page, "Focus list", "Focus list", "Importance and level", screen, check_axe=True)
            expect(page.locator("[data-testid='stMainBlockContainer']")).to_contain_text("Strengthen")
            set_language(page, "Dansk")
    finally:
        context.close()
