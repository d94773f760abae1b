"""Shared fixtures: databases built from the real content in data/."""

from __future__ import annotations

import os
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest

from digled import demo
from digled.assessment import answering
from digled.content import loader
from digled.demo import invented
from digled.platform import config, db, migrations, pseudonyms

sys.path.insert(0, str(Path(__file__).resolve().parent / "clock"))
import moved_clock  # noqa: E402  (the same module tests/clock/sitecustomize.py starts in child processes)

# fixed, but random enough for config.weakness (entropy, no pattern)
SECRET = "test-pseudonym-secret-Qm7ZkP2vXc9LrT4wNf8BhJ3sGd6YaE1u"
COOKIE_KEY = "test-cookie-key-Vx4Nq8TzRb2MwK7cLh5PjF9sYd3GeA6u"


# The longest files first. With `--dist loadfile --no-loadscope-reorder` (pytest.ini) the two
# workers take whole files in this order as they become free, so the long browser and
# multi-process files start early and the many short unit files fill the end. (By default xdist
# starts with the files holding the most tests, which left the long browser files, a few tests
# each, to one worker at the end: minutes with the other idle.)
LONGEST_FIRST = (
    "tests/e2e/test_quality_browser.py", "tests/e2e/test_routes_browser.py", "tests/test_multiprocess.py",
    "tests/e2e/test_assessment_browser.py", "tests/e2e/test_session_browser.py", "tests/test_reliability.py",
    "tests/test_benchmarks.py",
)

# With CI=true a skipped test fails the run, unless its reason names something a CI machine may
# truly lack. .ci/run installs Chromium, Caddy and systemd's analyzer, so their tests must run
# (tests/e2e/conftest.py and tests/test_multiprocess.py fail without them already); it cannot give
# a container a Docker daemon. An allowed skip is listed, with its reason, at the end of the run.
CI_MAY_LACK = ("no docker command on this machine", "no Docker daemon reachable")
_allowed_skips: list[tuple[str, str]] = []


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    message = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return message.removeprefix("Skipped: ")


def _fail_skip_in_ci(report) -> None:
    if _in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = _skip_reason(report)
        if not reason.startswith(CI_MAY_LACK):
            report.outcome = "failed"
            report.longrepr = (f"skipped with CI=true: {reason!r}. In CI a test must run; only what a CI machine "
                               f"may truly lack (tests/conftest.py CI_MAY_LACK) may skip it.")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A skip in CI fails unless allowed; each phase's report is kept on the item (the browser
    fixture `page` takes a screenshot when the test failed)."""
    outcome = yield
    rep = outcome.get_result()
    _fail_skip_in_ci(rep)
    setattr(item, "rep_" + rep.when, rep)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _fail_skip_in_ci(outcome.get_result())


def pytest_runtest_logreport(report):
    if _in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        _allowed_skips.append((report.nodeid, _skip_reason(report)))


def pytest_terminal_summary(terminalreporter):
    if _allowed_skips:
        terminalreporter.section("skipped with CI=true: what this machine lacks", sep="-")
        for nodeid, reason in _allowed_skips:
            terminalreporter.line(f"{nodeid}: {reason}")


def pytest_addoption(parser):
    parser.addoption("--today", metavar="YYYY-MM-DD", default=None,
                     help="run as if today were this day (noon UTC, ticking): the test processes and every "
                          "Python process they start (tests/clock/moved_clock.py)")


def pytest_configure(config):
    """With --today, move the clock before any test or fixture reads it (xdist workers and the
    servers tests start inherit the offset: tests/clock/sitecustomize.py)."""
    raw = config.getoption("--today")
    if not raw:
        return
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise pytest.UsageError(f"--today takes a day as YYYY-MM-DD, not {raw!r}") from None
    if not moved_clock.moved():
        moved_clock.start(moved_clock.offset_for(day))


def pytest_report_header(config):
    raw = config.getoption("--today")
    return [f"clock moved: today is {date.today().isoformat()} (--today {raw})"] if raw else []


def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        path = item.nodeid.split("::")[0]
        if path in LONGEST_FIRST:
            return LONGEST_FIRST.index(path)
        return len(LONGEST_FIRST) + (0 if path.startswith("tests/e2e/") else 1)

    items.sort(key=rank)  # stable: the order inside a file is kept


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """Every test runs against its own database and known secrets, never data/digled.db."""
    monkeypatch.setenv("DIGLED_DB", str(tmp_path / "digled.db"))
    monkeypatch.setenv("DIGLED_PSEUDONYM_SECRET", SECRET)
    monkeypatch.setenv("DIGLED_COOKIE_KEY", COOKIE_KEY)
    monkeypatch.setenv("DIGLED_SECRETS_FILE", str(tmp_path / "no-secrets.toml"))
    # secrets are configured above, so demo mode must be asked for (issue 14: demo by mistake)
    monkeypatch.setenv("DIGLED_DEMO", "1")
    monkeypatch.setenv("DIGLED_BASE_URL", "http://localhost:8501")  # required outside demo


@pytest.fixture
def settings() -> config.Settings:
    return config.load_settings()


@pytest.fixture(scope="session")
def framework() -> loader.Framework:
    return loader.framework()


@pytest.fixture
def database(tmp_path):
    d = migrations.open_and_migrate(tmp_path / "digled.db")
    yield d
    d.close()


def _template(tmp_path_factory, earlier: bool) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    d = migrations.open_and_migrate(path)
    s = config.Settings(db_path=path, demo=True, cookie_key=COOKIE_KEY, pseudonym_secret=SECRET)
    demo.load(d, s, today=date.today(), earlier=earlier)
    d.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    d.close()
    return path


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    """The demo's running run alone, generated once per test session (bcrypt is slow) and copied."""
    return _template(tmp_path_factory, earlier=False)


