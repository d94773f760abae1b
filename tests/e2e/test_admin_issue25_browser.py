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
from tests.e2e.test_quality_browser import serious_violations

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
    from digled.content import programme
    from digled.platform import db

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


# --- 2. Danish in every widget ------------------------------------------------------------------

ENGLISH = re.compile(r"\b(Upload|Browse|Drag and drop|per file|Number is outside|Please enter|allowed range)\b")


def test_k_outside_its_range_is_answered_in_danish_and_kept(browser, server):
    context, page = logged_in(browser, server, "admin")
    try:
        page.goto(server.url + "/admin-settings")
        idle(page)
        field = page.locator(".st-key-min_group_size input")
        before = field.input_value()
        field.fill("2")
        page.locator(".st-key-save_min_group_size button").click()
        idle(page)
        expect_text(page, "Den mindste gruppestørrelse skal være et helt tal fra 3 til 100.")
        assert not ENGLISH.search(body(page)), ENGLISH.search(body(page))
        assert field.input_value() == "2"  # what was typed stays
        assert rows(server, "SELECT value FROM settings WHERE key = 'min_group_size'") in ([], [(before,)])
    finally:
        context.close()


def uploader_words(page) -> list[str]:
    """What each upload box on the page says: its text (the material icon's ligature left out) and
    the button's word as drawn (CSS generated content included)."""
    return page.locator("[data-testid='stFileUploader']").evaluate_all("""els => els.map(el => {
        const md = el.querySelector("button [data-testid='stMarkdownContainer']");
        const after = md ? getComputedStyle(md, '::after').content : '';
        const shown = [...el.querySelectorAll('*')].filter(e => e.children.length === 0 && e.offsetParent !== null
            && !e.closest("[data-testid='stIconMaterial']")
            && getComputedStyle(e).display !== 'none').map(e => e.textContent.trim()).filter(Boolean);
        return shown.join(' | ') + ' | ' + after;
    })""")


def test_every_upload_box_on_the_admin_pages_speaks_danish_with_its_real_limit(browser, server):
    context, page = logged_in(browser, server, "admin")
    try:
        links = page.locator("[data-testid='stSidebar'] [data-testid='stPageLink'] a").evaluate_all(
            "els => els.map(e => new URL(e.href).pathname)")
        seen = {}
        for path in [p for p in links if p.startswith("/admin")]:
            page.goto(server.url + path)
            idle(page)
            for words in uploader_words(page):
                seen.setdefault(path, []).append(words)
            if path in ("/admin-import", "/admin-files"):  # the button and the input are named in Danish too
                zones = page.locator("[data-testid='stFileUploaderDropzone']")
                expect(zones.first.locator("button")).to_have_attribute("aria-label", "Vælg fil")
                for i in range(zones.count()):
                    assert zones.nth(i).locator("button").get_attribute("aria-label") == "Vælg fil"
                    assert zones.nth(i).locator("input[type='file']").get_attribute("aria-label") == "Vælg fil"
                assert serious_violations(page) == []
        assert set(seen) == {"/admin-import", "/admin-files"}, seen
        for path, boxes in seen.items():
            for words in boxes:
                assert not ENGLISH.search(words), (path, words)
                assert "Vælg fil" in words, (path, words)
                assert len(re.findall(r"højst \d+ MB", words)) == 1, (path, words)
                assert "25" not in words, (path, words)
        assert all("højst 5 MB" in w for w in seen["/admin-import"])
        assert all("højst 20 MB" in w for w in seen["/admin-files"])
    finally:
        context.close()


# --- 3. the content editor keeps its activity ------------------------------------------------


def picker_text(page) -> str:
    """The activity the picker shows."""
    return page.locator(".st-key-content_activity input[role='combobox']").input_value()


