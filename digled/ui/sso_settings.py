"""Whether single sign-on is switched on: Streamlit's `[auth]` secrets and Authlib, read
here (the streamlit side); the rules and the e-mail mapping are in digled/accounts/sso.py."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import streamlit as st

from digled.accounts.sso import problem

LOG = logging.getLogger("digled")


def auth_section() -> Mapping | None:
    """Streamlit's `[auth]` secrets, or None (no secrets file, no section, not a table)."""
    try:
        section = st.secrets.get("auth") if st.secrets.load_if_toml_exists() else None
    except Exception:  # noqa: BLE001 - a secrets file Streamlit cannot parse means no SSO, as no file does
        return None
    return section if isinstance(section, Mapping) else None


def _authlib_ok() -> bool:
    try:
        # noqa reason: a private Streamlit module; a Streamlit without it has no st.login
        from streamlit.auth_util import is_authlib_installed  # noqa: PLC0415

        return is_authlib_installed()
    except Exception:  # noqa: BLE001 - any failure of that private check means: no SSO
        return False


_warned: set[str] = set()


def _off(reason: str) -> bool:
    if reason not in _warned:  # once per process, not on every script run
        _warned.add(reason)
        LOG.warning("single sign-on is off: %s", reason)
    return False


def configured() -> bool:
    """True when single sign-on is set up: a complete `[auth]` section (the default provider:
    redirect_uri, cookie_secret, client_id, client_secret, server_metadata_url) with a strong
    cookie_secret, and Authlib installed."""
    section = auth_section()
    if section is None:
        return False
    reason = problem(section)
    if reason:
        return _off(reason)
    if not _authlib_ok():
        return _off("install Authlib (requirements.txt)")
    return True
