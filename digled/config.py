"""Where digled finds its settings: environment variables, `.streamlit/secrets.toml`, defaults.

Every setting is validated here, once, so the app and the CLI refuse to start with one clear
message naming the setting to fix instead of failing later on a page.

| setting            | environment variable        | secrets.toml key   | default                |
|--------------------|-----------------------------|--------------------|------------------------|
| database file      | DIGLED_DB                   |                    | data/digled.db         |
| demo mode          | DIGLED_DEMO (1/0)           |                    | 1 (on)                 |
| cookie signing key | DIGLED_COOKIE_KEY           | cookie_key         | generated in demo mode |
| pseudonym secret   | DIGLED_PSEUDONYM_SECRET     | pseudonym_secret   | generated in demo mode |
| secrets file       | DIGLED_SECRETS_FILE         |                    | .streamlit/secrets.toml|

In demo mode missing secrets are generated once into `<database>.secrets.toml` beside the
database (never committed): the pseudonyms in a database only make sense with its own secret.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_DB = DATA_DIR / "digled.db"
MIN_SECRET_LENGTH = 32
KNOWN_WEAK = {"some_key", "change-me", "changeme", "secret", "demo", "random_signature_key"}
SECRET_SETTINGS = {
    "cookie_key": "DIGLED_COOKIE_KEY",
    "pseudonym_secret": "DIGLED_PSEUDONYM_SECRET",
}


class ConfigError(Exception):
    """A setting is missing or invalid. Raised at start-up; the message names the setting."""


@dataclass(frozen=True)
class Settings:
    """The validated settings the app and the CLI run with."""

    db_path: Path
    demo: bool
    cookie_key: str
    pseudonym_secret: str
    cookie_name: str = "digled_auth"
    cookie_expiry_days: float = 7.0


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
    return None


def demo_secrets_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".secrets.toml")


def _demo_secrets(db_path: Path) -> dict:
    """Read, or create once, the generated secrets that belong to a demo database."""
    path = demo_secrets_path(db_path)
    existing = _read_toml(path)
    if all(not weakness(existing.get(k)) for k in SECRET_SETTINGS):
        return existing
    values = {k: secrets.token_urlsafe(48) for k in SECRET_SETTINGS}
    body = "# generated for the demo database beside this file; never commit\n"
    body += "".join(f'{k} = "{v}"\n' for k, v in values.items())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
        path.chmod(0o600)
    except OSError as e:
        raise ConfigError(f"Cannot write the demo secrets to {path}: {e.strerror or e}. Check DIGLED_DB.") from e
    return values


def load_settings(environ: dict | None = None) -> Settings:
    """Build validated Settings from the environment and secrets.toml; raise ConfigError."""
    env = os.environ if environ is None else environ
    db_path = Path(env.get("DIGLED_DB") or DEFAULT_DB).expanduser()
    demo = _flag(env.get("DIGLED_DEMO"), "DIGLED_DEMO", True)
    secrets_file = Path(env.get("DIGLED_SECRETS_FILE") or ROOT / ".streamlit" / "secrets.toml")
    file_values = _read_toml(secrets_file)
    values = {k: env.get(var) or file_values.get(k) for k, var in SECRET_SETTINGS.items()}
    problems = {k: weakness(v) for k, v in values.items() if weakness(v)}
    if problems and demo:
        generated = _demo_secrets(db_path)
        values = {k: (generated[k] if k in problems else v) for k, v in values.items()}
    elif problems:
        lines = [
            f"- {key} is {why}: set the environment variable {SECRET_SETTINGS[key]} or add "
            f'{key} = "<at least {MIN_SECRET_LENGTH} random characters>" to {secrets_file}'
            for key, why in problems.items()
        ]
        raise ConfigError("digled will not start without strong secrets:\n" + "\n".join(lines))
    return Settings(
        db_path=db_path,
        demo=demo,
        cookie_key=values["cookie_key"],
        pseudonym_secret=values["pseudonym_secret"],
    )
