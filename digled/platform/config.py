"""Where digled finds its settings: environment variables, `.streamlit/secrets.toml`, defaults.

Every setting is validated here, once, so the app and the CLI refuse to start with one clear
message naming the setting to fix instead of failing later on a page.

| setting            | environment variable        | secrets.toml key   | default                |
|--------------------|-----------------------------|--------------------|------------------------|
| database file      | DIGLED_DB                   |                    | data/digled.db         |
| demo mode          | DIGLED_DEMO (1/0)           |                    | 1 only when no secret is configured |
| cookie signing key | DIGLED_COOKIE_KEY           | cookie_key         | generated in demo mode |
| pseudonym secret   | DIGLED_PSEUDONYM_SECRET     | pseudonym_secret   | generated in demo mode |
| secrets file       | DIGLED_SECRETS_FILE         |                    | .streamlit/secrets.toml|
| public address     | DIGLED_BASE_URL             |                    | required outside demo; in demo the served port |
| counted mail domains | DIGLED_MAIL_DOMAINS       |                    | none: any address (identities.py) |
| leaders' coalition c | DIGLED_COALITION          |                    | 1 (never below 1: anonymity.py) |
| admins off SSO     | DIGLED_SSO_EXCLUDE_ADMINS (1/0) |                | 1: administrator accounts log in with their password only |
| sessions/account   | DIGLED_MAX_SESSIONS         |                    | 10 (session_policy; a new login ends the oldest) |

In demo mode missing secrets are generated once into `<database>.secrets.toml` beside the
database (never committed, created 0600): the pseudonyms in a database only make sense with
its own secret.

Demo by mistake: demo mode (which serves `admin`/`demo`) is the default only while neither
secret is configured (environment or secrets file); with a secret configured the default is
off, so a deployment that forgets `DIGLED_DEMO=0` starts outside demo (and asks for what is
missing). `open_database` remembers in the database (settings row STARTED_OUTSIDE_DEMO) the
first start outside demo and from then on refuses to run that database in demo mode.

Secrets are checked for entropy, not length alone (`weakness`): at least 32 characters, not a
known default, an estimated entropy of at least MIN_SECRET_BITS bits (Shannon entropy of the
secret's own character frequencies times its length: 32 random hex digits give about 110,
`secrets.token_urlsafe(32)` about 200, 40 times "a" gives 0), no repeated pattern (at least
three quarters of its three-character pieces differ) and no run (at most half of neighbouring
characters equal or next to each other, as in "abcdef" or "112233").
"""

from __future__ import annotations

import math
import os
import secrets
import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from digled.platform import db, migrations

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
DEFAULT_DB = DATA_DIR / "digled.db"
MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 96
DEMO_BASE_URL = "http://localhost:8501"
# Sessions (digled.accounts.sessions): how long they live and how many an account may hold.
MAX_AGE_DAYS = 7
DEFAULT_IDLE_HOURS = 8.0
DEFAULT_ADMIN_IDLE_HOURS = 1.0
DEFAULT_CLIENT_MAX_FAILURES = 30
DEFAULT_MAX_SESSIONS = 10
IDLE_SETTINGS = {"idle_hours": "DIGLED_IDLE_HOURS", "admin_idle_hours": "DIGLED_ADMIN_IDLE_HOURS"}
CLIENT_LIMIT_SETTING = "DIGLED_LOGIN_CLIENT_LIMIT"
MAX_SESSIONS_SETTING = "DIGLED_MAX_SESSIONS"
STARTED_OUTSIDE_DEMO = "started_outside_demo"  # settings row: when the database first ran outside demo
KNOWN_WEAK = {"some_key", "change-me", "changeme", "secret", "demo", "random_signature_key"}
SECRET_SETTINGS = {
    "cookie_key": "DIGLED_COOKIE_KEY",
    "pseudonym_secret": "DIGLED_PSEUDONYM_SECRET",
}


class ConfigError(Exception):
    """A setting is missing or invalid. Raised at start-up; the message names the setting.

    Not user-facing (no MessageError): it names the operator's environment variable, in English;
    a page that meets it says so in its own words and may show this text as the operator's."""


@dataclass(frozen=True)
class SessionPolicy:
    """How long sessions live, how many an account may hold open at once, and how many failed
    logins a client address may make."""

    idle_seconds: float = DEFAULT_IDLE_HOURS * 3600
    admin_idle_seconds: float = DEFAULT_ADMIN_IDLE_HOURS * 3600
    max_age_seconds: float = MAX_AGE_DAYS * 86400
    client_max_failures: int = DEFAULT_CLIENT_MAX_FAILURES
    max_sessions: int = DEFAULT_MAX_SESSIONS

    def idle_limit(self, roles) -> float:
        """The idle time of a session of an account with these roles (admin: the shorter)."""
        return self.admin_idle_seconds if "admin" in roles else self.idle_seconds


