"""The audit log: who did which administrative action, when."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlite_utils

from digled.platform.db import write


def log(db: sqlite_utils.Database, actor: str, action: str, detail: str = "") -> None:
    with write(db):
        db.execute(
            "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)",
            [datetime.now(UTC).isoformat(timespec="seconds"), actor, action, detail],
        )


def recent(db: sqlite_utils.Database, limit: int = 200) -> list[dict]:
    return list(db.query("SELECT at, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT ?", [limit]))
