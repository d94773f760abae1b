"""Delivering digled's e-mails: through SMTP when configured, else into an outbox folder.

| setting    | environment variable   | `[smtp]` in the secrets file | default                      |
|------------|------------------------|------------------------------|------------------------------|
| host       | DIGLED_SMTP_HOST       | host                         | none: write to the outbox    |
| port       | DIGLED_SMTP_PORT       | port                         | 587 (465 means implicit TLS) |
| user       | DIGLED_SMTP_USER       | user                         | none (no login)              |
| password   | DIGLED_SMTP_PASSWORD   | password                     | none                         |
| sender     | DIGLED_SMTP_FROM       | from                         | noreply@localhost            |
| outbox     | DIGLED_OUTBOX          |                              | `outbox/` beside the database|

With credentials, digled logs in only over an encrypted connection (STARTTLS when the server
offers it, or port 465); it refuses to send a password in clear. Without a host every message
becomes one `.eml` file in the outbox, which an administrator can open in any mail program.
The `.eml` files are created mode 0600 (they hold live invitation and reset links).
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from email import policy as email_policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from pathlib import Path

from digled.platform.config import ROOT, ConfigError, Settings, _read_toml
from digled.platform.validation import display_name, email_problem

DEFAULT_PORT = 587
DEFAULT_FROM = "noreply@localhost"
TIMEOUT_S = 30


class MailError(Exception):
    """A message could not be delivered (connection refused, rejected, no encryption...).

    Not user-facing (no MessageError): the text is the mail server's own; a page wraps it in its
    own translated sentence."""


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    user: str
    password: str
    sender: str
    outbox: Path

    @property
    def uses_smtp(self) -> bool:
        return bool(self.host)

    def describe(self) -> str:
        """Where messages go, for people (never shows the password)."""
        return f"SMTP {self.host}:{self.port}" if self.uses_smtp else f"outbox {self.outbox}"


def load(settings: Settings, environ: dict | None = None) -> MailSettings:
    """Mail settings from the environment, else `[smtp]` in the secrets file; raise ConfigError."""
    env = os.environ if environ is None else environ
    secrets_file = Path(env.get("DIGLED_SECRETS_FILE") or ROOT / ".streamlit" / "secrets.toml")
    table = _read_toml(secrets_file).get("smtp") or {}
    if not isinstance(table, dict):
        raise ConfigError(f"{secrets_file}: [smtp] must be a table")

    def get(var: str, key: str, default: str = "") -> str:
        value = env.get(var)
        if value in (None, ""):
            value = table.get(key, default)
        return str(value).strip() if value is not None else default

    port_text = get("DIGLED_SMTP_PORT", "port", str(DEFAULT_PORT))
    try:
        port = int(port_text)
        if not 0 < port < 65536:
            raise ValueError
    except ValueError:
        raise ConfigError(f"DIGLED_SMTP_PORT must be a port number, not {port_text!r}") from None
    outbox = env.get("DIGLED_OUTBOX") or str(Path(settings.db_path).resolve().parent / "outbox")
    return MailSettings(
        host=get("DIGLED_SMTP_HOST", "host"),
        port=port,
        user=get("DIGLED_SMTP_USER", "user"),
        password=get("DIGLED_SMTP_PASSWORD", "password"),
        sender=get("DIGLED_SMTP_FROM", "from", DEFAULT_FROM) or DEFAULT_FROM,
        outbox=Path(outbox).expanduser(),
    )


def address(name: str | None, email: str) -> Address:
    """A recipient for a To header (issue 14): built with `email.headerregistry.Address` from a
    validated address only, with the name reduced to letters, spaces, hyphens, apostrophes and
    periods (`validation.display_name`; left out when nothing is left). When Python folds a
    long display name it drops the quotes, so a name holding `<other@address>` could otherwise
    become the recipient. Raise MailError for an address that is not valid."""

    email = (email or "").strip()
    if email_problem(email):
        raise MailError(f"not a valid e-mail address: {email!r}")
    local, _, domain = email.rpartition("@")
    return Address(display_name=display_name(name or ""), username=local, domain=domain)


def sender_address(sender: str) -> Address:
    """The configured sender (`noreply@localhost` or `Name <a@b.dk>`) as an Address."""
    name, addr = parseaddr(sender)
    local, at, domain = addr.rpartition("@")
    if not at or not local or not domain or any(c.isspace() or c in '<>",;' for c in addr):
        raise MailError(f"the sender {sender!r} is not an e-mail address")

    return Address(display_name=display_name(name), username=local, domain=domain)


def recipients_as_sent(msg: EmailMessage) -> list[str]:
    """The recipients a mail program reads from the message's bytes (To, Cc, Bcc)."""
    parsed = BytesParser(policy=email_policy.default).parsebytes(msg.as_bytes(), headersonly=True)
    values = [v for h in ("To", "Cc", "Bcc") for v in parsed.get_all(h, [])]
    legacy = [a.casefold() for _, a in getaddresses([str(v) for v in values])]
    structured = [a.addr_spec.casefold() for v in values for a in getattr(v, "addresses", ())]
    return legacy if legacy == structured else legacy + ["<parsers disagree>"]


