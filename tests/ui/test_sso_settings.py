"""digled.ui.sso_settings: single sign-on is on only with a complete, strong `[auth]` section and
Authlib installed; why it is off is logged once per process."""

import logging

import pytest

from digled.ui import sso_settings

FULL = {"redirect_uri": "https://digled.dk/oauth2callback", "cookie_secret": "Qm7ZkP2vXc9LrT4wNf8BhJ3sGd6YaE1u-cookie",
        "client_id": "digled", "client_secret": "x", "server_metadata_url": "https://idp.dk/.well-known/openid-configuration"}


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    monkeypatch.setattr(sso_settings, "_warned", set())


def test_on_with_a_complete_section_and_authlib(monkeypatch):
    monkeypatch.setattr(sso_settings, "auth_section", lambda: FULL)
    monkeypatch.setattr(sso_settings, "_authlib_ok", lambda: True)
    assert sso_settings.configured() is True


def test_off_without_a_section(monkeypatch):
    monkeypatch.setattr(sso_settings, "auth_section", lambda: None)
    assert sso_settings.configured() is False


def test_off_and_said_once_for_an_incomplete_section_or_no_authlib(monkeypatch, caplog):
    monkeypatch.setattr(sso_settings, "auth_section", lambda: FULL | {"client_id": ""})
    with caplog.at_level(logging.WARNING, logger="digled"):
        assert sso_settings.configured() is False
        assert sso_settings.configured() is False
    assert [r.getMessage() for r in caplog.records] == ["single sign-on is off: [auth] in secrets.toml lacks client_id"]
    monkeypatch.setattr(sso_settings, "auth_section", lambda: FULL)
    monkeypatch.setattr(sso_settings, "_authlib_ok", lambda: False)
    assert sso_settings.configured() is False
    assert caplog.records[-1].getMessage() == "single sign-on is off: install Authlib (requirements.txt)"

