"""Target profiles in a real browser: an administrator edits (a bad level refused, naming the
competence) and approves a profile in Danish; a leader's wheel names the profile it shows and
overlays the published cohort mean in English; on a phone (390x844, touch) and a desktop
(1366x900), nothing wider than the screen, axe clean."""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import expect

from digled.accounts import organisation
from digled.content import loader, programme
from digled.insight import profiles, publications
from digled.platform import db
from tests.e2e.helpers import expect_text, idle, login, open_app, pick_option
from tests.e2e.test_phone_browser import DESKTOP, OVERFLOW, PHONE, set_language
from tests.e2e.test_quality_browser import leader_with_assessment, serious_violations

DEVICES = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture(scope="module")
def ready(server, browser) -> str:
    """The demo database (made by the first visit) with a publication; the leader to use."""
    page = browser.new_page()
    open_app(page, server.url)
    page.close()
    d = db.connect(server.db_path)
    try:
        if publications.latest(d) is None:
            publications.publish_if_due(d, loader.framework(), organisation.current(d), programme.programme())
    finally:
        d.close()
    return leader_with_assessment(server)


def _level_of(server, username: str) -> str:
    con = sqlite3.connect(server.db_path)
    try:
        return con.execute("SELECT level FROM users WHERE username = ?", [username]).fetchone()[0]
    finally:
        con.close()


def _context(browser, device: str, locale: str):
    context = browser.new_context(**DEVICES[device], locale=locale)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def test_admin_edits_and_approves_a_profile_in_danish(browser, server, ready):
    context, page = _context(browser, "desktop", "da-DK")
    try:
        open_app(page, server.url)
        login(page, "admin")
        set_language(server, "admin", "da")
        page.goto(server.url + "/admin-profiles")
        idle(page)
        expect_text(page, "Målprofiler")
        expect_text(page, "bekræftes af Albertslund og Glostrup")
        pick_option(page, "profile_level", "Mellemleder")
        expect_text(page, "Målprofil: Mellemleder (foreløbig)")
        field = page.locator(".st-key-target_mellemleder_safe_data input")
        field.fill("9")
        page.locator(".st-key-save_profile button").click()
        idle(page)
        expect_text(page, "Intet blev gemt")
        expect_text(page, "Beskytte persondata og privatliv: 9 ligger uden for niveauerne 1 til 8")
        assert field.input_value() == "9"  # nothing typed is lost
        field.fill("7")
        page.locator(".st-key-save_profile button").click()
        idle(page)
        expect_text(page, "Gemt. Profilen er foreløbig")
        page.locator(".st-key-approve_profile button").click()
        idle(page)
        expect_text(page, "Godkendt af admin")
        expect_text(page, "Målprofil: Mellemleder")
        assert "(foreløbig)" not in page.locator("[data-testid='stMainBlockContainer']").inner_text()
        assert page.evaluate(OVERFLOW) <= 0
        assert serious_violations(page) == []
    finally:
        context.close()
    d = db.connect(server.db_path)
    try:
        p = profiles.profile_for(d, loader.framework(), "mellemleder")
        assert p.approved and p.levels["safe_data"] == 7
    finally:
        d.close()


def test_admin_page_fits_a_phone(browser, server, ready):
    context, page = _context(browser, "phone", "da-DK")
    try:
        open_app(page, server.url)
        login(page, "admin")
        page.goto(server.url + "/admin-profiles")
        idle(page)
        expect_text(page, "Målprofil: Topleder (foreløbig)")
        field = page.locator(".st-key-target_topleder_info_search input")
        box = field.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"]
        assert page.locator(".st-key-save_profile button").bounding_box()["height"] >= 40  # a touch target
        assert page.evaluate(OVERFLOW) <= 0
    finally:
        context.close()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_leader_sees_the_profile_and_overlays_the_cohort_in_english(browser, server, ready, device):
    level = _level_of(server, ready)
    d = db.connect(server.db_path)
    try:
        fw = loader.framework()
        expected = profiles.label(d, fw, profiles.profile_for(d, fw, level), lambda m: m, "en")
    finally:
        d.close()
    context, page = _context(browser, device, "en-GB")
    try:
        open_app(page, server.url)
        login(page, ready)
        set_language(server, ready, "en")
        page.goto(server.url + "/my-results")
        idle(page)
        page.locator(".st-key-wheel .js-plotly-plot").first.wait_for()
        assert page.locator(".st-key-wheel_profile").inner_text().strip() == expected
        assert expected.startswith("Target profile: ") and expected != "Target profile: "
        page.locator(".st-key-cohort_overlay button", has_text="All leaders").click()
        idle(page)
        expect_text(page, "Dotted line: the published mean of All leaders")
        legend = page.locator(".st-key-wheel .legendtext")
        expect(legend.filter(has_text="All leaders, published mean")).to_have_count(1)  # redrawn with the overlay
        assert expected in legend.evaluate_all("els => els.map(e => e.textContent)")
        assert page.evaluate(OVERFLOW) <= 0
        if device == "desktop":  # the same page on both: one axe run keeps the file fast
            assert serious_violations(page) == []
    finally:
        context.close()