def session_policy(environ: dict | None = None) -> SessionPolicy:
    """The session policy from the environment; raises ConfigError for a bad value."""
    env = os.environ if environ is None else environ
    hours = {}
    for field, var in IDLE_SETTINGS.items():
        raw = (env.get(var) or "").strip()
        if not raw:
            continue
        try:
            value = float(raw)
        except ValueError:
            raise ConfigError(f"{var} must be a number of hours, not {raw!r}") from None
        if not 0.05 <= value <= MAX_AGE_DAYS * 24:
            raise ConfigError(f"{var} must be between 0.05 and {MAX_AGE_DAYS * 24} hours, not {raw!r}")
        hours[field] = value
    limit = DEFAULT_CLIENT_MAX_FAILURES
    raw = (env.get(CLIENT_LIMIT_SETTING) or "").strip()
    if raw:
        if not raw.isdigit() or not 5 <= int(raw) <= 10_000:
            raise ConfigError(f"{CLIENT_LIMIT_SETTING} must be a whole number from 5 to 10000, not {raw!r}")
        limit = int(raw)
    max_sessions = DEFAULT_MAX_SESSIONS
    raw = (env.get(MAX_SESSIONS_SETTING) or "").strip()
    if raw:
        if not raw.isdigit() or not 1 <= int(raw) <= 1000:
            raise ConfigError(f"{MAX_SESSIONS_SETTING} must be a whole number from 1 to 1000, not {raw!r}")
        max_sessions = int(raw)
    return SessionPolicy(
        idle_seconds=hours.get("idle_hours", DEFAULT_IDLE_HOURS) * 3600,
        admin_idle_seconds=hours.get("admin_idle_hours", DEFAULT_ADMIN_IDLE_HOURS) * 3600,
        client_max_failures=limit,
        max_sessions=max_sessions,
    )



@dataclass(frozen=True)
class Settings:
    """The validated settings the app and the CLI run with."""

    db_path: Path
    demo: bool
    cookie_key: str
    pseudonym_secret: str
    base_url: str = DEMO_BASE_URL
    policy: SessionPolicy = None  # idle times and the per-client login limit (session_policy)
    # the municipalities' mail domains: a leader counts in figures once activated from one
    # (identities.py); empty: any address counts (the settings page warns)
    mail_domains: tuple[str, ...] = ()
    # c: how many leaders who share their own wheels the figures a leader sees must withstand
    # (anonymity.py: leader-visible releases are audited at k + c); never below 1
    coalition: int = 1
    sso_exclude_admins: bool = True  # administrator accounts never log in by single sign-on (sso.py)


def mail_domains(value: str | None) -> tuple[str, ...]:
    """DIGLED_MAIL_DOMAINS as domains: 'albertslund.dk, glostrup.dk' (commas or spaces; a
    leading @ is dropped). ConfigError for anything that is not a domain name."""
    out = []
    for raw in (value or "").replace(",", " ").split():
        d = raw.strip().lstrip("@").lower().rstrip(".")
        labels = d.split(".")
        if len(labels) < 2 or not all(lab and len(lab) <= 63 and lab.replace("-", "").isalnum() for lab in labels):
            raise ConfigError(f"DIGLED_MAIL_DOMAINS holds {raw!r}, which is not a mail domain (e.g. albertslund.dk)")
        out.append(d)
    return tuple(dict.fromkeys(out))


def coalition(value: str | None) -> int:
    """DIGLED_COALITION: a whole number, at least 1 (default 1)."""
    if value is None or not value.strip():
        return 1
    try:
        c = int(value.strip())
    except ValueError:
        raise ConfigError(f"DIGLED_COALITION must be a whole number of at least 1, not {value!r}") from None
    if c < 1:
        raise ConfigError(f"DIGLED_COALITION must be at least 1 (a leader always knows her own answers), not {c}")
    return c


