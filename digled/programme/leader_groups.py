"""Local leader groups: who belongs to which group, who chairs it, and the chair's attendance.

Rules (the pages and the tests read the same functions):

- A participant (an active user with the leader role) belongs to at most one group
  (`users.leader_group`); a group has a unique, non-empty name and at most one chair.
- The chair must be an active participant who is a member of that group. Whenever a group's
  members change, a chair who is no longer a member stops being chair; deleting a user or a group
  leaves no dangling reference (the schema's ON DELETE SET NULL).
- A chair registers attendance only for the programme's leader meetings (kind `meeting`, not the
  joint workshops: those stay with the administrator) and only for the active members of their own
  group (`register_for_group`, stored by `attendance.register` with the chair as actor).
- The administrator sees and registers all attendance (the schedule page), and manages the groups
  here; every change is written to the audit log with the acting user.
- After each leader meeting the chair writes a short summary of what the group discussed
  (`save_summary`, saved while typing; one per group and meeting, `group_summaries`). It is shared
  with the programme's administrators (the app has no facilitator role), who read it per workshop
  when preparing it with its facilitators (`summaries_for_workshop`: the meetings since the previous workshop). It holds no
  names: the chair is asked for none, and any participant's name (or a group member's first name)
  the chair typed anyway is blanked out wherever it is read. The leaders' private reflections
  are never part of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlite_utils

from digled.accounts import auth
from digled.content.activities import Activity, Programme
from digled.content.programme import programme
from digled.platform import audit
from digled.platform.db import write
from digled.platform.i18n import N_, MessageError
from digled.programme.attendance import register as register_attendance
from digled.programme.errors import ProgrammeError

MAX_NAME = 80
MAX_SUMMARY = 4000  # characters of a chair's summary (the table checks it too)
BLANKED = "[…]"  # what a name in a summary reads as
CHAIR_KIND = "meeting"  # the activities a chair registers attendance for


class GroupError(ProgrammeError):
    """A leader-group change or a chair's registration was refused; nothing was written. A
    parameter may itself be a GroupError (the reason inside 'Leader group X: ...')."""

    def text(self, t, escape=lambda v: v) -> str:
        """The message in the page's language; `escape` is applied to text parameters (names)."""
        params = {k: v.text(t, escape) if isinstance(v, MessageError) else escape(v) if isinstance(v, str) else v
                  for k, v in self.params.items()}
        return t(self.msg).format(**params)


@dataclass(frozen=True)
class Member:
    """A member of a leader group."""

    id: int
    name: str
    municipality: str
    area: str
    active: bool = True


@dataclass(frozen=True)
class Group:
    """A leader group with its members (by name) and its chair (None when it has none)."""

    id: int
    name: str
    chair_id: int | None
    members: tuple[Member, ...] = ()

    @property
    def chair(self) -> Member | None:
        return next((m for m in self.members if m.id == self.chair_id), None)

    @property
    def active_members(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.active)

    def member_ids(self) -> set[int]:
        return {m.id for m in self.members}


def _members(db: sqlite_utils.Database, group_id: int) -> tuple[Member, ...]:
    return tuple(
        Member(r[0], r[1], r[2], r[3], bool(r[4]) and bool(r[5]))
        for r in db.execute(
            f"SELECT id, name, municipality, area, active, {auth.LEADER_SQL} FROM users "
            "WHERE leader_group = ? ORDER BY name, id",
            [group_id],
        )
    )


def _group(db: sqlite_utils.Database, row) -> Group:
    return Group(row[0], row[1], row[2], _members(db, row[0]))


def groups(db: sqlite_utils.Database) -> list[Group]:
    """Every leader group by name, with members and chair."""
    return [_group(db, r) for r in db.execute("SELECT id, name, chair_id FROM leader_groups ORDER BY name, id")]


def get(db: sqlite_utils.Database, group_id: int) -> Group:
    """One group; GroupError when there is no such group."""
    row = db.execute("SELECT id, name, chair_id FROM leader_groups WHERE id = ?", [group_id]).fetchone()
    if row is None:
        raise GroupError(N_("There is no leader group with the id {id}."), id=group_id)
    return _group(db, row)


def group_of(db: sqlite_utils.Database, user_id: int) -> Group | None:
    """The group the user belongs to (None when in none)."""
    row = db.execute(
        "SELECT g.id, g.name, g.chair_id FROM leader_groups g JOIN users u ON u.leader_group = g.id WHERE u.id = ?",
        [user_id],
    ).fetchone()
    return _group(db, row) if row else None


