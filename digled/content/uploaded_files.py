"""Files uploaded in the app (issue 12): the handbook, the kick-off's materials and the
meetings' and workshops' materials.

A *slot* names the place a file fills ("handbook", "kickoff:invitation",
"kickoff:talk:<id>:slides", "material:<activity id>:<material id>" for a material of an activity
in data/programme.yaml, `material_slot`; files uploaded when a material was known by its place
in the list, "material:<activity id>:<n>", move to its id once, `adopt_material_ids`). Every upload to a slot is kept as a new version (previous + 1) in
the `content_files` table, blob and all; the newest version is the one served. An upload is
untrusted, so its type is decided by its content, never by its name: a PDF starts with `%PDF-`
and ends with `%%EOF`; a slides slot (one ending in ":slides") also takes a PowerPoint .pptx,
a zip holding `[Content_Types].xml` and `ppt/`; so does an activity's material (a programme
or the workshop's slides). A .pptx is checked without trusting the zip:
its directory first (digled/platform/zipcheck.py, as for the import's .xlsx, with limits fit for slides
with pictures: at most MAX_ZIP_MEMBERS files, MAX_ZIP_UNPACKED_BYTES in all, no file unpacking
to more than MAX_ZIP_RATIO times its packed size once past ZIP_RATIO_FLOOR bytes), then every
member is unpacked as a stream, counting, and refused the moment the count passes the limits
(a directory can lie). Nothing is written to disk. Refusals are
MessageErrors naming the file.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from digled.platform import audit, zipcheck
from digled.platform.db import write
from digled.platform.i18n import N_, MessageError

MAX_BYTES = 20 * 1024 * 1024  # 20 MB per file (the server's upload limit is a little higher)
MAX_ZIP_MEMBERS = 3000  # a 200-slide deck holds about 1,000 files
MAX_ZIP_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100  # XML packs 5-20 times, pictures hardly at all; a bomb packs thousands of times
ZIP_RATIO_FLOOR = 1024 * 1024  # small files may pack better than MAX_ZIP_RATIO
MAX_NAME = 120  # characters kept of a file name

PDF = "application/pdf"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
EXTENSION = {PDF: ".pdf", PPTX: ".pptx"}
_SLOT = re.compile(r"^[a-z0-9][a-z0-9:_-]{0,99}$")


class FileRefused(MessageError):
    """An upload that is not stored: the message names the file and the problem."""


@dataclass(frozen=True)
class StoredFile:
    """One stored version of a slot (metadata only, no blob)."""

    slot: str
    version: int
    filename: str
    mime: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str


MATERIAL = "material:"  # the prefix of an activity's material slots


def material_slot(activity_id: str, material_id: str) -> str:
    """The slot of an activity's material, by the material's id (activities.Material.id): it stays
    the same when the list in data/programme.yaml is reordered or a material added or removed."""
    return f"{MATERIAL}{activity_id}:{material_id}"


_BY_PLACE = re.compile(r"^material:(.+):(\d+)$")


def adopt_material_ids(db: sqlite_utils.Database, activities) -> list[tuple[str, str]]:
    """Move the files uploaded when a material's slot was its place in its activity's list
    ("material:workshop1:1") to the slot of the material now at that place ("material:workshop1:
    slides"), every version, once: a place-numbered slot no material is known by any more is
    renamed; one whose material still has no id of its own (its id is its place) stays, as does
    one whose new slot already holds files (nothing is merged or lost). Run at start-up
    (digled/ui/session.py); audit-logged. Returns the (old, new) slots moved."""
    materials = {a.id: a.materials for a in activities}
    slots = [r[0] for r in db.execute(f"SELECT DISTINCT slot FROM content_files WHERE slot LIKE '{MATERIAL}%'")]
    moved = []
    for old in slots:
        m = _BY_PLACE.match(old)
        if not m or m[1] not in materials or int(m[2]) >= len(materials[m[1]]):
            continue
        new = material_slot(m[1], materials[m[1]][int(m[2])].id)
        if new == old or new in slots:
            continue
        moved.append((old, new))
    if moved:
        with write(db):
            for old, new in moved:
                db.execute("UPDATE content_files SET slot = ? WHERE slot = ?", [new, old])
                audit.log(db, "digled", "move file slot", f"{old} -> {new} (the material's id in data/programme.yaml)")
    return moved


def accepts_slides(slot: str) -> bool:
    """True for a slides slot and an activity's material (it takes a .pptx as well as a PDF)."""
    return slot.endswith(":slides") or slot.startswith(MATERIAL)


def clean_filename(name: str, mime: str) -> str:
    """A safe file name to store and offer: the last path part only, no control or reserved
    characters, at most MAX_NAME characters, ending in the extension of the detected type."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '<>:"|?*')
    name = re.sub(r"\s+", " ", name).strip(" .")
    extension = EXTENSION[mime]
    stem = name[: -len(extension)] if name.lower().endswith(extension) else name
    if stem.lower().endswith(".pdf") or stem.lower().endswith(".pptx"):  # "x.pdf" holding a .pptx
        stem = stem.rsplit(".", 1)[0]
    stem = stem.strip(" .")[: MAX_NAME - len(extension)] or "fil"
    return stem + extension


def _size_mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}"


def _check_pptx(data: bytes, shown: str) -> None:
    """Refuse a .pptx that is not one or that unpacks to too much (see the module text)."""
    unreadable = FileRefused(N_("{file}: the PowerPoint file cannot be read (it is damaged or protected)"),
                             file=shown)
    too_big = FileRefused(N_("{file}: the PowerPoint file unpacks to far too much data (a \"zip bomb\"); "
                             "save it again from PowerPoint, or as PDF"), file=shown)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names or not any(n.startswith("ppt/") for n in names):
                raise FileRefused(N_("{file}: not a PowerPoint presentation (.pptx): it is some other zip file"),
                                  file=shown)
            if zipcheck.directory_too_big(members, max_members=MAX_ZIP_MEMBERS, max_unpacked=MAX_ZIP_UNPACKED_BYTES,
                                          max_ratio=MAX_ZIP_RATIO, ratio_floor=ZIP_RATIO_FLOOR):
                raise too_big
            unpacked = 0
            for m in members:  # the directory may lie: count what really comes out
                with archive.open(m) as stream:
                    while chunk := stream.read(65536):
                        unpacked += len(chunk)
                        if unpacked > MAX_ZIP_UNPACKED_BYTES:
                            raise too_big
    except FileRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError,
            NotImplementedError):
        raise unreadable from None


def check(slot: str, filename: str, data: bytes) -> str:
    """The MIME type of an acceptable upload for `slot`; raise FileRefused naming the file."""
    shown = re.split(r"[\\/]", str(filename or ""))[-1][:MAX_NAME] or "?"
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise FileRefused(N_("{file}: the file is empty"), file=shown)
    if len(data) > MAX_BYTES:
        raise FileRefused(N_("{file}: the file is {size} MB; at most {limit} MB is accepted"),
                          file=shown, size=_size_mb(len(data)), limit=MAX_BYTES // (1024 * 1024))
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise FileRefused(N_("{file}: the PDF file is incomplete (it has no end); upload it again"), file=shown)
        return PDF
    if accepts_slides(slot):
        if data.startswith(b"PK\x03\x04"):
            _check_pptx(bytes(data), shown)
            return PPTX
        raise FileRefused(N_("{file}: neither a PDF nor a PowerPoint presentation (.pptx), whatever its name says"),
                          file=shown)
    raise FileRefused(N_("{file}: not a PDF file, whatever its name says"), file=shown)


def _stored(row) -> StoredFile:
    return StoredFile(
        slot=row["slot"], version=row["version"], filename=row["filename"], mime=row["mime"],
        size=row["size"], sha256=row["sha256"], uploaded_at=datetime.fromisoformat(row["uploaded_at"]),
        uploaded_by=row["uploaded_by"],
    )


_COLUMNS = "slot, version, filename, mime, size, sha256, uploaded_at, uploaded_by"


def upload(db: sqlite_utils.Database, slot: str, filename: str, data: bytes, actor: str) -> StoredFile:
    """Check and store `data` as the next version of `slot` (audit-logged); return its metadata.
    Raise FileRefused (nothing stored) when the file is not accepted."""
    if not isinstance(slot, str) or not _SLOT.match(slot):
        raise FileRefused(N_("{file}: there is no place {slot} for a file"), file=str(filename), slot=str(slot))
    mime = check(slot, filename, data)
    data = bytes(data)
    name = clean_filename(filename, mime)
    digest = hashlib.sha256(data).hexdigest()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with write(db):
        version = db.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM content_files WHERE slot = ?",
                             [slot]).fetchone()[0]
        db.execute(
            "INSERT INTO content_files (slot, version, filename, mime, size, sha256, data, uploaded_at, uploaded_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [slot, version, name, mime, len(data), digest, data, now, actor],
        )
        audit.log(db, actor, "upload file", f"{slot} version {version}: {name} ({len(data)} bytes, sha256 {digest})")
    return latest(db, slot)


def latest(db: sqlite_utils.Database, slot: str) -> StoredFile | None:
    """The newest version of `slot` (metadata only), or None when nothing was uploaded."""
    rows = list(db.query(f"SELECT {_COLUMNS} FROM content_files WHERE slot = ? ORDER BY version DESC LIMIT 1",
                         [slot]))
    return _stored(rows[0]) if rows else None


def latest_all(db: sqlite_utils.Database) -> dict[str, StoredFile]:
    """The newest version of every slot that has one, by slot (metadata only)."""
    rows = db.query(
        f"SELECT {_COLUMNS} FROM content_files f WHERE version = "
        "(SELECT MAX(version) FROM content_files g WHERE g.slot = f.slot)"
    )
    return {r["slot"]: _stored(r) for r in rows}


def versions(db: sqlite_utils.Database, slot: str) -> list[StoredFile]:
    """Every version of `slot`, newest first (metadata only, no blobs)."""
    return [_stored(r) for r in db.query(
        f"SELECT {_COLUMNS} FROM content_files WHERE slot = ? ORDER BY version DESC", [slot])]


def read(db: sqlite_utils.Database, slot: str, version: int | None = None) -> tuple[bytes, StoredFile] | None:
    """(bytes, metadata) of `version` of `slot` (default: the newest), or None when there is none."""
    if version is None:
        rows = list(db.query(f"SELECT {_COLUMNS}, data FROM content_files WHERE slot = ? "
                             "ORDER BY version DESC LIMIT 1", [slot]))
    else:
        rows = list(db.query(f"SELECT {_COLUMNS}, data FROM content_files WHERE slot = ? AND version = ?",
                             [slot, int(version)]))
    if not rows:
        return None
    return bytes(rows[0]["data"]), _stored(rows[0])

