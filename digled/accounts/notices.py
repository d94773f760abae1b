"""Notices: short messages a user is told at their next login, until they confirm reading them.

Used where something happened to an account that its holder must know about even when no
e-mail reached them: a password reset was sent, the password was changed, the e-mail address
was changed, the management role was given to someone. A notice is a translatable message id
with format parameters, shown in the user's language (digled/ui/session.py shows them at the
top of every page after login).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlite_utils

from digled.platform import dates
from digled.platform.db import write


@dataclass(frozen=True)
class Notice:
    id: int
    created_at: str
    message: str  # a message id (English), translated when shown
    params: dict

    def text(self, translate=lambda s: s, lang: str | None = None) -> str:
        """The notice in the reader's language; with `lang`, a `date` parameter (stored as an
        ISO day) is written as the reader's day ('7. december 2026')."""
        params = dict(self.params)
        if lang and isinstance(params.get("date"), str):
            try:
                params["date"] = dates.day(date.fromisoformat(params["date"][:10]), lang, "long")
            except ValueError:
                pass
        return translate(self.message).format(**params)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def add(db: sqlite_utils.Database, user_id: int, message: str, **params) -> None:
    """Store a notice for `user_id` (a message id and its format parameters)."""
    with write(db):
        db.execute(
            "INSERT INTO notices (user_id, created_at, message, params) VALUES (?, ?, ?, ?)",
            [user_id, _now(), message, json.dumps(params, ensure_ascii=False)],
        )


def unseen(db: sqlite_utils.Database, user_id: int) -> list[Notice]:
    """The user's notices not yet confirmed, oldest first."""
    return [
        Notice(r[0], r[1], r[2], json.loads(r[3] or "{}"))
        for r in db.execute(
            "SELECT id, created_at, message, params FROM notices WHERE user_id = ? AND seen_at IS NULL "
            "ORDER BY id",
            [user_id],
        ).fetchall()
    ]


def mark_seen(db: sqlite_utils.Database, user_id: int, notice_ids: list[int]) -> None:
    """The user confirmed reading these notices (only their own are touched)."""
    with write(db):
        for notice_id in notice_ids:
            db.execute(
                "UPDATE notices SET seen_at = ? WHERE id = ? AND user_id = ? AND seen_at IS NULL",
                [_now(), notice_id, user_id],
            )
