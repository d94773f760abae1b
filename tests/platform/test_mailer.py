"""digled.platform.mailer: e-mail through SMTP when configured, else one .eml file per message in
the outbox (mode 0600). Settings come from the environment, else `[smtp]` in the secrets file; a
recipient is built only from a valid address with its name reduced to what a name may hold; a
message whose bytes would reach anyone else is not sent; a password never goes out unencrypted.
(Header attacks are in tests/security/test_mail_headers.py; the reminders' own sending in
tests/programme/test_reminder_sending.py.)"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from digled.platform import config, mailer


def _message(to) -> EmailMessage:
    msg = EmailMessage()
    msg["To"] = to
    msg["Subject"] = "Hej"
    msg.set_content("Hej Lea")
    return msg


def _settings(tmp_path, host="") -> mailer.MailSettings:
    return mailer.MailSettings(host=host, port=587, user="", password="", sender=mailer.DEFAULT_FROM,
                               outbox=tmp_path / "outbox")


# --- settings --------------------------------------------------------------------------------


def test_without_a_host_messages_go_to_the_outbox(settings, monkeypatch):
    monkeypatch.delenv("DIGLED_OUTBOX", raising=False)
    m = mailer.load(settings, environ={})
    assert not m.uses_smtp and m.port == 587 and m.sender == "noreply@localhost"
    assert m.outbox == Path(settings.db_path).resolve().parent / "outbox"
    assert m.describe() == f"outbox {m.outbox}"


def test_the_environment_wins_over_the_secrets_file(settings, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[smtp]\nhost = "mail.kommune.dk"\nport = 2525\npassword = "pw"\n', encoding="utf-8")
    env = {"DIGLED_SECRETS_FILE": str(secrets), "DIGLED_SMTP_HOST": " smtp.other.dk ", "DIGLED_SMTP_PORT": "",
           "DIGLED_OUTBOX": str(tmp_path / "box")}
    m = mailer.load(settings, environ=env)
    assert (m.host, m.port, m.password, m.outbox) == ("smtp.other.dk", 2525, "pw", tmp_path / "box")
    assert m.uses_smtp and m.describe() == "SMTP smtp.other.dk:2525" and "pw" not in m.describe()


@pytest.mark.parametrize("port", ["0", "65536", "many", "-1"])
def test_a_port_that_is_no_port_is_refused_by_name(settings, port):
    with pytest.raises(config.ConfigError, match=f"DIGLED_SMTP_PORT must be a port number, not '{port}'"):
        mailer.load(settings, environ={"DIGLED_SMTP_PORT": port})


def test_an_smtp_entry_that_is_not_a_table_is_refused(settings, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('smtp = "mail.kommune.dk"\n', encoding="utf-8")
    with pytest.raises(config.ConfigError, match=r"\[smtp\] must be a table"):
        mailer.load(settings, environ={"DIGLED_SECRETS_FILE": str(secrets)})


# --- addresses -------------------------------------------------------------------------------


def test_a_recipient_is_a_valid_address_with_a_cleaned_name():
    a = mailer.address('Lea "<boss@evil.dk>" Dam', " lea@albertslund.dk ")
    assert a.addr_spec == "lea@albertslund.dk" and "@" not in a.display_name and "<" not in a.display_name
    assert mailer.address(None, "lea@albertslund.dk").display_name == ""
    for bad in ("", "lea", "lea@albertslund", "a@b.dk, c@d.dk"):
        with pytest.raises(mailer.MailError, match="not a valid e-mail address"):
            mailer.address("Lea", bad)


def test_the_sender_may_carry_a_name():
    assert str(mailer.sender_address("noreply@localhost")) == "noreply@localhost"
    s = mailer.sender_address("Digital ledelse <forloeb@kommune.dk>")
    assert (s.display_name, s.addr_spec) == ("Digital ledelse", "forloeb@kommune.dk")
    for bad in ("kommune.dk", "Navn <>", "a b@kommune.dk"):
        with pytest.raises(mailer.MailError, match="is not an e-mail address"):
            mailer.sender_address(bad)


def test_a_message_goes_to_its_intended_recipients_only():
    msg = _message(mailer.address("Lea Dam", "lea@albertslund.dk"))
    assert mailer.recipients_as_sent(msg) == ["lea@albertslund.dk"]
    mailer.check_recipients(msg)
    with pytest.raises(mailer.MailError, match="recipients change"):
        mailer.check_recipients(EmailMessage())  # no recipient at all


# --- delivery --------------------------------------------------------------------------------


def test_the_outbox_gets_one_private_eml_file_per_message(tmp_path):
    with mailer.Mailer(_settings(tmp_path)) as m:
        where = m.send(_message(mailer.address("Lea", "lea@albertslund.dk")), name="invitation lea/1")
    path = Path(where)
    assert path.parent == tmp_path / "outbox" and path.name == "invitation_lea_1.eml"
    assert path.stat().st_mode & 0o777 == 0o600 and (tmp_path / "outbox").stat().st_mode & 0o777 == 0o700
    text = path.read_text(encoding="utf-8")
    assert "From: noreply@localhost" in text and "To: Lea <lea@albertslund.dk>" in text
    assert list((tmp_path / "outbox").glob("*.tmp")) == []


def test_an_outbox_that_cannot_be_written_is_a_mail_error(tmp_path):
    (tmp_path / "outbox").write_text("a file, not a folder")
    with pytest.raises(mailer.MailError, match="cannot write to the outbox"):
        mailer.Mailer(_settings(tmp_path)).send(_message(mailer.address("Lea", "lea@albertslund.dk")))


def test_smtp_delivers_and_keeps_the_connection(smtp_server, settings):
    ms = mailer.load(settings)
    with mailer.Mailer(ms) as m:
        for who in ("lea", "ole"):
            assert m.send(_message(mailer.address(who, f"{who}@albertslund.dk"))) == ms.describe()
        first = m._smtp
        assert first is not None
    assert m._smtp is None  # closed on leaving
    assert [x["To"].addresses[0].username for x in smtp_server.messages] == ["lea", "ole"]
    assert smtp_server.messages[0]["From"].addresses[0].addr_spec == "forloeb@test.digled.dk"


def test_a_rejected_message_is_a_mail_error(smtp_server, settings):
    smtp_server.reject = True
    with mailer.Mailer(mailer.load(settings)) as m, pytest.raises(mailer.MailError, match="SMTPDataError"):
        m.send(_message(mailer.address("Lea", "lea@albertslund.dk")))


def test_a_password_is_never_sent_without_encryption(smtp_server, settings, monkeypatch):
    monkeypatch.setenv("DIGLED_SMTP_USER", "digled")
    monkeypatch.setenv("DIGLED_SMTP_PASSWORD", "hemmelig")
    with mailer.Mailer(mailer.load(settings)) as m, pytest.raises(mailer.MailError, match="offers no STARTTLS"):
        m.send(_message(mailer.address("Lea", "lea@albertslund.dk")))
    assert smtp_server.messages == []


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
