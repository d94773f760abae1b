"""The administrator's browser journey: import a participant list with one bad line (named,
nothing imported), fix it and import; then generate workshop tables.

Elements are found by widget key (`.st-key-<key>`), not by text: new UI strings are
translated to Danish later."""

import sqlite3

from playwright.sync_api import expect

from tests.e2e.helpers import idle, login, open_app

HEADER = "navn;e-mail;kommune;fagområde;lederniveau\n"
NINA = "Nina Nord;nina.nord@glostrup.dk;Glostrup;Kultur og fritid;Mellemleder\n"
OLE_BAD = "Ole Øst;ole.oest@;Albertslund;skole;topleder\n"
OLE = "Ole Øst;ole.oest@albertslund.dk;Albertslund;skole;topleder\n"


def _query(server, sql: str, params=()):
    con = sqlite3.connect(server.db_path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _imported(server) -> int:
    return _query(server, "SELECT COUNT(*) FROM users WHERE email IN ('nina.nord@glostrup.dk', "
                          "'ole.oest@albertslund.dk')")[0][0]


def _login_admin(page, server) -> None:
    open_app(page, server.url)
    login(page, "admin")


def _upload(page, path) -> None:
    page.locator("[class*='st-key-import_file'] input[type=file]").set_input_files(str(path))
    idle(page)


def test_admin_imports_a_list_after_fixing_the_bad_line(page, server, tmp_path):
    _login_admin(page, server)
    page.goto(server.url + "/admin-import")
    idle(page)
    csv = tmp_path / "deltagere.csv"
    csv.write_text(HEADER + NINA + OLE_BAD, encoding="utf-8")
    _upload(page, csv)
    first_error = page.locator(".st-key-import_errors td").first
    expect(first_error).to_have_text("3", timeout=15_000)  # the file line of the bad address
    assert page.locator(".st-key-import_confirm").count() == 0
    assert _imported(server) == 0

    fixed = tmp_path / "deltagere-rettet.csv"  # the browser ignores the same file chosen again
    fixed.write_text(HEADER + NINA + OLE, encoding="utf-8")
    _upload(page, fixed)
    confirm = page.locator(".st-key-import_confirm button")
    expect(confirm).to_be_visible(timeout=15_000)
    idle(page)
    expect(page.locator(".st-key-import_errors")).to_have_count(0)
    confirm.click()
    idle(page)
    expect(page.locator("[data-testid='stAlertContentSuccess']")).to_be_visible()
    assert _imported(server) == 2
    assert _query(server, "SELECT area, level FROM users WHERE email = 'nina.nord@glostrup.dk'") == [
        ("kultur", "mellemleder")]

    page.goto(server.url + "/admin-workshops")
    idle(page)
    generate = page.locator(".st-key-ws_generate button")
    expect(generate).to_be_visible()
    before = _query(server, "SELECT COUNT(*) FROM audit_log")[0][0]
    replace = page.locator(".st-key-ws_replace input[type=checkbox]")
    if replace.count():
        page.locator(".st-key-ws_replace label").click()
        idle(page)
    expect(generate).to_be_enabled()
    generate.click()
    idle(page)
    expect(page.locator("[data-testid='stAlertContentSuccess']")).to_be_visible()
    assert _query(server, "SELECT COUNT(*) FROM audit_log")[0][0] > before
    seated = {r[0] for r in _query(server, "SELECT u.email FROM workshop_tables w JOIN users u ON u.id = w.user_id")}
    assert {"nina.nord@glostrup.dk", "ole.oest@albertslund.dk"} <= seated