def check_recipients(msg: EmailMessage) -> None:
    """Refuse a message whose bytes would go to anyone other than its intended recipients."""
    intended = [a.addr_spec.casefold() for h in ("To", "Cc", "Bcc") for v in msg.get_all(h, [])
                for a in getattr(v, "addresses", ())]
    if not intended or recipients_as_sent(msg) != intended:
        raise MailError("the message's recipients change when it is written out: not sent")


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "message"


class Mailer:
    """Sends messages over one SMTP connection (opened on first use), or writes .eml files.

    Use as a context manager so the connection is closed: `with Mailer(ms) as m: m.send(msg)`."""

    def __init__(self, mail: MailSettings):
        self.mail = mail
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _connect(self) -> smtplib.SMTP:
        m = self.mail
        context = ssl.create_default_context()
        if m.port == 465:
            smtp = smtplib.SMTP_SSL(m.host, m.port, timeout=TIMEOUT_S, context=context)
            encrypted = True
        else:
            smtp = smtplib.SMTP(m.host, m.port, timeout=TIMEOUT_S)
            smtp.ehlo()
            encrypted = False
            if m.user and smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
                encrypted = True
        if m.user:
            if not encrypted:
                smtp.close()
                raise MailError(
                    f"{m.host}:{m.port} offers no STARTTLS; refusing to send the SMTP password unencrypted"
                )
            smtp.login(m.user, m.password)
        return smtp

    def send(self, msg: EmailMessage, name: str = "") -> str:
        """Deliver one message; return where it went. Raise MailError when it could not."""
        if "From" not in msg:
            msg["From"] = sender_address(self.mail.sender)
        check_recipients(msg)  # the .eml or SMTP message goes to exactly the intended recipients
        if not self.mail.uses_smtp:
            return self._write_outbox(msg, name)
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            try:
                self._smtp.send_message(msg)
            except smtplib.SMTPServerDisconnected:  # idle timeout: reconnect once
                self._smtp = self._connect()
                self._smtp.send_message(msg)
        except MailError:
            raise
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as e:
            raise MailError(f"{type(e).__name__}: {e}") from e  # the connection is still usable
        except OSError as e:  # includes every other SMTPException: start over next time
            if self._smtp is not None:
                self._smtp.close()
                self._smtp = None
            raise MailError(f"{type(e).__name__}: {e}") from e
        return self.mail.describe()

    def _write_outbox(self, msg: EmailMessage, name: str) -> str:
        try:
            self.mail.outbox.mkdir(mode=0o700, parents=True, exist_ok=True)
            path = self.mail.outbox / f"{_safe_name(name or msg['Message-ID'] or 'message')}.eml"
            tmp = path.with_suffix(".eml.tmp")
            # 0600 from the start: an invitation's .eml holds a live link to set a password
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                os.fchmod(f.fileno(), 0o600)
                f.write(msg.as_bytes())
            tmp.replace(path)
        except OSError as e:
            raise MailError(f"cannot write to the outbox {self.mail.outbox}: {e}") from e
        return str(path)
