"""The foundation's browser journey: log in, reload and stay logged in, log out for good."""

from tests.e2e.helpers import body, expect_text, idle, login, logout, open_app, session_cookies


def test_login_reload_logout(page, server):
    open_app(page, server.url)
    expect_text(page, "Brugernavn")
    expect_text(page, "Demokonti")  # demo accounts are shown in demo mode
    login(page, "leder")
    expect_text(page, "Velkommen, Lea")
    page.reload()
    idle(page)
    expect_text(page, "Velkommen, Lea")  # a reload keeps the leader logged in
    assert session_cookies(page)
    logout(page)
    expect_text(page, "Brugernavn")
    page.reload()
    idle(page)
    expect_text(page, "Brugernavn")
    assert "Velkommen" not in body(page)


def test_old_cookie_is_refused_after_logout(browser, page, server):
    open_app(page, server.url)
    login(page, "ledelse")
    old = session_cookies(page)
    assert old
    logout(page)
    fresh = browser.new_context()
    fresh.add_cookies(old)  # an attacker replays the cookie issued before the logout
    p = fresh.new_page()
    p.goto(server.url)
    idle(p)
    expect_text(p, "Brugernavn")
    text = body(p)
    fresh.close()
    assert "Brugernavn" in text and "Overblik" not in text


def test_no_legacy_page_list_before_login(page, tmp_path):
    """st.navigation owns the menu: the pages/ folder's file names never show up, not even for
    the first visitor of a freshly started server (when Streamlit still knows pages/)."""
    from tests.servers import Server

    server = Server(tmp_path).start()
    try:
        _watch_menu(page, server.url)
    finally:
        server.stop()


# From the first moment of the page load: every text the sidebar shows, and whether Streamlit's
# own page list (stSidebarNav) was ever drawn.
_RECORD_MENU = """
(() => {
  const seen = window.__menuTexts = [];
  new MutationObserver(() => {
    const bar = document.querySelector("[data-testid='stSidebar']");
    if (bar && bar.innerText !== seen[seen.length - 1]) seen.push(bar.innerText);
    if (document.querySelector("[data-testid='stSidebarNav']")) window.__legacyMenu = true;
  }).observe(document, {subtree: true, childList: true, characterData: true});
})()
"""


def _watch_menu(page, url):
    page.context.add_init_script(script=_RECORD_MENU)
    page.goto(url)
    idle(page)
    assert not page.evaluate("window.__legacyMenu === true")
    seen = set(page.evaluate("window.__menuTexts"))
    assert seen, "the sidebar was never drawn"
    for text in seen | {body(page)}:
        assert "admin participants" not in text.lower() and "management overview" not in text.lower()
        assert "leader home" not in text.lower()


def test_deep_link_to_the_first_fresh_server_goes_through_the_login_gate(browser, tmp_path):
    """Right after a restart Streamlit still routes by pages/ file names for its first run;
    a logged-in leader following a link (e.g. from a reminder) must still get the menu, the
    login gate and the page, not a bare page file."""
    from tests.servers import Server

    context = browser.new_context()
    page = context.new_page()
    first = Server(tmp_path).start()
    try:
        open_app(page, first.url)
        login(page, "leder")
        expect_text(page, "Velkommen, Lea")
    finally:
        first.stop()
    second = Server(tmp_path).start()  # a new process on the same database
    try:
        page.goto(second.url + "/films")
        idle(page)
        expect_text(page, "Film og refleksion")
        expect_text(page, "Mit forløb")  # app.py's menu is there
        assert "Du skal logge ind" not in body(page)
    finally:
        second.stop()
        context.close()