def chaired_by(db: sqlite_utils.Database, user_id: int) -> Group | None:
    """The group the user chairs: only while they are an active participant and a member of it."""
    row = db.execute(
        "SELECT g.id, g.name, g.chair_id FROM leader_groups g JOIN users u ON u.id = g.chair_id "
        f"WHERE u.id = ? AND u.leader_group = g.id AND u.active = 1 AND {auth.has_role_sql('leader', 'u')}",
        [user_id],
    ).fetchone()
    return _group(db, row) if row else None


def participants(db: sqlite_utils.Database) -> list[dict]:
    """Active participants who can be put in a group: id, name, municipality, area, leader_group."""
    return list(
        db.query(
            f"SELECT id, name, municipality, area, leader_group FROM users WHERE active = 1 AND {auth.LEADER_SQL} "
            "ORDER BY name, id"
        )
    )


def unassigned(db: sqlite_utils.Database) -> list[dict]:
    """Active participants in no group."""
    return [p for p in participants(db) if p["leader_group"] is None]


# --- the administrator ------------------------------------------------------------------------


def name_problem(db: sqlite_utils.Database, name: str, group_id: int | None = None) -> GroupError | None:
    """What is wrong with `name` as the name of a group (None when it is fine); `group_id` is
    the group being renamed (its own name is no clash)."""
    clean = (name or "").strip()
    if not clean:
        return GroupError(N_("The name of the leader group is empty."))
    if len(clean) > MAX_NAME:
        return GroupError(N_("The name \u201c{name}\u201d is longer than {max} characters."), name=clean[:MAX_NAME] + "\u2026",
                          max=MAX_NAME)
    if any(ord(c) < 32 for c in clean):
        return GroupError(N_("The name \u201c{name}\u201d contains a line break or a control character."), name=clean)
    clash = db.execute(
        "SELECT id FROM leader_groups WHERE lower(trim(name)) = lower(?) AND id IS NOT ?", [clean, group_id]
    ).fetchone()
    if clash:
        return GroupError(N_("A leader group named \u201c{name}\u201d already exists."), name=clean)
    return None


def create(db: sqlite_utils.Database, actor: str, name: str) -> int:
    """Create an empty group; returns its id."""
    with write(db):
        problem = name_problem(db, name)
        if problem:
            raise problem
        clean = name.strip()
        group_id = db.execute("INSERT INTO leader_groups (name) VALUES (?)", [clean]).lastrowid
        audit.log(db, actor, "create leader group", clean)
    return int(group_id)


def rename(db: sqlite_utils.Database, actor: str, group_id: int, name: str) -> None:
    """Rename a group; the error names the group being renamed."""
    with write(db):
        g = get(db, group_id)
        problem = name_problem(db, name, group_id)
        if problem:
            raise GroupError(N_("Leader group \u201c{group}\u201d: {problem}"), group=g.name, problem=problem)
        clean = name.strip()
        if clean == g.name:
            return
        db.execute("UPDATE leader_groups SET name = ? WHERE id = ?", [clean, group_id])
        audit.log(db, actor, "rename leader group", f"{g.name} -> {clean}")


def delete(db: sqlite_utils.Database, actor: str, group_id: int) -> None:
    """Delete a group; its members are left in no group (the leaders themselves stay)."""
    with write(db):
        g = get(db, group_id)
        db.execute("DELETE FROM leader_groups WHERE id = ?", [group_id])
        audit.log(db, actor, "delete leader group", f"{g.name} ({len(g.members)} members)")


def _clear_stale_chairs(db: sqlite_utils.Database, actor: str) -> list[str]:
    """Drop every chair who is no longer a member of the group they chair; returns the groups."""
    stale = db.execute(
        "SELECT id, name FROM leader_groups WHERE chair_id IS NOT NULL AND chair_id NOT IN "
        "(SELECT id FROM users WHERE leader_group = leader_groups.id)"
    ).fetchall()
    for group_id, name in stale:
        db.execute("UPDATE leader_groups SET chair_id = NULL WHERE id = ?", [group_id])
        audit.log(db, actor, "clear leader group chair", f"{name}: the chair is no longer a member")
    return [name for _, name in stale]


