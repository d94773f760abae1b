"""Helpers to run digled's pages in Streamlit's AppTest (no browser, no cookies)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from digled.accounts import auth
from digled.platform import db

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 30


def app_as(username: str | None, page: str | None = None, lang: str = "en") -> AppTest:
    """The app (or one page file run directly) with `username` logged in, not yet run."""
    at = AppTest.from_file(str(ROOT / (page or "app.py")), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    if username:
        d = db.connect(db_path())
        user = auth.get_user(d, username)
        d.close()
        at.session_state["authentication_status"] = True
        at.session_state["username"] = user.username
        at.session_state["name"] = user.name
        at.session_state["roles"] = list(user.roles)
    return at


FIRST_FIGURES = "publish_first"  # the key of the management pages' first-publication button


def publish_first_figures(at: AppTest) -> AppTest:
    """Press the management pages' explicit step that makes a run's first publication, as a
    management user does on a first visit (digled/ui/publication.first_step; opening a page
    publishes nothing). Does nothing when the page does not offer it (a publication exists)."""
    for button in at.button:
        if button.key == FIRST_FIGURES:
            button.click().run()
            assert not at.exception, at.exception
    return at


def db_path() -> str:
    import os

    return os.environ["DIGLED_DB"]


MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: str) -> str:
    """What a reader sees of a Markdown source holding escaped text (validation.escape_markdown):
    the backslash escapes resolved and the invisible word joiners that keep web addresses from
    becoming links dropped."""
    return MARKDOWN_ESCAPE.sub(r"\1", str(markdown)).replace("\u2060", "")


def page_text(at: AppTest) -> str:
    """All visible text of a run (markdown, titles, captions, metrics, alerts, widget labels), as
    a reader sees it (`shown`: escaped text without its backslashes)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success"):
        parts += [shown(e.value) for e in getattr(at, kind)]
    parts += [str(e.value) for e in at.text]  # st.text: plain, never Markdown
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for kind in ("button", "radio", "selectbox", "text_input"):
        parts += [shown(e.label) for e in getattr(at, kind)]
    return "\n".join(parts)


def deferred_downloads(monkeypatch) -> dict:
    """Record the callables download buttons are given as data (made on click, issue 14): the
    returned dict maps a button's deferred file id to its callable; see `click_download`."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: dict = {}
    original = MediaFileManager.add_deferred

    def recording(self, data_callable, *args, **kwargs):
        file_id = original(self, data_callable, *args, **kwargs)
        made[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    return made


class Downloads:
    """What the download buttons of AppTest runs serve: files stored at once are kept after the
    run (AppTest's media storage forgets them), callables made on click are recorded."""

    def __init__(self, monkeypatch):
        from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
        from streamlit.testing.v1 import app_test

        files = self.files = {}

        class Keeping(MemoryMediaFileStorage):
            def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
                file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
                files[file_id] = self._files_by_id[file_id].content
                return file_id

        monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Keeping)
        self.made = deferred_downloads(monkeypatch)

    def get(self, at: AppTest, key: str) -> bytes:
        """The bytes the download button `key` of the last run gives (made on click or stored)."""
        button = next(b for b in at.get("download_button") if b.proto.id.endswith(f"-{key}"))  # "$$ID-<hash>-<key>"
        if button.proto.deferred_file_id:
            return click_download(at, self.made, key)
        return self.files[os.path.splitext(os.path.basename(button.proto.url))[0]]


def click_download(at: AppTest, made: dict, key: str) -> bytes:
    """What the download button `key` of the last run gives when clicked (its callable run)."""
    button = next(b for b in at.get("download_button") if b.proto.id.endswith(f"-{key}"))
    assert not button.proto.url and button.proto.deferred_file_id, "made on click, no /media/ URL"
    data = made[button.proto.deferred_file_id]()
    return data.encode("utf-8") if isinstance(data, str) else data
