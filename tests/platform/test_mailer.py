"""The mail settings (mailer.load): SMTP from the secrets file and the environment, else the
outbox directory beside the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from digled.platform import config, mailer


@pytest.fixture(autouse=True)
def _no_real_mail(monkeypatch, tmp_path):
    """Never talk to an SMTP server from the surroundings; the outbox is per test."""
    for var in ("DIGLED_SMTP_HOST", "DIGLED_SMTP_PORT", "DIGLED_SMTP_USER", "DIGLED_SMTP_PASSWORD",
                "DIGLED_SMTP_FROM", "DIGLED_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DIGLED_OUTBOX", str(tmp_path / "outbox"))


def test_the_default_outbox_is_beside_the_database(settings, monkeypatch):
    monkeypatch.delenv("DIGLED_OUTBOX")
    assert mailer.load(settings).outbox == Path(settings.db_path).resolve().parent / "outbox"


def test_smtp_settings_from_the_secrets_file_and_the_environment(settings, tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[smtp]\nhost = "mail.kommune.dk"\nport = 2525\nuser = "digled"\n'
                       'password = "pw"\nfrom = "forloeb@kommune.dk"\n', encoding="utf-8")
    monkeypatch.setenv("DIGLED_SECRETS_FILE", str(secrets))
    m = mailer.load(settings)
    assert (m.host, m.port, m.user, m.password, m.sender) == ("mail.kommune.dk", 2525, "digled", "pw", "forloeb@kommune.dk")
    assert "pw" not in m.describe()
    monkeypatch.setenv("DIGLED_SMTP_PORT", "587")
    assert mailer.load(settings).port == 587
    monkeypatch.setenv("DIGLED_SMTP_PORT", "many")
    with pytest.raises(config.ConfigError, match="DIGLED_SMTP_PORT"):
        mailer.load(settings)