def set_members(db: sqlite_utils.Database, actor: str, group_id: int, user_ids: Iterable[int]) -> tuple[int, int]:
    """Make exactly `user_ids` (active participants) the members of the group; a participant in
    another group moves here. A chair who leaves their group stops being chair. Returns
    (added, removed)."""
    wanted = {int(u) for u in user_ids}
    with write(db):
        g = get(db, group_id)
        eligible = {p["id"] for p in participants(db)}
        bad = sorted(wanted - eligible)
        if bad:
            names = [r[0] for r in db.execute(
                f"SELECT name FROM users WHERE id IN ({','.join('?' * len(bad))}) ORDER BY name", bad)]
            raise GroupError(
                N_("Leader group \u201c{group}\u201d: {names} cannot be a member: not an active participant."),
                group=g.name, names=", ".join(names) or ", ".join(map(str, bad)),
            )
        current = g.member_ids()
        added, removed = sorted(wanted - current), sorted(current - wanted)
        if not added and not removed:
            return 0, 0
        for uid in removed:
            auth.set_leader_group(db, uid, None)
        for uid in added:
            auth.set_leader_group(db, uid, group_id)
        audit.log(db, actor, "set leader group members",
                  f"{g.name}: {len(added)} added, {len(removed)} removed, {len(wanted)} members")
        _clear_stale_chairs(db, actor)
    return len(added), len(removed)


def set_chair(db: sqlite_utils.Database, actor: str, group_id: int, user_id: int | None) -> None:
    """Make `user_id` the chair of the group (None: no chair). The chair must be an active
    participant and a member of the group."""
    with write(db):
        g = get(db, group_id)
        if user_id is None:
            if g.chair_id is not None:
                db.execute("UPDATE leader_groups SET chair_id = NULL WHERE id = ?", [group_id])
                audit.log(db, actor, "set leader group chair", f"{g.name}: no chair")
            return
        row = db.execute(f"SELECT name, active, {auth.LEADER_SQL}, leader_group FROM users WHERE id = ?",
                         [int(user_id)]).fetchone()
        if row is None:
            raise GroupError(N_("Leader group \u201c{group}\u201d: there is no participant with the id {id}."),
                             group=g.name, id=user_id)
        name, active, leader, member_of = row
        if not (active and leader):
            raise GroupError(N_("Leader group \u201c{group}\u201d: {name} is not an active participant and cannot "
                                "chair it."), group=g.name, name=name)
        if member_of != group_id:
            raise GroupError(N_("Leader group \u201c{group}\u201d: {name} is not a member of the group. Add them "
                                "to the group first."), group=g.name, name=name)
        if g.chair_id == int(user_id):
            return
        db.execute("UPDATE leader_groups SET chair_id = ? WHERE id = ?", [int(user_id), group_id])
        audit.log(db, actor, "set leader group chair", f"{g.name}: {name}")


# --- the chair ---------------------------------------------------------------------------------


def meetings(prog: Programme | None = None) -> list[Activity]:
    """The leader meetings a chair registers attendance for, in programme order."""
    return [a for a in (prog or programme()).activities if a.kind == CHAIR_KIND]


def attendance(db: sqlite_utils.Database, group: Group, activity_id: str) -> dict[int, str | None]:
    """The registered status ('attended', 'absent' or None) of each active member at an activity."""
    ids = [m.id for m in group.active_members]
    marks: dict[int, str | None] = dict.fromkeys(ids)
    if ids:
        for uid, status in db.execute(
            f"SELECT user_id, status FROM progress WHERE activity = ? AND status IN ('attended', 'absent') "
            f"AND user_id IN ({','.join('?' * len(ids))})",
            [activity_id, *ids],
        ):
            marks[uid] = status
    return marks


def register_for_group(
    db: sqlite_utils.Database,
    chair_user,
    activity_id: str,
    marks: Mapping[int, bool | None],
    prog: Programme | None = None,
    today: date | None = None,
) -> int:
    """The chair (`chair_user`: an auth.User) registers attended (True) / absent (False) / not
    registered (None) for members of their own group at one of the programme's leader meetings.
    Refuses (GroupError, nothing written) a non-chair, a workshop or other activity, and anyone
    outside the group. Returns how many leaders changed (audited with the chair as actor)."""
    prog = prog or programme()
    g = chaired_by(db, chair_user.id)
    if g is None:
        raise GroupError(N_("Only the chair of a leader group can register attendance for the group."))
    try:
        a = prog.activity(activity_id)
    except KeyError:
        raise GroupError(N_("Unknown activity: {activity}."), activity=activity_id) from None
    if a.kind != CHAIR_KIND:
        raise GroupError(N_("A chair registers attendance only at the leader meetings; the programme administrator "
                            "registers the workshops."))
    members = {m.id for m in g.active_members}
    outside = sorted({int(u) for u in marks} - members)
    if outside:
        names = [r[0] for r in db.execute(
            f"SELECT name FROM users WHERE id IN ({','.join('?' * len(outside))}) ORDER BY name", outside)]
        raise GroupError(N_("{names} is not a member of your leader group \u201c{group}\u201d."),
                         names=", ".join(names) or ", ".join(map(str, outside)), group=g.name)
    with write(db):
        return register_attendance(db, chair_user.username, a.id, {int(u): m for u, m in marks.items()}, prog, today)


