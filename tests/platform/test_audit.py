"""digled.platform.audit: who did which administrative action, when; newest first."""

from datetime import UTC, datetime

from digled.platform import audit


def test_an_action_is_logged_with_its_actor_detail_and_time(database):
    before = datetime.now(UTC).replace(microsecond=0)
    audit.log(database, "admin", "set kickoff_date", "2026-01-07")
    audit.log(database, "ole", "deactivate")
    rows = audit.recent(database)
    assert [(r["actor"], r["action"], r["detail"]) for r in rows] == [
        ("ole", "deactivate", ""), ("admin", "set kickoff_date", "2026-01-07")]
    at = datetime.fromisoformat(rows[0]["at"])
    assert at.tzinfo is not None and before <= at <= datetime.now(UTC)


def test_recent_gives_at_most_limit_rows_newest_first(database):
    for i in range(5):
        audit.log(database, "admin", f"a{i}")
    assert [r["action"] for r in audit.recent(database, limit=2)] == ["a4", "a3"]
    assert audit.recent(database, limit=0) == []


def test_an_empty_log_is_empty(database):
    assert audit.recent(database) == []
