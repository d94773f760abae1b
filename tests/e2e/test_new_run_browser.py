"""After closing a run (issue 25, point 7), in Danish at 1366x900: management reads that the new
run has no figures yet (no "first publication" of hidden groups), and the administrator's *Forløb*
counts the same publications as management sees: none for the new run, the old run's for the old.
A file of its own: closing the run changes the module server's demo for good."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from playwright.sync_api import expect

from tests.e2e.helpers import body, expect_text, idle, login, open_app, publish_first_figures

DESKTOP = dict(viewport={"width": 1366, "height": 900}, locale="da-DK")
NEW_RUN = "Forløb 2 (test)"


def rows(server, sql: str, params=()) -> list[tuple]:
    con = sqlite3.connect(server.db_path, timeout=10)
    try:
        with con:
            return con.execute(sql, params).fetchall()
    finally:
        con.close()


def logged_in(browser, server, username: str):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.set_default_timeout(30_000)
    open_app(page, server.url)
    login(page, username)
    return context, page


def test_a_new_run_has_no_figures_yet_and_one_count_of_publications(browser, server):
    from digled.accounts import programme_runs
    from digled.content import programme
    from digled.insight import publications
    from digled.platform import db

    context, page = logged_in(browser, server, "ledelse")
    try:
        assert publish_first_figures(page)  # the demo's first publication, by management's explicit step
        expect(page.locator("[data-testid='stMain']")).to_contain_text("Offentliggørelse")
        d = db.connect(server.db_path)
        try:
            old = programme_runs.running_id(d)
            old_count = publications.count(d, old)
            assert old_count >= 1
            kickoff = programme.kickoff_date(d, programme.programme(d)) + timedelta(days=365)
            leader = d.execute("SELECT id FROM users WHERE username = 'leder'").fetchone()[0]
            programme_runs.close_and_open(d, NEW_RUN, kickoff, [leader], "admin")
            new = programme_runs.running_id(d)
        finally:
            d.close()
        page.reload()
        idle(page)
        # the new run's first publication is offered, not made by opening the page; pressed, it would
        # hide every group, so none is stored
        expect(page.locator(".st-key-publish_first button")).to_have_text("Offentliggør de første tal")
        assert rows(server, "SELECT COUNT(*) FROM publications WHERE cohort_id = ?", [new]) == [(0,)]
        page.locator(".st-key-publish_first button").click()
        idle(page)
        expect_text(page, "Intet blev offentliggjort: alle grupper ville være skjult")
        expect_text(page, f"Det nye forløb {NEW_RUN} har ingen tal endnu")
        assert page.locator(".st-key-publish_first").count() == 0  # tried once: not offered again until something changes
        assert page.locator(".st-key-publication").count() == 0  # no publication to pick, none of hidden groups
        assert "(første offentliggørelse)" not in body(page)
        assert rows(server, "SELECT COUNT(*) FROM publications WHERE cohort_id = ?", [new]) == [(0,)]
    finally:
        context.close()

    context, page = logged_in(browser, server, "admin")
    try:
        page.goto(server.url + "/admin-cohorts")
        idle(page)
        table = page.locator("[data-testid='stDataFrame']").first
        expect(table).to_contain_text(NEW_RUN)
        headings = [h.strip() for h in table.locator("th").all_inner_texts()]
        counts = {}
        for tr in table.locator("tbody tr").all():
            cells = dict(zip(headings, [c.strip() for c in tr.locator("td").all_inner_texts()]))
            counts[cells["Forløb"]] = cells["Offentliggørelser"]
        assert counts[NEW_RUN] == "0"
        assert str(old_count) in [v for k, v in counts.items() if k != NEW_RUN]
    finally:
        context.close()
