"""Attendance at meetings and workshops: the administrator's table, registrations and refusals,
and the active leaders it lists."""

import pytest

from digled.accounts import auth
from digled.programme import attendance, schedule
from tests.programme.conftest import PROG, day


def test_attendance_table_and_refusals(database, leader, other):
    attendance.register(database, "admin", "meeting1", {leader: True}, PROG, day(80))
    df = attendance.table(database, "meeting1")
    assert list(df.columns) == ["user_id", "name", "municipality", "area", "status"]
    by_name = df.set_index("name")["status"]
    assert by_name["Lea Dam"] == "attended" and by_name.isna()["Ole Hansen"]
    assert attendance.register(database, "admin", "meeting1", {leader: True, other: True}, PROG) == 1
    with pytest.raises(schedule.ScheduleError, match="film1: attendance is only registered"):
        attendance.register(database, "admin", "film1", {leader: True}, PROG)


def test_active_leaders_leaves_out_other_roles_and_inactive_users(database, leader):
    auth.create_user(database, username="boss", name="Boss", roles=("management",))
    gone = auth.create_user(database, username="gone", name="Gone", roles=("leader",))
    database.execute("UPDATE users SET active = 0 WHERE id = ?", [gone])
    both = auth.create_user(database, username="both", name="Both", roles=("leader", "admin"))
    assert [r["id"] for r in attendance.active_leaders(database)] == [both, leader]
