"""Management in a real browser: the participation funnel (da and en, desktop and phone) is
readable (full labels that do not overlap, numbers beside the bars, the not-yet-open stage
grey and said so), fits the screen and is axe clean; the start -> end view with its
intervals (the competences page calls digled/ui/change_view.py)."""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import expect

from digled.insight import participation
from digled.platform import db
from tests.e2e.helpers import expect_text, idle, login, open_app, publish_first_figures
from tests.e2e.test_quality_browser import serious_violations

VIEWPORTS = {
    "desktop": dict(viewport={"width": 1366, "height": 900}),
    "phone": dict(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, device_scale_factor=2),
}
WORDS = {
    "da": {"funnel": "Tragten", "meeting": "ledermøde", "not_open": "ikke åbnet endnu", "language": "Dansk"},
    "en": {"funnel": "The funnel", "meeting": "leader meeting", "not_open": "not yet open", "language": "English"},
}


def _language(server, lang: str) -> None:
    """Management's chosen language (each page load is a new session that restores it; the
    sidebar's picker is out of reach on a phone)."""
    con = sqlite3.connect(server.db_path, timeout=10)
    try:
        with con:
            con.execute("UPDATE users SET language = ? WHERE username = 'ledelse'", [lang])
    finally:
        con.close()


def _boxes(page, selector: str) -> list[dict]:
    return [b for b in (el.bounding_box() for el in page.locator(selector).all()) if b]


def _stages(server) -> int:
    """How many stages the demo's funnel draws (the follow-up stage while follow-ups are in use)."""
    database = db.connect(server.db_path)
    try:
        return len(participation.stages(participation.followup_in_use(database)))
    finally:
        database.close()


def _check_funnel(page, lang: str, width: int, stages: int) -> None:
    words = WORDS[lang]
    expect_text(page, words["funnel"])
    chart = page.locator(".stPlotlyChart .js-plotly-plot").first
    chart.wait_for()
    labels = page.locator(".stPlotlyChart .ytick text")
    expect(labels).to_have_count(stages)  # drawn
    expect(page.locator(".stPlotlyChart .bartext")).to_have_count(stages)
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, "the funnel fits the screen"
    assert any(words["meeting"] in t for t in labels.all_text_contents())
    ticks = sorted(_boxes(page, ".stPlotlyChart .ytick text"), key=lambda b: b["y"])
    for upper, lower in zip(ticks, ticks[1:]):
        assert upper["y"] + upper["height"] <= lower["y"] + 1, "stage labels overlap"
    sizes = page.locator(".stPlotlyChart .ytick text, .stPlotlyChart .bartext text").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes and min(sizes) >= 13, sizes  # no ~6 px labels
    numbers = page.locator(".stPlotlyChart .bartext").all_text_contents()
    assert len(numbers) == stages and "%" in numbers[0] and numbers[-1].endswith(words["not_open"])
    fills = page.locator(".stPlotlyChart .point path").evaluate_all("els => els.map(e => e.style.fill)")
    assert fills[0] != fills[-1] and "138, 143, 150" in fills[-1]  # the last stage is grey


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_the_funnel_is_readable_in_both_languages(browser, server, device):
    context = browser.new_context(locale="da-DK", **VIEWPORTS[device])
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_app(page, server.url)
        login(page, "ledelse")  # participation is management's first page
        for lang in ("da", "en"):
            if lang == "en":  # Danish first, where the login lands; then English in a new session
                _language(server, lang)
                page.goto(server.url + "/")
            idle(page)
            publish_first_figures(page)  # the first visit of the server's demo: management's explicit step
            _check_funnel(page, lang, VIEWPORTS[device]["viewport"]["width"], _stages(server))
            if (device, lang) in (("phone", "da"), ("desktop", "en")):  # axe once per language and device
                assert serious_violations(page) == [], (device, lang)
    finally:
        _language(server, "da")
        context.close()


def test_the_change_view_shows_intervals(page, server):
    open_app(page, server.url)
    login(page, "ledelse")
    page.goto(server.url + "/management-competences")
    idle(page)
    publish_first_figures(page)
    page.locator(".st-key-cohort_view [role=radiogroup] label").filter(has_text="Start og slut").click()
    idle(page)
    expect_text(page, "Rundefiltret ovenfor gælder ikke for denne visning.")
    expect_text(page, "95 gange ud af 100")
    expect(page.locator(".stPlotlyChart .scatterlayer .js-line").first).to_be_attached()  # the intervals: lines between their bounds
    assert serious_violations(page) == []


def test_management_downloads_the_evaluation_report(page, server):
    """One click on the programme overview gives the PDF report in the reader's language (issue 23)."""
    import io
    import re

    from pypdf import PdfReader

    open_app(page, server.url)
    login(page, "ledelse")
    idle(page)
    publish_first_figures(page)
    with page.expect_download() as dl:
        page.locator(".st-key-report_pdf button").click()
    assert dl.value.suggested_filename == "digled-evalueringsrapport.pdf"
    pdf = dl.value.path().read_bytes()
    assert len(pdf) < 2 * 1024 * 1024
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Evaluering af forløbet i digital ledelse" in text and "Deltagelsestragten" in text
    assert not re.search(r"\d\.\d", text)  # Danish numbers: a decimal comma
