"""Participants as the administrator sees them (per person: needed for invitations and
reminders) and participation counts as management sees them (counts only)."""

from __future__ import annotations

import pandas as pd
import sqlite_utils


def participant_table(db: sqlite_utils.Database, search: str = "") -> pd.DataFrame:
    """One row per user: who they are, roles, activation and which rounds they have taken."""
    like = f"%{search.strip().lower()}%"
    rows = db.execute(
        """
        SELECT u.id, u.name, u.username, u.email, u.municipality, u.area, u.level, u.roles,
               u.active, u.activated_at,
               MAX(CASE WHEN p.round = 'start' THEN p.taken_on END) AS start_taken,
               MAX(CASE WHEN p.round = 'end' THEN p.taken_on END) AS end_taken
        FROM users u LEFT JOIN participation p ON p.user_id = u.id
        WHERE lower(u.name) LIKE ? OR lower(u.email) LIKE ? OR lower(u.username) LIKE ?
        GROUP BY u.id ORDER BY u.name
        """,
        [like, like, like],
    ).fetchall()
    columns = ["id", "name", "username", "email", "municipality", "area", "level", "roles",
               "active", "activated_at", "start_taken", "end_taken"]
    return pd.DataFrame(rows, columns=columns)


def participation_totals(db: sqlite_utils.Database) -> dict[str, int]:
    """Cohort-wide counts of leaders: invited, activated, start and end assessment taken."""
    row = db.execute(
        """
        SELECT COUNT(*),
               SUM(activated_at IS NOT NULL),
               (SELECT COUNT(*) FROM participation WHERE round = 'start'),
               (SELECT COUNT(*) FROM participation WHERE round = 'end')
        FROM users WHERE active = 1 AND (',' || roles || ',') LIKE '%,leader,%'
        """
    ).fetchone()
    return {"invited": row[0], "activated": row[1] or 0, "start": row[2], "end": row[3]}
