"""The guides (data/guides.yaml) and the guide and film videos the administrator sets in the app.

A guide is shown before the assessment ("assessment"), before the competence wheel ("wheel")
and on the films page ("films"): a title and texts in Danish and English. Each guide and each
film of the programme (its activity id) has a video slot: an https address stored in the
`guide_videos` table, set on the page *Vejledninger og videoer* and audited. Where none is set,
the text guide stands alone. No streamlit here: the widget is digled/ui/guides.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import sqlite_utils

from digled.content.loader import ContentError, Text, _Checker, read_yaml
from digled.platform import audit
from digled.platform.config import DATA_DIR
from digled.platform.db import write
from digled.platform.i18n import N_, MessageError, ProblemsError, text

GUIDE_KEYS = ("assessment", "wheel", "films")
FILM_KINDS = ("elearning", "kl_film")
FILM_KIND_LABELS = {"elearning": N_("E-learning film"), "kl_film": N_("KL film")}  # as in journey.KIND_NAMES
# The name of each guide's slot on the administrator's page (message ids).
GUIDE_LABELS = {
    "assessment": N_("Guide before the assessment"),
    "wheel": N_("Guide before the competence wheel"),
    "films": N_("Introduction to the films"),
}
MAX_URL_LENGTH = 500
HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
VIDEO_FILE_RE = re.compile(r"\.(mp4|webm|ogg|ogv|m4v|mov)$", re.IGNORECASE)
YOUTUBE_RE = re.compile(
    r"^https://(www\.|m\.)?(youtube(-nocookie)?\.com/(watch\?(.*&)?v=|embed/|v/|shorts/)|youtu\.be/)[\w-]{10,20}"
)


@dataclass(frozen=True)
class Guide:
    key: str
    title: Text
    texts: tuple[Text, ...]

    def markdown(self, lang: str) -> str:
        """The guide's texts in `lang`, as one Markdown text (paragraphs apart)."""
        return "\n\n".join(text(t, lang) for t in self.texts)


def load_guides(path: Path | None = None) -> dict[str, Guide]:
    """Read and check data/guides.yaml; a problem raises ContentError naming the key."""
    path = path or DATA_DIR / "guides.yaml"
    c = _Checker(path)
    data = read_yaml(path)
    raw_texts = c.mapping(data.get("texts"), "texts")
    texts = {str(k): c.text(v, f"texts: {k}") for k, v in raw_texts.items()}
    raw = c.mapping(data.get("guides"), "guides")
    for key in raw:
        if key not in GUIDE_KEYS:
            c.fail(f"guides: {key}", f"unknown guide; the guides are {', '.join(GUIDE_KEYS)}")
    guides = {}
    for key in GUIDE_KEYS:
        if key not in raw:
            c.fail(f"guides: {key}", "the guide is missing")
        g = c.mapping(raw[key], f"guides: {key}")
        ids = c.listing(g.get("texts"), f"guides: {key}: texts")
        for i in ids:
            if i not in texts:
                c.fail(f"guides: {key}: texts", f"{i!r} is not one of the texts")
        guides[key] = Guide(key, c.text(g.get("title"), f"guides: {key}: title"), tuple(texts[i] for i in ids))
    return guides


@lru_cache(maxsize=1)
def guides() -> dict[str, Guide]:
    return load_guides()


def guide(key: str) -> Guide:
    """One guide by key ('assessment', 'wheel', 'films')."""
    return guides()[key]


# --- video slots ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """Where a video can be set: a guide (label is a message id) or a film (title is content)."""

    key: str
    label: str = ""
    title: Text | None = None
    kind: str = ""

    def name(self, t, lang: str) -> str:
        """The slot's name in the user's language: 'Digital ledelse (KL-film)' for a film."""
        if self.label:
            return t(self.label)
        return text(self.title, lang) + " (" + t(FILM_KIND_LABELS[self.kind]) + ")"