@pytest.fixture(scope="session")
def _full_demo_template(tmp_path_factory) -> Path:
    """The demo as shipped (the app's first start): the closed earlier run, then the running one."""
    return _template(tmp_path_factory, earlier=True)


def _copy(template: Path, tmp_path: Path):
    target = tmp_path / "digled.db"
    shutil.copy(template, target)
    return db.connect(target)


@pytest.fixture
def demo_db(_demo_template, tmp_path):
    """A fresh copy at DIGLED_DB of the demo's running run alone (an installation in its first
    run, mid-programme: one run, no follow-up answers yet), opened."""
    d = _copy(_demo_template, tmp_path)
    yield d
    d.close()


@pytest.fixture
def full_demo_db(_full_demo_template, tmp_path):
    """A fresh copy at DIGLED_DB of the demo as shipped: the closed earlier run with the whole
    programme and both follow-up rounds, published, then the running run (tests/test_demo.py)."""
    d = _copy(_full_demo_template, tmp_path)
    yield d
    d.close()


def start_mail_collector():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 at a free port: (handler, controller); stop
    the controller when done."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = _MailCollector()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    return handler, controller


class _MailCollector:
    """aiosmtpd handler: keeps every accepted message; can be told to reject or to dawdle."""

    def __init__(self):
        import threading

        self.messages = []
        self.reject = False
        self.delay = 0.0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        import email
        import email.policy

        if self.delay:
            await asyncio.sleep(self.delay)
        if self.reject:
            return "554 5.7.1 Rejected by the test server"
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(msg)
        return "250 OK"


@pytest.fixture
def smtp_server(monkeypatch):
    """A real SMTP server (aiosmtpd) on 127.0.0.1 at a free port; DIGLED_SMTP_* point at it.
    Yields the handler: `.messages` (email.message.EmailMessage), `.reject`, `.delay`, `.port`."""
    handler, controller = start_mail_collector()
    port = handler.port
    monkeypatch.setenv("DIGLED_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DIGLED_SMTP_PORT", str(port))
    monkeypatch.setenv("DIGLED_SMTP_FROM", "Digital ledelse <forloeb@test.digled.dk>")
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _keep_main_module():
    """Streamlit's AppTest runs a page as `__main__` and leaves it in sys.modules; a
    multiprocessing forkserver started later (tests/test_reliability.py) would then re-run that
    page in every child. Each test ends with the real `__main__` in place."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


# --- real-browser fixtures (tests/e2e and the browser tests of tests/security) -----------------
# One definition for the whole test session: a second `browser` fixture in another directory
# would start a second Playwright in the same process, which its sync API refuses.


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    from tests.e2e.conftest import CHROMIUM, LAUNCH_ARGS, _require_chromium

    _require_chromium()

    # Assertions retry for up to 15 s (Playwright's default is 5 s): a script run on a loaded
    # 2-core machine can take longer than that; a failing assertion still fails, later.
    expect.set_options(timeout=15_000)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tests.e2e.conftest import _require_chromium
    from tests.servers import Server

    _require_chromium()
    s = Server(tmp_path_factory.mktemp("server"), demo=True).start()
    yield s
    s.stop()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    p = context.new_page()
    p.set_default_timeout(30_000)
    yield p
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        from tests.e2e.conftest import ARTIFACTS

        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"{request.node.name}.png"
        try:
            p.screenshot(path=str(shot), full_page=True)
            print(f"\nscreenshot of the failure: {shot}")
        except Exception as e:  # pragma: no cover
            print(f"\nno screenshot: {e}")
    context.close()



def with_follow_up(database, secret: str = SECRET, share: float = 0.8) -> int:
    """The demo's running run given a follow-up 3 months after, answered today by most of its
    leaders who took the end assessment (their end answers again); returns how many. (The demo's
    own follow-ups are in its earlier run; this one is for what a running run does with them.)"""
    framework, today = loader.framework(), date.today()
    made = 0
    with db.write(database):
        rows = list(database.query("SELECT id, respondent, municipality, area, level FROM assessments "
                                   "WHERE round = 'end' AND status = 'submitted' AND cohort_id = "
                                   "(SELECT id FROM cohorts WHERE closed_at IS NULL) ORDER BY id"))
        users = {pseudonyms.of_user(secret, uid): uid for (uid,) in database.execute("SELECT id FROM users")}
        for i, end in enumerate(rows):
            if i % 10 >= share * 10:
                continue
            invented.insert(database, framework, secret, end["respondent"], "followup_3", today, end,
                            answering.answers(database, end["id"]))
            answering.record_participation(database, users[end["respondent"]], "followup_3", today)
            made += 1
    return made


def without_follow_ups(database) -> None:
    """The demo's run as runs were before the follow-up rounds (issue 23): switched off and
    without their attempts."""
    db.set_setting(database, answering.FOLLOWUP_SETTING, "off")
    database.conn.execute("DELETE FROM assessments WHERE round LIKE 'followup%'")
    database.conn.commit()
