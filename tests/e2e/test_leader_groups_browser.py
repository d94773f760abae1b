"""Leader groups in a real browser (issue 12): `leder` chairs her demo leader group and registers
who attended leader meeting 1 on the meetings page; the administrator then sees the same
attendance on the schedule page's Attendance tab and the groups on the leader-groups page. Desktop
(Danish) and phone (English, 390x844, touch); axe clean on the pages of this feature."""

from __future__ import annotations

import sqlite3

import pytest

from digled.accounts import auth, programme_runs
from tests.e2e.helpers import expect_text, idle, login, open_app
from tests.e2e.test_quality_browser import serious_violations

PHONE = dict(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, device_scale_factor=2)
DESKTOP = dict(viewport={"width": 1366, "height": 900})
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
TEXTS = {
    "da": {"group": "Din ledergruppe", "saved": "Fremmøde gemt for", "tab": "Fremmøde",
           "counts": "Mødt: {attended}. Fraværende: {absent}. Ikke registreret: {open}.",
           "groups": "Ledergrupper"},
    "en": {"group": "Your leader group", "saved": "Attendance saved for", "tab": "Attendance",
           "counts": "{attended} attended, {absent} absent, {open} not registered.",
           "groups": "Leader groups"},
}


def rows(server, sql: str, params=()) -> list[tuple]:
    con = sqlite3.connect(server.db_path, timeout=10)
    try:
        with con:
            return con.execute(sql, params).fetchall()
    finally:
        con.close()


def new_page(browser, device: dict, server, username: str, lang: str):
    """A fresh browser context logged in as `username`, whose saved language is `lang`."""
    open_probe = browser.new_page()
    open_app(open_probe, server.url)  # the first visit creates the demo database
    open_probe.close()
    rows(server, "UPDATE users SET language = ? WHERE username = ?", [lang, username])
    context = browser.new_context(locale="da-DK", **device)
    page = context.new_page()
    page.set_default_timeout(30_000)
    open_app(page, server.url)
    login(page, username)
    return context, page


def chair_group(server) -> tuple[str, list[int]]:
    (name, gid), = rows(server, "SELECT g.name, g.id FROM leader_groups g JOIN users u ON u.id = g.chair_id "
                                "WHERE u.username = 'leder'")
    members = [r[0] for r in rows(server, "SELECT id FROM users WHERE leader_group = ? AND active = 1 ORDER BY id",
                                  [gid])]
    return name, members


def status(server, ids: list[int]) -> dict[int, str | None]:
    got = dict(rows(server, f"SELECT user_id, status FROM progress WHERE activity = 'meeting1' "
                            f"AND user_id IN ({','.join('?' * len(ids))})", ids))
    return {i: got.get(i) for i in ids}


@pytest.mark.parametrize("device, lang, flip", [(DESKTOP, "da", 0), (PHONE, "en", 1)], ids=["desktop-da", "phone-en"])
def test_chair_registers_attendance_and_the_administrator_sees_it(browser, server, device, lang, flip):
    words = TEXTS[lang]
    context, page = new_page(browser, device, server, "leder", lang)
    try:
        page.goto(server.url + "/meetings")
        idle(page)
        name, members = chair_group(server)
        expect_text(page, words["group"] + ": " + name)
        before = status(server, members)
        # flip one member's tick; everyone else keeps what is shown (ticked = attended)
        who = members[flip]
        box = page.locator(f".st-key-grp_meeting1_{who} input[type='checkbox']")
        assert box.is_checked() == (before[who] == "attended")
        page.locator(f".st-key-grp_meeting1_{who} label").click()
        page.locator(".st-key-grp_save_meeting1 button").click()
        idle(page)
        expect_text(page, words["saved"])
        after = status(server, members)
        assert after[who] == ("absent" if before[who] == "attended" else "attended")
        assert all(after[m] == ("attended" if before[m] == "attended" else "absent") for m in members if m != who)
        assert rows(server, "SELECT actor, action FROM audit_log ORDER BY id DESC LIMIT 1") == [
            ("leder", "register attendance")]
        assert serious_violations(page) == []
        assert page.evaluate(OVERFLOW) <= 0
    finally:
        context.close()

    context, page = new_page(browser, device, server, "admin", lang)
    try:
        page.goto(server.url + "/admin-schedule")
        idle(page)
        page.get_by_role("tab", name=words["tab"]).click()
        idle(page)
        counts = dict(rows(server, "SELECT p.status, COUNT(*) FROM users u JOIN progress p ON p.user_id = u.id "
                                   "AND p.activity = 'meeting1' WHERE u.active = 1 "
                                   f"AND {auth.has_role_sql('leader', 'u')} AND u.{programme_runs.IN_RUNNING} GROUP BY p.status"))
        total = rows(server, "SELECT COUNT(*) FROM users WHERE active = 1 "  # the running run's participants
                             f"AND {auth.LEADER_SQL} AND {programme_runs.IN_RUNNING}")[0][0]
        attended, absent = counts.get("attended", 0), counts.get("absent", 0)
        expect_text(page, words["counts"].format(attended=attended, absent=absent, open=total - attended - absent))

        page.goto(server.url + "/admin-groups")
        idle(page)
        expect_text(page, words["groups"])
        first, gid = rows(server, "SELECT name, id FROM leader_groups ORDER BY name, id LIMIT 1")[0]
        assert page.locator(f".st-key-lg_name_{gid} input").input_value() == first  # the group being edited
        assert page.locator(".st-key-lg_create button").is_visible()
        assert serious_violations(page) == []
        assert page.evaluate(OVERFLOW) <= 0
    finally:
        context.close()
