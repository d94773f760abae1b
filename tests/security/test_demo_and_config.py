"""Issue 14, item 8: demo mode by mistake, weak secrets, DIGLED_BASE_URL, the anonymous start-up
error page, cache clearing by anonymous clients, and downloads without a lasting /media/ URL."""

from __future__ import annotations

import re
import secrets
import tomllib

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from digled.accounts import importer, invitations
from digled.cli import main
from digled.platform import config, db
from tests.apptest import ROOT, app_as, click_download, deferred_downloads, page_text, publish_first_figures

STRONG_COOKIE = "Kc7Lq2VzTm9XrB4nWf8HsJ3pGd6YaE1u"
STRONG_SECRET = "Ps4Nq8TzRm2WvK7cLh5XjF9sYd3GbA6e"
URL = "https://digled.example.dk"


def env(tmp_path, **extra) -> dict:
    return {"DIGLED_DB": str(tmp_path / "d.db"), "DIGLED_SECRETS_FILE": str(tmp_path / "none.toml"), **extra}


def fresh_app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)


# --- demo mode only where no secrets are configured, never for a database run outside demo ---


def test_configured_secrets_turn_the_demo_default_off(tmp_path):
    with_secrets = env(tmp_path, DIGLED_COOKIE_KEY=STRONG_COOKIE, DIGLED_PSEUDONYM_SECRET=STRONG_SECRET)
    with pytest.raises(config.ConfigError, match="DIGLED_BASE_URL"):  # not demo: asks for the address
        config.load_settings(with_secrets)
    assert not config.load_settings({**with_secrets, "DIGLED_BASE_URL": URL}).demo
    f = tmp_path / "secrets.toml"
    f.write_text(f'cookie_key = "{STRONG_COOKIE}"\npseudonym_secret = "{STRONG_SECRET}"\n')
    assert not config.load_settings(env(tmp_path, DIGLED_SECRETS_FILE=str(f), DIGLED_BASE_URL=URL)).demo
    # a forgotten DIGLED_DEMO=0 with only one secret set: refused, the missing one named
    with pytest.raises(config.ConfigError, match="DIGLED_PSEUDONYM_SECRET"):
        config.load_settings(env(tmp_path, DIGLED_COOKIE_KEY=STRONG_COOKIE, DIGLED_BASE_URL=URL))


def test_without_any_secret_the_demo_is_the_default(tmp_path):
    s = config.load_settings(env(tmp_path))
    assert s.demo and s.base_url == "http://localhost:8501"


def test_a_database_once_run_outside_demo_is_never_run_in_demo(tmp_path):
    real = config.load_settings(env(tmp_path, DIGLED_DEMO="0", DIGLED_BASE_URL=URL,
                                    DIGLED_COOKIE_KEY=STRONG_COOKIE, DIGLED_PSEUDONYM_SECRET=STRONG_SECRET))
    config.open_database(real).close()
    demo = config.load_settings(env(tmp_path))  # later: no secrets, no DIGLED_DEMO (the demo default)
    assert demo.demo
    with pytest.raises(config.ConfigError, match="DIGLED_DEMO=0") as e:
        config.open_database(demo)
    assert "ran outside demo mode" in str(e.value)
    config.open_database(real).close()  # outside demo it still opens


def test_the_cli_and_the_app_refuse_demo_for_such_a_database(tmp_path, monkeypatch, capsys, caplog):
    monkeypatch.setenv("DIGLED_DB", str(tmp_path / "real.db"))
    monkeypatch.setenv("DIGLED_DEMO", "0")
    assert main(["init"]) == 0
    monkeypatch.setenv("DIGLED_DEMO", "1")
    assert main(["init"]) == 1
    assert "ran outside demo mode" in capsys.readouterr().err
    d = db.connect(tmp_path / "real.db")
    assert d.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0  # no demo accounts were loaded
    d.close()
    at = fresh_app().run()
    assert [e.value for e in at.error] == ["digled kan ikke starte."]
    assert "ran outside demo mode" in caplog.text


