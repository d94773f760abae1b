"""Browser helpers: wait for Streamlit to be idle, log in and out, read the page."""

from __future__ import annotations

import time

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def idle(page, settle: float = 0.25) -> None:
    """Wait until the script run finished and the page rendered."""
    page.wait_for_selector(IDLE, timeout=30_000)
    time.sleep(settle)
    page.wait_for_selector(IDLE, timeout=30_000)


def open_app(page, url: str) -> None:
    page.goto(url)
    idle(page)


SESSION_COOKIES = ("digled_session", "__Host-digled_session")


def session_cookies(page) -> list[dict]:
    """The browser's login cookies (HttpOnly: only the browser context sees them, no script)."""
    return [c for c in page.context.cookies() if c["name"] in SESSION_COOKIES]


def login(page, username: str, password: str = "demo", succeed: bool = True) -> None:
    """Log in through the form. With succeed (the default), wait until the session shows the
    logout button and check the session cookie exists: the app shows a login only once the
    browser has its cookie (see digled/ui/login.py), so a reload right after keeps it."""
    from playwright.sync_api import expect

    expect(page.locator(".st-key-login_username input")).to_be_editable()
    page.locator(".st-key-login_username input").fill(username)
    page.locator(".st-key-login_password input").fill(password)
    page.locator("[data-testid='stFormSubmitButton'] button").click()
    idle(page)
    if not succeed:
        return
    expect(page.locator(".st-key-logout_button")).to_be_visible()
    wait_for_login_cookie(page)


def wait_for_login_cookie(page) -> None:
    """The session cookie exists once the app shows the login (checked, with a short grace)."""
    for _ in range(20):
        if session_cookies(page):
            return
        page.wait_for_timeout(100)
    raise AssertionError("logged in, but no session cookie was set")


def logout(page) -> None:
    page.locator(".st-key-logout_button button").click()
    idle(page)


def body(page) -> str:
    return page.inner_text("[data-testid='stApp']")


def nav(page, label: str) -> None:
    """Open a page from app.py's sidebar menu (page links)."""
    page.locator("[data-testid='stSidebar'] [data-testid='stPageLink']").get_by_text(label, exact=True).click()
    idle(page)


def pick_option(page, widget, label, tap: bool = False) -> None:
    """Choose the (first) option named `label` (a string or a compiled pattern) in a selectbox:
    `widget` is its key or a locator. A click during a rerun's last paint (or while the sidebar
    slides in) may not open the list, and a rerun may redraw the list under the pointer (the
    option detaches): open and choose again, up to four times, each try bounded."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.locator(f".st-key-{widget}") if isinstance(widget, str) else widget
    option = page.get_by_role("option", name=label).first
    for _ in range(4):
        idle(page)
        try:
            box.tap(timeout=5_000) if tap else box.click(timeout=5_000)
            option.wait_for(state="visible", timeout=5_000)
            option.tap(timeout=5_000) if tap else option.click(timeout=5_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            continue
        idle(page)
        return
    raise AssertionError(f"could not choose {label!r} in {widget!r}")


def expect_text(page, text: str, timeout: float = 15_000) -> None:
    """Wait (retrying) until the app shows `text`."""
    from playwright.sync_api import expect

    expect(page.locator("[data-testid='stApp']")).to_contain_text(text, timeout=timeout)
