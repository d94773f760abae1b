"""The kick-off's materials and the handbook file (data/kickoff.yaml, issue 12).

data/kickoff.yaml names the places ("slots") for files: the kick-off's documents (the
invitation, the day's programme), each talk's slides, and the handbook. The files are uploaded
in the app (digled/content/uploaded_files.py). A talk may also have a film address: the YAML gives the
default (usually empty), an administrator sets it in the app (stored in `content_overrides`
under `kickoff:talk:<id>:film`), https only. The handbook is served to a leader only once
`journey.handbook_unlocked` is true for them, checked when the file is made (`handbook_file`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import sqlite_utils

from digled.accounts import auth
from digled.content import admin_edits, uploaded_files
from digled.content.loader import Text, _Checker, read_yaml
from digled.platform import audit
from digled.platform.config import DATA_DIR
from digled.platform.db import write
from digled.platform.i18n import N_
from digled.programme import journey
from digled.programme.errors import ProgrammeError

HANDBOOK_SLOT = "handbook"
MAX_URL = 500
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class Slot:
    """A place for a file: `slot` is its key in content_files; `kind` is document, slides or
    handbook."""

    slot: str
    kind: str
    title: Text


@dataclass(frozen=True)
class Talk:
    id: str
    title: Text
    film: str  # the default film address from the YAML ('' for none)

    @property
    def slides(self) -> Slot:
        return Slot(f"kickoff:talk:{self.id}:slides", "slides", self.title)

    @property
    def film_key(self) -> str:
        """Its key in content_overrides."""
        return f"kickoff:talk:{self.id}:film"


@dataclass(frozen=True)
class Kickoff:
    documents: tuple[Slot, ...]
    talks: tuple[Talk, ...]
    handbook: Slot

    def slots(self) -> tuple[Slot, ...]:
        """Every file slot: the handbook, the documents, then each talk's slides."""
        return (self.handbook, *self.documents, *(t.slides for t in self.talks))

    def talk(self, talk_id: str) -> Talk:
        for t in self.talks:
            if t.id == talk_id:
                return t
        raise KeyError(talk_id)


class FilmRefused(ProgrammeError):
    """A film address that is not saved (the message names the problem)."""


class HandbookLocked(Exception):
    """The handbook is not (or no longer) unlocked for this user: nothing is served.

    Not user-facing (no MessageError): it stops the download so nothing is served; no page shows it."""


def film_problem(url: str) -> str | None:
    """Why `url` is not an acceptable film address (a message id), or None ('' is fine: no film)."""
    url = (url or "").strip()
    if not url:
        return None
    if len(url) > MAX_URL:
        return N_("the address is too long (at most 500 characters)")
    if any(ch.isspace() for ch in url) or any(ord(ch) < 32 for ch in url):
        return N_("the address must not contain spaces")
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        return N_("the address must start with https://")
    if not parts.hostname or "." not in parts.hostname or parts.username or parts.password:
        return N_("the address has no valid web site after https://")
    return None


def _entries(c: _Checker, data: dict, key: str, film: bool) -> list[tuple[str, Text, str]]:
    found, seen = [], set()
    for i, entry in enumerate(c.listing(data.get(key), key)):
        entry = c.mapping(entry, f"{key}[{i}]")
        eid = entry.get("id")
        where = f"{key}: {eid}" if isinstance(eid, str) and eid else f"{key}[{i}]"
        if not isinstance(eid, str) or not _ID.match(eid):
            c.fail(f"{where}: id", "must be lower-case letters, digits and hyphens (at most 40)")
        if eid in seen:
            c.fail(f"{where}: id", "is used twice")
        seen.add(eid)
        title = c.text(entry.get("title"), f"{where}: title")
        url = ""
        if film:
            url = entry.get("film") or ""
            if not isinstance(url, str) or film_problem(url):
                c.fail(f"{where}: film", "must be empty or a web address starting with https://")
            url = url.strip()
        found.append((eid, title, url))
    return found


def load_kickoff(path: Path | None = None) -> Kickoff:
    """Read and validate data/kickoff.yaml; raise ContentError naming file and key."""
    path = path or DATA_DIR / "kickoff.yaml"
    c = _Checker(path)
    data = read_yaml(path)
    documents = tuple(Slot(f"kickoff:{i}", "document", title) for i, title, _ in _entries(c, data, "documents", False))
    talks = tuple(Talk(i, title, url) for i, title, url in _entries(c, data, "talks", True))
    book = c.mapping(data.get("handbook"), "handbook")
    handbook = Slot(HANDBOOK_SLOT, "handbook", c.text(book.get("title"), "handbook: title"))
    return Kickoff(documents=documents, talks=talks, handbook=handbook)


@lru_cache(maxsize=1)
def kickoff() -> Kickoff:
    """data/kickoff.yaml, read once."""
    return load_kickoff()


# --- film addresses ----------------------------------------------------------------------------


def films(db: sqlite_utils.Database, kick: Kickoff | None = None) -> dict[str, str]:
    """Each talk's film address by talk id: the administrator's, else the YAML default ('' none)."""
    kick = kick or kickoff()
    rows = {r["key"]: r["value"] for r in db.query("SELECT key, value FROM content_overrides WHERE key LIKE 'kickoff:talk:%'")}
    out = {}
    for talk in kick.talks:
        value = talk.film
        if talk.film_key in rows:
            try:
                stored = json.loads(rows[talk.film_key])
            except ValueError:
                stored = None
            if isinstance(stored, str) and not film_problem(stored):
                value = stored
        out[talk.id] = value
    return out


def set_film(db: sqlite_utils.Database, talk_id: str, url: str, actor: str, kick: Kickoff | None = None) -> str:
    """Set a talk's film address ('' for none; audit-logged); return it as stored. Raise
    FilmRefused naming the talk and the problem (nothing saved)."""
    kick = kick or kickoff()
    talk = kick.talk(talk_id)
    url = (url or "").strip()
    problem = film_problem(url)
    if problem:
        raise FilmRefused(problem)
    with write(db):
        admin_edits.store(db, talk.film_key, json.dumps(url), actor)
        audit.log(db, actor, "set film address", f"{talk.film_key}: {url or '(none)'}")
    return url


# --- the handbook --------------------------------------------------------------------------------


def handbook_file(db: sqlite_utils.Database, user_id: int, prog=None) -> tuple[bytes, uploaded_files.StoredFile] | None:
    """The newest handbook (bytes, metadata) for this leader, or None when none is uploaded.
    Raise HandbookLocked unless the user is an active leader for whom the handbook is unlocked."""
    row = db.execute("SELECT roles, active FROM users WHERE id = ?", [user_id]).fetchone()
    if not row or not row[1] or "leader" not in auth.parse_roles(row[0]):
        raise HandbookLocked(user_id)
    if not journey.handbook_unlocked(db, user_id, prog):
        raise HandbookLocked(user_id)
    return uploaded_files.read(db, HANDBOOK_SLOT)

