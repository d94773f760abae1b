"""The personal development plan in a real browser (issue 11): a leader writes what it takes,
adds an action with a target date, ticks it, reloads and finds it all; after a retake the page
shows "what I planned, what moved"; in Danish and English, on a desktop and a phone, axe clean.

The attempts (and importance marks, so any wiring of "most important" finds competences) are
written straight into the server's database with digled's own functions."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import idle, login, open_app, open_part
from tests.e2e.test_quality_browser import WCAG, axe

PHONE = dict(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, device_scale_factor=2)
DESKTOP = dict(viewport={"width": 1366, "height": 900})
PANEL = ".st-key-plan_panel"
IMPORTANT = ("info_search", "safe_data", "comm_share")


def panel_violations(page) -> list[str]:
    """Serious axe findings (WCAG 2.1 AA) inside the plan panel (the rest of the page is
    checked by test_quality_browser; the whole page takes ~10 s here)."""
    idle(page)
    result = axe.run(page, context=PANEL, options=WCAG)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}"
            for v in result.response["violations"] if v["impact"] in ("serious", "critical")]


def _attempt(server, round_: str, value: int) -> None:
    """A submitted attempt of `leder` (every item answered `value`), marked important for
    IMPORTANT and less important elsewhere."""
    from datetime import date

    from digled.assessment import answering, scoring
    from digled.content import loader
    from digled.platform import db, pseudonyms
    from digled.platform.db import write

    fw = loader.framework()
    secret = server.env["DIGLED_PSEUDONYM_SECRET"]
    d = db.connect(server.db_path)
    try:
        uid, municipality, area, level = d.execute(
            "SELECT id, municipality, area, level FROM users WHERE username = 'leder'").fetchone()
        answers = {q: value for q in answering.question_ids(fw)}
        with write(d):
            aid = answering.insert_submitted(d, secret, pseudonyms.of_user(secret, uid), round_, date.today(),
                                              municipality, area, level, scoring.score(fw, answers), answers)
            d.conn.executemany(
                "INSERT INTO importance (assessment_id, competence, value) VALUES (?, ?, ?)",
                [(aid, c.id, "important" if c.id in IMPORTANT else "less") for c in fw.competences],
            )
    finally:
        d.close()


def _my_results(page, server) -> None:
    page.goto(server.url + "/my-results")
    idle(page)
    open_part(page, "plan")
    if not page.locator(PANEL).count():
        pytest.fail("the plan panel is not on /my-results: pages/my_results.py must call digled.ui.plan_panel.show")


def test_a_leader_plans_ticks_reloads_and_sees_what_moved(browser, server):
    context = browser.new_context(**DESKTOP, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(20_000)
    open_app(page, server.url)  # the demo is loaded at the first run
    _attempt(server, "start", 2)  # 33 %: level 3
    login(page, "leder")
    _my_results(page, server)
    block = page.locator(PANEL + " [class*='st-key-plan_need_']").first
    cid = re.search(r"st-key-plan_need_(\w+)", block.get_attribute("class")).group(1)
    box = page.locator(f".st-key-plan_{cid}")
    # the seed's third question, autosaved while typing
    box.locator("textarea").fill("Tid i kalenderen hver fredag og en makker, der er længere end mig.")
    box.locator("textarea").blur()
    expect(box.locator(".status")).to_have_text(re.compile(r"^Gemt kl\. "))
    # an own action with a target date
    if not box.locator(f".st-key-plan_own_{cid} input").is_visible():
        box.get_by_text("Tilføj en handling").click()
    box.locator(f".st-key-plan_due_{cid} [data-type='day']").click()
    page.keyboard.type("15012027")
    page.keyboard.press("Tab")
    box.locator(f".st-key-plan_own_{cid} input").fill("Spørg Mette om fagsystemet")
    box.get_by_role("button", name="Tilføj handling").click()
    idle(page)
    expect(box).to_contain_text("Gemt: handlingen er føjet til din plan.")
    expect(box).to_contain_text("Spørg Mette om fagsystemet · senest 15. jan. 2027")
    box.locator("[data-testid='stCheckbox']").first.click()
    idle(page)
    expect(box).to_contain_text("Gemt: markeret som udført.")
    # reload: all of it is still there
    page.reload()
    idle(page)
    open_part(page, "plan")
    box = page.locator(f".st-key-plan_{cid}")
    expect(box.locator("textarea")).to_have_value("Tid i kalenderen hver fredag og en makker, der er længere end mig.")
    expect(box.locator("[data-testid='stCheckbox'] input").first).to_be_checked()
    expect(box).to_contain_text("Spørg Mette om fagsystemet · senest 15. jan. 2027")
    expect(page.locator(PANEL)).to_contain_text("Efter din næste kompetenceafklaring")
    # a retake (67 %: level 6): what I planned beside what moved
    _attempt(server, "end", 3)
    _my_results(page, server)
    card = page.locator(f".st-key-plan_moved_{cid}")
    expect(card).to_contain_text("Niveau 3 → 6 · score 33 % → 67 % (+33 procentpoint)")
    expect(card).to_contain_text("Udførte handlinger: 1 af 1")
    expect(card).to_contain_text("Spørg Mette om fagsystemet (udført)")
    assert panel_violations(page) == []
    context.close()


def test_the_plan_fits_a_phone_in_english(browser, server):
    context = browser.new_context(**PHONE, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(20_000)
    open_app(page, server.url)
    if not _attempts_of_leder(server):  # run on its own: give leder an attempt and a plan
        _attempt(server, "start", 2)
    login(page, "leder")
    _language(server, "en")  # the leader's language, restored by each new page load
    try:
        _my_results(page, server)
    finally:
        _language(server, "da")
    panel = page.locator(PANEL)
    expect(panel).to_contain_text("My development plan")
    if _attempts_of_leder(server) > 1:  # after the first test: the plan beside what moved, in English
        expect(panel).to_contain_text("What I planned, what moved")
        expect(panel).to_contain_text("Spørg Mette om fagsystemet (done)")
        expect(panel).to_contain_text("(+33 percentage points)")
        expect(panel).to_contain_text("by 15 Jan 2027")
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    need = panel.locator("[class*='st-key-plan_need_'] textarea").first
    need.scroll_into_view_if_needed()
    box = need.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert panel_violations(page) == []
    context.close()


def _attempts_of_leder(server) -> int:
    from digled.platform import db, pseudonyms

    secret = server.env["DIGLED_PSEUDONYM_SECRET"]
    d = db.connect(server.db_path)
    try:
        uid = d.execute("SELECT id FROM users WHERE username = 'leder'").fetchone()[0]
        return d.execute("SELECT COUNT(*) FROM assessments WHERE respondent = ?",
                         [pseudonyms.of_user(secret, uid)]).fetchone()[0]
    finally:
        d.close()


def _language(server, lang: str) -> None:
    from digled.platform import db

    d = db.connect(server.db_path)
    try:
        with d.conn:
            d.execute("UPDATE users SET language = ? WHERE username = 'leder'", [lang])
    finally:
        d.close()
