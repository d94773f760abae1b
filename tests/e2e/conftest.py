"""Real-browser fixtures: a real `streamlit run app.py` and Debian's Chromium via Playwright.

The tests skip with a clear message where no Chromium exists, except in CI (CI=true), where
they must run. Screenshots of failing tests go to test-artifacts/ (the path is printed).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.servers import ROOT, Server

CHROMIUM = os.environ.get("DIGLED_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but no Chromium at {CHROMIUM}: install Debian's chromium (see .ci/run)")
    pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import expect, sync_playwright

    # Assertions retry for up to 15 s (Playwright's default is 5 s): a script run on a loaded
    # 2-core machine can take longer than that; a failing assertion still fails, later.
    expect.set_options(timeout=15_000)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_chromium()
    s = Server(tmp_path_factory.mktemp("server")).start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def demo(server, browser):
    """The module's server once its demo database exists: the app loads the demo at its first
    page run, so a test that reads or writes the database before opening a page asks for this."""
    from tests.e2e.helpers import open_app

    page = browser.new_page()
    try:
        open_app(page, server.url)
    finally:
        page.close()
    return server


@pytest.fixture(scope="module")
def leader(demo) -> str:
    """The username of a demo leader with a submitted start assessment."""
    from tests.e2e.test_quality_browser import leader_with_assessment

    return leader_with_assessment(demo)


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    p = context.new_page()
    p.set_default_timeout(30_000)
    yield p
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"{request.node.name}.png"
        try:
            p.screenshot(path=str(shot), full_page=True)
            print(f"\nscreenshot of the failure: {shot}")
        except Exception as e:  # pragma: no cover
            print(f"\nno screenshot: {e}")
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)
