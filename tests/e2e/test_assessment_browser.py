"""A leader takes the whole assessment in a real browser, reloads half-way, submits, sees the
wheel, opens the history and downloads the personal report."""

import re

from tests.e2e.helpers import body, expect_text, idle, login, nav, open_app

RADIOS = "[data-testid='stMainBlockContainer'] [data-testid='stRadio']"


def answered_count(page) -> int:
    text = page.locator("[data-testid='stProgress']").inner_text()
    return int(re.search(r"(\d+) af 103 besvaret", text).group(1))


def answer_step(page, choice: int) -> int:
    """Answer every question on the step; wait until each answer is counted as saved."""
    page.locator(RADIOS).first.wait_for()
    groups = page.locator(RADIOS)
    n = groups.count()
    for i in range(n):
        before = answered_count(page)
        groups.nth(i).locator("[role=radiogroup] label").nth(choice % 5).click()
        page.wait_for_function(
            "n => document.querySelector(\"[data-testid='stProgress']\").innerText.startsWith(n + ' af')",
            arg=before + 1,
        )
        idle(page)
    return n


def checked_per_group(page) -> list[int]:
    groups = page.locator(RADIOS)
    return [groups.nth(i).locator("input:checked").count() for i in range(groups.count())]


def next_step(page) -> None:
    page.locator(".st-key-step_next button").click()
    idle(page)


def test_full_assessment_with_reload_half_way(page, server):
    open_app(page, server.url)
    login(page, "leder")
    nav(page, "Kompetenceafklaring")
    expect_text(page, "ca. 30 minutter")
    page.locator(".st-key-start_assessment button").click()
    idle(page)
    answered = 0
    for step in range(8):
        answered += answer_step(page, step)
        next_step(page)
    assert answered == 48 and answered_count(page) == 48
    page.reload()
    idle(page)
    nav(page, "Kompetenceafklaring")
    text = body(page)
    assert answered_count(page) == 48 and "Trin 9 af 18" in text, "resumes at the same step"
    for _ in range(8):  # every earlier answer is still there
        page.locator(".st-key-step_back button").click()
        idle(page)
        assert checked_per_group(page) == [1] * 6
    for _ in range(8):
        next_step(page)
    for step in range(8, 17):
        answer_step(page, step)
        next_step(page)
    expect_text(page, "Alle spørgsmål er besvaret.")
    page.locator(".st-key-submit_assessment button").click()
    idle(page)
    expect_text(page, "Dine tre stærkeste kompetencer")
    expect_text(page, "Tre kompetencer, du kan udvikle")
    page.locator(".js-plotly-plot").first.wait_for(timeout=20_000)
    with page.expect_download() as dl:
        page.locator(".st-key-download_report button").click()
    report = dl.value.path().read_text(encoding="utf-8")
    assert report.startswith("<!doctype html>") and "Dine tre stærkeste kompetencer" in report
    # small and self-contained: a static SVG wheel, no script (it was 4.8 MB with plotly.js)
    assert dl.value.path().stat().st_size < 100_000
    assert report.count("<svg") == 1 and "<script" not in report.lower()
    assert "Resultat pr. kompetence" in report and "Scores per competence" not in report
    nav(page, "Mit forløb")
    expect_text(page, "Du har taget kompetenceafklaringen én gang.")
