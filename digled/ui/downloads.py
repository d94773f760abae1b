"""Downloads that leave no lasting /media/ URL (issue 14).

Streamlit serves a download button's file at a `/media/<hash>` URL that answers anyone who has
it, logged in or not, for as long as the page showing the button stays open. digled's backups
and exports therefore pass `st.download_button` a *callable* (Streamlit >= 1.5x, "deferred"
data): nothing is made and no URL exists until the logged-in user clicks; the file is then
made for that click and held by no session, so Streamlit's clean-up after the next script runs
deletes it (and the callable goes when the page shows the button no more, e.g. after logout).
Pass `on_click="ignore"` with it: a click that also reran the script would give the button a new
callable id and drop the old one, racing the browser's request for the file.

The callable runs on a Streamlit worker thread, not in the script run: `with_database` gives it
a connection of its own (the session's connection belongs to the script thread) and checks
again, at the click, that the user is still active and holds the role.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from digled.accounts import auth, organisation
from digled.content import loader, programme
from digled.insight import audiences, evaluation_report, report_files
from digled.platform import db
from digled.ui import session


class NotAllowed(Exception):
    """The user lost the role or the account since the page was drawn: nothing is made.

    Not user-facing (no MessageError): it stops the download so nothing is served; no page shows it."""


def with_database(make: Callable[[sqlite_utils.Database], bytes | str], username: str,
                  role: str | None = None) -> Callable[[], bytes | str]:
    """A no-argument callable for `st.download_button(data=...)` that opens its own connection,
    checks `username` (still active, still holding `role`) and returns `make(connection)`."""

    path = str(session.context().settings.db_path)

    def made_on_click() -> bytes | str:
        connection = db.connect(path)
        try:
            user = auth.get_user(connection, username)
            if user is None or not user.active or (role and role not in user.roles):
                raise NotAllowed(username)
            return make(connection)
        finally:
            connection.close()

    return made_on_click


REPORT_FORMS = {"pdf": report_files.to_pdf, "html": report_files.to_html}


def evaluation_report_file(connection: sqlite_utils.Database, lang: str, cohort_id: int | None, form: str,
                           audience: audiences.Audience = audiences.EVERYONE) -> bytes:
    """The evaluation report of a run's latest publication (evaluation_report.py) as a PDF or an
    HTML file in `lang`, holding what `audience` reads (empty before the run's first publication)."""
    report = evaluation_report.build(connection, loader.framework(), organisation.current(connection),
                                     programme.programme(connection), lang, cohort_id, audience)
    if report is None:
        return b""
    made = REPORT_FORMS[form](report)
    return made.encode("utf-8") if isinstance(made, str) else made


def evaluation_report_download(username: str, lang: str, cohort_id: int | None, form: str) -> Callable[[], bytes | str]:
    """The management pages' one-click evaluation report, made on click for a management user
    and holding what that account reads (its scope read at the click, audiences.of)."""
    def make(connection: sqlite_utils.Database) -> bytes:
        user = auth.get_user(connection, username)
        return evaluation_report_file(connection, lang, cohort_id, form, audiences.of(connection, user))
    return with_database(make, username, "management")
