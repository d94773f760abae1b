"""Real-browser helpers: Debian's Chromium via
Playwright. The fixtures `browser`, `page` and `server` live in tests/conftest.py, so the browser
tests of tests/security share the one Playwright of a test process with these (two would clash).

The tests skip with a clear message where no Chromium exists, except in CI (CI=true), where
they must run. Screenshots of failing tests go to test-artifacts/ (the path is printed).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import start_mail_collector
from tests.servers import ROOT

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



@pytest.fixture(scope="module")
def mailbox():
    """An SMTP collector for one test file's server (see mail_env)."""
    _require_chromium()
    handler, controller = start_mail_collector()
    yield handler
    controller.stop()


def mail_env(mailbox) -> dict[str, str]:
    """A server's settings to send its e-mail to `mailbox`."""
    return {"DIGLED_SMTP_HOST": "127.0.0.1", "DIGLED_SMTP_PORT": str(mailbox.port), "DIGLED_SMTP_USER": "",
            "DIGLED_SMTP_PASSWORD": "", "DIGLED_SMTP_FROM": "Digital ledelse <forloeb@test.digled.dk>"}