# --- the chair's summary of a leader meeting ----------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """A group's summary of one leader meeting, as shared (names blanked out)."""

    group_id: int
    group: str
    activity_id: str
    body: str
    updated_at: str


def _meeting(activity_id: str, prog: Programme) -> Activity:
    try:
        a = prog.activity(activity_id)
    except KeyError:
        raise GroupError(N_("Unknown activity: {activity}."), activity=activity_id) from None
    if a.kind != CHAIR_KIND:
        raise GroupError(N_("A group's summary belongs to a leader meeting."))
    return a


def save_summary(db: sqlite_utils.Database, chair_user, activity_id: str, body: str,
                 prog: Programme | None = None) -> None:
    """The chair (`chair_user`: an auth.User) stores the summary of their group's discussion at one
    leader meeting, replacing the earlier text (sent twice, stored once; empty: no summary).
    Refused (GroupError, nothing written) for anyone but the chair of a group, an activity that is
    no leader meeting, or a text over MAX_SUMMARY characters."""
    prog = prog or programme()
    g = chaired_by(db, chair_user.id)
    if g is None:
        raise GroupError(N_("Only the chair of a leader group can write the group's summary."))
    _meeting(activity_id, prog)
    if len(body) > MAX_SUMMARY:
        raise GroupError(N_("The summary is too long: at most {n} characters."), n=MAX_SUMMARY)
    with write(db):
        if body.strip():
            db.execute(
                "INSERT INTO group_summaries (group_id, activity_id, body, written_by, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (group_id, activity_id) DO UPDATE SET body = excluded.body, "
                "written_by = excluded.written_by, updated_at = excluded.updated_at",
                [g.id, activity_id, body, chair_user.id, datetime.now(UTC).isoformat(timespec="seconds")])
        else:
            db.execute("DELETE FROM group_summaries WHERE group_id = ? AND activity_id = ?", [g.id, activity_id])


def own_summary(db: sqlite_utils.Database, group_id: int, activity_id: str) -> tuple[str, str | None]:
    """The chair's own text as typed (names kept: it is theirs) and when it was saved."""
    row = db.execute("SELECT body, updated_at FROM group_summaries WHERE group_id = ? AND activity_id = ?",
                     [group_id, activity_id]).fetchone()
    return (row[0], row[1]) if row else ("", None)


def _names(db: sqlite_utils.Database, group_id: int) -> list[str]:
    """The names blanked out of a group's summary: every participant's full name and the first
    names of the group's members, longest first."""
    full = [r[0] for r in db.execute("SELECT name FROM users WHERE name != ''")]
    first = [r[0].split()[0] for r in db.execute("SELECT name FROM users WHERE leader_group = ? AND name != ''", [group_id])]
    return sorted({n.strip() for n in full + first if len(n.strip()) > 1}, key=len, reverse=True)


def blank_names(body: str, names: list[str]) -> str:
    """`body` with each of `names` (whole words, any case) replaced by BLANKED."""
    if not names:
        return body
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE)
    return pattern.sub(BLANKED, body)


def summaries_for_workshop(db: sqlite_utils.Database, workshop_id: str, prog: Programme | None = None) -> list[tuple[Activity, list[Summary]]]:
    """What the groups discussed at the leader meetings before a workshop (since the previous one),
    per meeting in programme order, each group's summary with names blanked out."""
    prog = prog or programme()
    before: list[Activity] = []
    for a in prog.activities:
        if a.id == workshop_id:
            break
        if a.kind == "workshop":
            before = []
        elif a.kind == CHAIR_KIND:
            before.append(a)
    out = []
    for meeting in before:
        rows = db.execute(
            "SELECT s.group_id, g.name, s.body, s.updated_at FROM group_summaries s JOIN leader_groups g ON g.id = s.group_id "
            "WHERE s.activity_id = ? ORDER BY g.name, g.id", [meeting.id]).fetchall()
        out.append((meeting, [Summary(gid, name, meeting.id, blank_names(body, _names(db, gid)), at)
                              for gid, name, body, at in rows]))
    return out


__all__ = [
    "CHAIR_KIND", "Group", "GroupError", "MAX_NAME", "Member", "attendance", "chaired_by", "create", "delete",
    "get", "group_of", "groups", "meetings", "name_problem", "participants", "register_for_group", "rename",
    "set_chair", "set_members", "unassigned", "Summary", "save_summary", "own_summary", "summaries_for_workshop",
    "blank_names", "MAX_SUMMARY",
]
