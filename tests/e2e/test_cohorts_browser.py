"""Two runs side by side in a real browser (issue 12): the administrator closes the demo run and
opens *Digital ledelse 2027* on *Forløb* (Danish, desktop), with one leader continuing; that
leader, in both runs, sees one wheel history naming each attempt's run and the new run's
programme (their own language, Danish, on a phone); a leader who did not continue keeps their wheel and is told they are
not in the running run. Management's comparison of two runs is tested in
test_management_cohorts_browser.py."""

from __future__ import annotations

import sqlite3
from datetime import date

from playwright.sync_api import expect

from tests.e2e.helpers import body, expect_text, idle, login, open_app, pick_option
from tests.e2e.test_quality_browser import serious_violations

DESKTOP = dict(viewport={"width": 1366, "height": 900})
PHONE = dict(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, device_scale_factor=2)
NEW_RUN = "Digital ledelse 2027"
KICKOFF = date(2027, 1, 11)  # a Monday


def _leaders(server) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """Two demo leaders with a submitted start assessment: (id, username, name) each."""
    con = sqlite3.connect(server.db_path)
    try:
        rows = con.execute(
            "SELECT u.id, u.username, u.name FROM users u JOIN participation p ON p.user_id = u.id "
            "WHERE p.round = 'start' AND u.password_hash IS NOT NULL AND u.username != 'leder' ORDER BY u.id LIMIT 2"
        ).fetchall()
        return rows[0], rows[1]
    finally:
        con.close()


def _start_in_new_run(server, user_id: int) -> None:
    """The continuing leader's start assessment of the new run (as if answered)."""
    from digled.assessment import answering, scoring
    from digled.content import loader
    from digled.platform import db as dbmod
    from digled.platform import pseudonyms

    fw = loader.framework()
    secret = server.env["DIGLED_PSEUDONYM_SECRET"]
    d = dbmod.connect(server.db_path)
    try:
        answers = {i.id: 3 for i in fw.items} | {p.id: 3 for p in fw.purposes}
        with dbmod.write(d):
            u = d.execute("SELECT municipality, area, level FROM users WHERE id = ?", [user_id]).fetchone()
            answering.insert_submitted(d, secret, pseudonyms.of_user(secret, user_id), "start", KICKOFF,
                                        u[0], u[1], u[2], scoring.score(fw, answers), answers)
        answering.record_participation(d, user_id, "start", KICKOFF)
    finally:
        d.close()


def test_the_admin_opens_a_second_run_and_a_leader_in_both_keeps_one_history(browser, server):
    admin_ctx = browser.new_context(locale="da-DK", **DESKTOP)
    page = admin_ctx.new_page()
    page.set_default_timeout(30_000)
    try:
        open_app(page, server.url)
        (stay_id, stay, stay_name), (_, gone, _) = _leaders(server)
        login(page, "admin")
        page.goto(server.url + "/admin-cohorts")
        idle(page)
        expect_text(page, "Forløb")
        old_run = sqlite3.connect(server.db_path).execute("SELECT name FROM cohorts WHERE closed_at IS NULL").fetchone()[0]
        expect_text(page, old_run)
        expect_text(page, "I gang")
        page.locator(".st-key-co_close_section summary").click()
        idle(page)
        field = page.locator(".st-key-co_next_name input")
        field.fill(NEW_RUN)
        field.press("Enter")
        idle(page)
        page.locator(".st-key-co_next_kickoff [role='spinbutton']").first.click()  # day, month, year
        page.keyboard.type(KICKOFF.strftime("%d%m%Y"), delay=30)
        page.locator("h1").first.click()  # the date is taken when the field loses focus
        idle(page)
        box = page.locator(".st-key-co_continuing input[role='combobox']")
        box.click()
        page.keyboard.type(stay_name, delay=20)
        page.get_by_role("option", name=stay_name).first.click()
        page.keyboard.press("Escape")
        idle(page)
        page.locator(".st-key-co_close button").click()  # not confirmed: refused, nothing lost
        idle(page)
        expect_text(page, "Sæt først flueben")
        assert field.input_value() == NEW_RUN
        page.locator(".st-key-co_confirm label").click()
        idle(page)
        page.locator(".st-key-co_close button").click()
        idle(page)
        expect_text(page, NEW_RUN)
        assert serious_violations(page) == []
        con = sqlite3.connect(server.db_path)
        try:
            running = con.execute("SELECT id, name FROM cohorts WHERE closed_at IS NULL").fetchone()
            members = [r[0] for r in con.execute("SELECT user_id FROM cohort_members WHERE cohort_id = ?", [running[0]])]
        finally:
            con.close()
        assert running[1] == NEW_RUN and members == [stay_id]
    finally:
        admin_ctx.close()

    _start_in_new_run(server, stay_id)
    phone = browser.new_context(locale="da-DK", **PHONE)
    page = phone.new_page()
    page.set_default_timeout(30_000)
    try:
        open_app(page, server.url)
        login(page, stay)
        expect(page.locator(".st-key-next_step_card")).to_be_visible()
        assert "ikke deltager" not in body(page) and "not a participant" not in body(page)
        page.goto(server.url + "/my-results")
        idle(page)
        chosen = page.locator(".st-key-attempt input").input_value()
        assert chosen.startswith(NEW_RUN + " · Start"), chosen  # the newest attempt, named by its run
        pick_option(page, "attempt", f"{old_run} · ", tap=True)
        assert page.locator(".st-key-attempt input").input_value().startswith(old_run + " · ")
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
        assert serious_violations(page) == []
    finally:
        phone.close()
    other = browser.new_context(locale="da-DK", **DESKTOP)
    page = other.new_page()
    page.set_default_timeout(30_000)
    try:
        open_app(page, server.url)
        login(page, gone)
        expect_text(page, "Du er ikke deltager i det igangværende forløb, " + NEW_RUN)
        expect(page.get_by_role("link", name="Mit hjul og historik").last).to_be_visible()
    finally:
        other.close()