def _flag(value: str | None, name: str, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    v = value.strip().lower()
    if v in {"1", "true", "yes", "on", "ja"}:
        return True
    if v in {"0", "false", "no", "off", "nej"}:
        return False
    raise ConfigError(f"{name} must be 1 or 0, not {value!r}")


def _read_toml(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path} is not valid TOML: {e}") from e
    except OSError as e:  # a directory, no permission, ...
        raise ConfigError(f"{path} cannot be read: {e.strerror or e}") from e


def weakness(value: str | None) -> str | None:
    """Why a secret is unusable (a short English reason), or None when it is strong enough."""
    if not value:
        return "missing"
    if not isinstance(value, str):  # e.g. a number in secrets.toml
        return "not a text in quotes"
    if value.strip().lower() in KNOWN_WEAK:
        return "a known default value"
    if len(value) < MIN_SECRET_LENGTH:
        return f"shorter than {MIN_SECRET_LENGTH} characters"
    if entropy_bits(value) < MIN_SECRET_BITS:
        return f"too predictable (about {abs(entropy_bits(value)):.0f} bits of entropy, at least {MIN_SECRET_BITS} needed)"
    trigrams = [value[i:i + 3] for i in range(len(value) - 2)]
    if len(set(trigrams)) < 0.75 * len(trigrams):
        return "too predictable (a repeated pattern)"
    steps = [abs(ord(a) - ord(b)) <= 1 for a, b in zip(value, value[1:])]
    if sum(steps) > len(steps) / 2:
        return "too predictable (runs of equal or consecutive characters)"
    return None


def entropy_bits(value: str) -> float:
    """Shannon entropy of the value's own character frequencies, times its length (bits)."""
    counts = Counter(value)
    n = len(value)
    return -n * sum(c / n * math.log2(c / n) for c in counts.values()) if n else 0.0


def base_url_problem(value: str) -> str | None:
    """Why DIGLED_BASE_URL is unusable (English), or None."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not an address starting with https:// (or http://)"
    if parts.query or parts.fragment or parts.username or parts.password:
        return "an address with a query, fragment or login in it"
    return None


def demo_secrets_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".secrets.toml")


def _demo_secrets(db_path: Path) -> dict:
    """Read, or create once, the generated secrets that belong to a demo database."""
    path = demo_secrets_path(db_path)
    existing = _read_toml(path)
    if all(not weakness(existing.get(k)) for k in SECRET_SETTINGS):
        try:
            if path.stat().st_mode & 0o077:  # written by an older digled: owner only now
                path.chmod(0o600)
        except OSError:
            pass
        return existing
    values = {k: secrets.token_urlsafe(48) for k in SECRET_SETTINGS}
    body = "# generated for the demo database beside this file; never commit\n"
    body += "".join(f'{k} = "{v}"\n' for k, v in values.items())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # created 0600 (never readable by others, not even for a moment), fchmod-ed when it
        # existed before with a wider mode
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            os.fchmod(f.fileno(), 0o600)
            f.write(body)
    except OSError as e:
        raise ConfigError(f"Cannot write the demo secrets to {path}: {e.strerror or e}. Check DIGLED_DB.") from e
    return values


def load_settings(environ: dict | None = None) -> Settings:
    """Build validated Settings from the environment and secrets.toml; raise ConfigError."""
    env = os.environ if environ is None else environ
    db_path = Path(env.get("DIGLED_DB") or DEFAULT_DB).expanduser()
    secrets_file = Path(env.get("DIGLED_SECRETS_FILE") or ROOT / ".streamlit" / "secrets.toml")
    file_values = _read_toml(secrets_file)
    values = {k: env.get(var) or file_values.get(k) for k, var in SECRET_SETTINGS.items()}
    # demo by mistake: with a secret configured, demo mode has to be asked for (DIGLED_DEMO=1)
    demo = _flag(env.get("DIGLED_DEMO"), "DIGLED_DEMO", not any(values.values()))
    base_url = (env.get("DIGLED_BASE_URL") or "").strip()
    if base_url and (why := base_url_problem(base_url)):
        raise ConfigError(f"DIGLED_BASE_URL is {why}: {base_url!r}")
    missing_url = [] if base_url or demo else [
        "- DIGLED_BASE_URL is missing: set it to the public address leaders open the app at (used in "
        "the links of invitation and reset e-mails), e.g. https://digled.kommune.dk"
    ]
    problems = {k: weakness(v) for k, v in values.items() if weakness(v)}
    if problems and demo:
        generated = _demo_secrets(db_path)
        values = {k: (generated[k] if k in problems else v) for k, v in values.items()}
    elif problems or missing_url:
        lines = missing_url + [
            f"- {key} is {why}: set the environment variable {SECRET_SETTINGS[key]} or add "
            f'{key} = "<at least {MIN_SECRET_LENGTH} random characters>" to {secrets_file} '
            f"(make one with: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            for key, why in problems.items()
        ]
        raise ConfigError("digled will not start outside demo mode without these settings:\n" + "\n".join(lines))
    return Settings(
        db_path=db_path,
        demo=demo,
        cookie_key=values["cookie_key"],
        pseudonym_secret=values["pseudonym_secret"],
        base_url=(base_url or DEMO_BASE_URL).rstrip("/"),
        policy=session_policy(env),
        mail_domains=mail_domains(env.get("DIGLED_MAIL_DOMAINS")),
        coalition=coalition(env.get("DIGLED_COALITION")),
        sso_exclude_admins=_flag(env.get("DIGLED_SSO_EXCLUDE_ADMINS"), "DIGLED_SSO_EXCLUDE_ADMINS", True),
    )


def open_database(settings: Settings):
    """Open and migrate the settings' database, and hold it to its mode: the first start outside
    demo is remembered in the database, and a database so marked is never run in demo mode
    (ConfigError). The app's start-up and every command line use this."""


    database = migrations.open_and_migrate(settings.db_path)
    try:
        since = db.get_setting(database, STARTED_OUTSIDE_DEMO)
        if settings.demo and since:
            raise ConfigError(
                f"This database ran outside demo mode (first on {since}); digled will not serve it in "
                "demo mode, whose accounts have known passwords. Start it with DIGLED_DEMO=0 and its "
                "secrets, or point DIGLED_DB at a new file for a demo."
            )
        if not settings.demo and not since:
            db.set_setting(database, STARTED_OUTSIDE_DEMO,
                           datetime.now(UTC).isoformat(timespec="seconds"))
    except BaseException:
        database.close()
        raise
    return database
