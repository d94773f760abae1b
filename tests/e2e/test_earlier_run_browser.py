"""The demo's earlier run in a real browser (issue 23): management chooses the closed run under
Forløb, and each view shows something: effect by part with the dose chart, whether the change
held 3 and 6 months after, the funnel with every stage open on the day the run closed, and the
evaluation report of that run (pypdf reads it, Danish in Danish). No exception, axe clean."""

from __future__ import annotations

import io
import re
import sqlite3

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.helpers import idle, login, open_app, pick_option
from tests.e2e.test_quality_browser import serious_violations


def _earlier_run(server) -> str:
    con = sqlite3.connect(server.db_path, timeout=10)
    try:
        return con.execute("SELECT name FROM cohorts WHERE closed_at IS NOT NULL").fetchone()[0]
    finally:
        con.close()


def test_management_reads_the_earlier_run_in_danish(browser, server):
    context = browser.new_context(locale="da-DK", viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    main = page.locator("[data-testid='stMainBlockContainer']")
    try:
        open_app(page, server.url)
        login(page, "ledelse")
        run = _earlier_run(server)  # the app made its database (and the demo) at its first run
        page.goto(server.url + "/management-competences")
        idle(page)
        pick_option(page, "cohort", run)
        # effect by part: the comparisons and the dose chart (some group of each is shown)
        page.locator(".st-key-cohort_view").get_by_text("Effekt pr. del", exact=True).click()
        idle(page)
        expect(main).to_contain_text("ikke bevis for, at delen skabte ændringen")
        expect(main.get_by_role("heading", name="Ændring efter antal gennemførte dele")).to_be_visible()
        expect(main.locator(".stPlotlyChart").first).to_be_attached()
        expect(main).not_to_contain_text("Endnu kan intet antal gennemførte dele vises")
        assert serious_violations(page) == []
        # did the change hold: 3 and 6 months after, with numbers
        page.locator(".st-key-cohort_view").get_by_text("Start og slut", exact=True).click()
        idle(page)
        expect(main).to_contain_text("Holdt forandringen?")
        for pair in ("Slut til 3 måneder efter", "Slut til 6 måneder efter"):
            expect(main).to_contain_text(pair)
        assert page.locator("[data-testid='stException']").count() == 0
        # the funnel of the closed run: every stage had opened by the day it closed
        page.goto(server.url + "/")
        idle(page)
        pick_option(page, "cohort", run)
        expect(main).to_contain_text("Tragten")
        expect(main.get_by_text("opfølgende", exact=False).first).to_be_attached()  # the follow-up stage (its label wraps)
        chart = main.locator(".stPlotlyChart").first
        expect(chart).to_be_attached()
        expect(chart).not_to_contain_text("ikke åbnet endnu")  # the bars (the caption below explains grey)
        # the evaluation report of that run
        with page.expect_download() as dl:
            page.locator(".st-key-report_pdf button").click()
        pdf = dl.value.path().read_bytes()
        text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
        assert len(pdf) < 2 * 1024 * 1024
        assert "Efter forløbet: holdt forandringen?" in text
        assert re.search(r"Slut til 6 måneder efter \d+ [+-]?\d+,\d", text), text[-2000:]
        assert "Afholdte workshops" in text and "ikke afholdt nogen fælles workshop" not in text
        assert not re.search(r"\d\.\d", text)  # Danish numbers: a decimal comma
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        context.close()
