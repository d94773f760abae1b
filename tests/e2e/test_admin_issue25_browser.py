"""The administrator's screens as a new programme administrator meets them (issue 25), in Danish
at 1366x900: attendance only for meetings that took place, Danish in every widget (the k field's
message, the upload boxes), the content editor's picker after a save and a reset, tables with no
"None", invitations in the send log with a warning before a second link, and a closed run's
publications counted once."""

from __future__ import annotations

import re
import sqlite3
from datetime import date

from playwright.sync_api import expect

from tests.e2e.helpers import body, expect_text, idle, login, open_app, pick_option

DESKTOP = dict(viewport={"width": 1366, "height": 900}, locale="da-DK")


def rows(server, sql: str, params=()) -> list[tuple]:
    con = sqlite3.connect(server.db_path, timeout=10)
    try:
        with con:
            return con.execute(sql, params).fetchall()
    finally:
        con.close()


def logged_in(browser, server, username: str):
    """A fresh 1366x900 browser context logged in as `username` (Danish)."""
    probe = browser.new_page()
    open_app(probe, server.url)  # the first visit creates the demo database
    probe.close()
    rows(server, "UPDATE users SET language = 'da' WHERE username = ?", [username])
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.set_default_timeout(30_000)
    open_app(page, server.url)
    login(page, username)
    return context, page


def opens(server, activity: str) -> date:
    from digled import db, programme

    d = db.connect(server.db_path)
    try:
        return programme.schedule(d, programme.programme(d))[activity].opens
    finally:
        d.close()


# --- 1. attendance only for a meeting that took place ------------------------------------------


def test_a_chair_cannot_save_attendance_for_a_meeting_ahead_and_unticked_is_not_absent(browser, server):
    context, page = logged_in(browser, server, "leder")
    try:
        (gid,) = rows(server, "SELECT g.id FROM leader_groups g JOIN users u ON u.id = g.chair_id "
                              "WHERE u.username = 'leder'")[0]
        members = [r[0] for r in rows(server, "SELECT id FROM users WHERE leader_group = ? AND active = 1", [gid])]
        day = opens(server, "meeting2")
        assert day > date.today()  # the demo's second leader meeting lies ahead
        rows(server, f"DELETE FROM progress WHERE activity = 'meeting2' AND user_id IN ({','.join('?' * len(members))})",
             members)
        page.goto(server.url + "/meetings")
        idle(page)
        group = page.locator(".st-key-group_meeting2")
        expect(group).to_contain_text("har ikke fundet sted endnu: fremmøde kan registreres fra")
        expect(group).to_contain_text(f"Ikke registreret: {len(members)}.")
        expect(group).not_to_contain_text("Fraværende: 1")
        assert page.locator(".st-key-grp_save_meeting2").count() == 0
        assert page.locator("[class*='st-key-grp_meeting2_'] input[type='checkbox']").count() == 0
        assert rows(server, f"SELECT COUNT(*) FROM progress WHERE activity = 'meeting2' AND user_id IN "
                            f"({','.join('?' * len(members))})", members) == [(0,)]
        # the meeting that took place still has its form
        expect(page.locator(".st-key-grp_save_meeting1 button")).to_be_visible()
    finally:
        context.close()