def test_the_content_editor_keeps_the_activity_and_shows_its_title_after_save_and_reset(browser, server):
    context, page = logged_in(browser, server, "admin")
    try:
        rows(server, "DELETE FROM content_overrides WHERE key LIKE 'activity:film2:%'")
        from digled.content import programme

        film = programme.programme().activity("film2")
        old, new = film.title["da"], film.title["da"] + " (ny titel)"
        page.goto(server.url + "/admin-content")
        idle(page)
        pick_option(page, "content_activity", re.compile("^" + re.escape(old)))
        assert picker_text(page).startswith(old)
        page.locator(".st-key-c_film2_title_da input").fill(new)
        page.locator(".st-key-save_title button").click()
        idle(page)
        expect_text(page, "Gemt.")
        expect(page.locator(".st-key-content_activity input[role='combobox']")).to_have_value(
            re.compile("^" + re.escape(new)))  # the picker says the new title
        assert page.locator(".st-key-c_film2_title_da input").input_value() == new
        expect(page.locator(".st-key-save_reflections button")).to_be_visible()  # the film's questions are there
        # back to the default: the same film, its default title in the picker and the field
        page.locator(".st-key-reset_title button").click()
        idle(page)
        expect_text(page, "Nulstillet")
        expect(page.locator(".st-key-c_film2_title_da input")).to_have_value(old)
        assert picker_text(page).startswith(old), picker_text(page)
        expect(page.locator(".st-key-save_reflections button")).to_be_visible()
        # saving the questions keeps the film too
        page.locator(".st-key-save_reflections button").click()
        idle(page)
        assert picker_text(page).startswith(old), picker_text(page)
        expect(page.locator(".st-key-save_reflections button")).to_be_visible()
    finally:
        context.close()


# --- 4. lists that say what they hold --------------------------------------------------------

# Streamlit's data grid draws a missing value as a grey "None" on its canvas and leaves the
# accessible table's cell empty: an admin table says "–" for nothing, so no cell is empty either.
EMPTY_WORDS = {"", "None", "none", "nan", "NaN", "NaT", "<NA>", "null"}


def cells(page) -> list[str]:
    """The text of every table cell on the page (Streamlit's data grids keep theirs in an
    accessible table)."""
    idle(page)
    return [c.strip() for c in page.locator("[data-testid='stDataFrame'] td, [data-testid='stTable'] td, "
                                            "[data-testid='stDataFrame'] [role='gridcell']").all_inner_texts()]


def add_participant(server, name: str, email: str) -> int:
    from digled.accounts import participants
    from digled.platform import db

    d = db.connect(server.db_path)
    try:
        return participants.add(d, {"name": name, "email": email, "municipality": "albertslund", "area": "skole",
                                    "level": "mellemleder", "roles": ["leader"]}, "admin")
    finally:
        d.close()


def test_no_admin_table_says_none(browser, server, tmp_path):
    context, page = logged_in(browser, server, "admin")
    try:
        add_participant(server, "Nanna Ny", "nanna.ny@albertslund.dk")
        page.goto(server.url + "/")
        idle(page)
        page.locator(".st-key-participant_search input").fill("Nanna Ny")
        page.keyboard.press("Enter")
        idle(page)
        grid = page.locator("[data-testid='stDataFrame']").first
        expect(grid).to_contain_text("Nanna Ny")
        # the whole table fits 1366 px (the grid draws only the columns in view) ...
        assert grid.locator(".dvn-scroller").evaluate("e => e.scrollWidth - e.clientWidth") <= 1
        # ... and says "–" where the new participant has no day yet
        headings = [h.strip() for h in grid.locator("th").all_inner_texts()]
        row = [c.strip() for c in grid.locator("tr", has_text="Nanna Ny").locator("td").all_inner_texts()]
        shown = dict(zip(headings, row))
        assert shown["Aktiveret"] == shown["Startafklaring"] == "–", shown
        assert not EMPTY_WORDS & set(row), shown
        # the import preview names the role as everywhere else
        csv = tmp_path / "deltagere.csv"
        csv.write_text("navn;e-mail;kommune;fagområde;lederniveau;roller\n"
                       "Nikolaj Nord;nikolaj.nord@glostrup.dk;Glostrup;skole;mellemleder;leder\n", encoding="utf-8")
        page.goto(server.url + "/admin-import")
        idle(page)
        page.locator("[class*='st-key-import_file'] input[type=file]").set_input_files(str(csv))
        idle(page)
        expect(page.locator(".st-key-import_preview")).to_contain_text("Nikolaj Nord")
        preview = cells(page)
        assert "Leder" in preview and "leader" not in preview, preview
        # every admin page
        links = page.locator("[data-testid='stSidebar'] [data-testid='stPageLink'] a").evaluate_all(
            "els => els.map(e => new URL(e.href).pathname)")
        bad = {}
        for path in [p for p in links if p == "/" or p.startswith("/admin")]:
            page.goto(server.url + path)
            idle(page)
            found = cells(page)
            if EMPTY_WORDS & set(found):
                bad[path] = [page.locator("[data-testid='stDataFrame'] tr").evaluate_all(
                    "rows => rows.slice(0, 3).map(r => [...r.children].map(c => c.textContent))")]
        assert bad == {}
    finally:
        context.close()