def slots(prog) -> tuple[Slot, ...]:
    """Every video slot: the three guides, then each film of the programme in programme order."""
    films = tuple(Slot(a.id, title=a.title, kind=a.kind) for a in prog.activities if a.kind in FILM_KINDS)
    clash = [s.key for s in films if s.key in GUIDE_KEYS]
    if clash:
        raise ContentError(f"programme: activity {clash[0]}: the id is also a guide key")
    return tuple(Slot(k, label=GUIDE_LABELS[k]) for k in GUIDE_KEYS) + films


class InvalidVideoUrl(MessageError):
    """A video address refused: the message (an id) says why; the page names the slot."""


TOO_LONG = N_("the address is longer than {max} characters")
HAS_SPACE = N_("the address must not contain spaces")
NOT_HTTPS = N_("the address must start with https://")
NO_HOST = N_("the address has no valid host name (like video.albertslund.dk)")
HAS_CREDENTIALS = N_("the address must not contain a user name or password")


def clean_url(value: str | None) -> str:
    """The address to store ('' = none), or InvalidVideoUrl: https only, a host, at most
    MAX_URL_LENGTH characters, no spaces, no user name or password."""
    url = (value or "").strip()
    if not url:
        return ""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidVideoUrl(TOO_LONG, max=MAX_URL_LENGTH)
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise InvalidVideoUrl(HAS_SPACE)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise InvalidVideoUrl(NO_HOST) from None
    if parts.scheme.lower() != "https":
        raise InvalidVideoUrl(NOT_HTTPS)
    if parts.username is not None or parts.password is not None:
        raise InvalidVideoUrl(HAS_CREDENTIALS)
    host = parts.hostname or ""
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidVideoUrl(NO_HOST) from None
    if not HOST_RE.match(ascii_host):
        raise InvalidVideoUrl(NO_HOST)
    return url


def embeddable(url: str) -> bool:
    """True where the app can play the address itself (st.video: YouTube or a video file);
    other addresses (Vimeo, a slide show, a streaming portal) are shown as a link."""
    return bool(YOUTUBE_RE.match(url)) or bool(VIDEO_FILE_RE.search(urlsplit(url).path))


def videos(db: sqlite_utils.Database) -> dict[str, str]:
    """Every video set: key -> address."""
    return {r[0]: r[1] for r in db.execute("SELECT key, url FROM guide_videos")}


def video_url(db: sqlite_utils.Database, key: str, default: str = "") -> str:
    """The video set for a guide key or a film's activity id, else `default`."""
    row = db.execute("SELECT url FROM guide_videos WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


class InvalidVideos(ProblemsError):
    """Some addresses were refused (nothing was saved): `problems` maps slot key -> error."""

    problems: dict[str, InvalidVideoUrl]

    def _each(self, t) -> list[str]:
        return [f"{k}: {e.text(t)}" for k, e in self.problems.items()]


def save(db: sqlite_utils.Database, values: dict[str, str], actor: str, prog) -> list[str]:
    """Set the videos (key -> address, '' removes one) all or nothing; return the keys changed.
    Every change is audited. Raises InvalidVideos naming each refused slot, saving none."""
    known = {s.key for s in slots(prog)}
    unknown = [k for k in values if k not in known]
    if unknown:
        raise KeyError(f"not a guide or film: {unknown[0]}")
    cleaned, problems = {}, {}
    for key, value in values.items():
        try:
            cleaned[key] = clean_url(value)
        except InvalidVideoUrl as e:
            problems[key] = e
    if problems:
        raise InvalidVideos(problems)
    changed = []
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with write(db):
        current = videos(db)
        for key, url in cleaned.items():
            if current.get(key, "") == url:
                continue
            if url:
                db.execute(
                    "INSERT INTO guide_videos (key, url, updated_at, updated_by) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET url = excluded.url, updated_at = excluded.updated_at, "
                    "updated_by = excluded.updated_by",
                    [key, url, now, actor],
                )
                audit.log(db, actor, "set guide video", f"{key}: {url}")
            else:
                db.execute("DELETE FROM guide_videos WHERE key = ?", [key])
                audit.log(db, actor, "remove guide video", key)
            changed.append(key)
    return changed