@pytest.mark.parametrize("lang, banner", [("da", "DEMO: opdigtede personer"), ("en", "DEMO: invented people")])
def test_a_demo_banner_on_every_page_while_demo_is_on(demo_db, lang, banner):
    for username, _page in ((None, None), ("leder", None), ("admin", None), ("ledelse", None)):
        at = app_as(username, lang=lang).run()
        assert not at.exception
        assert banner in [w.value for w in at.warning][0], (username, lang)
    at = app_as("admin", lang=lang).run()
    at.switch_page("pages/admin_settings.py").run()
    assert banner in at.warning[0].value


def test_no_demo_banner_outside_demo(monkeypatch):
    monkeypatch.setenv("DIGLED_DEMO", "0")
    at = app_as(None).run()
    assert not at.exception and "DEMO" not in page_text(at)


# --- secrets checked for entropy, not length alone ------------------------------------------


@pytest.mark.parametrize("weak", [
    "a" * 40, "ab" * 20, "abcd" * 10, "abcdefgh" * 5, "0123456789abcdef" * 2,
    "abcdefghijklmnopqrstuvwxyz0123456789", "112233445566778899001122334455667788",
])
def test_predictable_secrets_of_any_length_are_weak(weak, tmp_path):
    assert len(weak) >= 32 and config.weakness(weak)
    with pytest.raises(config.ConfigError, match="DIGLED_COOKIE_KEY") as e:
        config.load_settings(env(tmp_path, DIGLED_DEMO="0", DIGLED_BASE_URL=URL,
                                 DIGLED_COOKIE_KEY=weak, DIGLED_PSEUDONYM_SECRET=STRONG_SECRET))
    assert "too predictable" in str(e.value)


def test_random_secrets_pass():
    for _ in range(200):
        assert config.weakness(secrets.token_urlsafe(32)) is None
        assert config.weakness(secrets.token_urlsafe(48)) is None
    assert config.weakness(STRONG_COOKIE) is None


# --- DIGLED_BASE_URL required outside demo -----------------------------------------------------


def test_the_base_url_is_required_outside_demo_and_checked(tmp_path):
    real = env(tmp_path, DIGLED_DEMO="0", DIGLED_COOKIE_KEY=STRONG_COOKIE, DIGLED_PSEUDONYM_SECRET=STRONG_SECRET)
    with pytest.raises(config.ConfigError, match="DIGLED_BASE_URL is missing"):
        config.load_settings(real)
    for bad in ("digled.example.dk", "javascript:alert(1)", "https://", "https://x.dk/?a=1"):
        with pytest.raises(config.ConfigError, match="DIGLED_BASE_URL"):
            config.load_settings({**real, "DIGLED_BASE_URL": bad})
    assert config.load_settings({**real, "DIGLED_BASE_URL": URL + "/"}).base_url == URL


