"""Per-run plumbing shared by app.py and the pages: settings, database, language, current user.

The only place (with the other digled/ui modules) where digled touches streamlit.
"""

from __future__ import annotations

import gc
import importlib.util
import logging
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
import streamlit as st
from streamlit import config as streamlit_config
from streamlit.runtime.scriptrunner import get_script_run_ctx

from digled import demo
from digled.accounts import auth, invitations, navigation, notices, privacy
from digled.content import guides, loader, mail_texts, programme, training, uploaded_files
from digled.platform import config, db, i18n, sealing
from digled.programme import kickoff


@dataclass(frozen=True)
class AppContext:
    settings: config.Settings


_started: dict[tuple, AppContext] = {}
_start_lock = threading.Lock()


def _start(environ_key: tuple) -> AppContext:
    """Once per process and environment (`_started_once`; kept in a module dict, not in
    st.cache_resource: any client, logged in or not, can send Streamlit's "clear cache" message
    over the websocket, which the server obeys without asking who, emptying st.cache_resource
    for everyone; digled keeps nothing there)."""
    with _start_lock:
        if environ_key not in _started:
            _started[environ_key] = _started_once()
        return _started[environ_key]


def _started_once() -> AppContext:
    """Validate settings, migrate, hold the database to its mode (never demo once it ran
    outside demo: config.open_database), seal the dates of rows written before schema step 5
    (the secret is known here), move materials' files from place-numbered slots to their ids
    (uploaded_files.adopt_material_ids), load the demo if empty."""
    settings = config.load_settings()
    database = config.open_database(settings)
    try:
        sealing.seal_legacy_rows(database, settings.pseudonym_secret)
        uploaded_files.adopt_material_ids(database, programme.programme(database).activities)
        if settings.demo:
            demo.load_if_empty(database, settings)
    finally:
        database.close()
    _freeze_startup_objects()
    return AppContext(settings=settings)


def _via_router() -> bool:
    """Run app.py's router for this run when app.py is the app being served; False when a page
    file itself is the main script (AppTest runs a page directly to test its own check)."""

    path = Path(config.ROOT) / "app.py"
    ctx = get_script_run_ctx()
    if ctx is None or Path(ctx.main_script_path).resolve() != path.resolve():
        return False
    spec = importlib.util.spec_from_file_location("digled_app_router", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.run()
    return True


def _freeze_startup_objects() -> None:
    """Load the heavy modules and content once, then move everything alive into the garbage
    collector's permanent generation, so no collection re-scans pandas, plotly and the content.
    (Streamlit's own full collection after every script run is switched off in
    .streamlit/config.toml, `runner.postScriptGC`; when it ran, this freeze kept it from costing
    ~90 ms per answer, and it still made a fifth of the CPU under load: see docs/scaling.md.)"""

    # Imported here on purpose: this function is the one place that loads them before the first
    # page needs them (their import is the cost it moves out of a leader's first answer).
    import pandas  # noqa: F401, PLC0415
    import plotly.graph_objects  # noqa: F401, PLC0415

    from digled.assessment import results, wheel  # noqa: F401, PLC0415

    loader.framework()
    loader.organisation()
    privacy.statement()
    programme.programme()
    kickoff.kickoff()
    mail_texts.texts()
    guides.guides()
    training.training()
    gc.collect()
    gc.freeze()


def _environ_key() -> tuple:

    return tuple(
        os.environ.get(k, "")
        for k in ("DIGLED_DB", "DIGLED_DEMO", "DIGLED_COOKIE_KEY", "DIGLED_PSEUDONYM_SECRET",
                  "DIGLED_SECRETS_FILE", "DIGLED_BASE_URL", "DIGLED_SSO_EXCLUDE_ADMINS", "DIGLED_MAX_SESSIONS")
    )


def bootstrap() -> AppContext:
    """Start digled or show one clear error (no traceback page) and stop the run. Anonymous
    visitors see this page: it says only that digled cannot start; what to fix (paths and
    settings named) goes to the server log, where the operator looks."""
    try:
        started = _start(_environ_key())
    except (config.ConfigError, db.StorageError) as e:

        logging.getLogger("digled").error("digled cannot start: %s", e)
        t = translator()
        st.error(t("digled cannot start."))
        st.info(t("The server log says why. If you run this installation, look there."))
        st.stop()
    _record_serving_address()
    return started


def _record_serving_address() -> None:
    """Tell invitations where this server answers (its links in demo, when DIGLED_BASE_URL is
    not set): Streamlit's server.address and server.port, whatever --server.port said."""

    invitations.set_serving(invitations.serving_address(
        streamlit_config.get_option("server.address"), streamlit_config.get_option("server.port")))


def demo_banner(t) -> None:
    """A visible DEMO notice at the top of every page while demo mode is on."""
    if context().settings.demo:
        st.warning(t("DEMO: invented people, and accounts whose passwords everyone knows. Never enter "
                     "real data here."), icon=":material/science:")


def context() -> AppContext:
    return _start(_environ_key())


def database() -> sqlite_utils.Database:
    """This session's database connection (one per session, used by one run at a time)."""
    path = str(context().settings.db_path)
    cached = st.session_state.get("_db")
    if cached is None or cached[0] != path:
        st.session_state["_db"] = (path, db.connect(path))
    return st.session_state["_db"][1]


def language() -> str:
    return i18n.normalise(st.session_state.get("lang"))


def translator():
    """The `_` function for the session's language."""
    return i18n.translator(language())


def current_user() -> auth.User | None:
    """The logged-in user, re-read from the database, or None."""
    if not st.session_state.get("authentication_status"):
        return None
    username = st.session_state.get("username")
    return auth.get_user(database(), username) if username else None


_routed = threading.local()


@contextmanager
def routed():
    """Mark this script run as going through app.py's router (login gate, menu)."""
    _routed.active = True
    try:
        yield
    finally:
        _routed.active = False


def public_page():
    """Top of a public page (no login needed): returns the `_` translator. Like page(), a run
    from Streamlit's legacy pages/ routing is handed to app.py's router (menu, language)."""
    if not getattr(_routed, "active", False) and _via_router():
        st.stop()
    return translator()


def page(file: str) -> tuple[auth.User, object]:
    """Top of every page: check server-side that the user may open this page file.

    Returns the user and the `_` translator; stops the run with a message otherwise.
    A page run without app.py's router (Streamlit's legacy pages/ routing, which serves the
    first visitor after a restart) is handed to the router instead: login gate, menu, page."""

    if not getattr(_routed, "active", False) and _via_router():
        st.stop()
    spec = navigation.spec_for(file)
    user = current_user()
    t = translator()
    if user is None:
        st.warning(t("Please log in."))
        st.stop()
    if not navigation.allowed(spec, user.roles):
        st.error(t("You do not have access to this page."))
        st.stop()
    show_notices(user, t)
    return user, t


def show_notices(user: auth.User, t) -> None:
    """What happened to the account since the user last looked (a password reset or change,
    a new e-mail address, a new management user): shown at the top of every page until the
    user confirms reading it (digled.accounts.notices)."""

    unseen = notices.unseen(database(), user.id)
    if not unseen:
        return
    with st.container(border=True, key="account_notices"):
        st.markdown(":material/notifications: **" + t("About your account") + "**")
        for notice in unseen:
            st.text(notice.text(t, language()))  # plain text: names and addresses are never markup
        if st.button(t("I have read this"), key="notices_seen", icon=":material/done:"):
            notices.mark_seen(database(), user.id, [n.id for n in unseen])
            st.rerun()
