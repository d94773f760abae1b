"""Every page address answers, logged out and logged in, in the user's language (issue 10, 1).

Streamlit's own answer to an address it does not know is an English "Page not found" box over
the default page, with the address reset to `/`. These tests open every address the app has
(and some it has not) and look for that box, for the login in the right language, and for the
page itself once logged in.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from digled.accounts import navigation
from tests.e2e.helpers import body, expect_text, idle, login, pick_option

ROUTES = [spec.url_path for spec in navigation.PAGES]
PUBLIC = {spec.url_path for spec in navigation.PAGES if spec.public}
STREAMLIT_BOX = "Page not found"
# English takes two loads per address (a new page load is a new session, Danish by default):
# one address of each kind
ENGLISH_SAMPLE = ["my-results", "admin-settings", "privacy", "login", "no-such-page"]


def open_path(page, server, path: str) -> str:
    page.goto(server.url + "/" + path)
    idle(page)
    text = page.inner_text("body")
    assert STREAMLIT_BOX not in text, f"/{path}: Streamlit's box"
    assert page.locator("[role='dialog']").count() == 0, f"/{path}: a dialog"
    return text


def path_of(page) -> str:
    return page.url.split("://", 1)[1].split("/", 1)[1].split("?", 1)[0]


def test_the_first_visitor_after_a_restart_gets_the_login_at_a_deep_link(browser, tmp_path):
    """The first script run of a fresh process (when Streamlit would route by pages/ file
    names) at a multi-word address: the login, in Danish, at that address; after the login,
    the page."""
    from tests.servers import Server

    fresh = Server(tmp_path).start()
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                                  locale="da-DK")
    page = context.new_page()
    try:
        text = open_path(page, fresh, "my-results")
        assert "Log ind for at åbne »Mit hjul og historik«" in text
        assert path_of(page) == "my-results"
        login(page, "leder")
        expect_text(page, "Mit hjul og historik")
        assert path_of(page) == "my-results"
    finally:
        context.close()
        fresh.stop()


@pytest.mark.parametrize("lang, locale, login_word", [("da", "da-DK", "Brugernavn"), ("en", "en-GB", "Username")])
def test_every_address_logged_out_shows_the_login_or_the_public_page(browser, server, lang, locale, login_word):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale=locale)
    page = context.new_page()
    try:
        if lang == "en":
            page.goto(server.url)
            idle(page)
            _choose_english(page)
        paths = [*ROUTES, "login", "no-such-page", "Odd.Name", ""] if lang == "da" else ENGLISH_SAMPLE
        for path in paths:
            text = open_path(page, server, path) if lang == "da" else _open_in_english(page, server, path)
            if path in PUBLIC:
                assert login_word not in text, path
            else:
                assert login_word in text, f"/{path}: no login form"
            if path in ("login", ""):
                assert path_of(page) == "", path  # the front page's own address
            elif path == "Odd.Name":
                assert path_of(page) == "not-found"
            else:
                assert path_of(page) == path, f"/{path} became /{path_of(page)}"
    finally:
        context.close()


def _choose_english(page) -> None:
    pick_option(page, page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first, "English")


def _open_in_english(page, server, path):
    """A new page load is a new session (Danish by default): choose English, then read."""
    open_path(page, server, path)
    _choose_english(page)
    text = page.inner_text("body")
    assert STREAMLIT_BOX not in text
    return text


def test_a_deep_link_survives_the_login_with_its_query(page, server):
    """The address and its query (which item to land on) stay through the login form; the
    films page then reads the query (and removes it once it has landed)."""
    open_path(page, server, "films?item=e1")
    expect_text(page, "Log ind for at åbne »Film og refleksion«")
    assert page.url.endswith("/films?item=e1")
    login(page, "leder")
    expect_text(page, "Film og refleksion")
    assert path_of(page) == "films"


def test_logged_in_every_address_shows_the_page_or_says_no_access(page, server):
    """A leader opens every address: their own pages run; the others say, in Danish, that the
    account gives no access, with a link home that works; unknown addresses say so."""
    page.goto(server.url)
    idle(page)
    login(page, "leder")
    leader_pages = {spec.url_path for spec in navigation.pages_for(("leader",))}
    for spec in navigation.PAGES:
        text = open_path(page, server, spec.url_path)
        assert "Brugernavn" not in text, f"/{spec.url_path}: logged out by a deep link"
        if spec.url_path in leader_pages:
            assert "giver ikke adgang" not in text, spec.url_path
        else:
            assert "Din konto giver ikke adgang" in text, spec.url_path
    text = open_path(page, server, "no-such-page")
    assert "Der findes ingen side på denne adresse." in text
    page.get_by_text("Gå til forsiden").click()
    idle(page)
    expect_text(page, "Velkommen, Lea")


def test_management_is_told_in_english_that_a_leader_page_is_not_theirs(page, server):
    page.goto(server.url)
    idle(page)
    login(page, "ledelse")
    _choose_english(page)
    page.goto(server.url + "/films")
    idle(page)
    # a new session restores the login from the cookie and the user's saved language
    expect_text(page, "Your account does not give access to «Films and reflections».")
    assert STREAMLIT_BOX not in body(page)
    page.get_by_text("Go to the front page").click()
    idle(page)
    assert path_of(page) == ""
    assert "does not give access" not in body(page)


def test_on_a_phone_the_menu_closes_after_choosing_a_page(browser, server):
    """At 390x844 the opened menu covers 300 of 390 px: choosing a page closes it (one tap a
    move); changing the language in it does not (the user is still in the menu)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                                  locale="da-DK")
    page = context.new_page()
    bar = page.locator("[data-testid='stSidebar']")
    try:
        page.goto(server.url)
        idle(page)
        login(page, "leder")
        assert bar.get_attribute("data-collapsed") == "true"
        for label, lang_label in (("Film og refleksion", "English"), ("Service check", None)):
            page.locator("[data-testid='stExpandSidebarButton']").tap()
            expect(bar).to_have_attribute("data-collapsed", "false")
            if lang_label:
                pick_option(page, page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first,
                            lang_label, tap=True)
                assert bar.get_attribute("data-collapsed") == "false", "a language change closed the menu"
                label = "Films and reflections"
            page.locator("[data-testid='stSidebar'] [data-testid='stPageLink']").get_by_text(label, exact=True).tap()
            idle(page)
            expect(bar).to_have_attribute("data-collapsed", "true")
            expect_text(page, label)
    finally:
        context.close()