def test_the_cli_refuses_to_start_outside_demo_without_a_base_url(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DIGLED_DB", str(tmp_path / "x.db"))
    monkeypatch.setenv("DIGLED_DEMO", "0")
    monkeypatch.delenv("DIGLED_BASE_URL")
    assert main(["init"]) == 1
    assert "DIGLED_BASE_URL" in capsys.readouterr().err
    monkeypatch.setenv("DIGLED_BASE_URL", URL)
    assert main(["init"]) == 0
    assert invitations.link("abc") == URL + "/accept-invitation?token=abc"


# --- no paths on the anonymous start-up error page --------------------------------------------


def test_the_start_up_error_page_shows_no_paths_or_settings(tmp_path, monkeypatch, caplog):
    secrets_file = tmp_path / "very-secret-place" / "secrets.toml"
    secrets_file.parent.mkdir()
    secrets_file.write_text("cookie_key = ")  # broken TOML: the message names the file
    monkeypatch.setenv("DIGLED_SECRETS_FILE", str(secrets_file))
    at = fresh_app().run()
    assert not at.exception
    shown = page_text(at) + "".join(str(c.value) for c in at.code)
    assert "digled kan ikke starte." in shown
    assert str(tmp_path) not in shown and "very-secret-place" not in shown and "DIGLED_" not in shown
    assert str(secrets_file) in caplog.text  # the operator finds it in the server log


# --- cache clearing not reachable by anonymous clients -----------------------------------------


def test_clearing_streamlits_caches_restarts_nothing(demo_db, monkeypatch):
    at = app_as(None).run()
    assert not at.exception
    calls = []
    real = config.load_settings
    monkeypatch.setattr(config, "load_settings", lambda *a, **k: calls.append(1) or real(*a, **k))
    st.cache_resource.clear()  # what any websocket client's "clear cache" message does
    st.cache_data.clear()
    at = app_as(None).run()
    assert not at.exception and calls == []  # digled's start-up is not in Streamlit's caches


def test_the_streamlit_settings_hide_the_developer_menu():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["client"]["toolbarMode"] in ("viewer", "minimal")  # no "Clear cache" in any menu
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["server"]["runOnSave"] is False and cfg["server"]["fileWatcherType"] == "none"
    assert cfg["server"]["enableXsrfProtection"] is True and cfg["server"]["enableCORS"] is True
    assert importer.MAX_BYTES <= cfg["server"]["maxUploadSize"] * 1024 * 1024
    from digled.content import uploaded_files  # the largest upload digled takes (a handbook) fits, barely
    assert uploaded_files.MAX_BYTES <= cfg["server"]["maxUploadSize"] * 1024 * 1024 <= 2 * uploaded_files.MAX_BYTES


def test_the_readme_says_the_upload_limit_the_config_sets():
    """The README once said `maxUploadSize = 6` where the config said 25 (issue 20, point 14)."""
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    said = {int(n) for n in re.findall(r"maxUploadSize\D{0,5}?(\d+)", readme)}
    said |= {int(n) for n in re.findall(r"over (\d+) MB \(`server\.maxUploadSize`", readme)}
    assert said == {cfg["server"]["maxUploadSize"]}, said


# --- downloads only through the logged-in session: made on click, no /media/ URL --------------


def _button(at, key):
    return next(b for b in at.get("download_button") if b.proto.id.endswith(f"-{key}"))


def test_the_backup_is_made_on_click_and_has_no_url_before(demo_db, monkeypatch):
    made = deferred_downloads(monkeypatch)
    at = app_as("admin", page="pages/admin_settings.py").run()
    button = _button(at, "download_backup")
    assert button.proto.url == "" and button.proto.deferred_file_id
    # the click makes no rerun: a rerun would replace the callable's id while the browser is fetching it
    assert button.proto.ignore_rerun
    assert "_backup" not in at.session_state  # no copy kept in the session either
    assert click_download(at, made, "download_backup")[:16] == b"SQLite format 3\x00"
    assert demo_db.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0] == "backup"


def test_the_backup_is_not_made_for_an_account_that_lost_the_role(demo_db, monkeypatch):
    from digled.ui import downloads

    made = deferred_downloads(monkeypatch)
    at = app_as("admin", page="pages/admin_settings.py").run()
    demo_db.execute("UPDATE users SET active = 0 WHERE username = 'admin'")  # deactivated meanwhile
    with pytest.raises(downloads.NotAllowed):
        click_download(at, made, "download_backup")


def test_exports_and_reports_are_made_on_click(demo_db, monkeypatch):
    deferred_downloads(monkeypatch)
    at = app_as("ledelse").run()
    for page, keys in (("pages/management_competences.py", ("export_csv", "export_xlsx", "export_publication")),
                       ("pages/management_participation.py", ("part_csv", "part_xlsx"))):
        at.switch_page(page).run()
        assert not at.exception
        publish_first_figures(at)  # the management user's explicit step on the first page
        buttons = {k: _button(at, k) for k in keys if any(b.proto.id.endswith(f"-{k}") for b in at.get("download_button"))}
        assert buttons and all(b.proto.url == "" and b.proto.deferred_file_id for b in buttons.values()), page
        assert all(b.proto.ignore_rerun for b in buttons.values()), page