def test_a_bad_import_says_how_many_problems_in_danish(browser, server, tmp_path):
    context, page = logged_in(browser, server, "admin")
    try:
        csv = tmp_path / "bad.csv"
        csv.write_text("navn;e-mail;kommune;fagområde;lederniveau\nOle Øst;ole.oest@;Albertslund;skole;topleder\n",
                       encoding="utf-8")
        page.goto(server.url + "/admin-import")
        idle(page)
        page.locator("[class*='st-key-import_file'] input[type=file]").set_input_files(str(csv))
        idle(page)
        expect_text(page, "bad.csv kan ikke importeres: 1 fejl at rette.")
        assert "Problemer i" not in body(page)
    finally:
        context.close()


# --- 5. invitations and reminders --------------------------------------------------------------


def test_invitations_reach_the_send_log_and_a_second_link_is_announced(browser, server):
    from digled.platform import config, db
    from digled.programme import reminder_due

    context, page = logged_in(browser, server, "admin")
    try:
        uid = add_participant(server, "Ida Inviteret", "ida.inviteret@albertslund.dk")
        d = db.connect(server.db_path)
        try:
            due = reminder_due.digests(d, config.load_settings(), date.today())
        finally:
            d.close()
        invited = next(x for x in due if any(r.kind == "invitation" for r in x.items))
        page.goto(server.url + "/admin-reminders")
        idle(page)
        # the preview: Danish headings, the link's placeholder as people read it
        pick_option(page, "preview_choice", f"{invited.user.name}: {invited.subject}")
        preview = page.locator("[data-testid='stCode']").first.inner_text()
        assert preview.startswith("Til: ") and "\nEmne: " in preview, preview[:200]
        assert "To:" not in preview and "Subject:" not in preview
        assert "%E2%80%A6" not in preview and "token=…" in preview
        # an invitation is sent and logged
        pick_option(page, "invite_users", re.compile("^Ida Inviteret"))
        page.locator(".st-key-invite_submit button").click()
        idle(page)
        expect_text(page, "Invitationerne er lavet")
        log = page.locator("[data-testid='stDataFrame']").last
        expect(log).to_contain_text("Forsøg")  # the send log's own column
        expect(log.locator("tr", has_text="Ida Inviteret")).to_have_count(1)
        assert rows(server, "SELECT kind, status FROM reminders_sent WHERE user_id = ?", [uid]) == [
            ("invitation", "sent")]
        # the leader is no longer selected, and the list says a new link would replace the one sent
        assert page.locator(".st-key-invite_users [data-tag]").count() == 0
        assert "Ida Inviteret" not in page.locator(".st-key-invite_users").inner_text()
        pick_option(page, "invite_users", re.compile("^Ida Inviteret .*har et link fra .*et nyt erstatter det"))
        page.locator(".st-key-invite_submit button").click()
        idle(page)
        expect_text(page, "1 af dem havde allerede et link: det link virker ikke længere.")
        assert rows(server, "SELECT COUNT(*) FROM invitations WHERE user_id = ?", [uid]) == [(2,)]
    finally:
        context.close()
