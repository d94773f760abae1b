"""From wheel to development in a real browser: a leader marks how important the competences
are, sees the three to develop change (the mark stored under the attempt's random id, no user
id), follows a recommendation's link and lands on the film, meeting or workshop it names; Danish
on a desktop, English on a phone; axe clean."""

from __future__ import annotations

import sqlite3

import pytest

from digled.content import loader, training
from digled.platform import pseudonyms
from digled.platform.i18n import text
from tests.e2e.helpers import idle, login, open_app, open_part
from tests.e2e.test_phone_browser import DESKTOP, OVERFLOW, PHONE, set_language
from tests.e2e.test_quality_browser import serious_violations

NOT_RELEVANT = {"da": "Ikke relevant", "en": "Not relevant"}
SAVED = {"da": "Gemt. Kompetencerne at udvikle er opdateret.", "en": "Saved. The competences to develop are updated."}
RECOMMENDED = ("() => [...document.querySelectorAll(\"[class*='st-key-recommendation_']\")]"
               ".map(c => c.querySelector('strong')?.textContent || '')")


def stored_mark(server, username: str, competence: str) -> str | None:
    """The mark the database holds for `competence` on the leader's newest attempt: `importance`
    is keyed by the attempt's random id and holds no user id (the attempt is found here through
    the pseudonym, which only the server's secret makes)."""
    con = sqlite3.connect(server.db_path)
    try:
        assert [r[1] for r in con.execute("PRAGMA table_info(importance)")] == ["assessment_id", "competence", "value"]
        uid = con.execute("SELECT id FROM users WHERE username = ?", [username]).fetchone()[0]
        respondent = pseudonyms.of_user(server.env["DIGLED_PSEUDONYM_SECRET"], uid)
        row = con.execute("SELECT i.value FROM importance i JOIN assessments s ON s.id = i.assessment_id "
                          "WHERE s.respondent = ? AND s.status = 'submitted' AND i.competence = ? "
                          "ORDER BY s.rowid DESC LIMIT 1", [respondent, competence]).fetchone()
        return row[0] if row else None
    finally:
        con.close()


def open_importance(page) -> None:
    """The importance form in its part of the page, opened (it starts closed once the attempt
    has saved marks)."""
    from playwright.sync_api import expect

    open_part(page, "plan")
    form = page.locator(".st-key-importance")
    form.wait_for()
    expect(form.locator("[data-testid='stRadio']")).to_have_count(16)
    if form.locator("details").first.get_attribute("open") is None:
        form.locator("summary").first.click()
        idle(page)
    expect(form.locator("[data-testid='stRadio']").first).to_be_visible()


@pytest.mark.parametrize("device, lang", [("desktop", "da"), ("phone", "en")])
def test_importance_changes_the_recommendations_and_links_land(browser, server, leader, device, lang):
    fw = loader.framework()
    by_name = {text(c.name, lang): c.id for c in fw.competences}
    context = browser.new_context(**(PHONE if device == "phone" else DESKTOP), locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_app(page, server.url)
        login(page, leader)
        set_language(server, leader, lang)  # restored by each new page load below
        page.goto(server.url + "/my-results")
        idle(page)
        open_importance(page)
        before = page.evaluate(RECOMMENDED)
        assert len(before) == 3 and all(name in by_name for name in before), before
        top = by_name[before[0]]

        # the top recommendation is not relevant in my area: it drops out, another comes in
        radio = page.locator(f".st-key-importance [class*='st-key-imp_'][class*='_{top}']")
        radio.get_by_text(NOT_RELEVANT[lang], exact=True).click()
        page.locator(".st-key-importance [data-testid='stFormSubmitButton'] button").click()
        idle(page)
        page.get_by_text(SAVED[lang]).wait_for()
        after = page.evaluate(RECOMMENDED)
        assert len(after) == 3 and before[0] not in after and after != before, (before, after)
        assert radio.locator("input:checked").count() == 1  # the mark stays shown
        assert stored_mark(server, leader, top) == "not_relevant"

        problems = {f"my-results ({lang}, {device})": serious_violations(page)}
        assert page.evaluate(OVERFLOW) <= 0

        # the first link of the new top recommendation lands on the activity it names
        link = training.training()[by_name[after[0]]][0]
        open_part(page, "wheel")  # the recommendations are beside the wheel, the first part
        anchor = page.locator(".st-key-recommendation_0 [data-testid='stPageLink'] a").first
        assert text(link.title, lang) in anchor.inner_text()
        anchor.click()
        idle(page)
        films = link.page.endswith("films.py")
        assert page.url.split("?")[0].rstrip("/").endswith("/films" if films else "/meetings")
        target = page.locator(f".st-key-{'film' if films else 'meeting'}_{link.activity}")
        target.wait_for()
        page.wait_for_function(
            "(sel) => { const r = document.querySelector(sel).getBoundingClientRect();"
            " return r.top < window.innerHeight && r.bottom > 0; }",
            arg=f".st-key-{'film' if films else 'meeting'}_{link.activity}",
        )
        assert text(link.title, lang) in target.inner_text()
        problems[f"target ({lang}, {device})"] = serious_violations(page)
        assert {k: v for k, v in problems.items() if v} == {}
    finally:
        context.close()
