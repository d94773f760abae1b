"""One owner per table (issue 19).

Each table of the database is written by exactly one module, its owner (OWNERS below: the map
of who owns what). Any other module that needs a change calls a function of the owner. The
scan reads every .py under digled/ and finds writes as SQL text (INSERT [OR ...] INTO, REPLACE
INTO, UPDATE [OR ...], DELETE FROM) and as sqlite-utils calls (`db["t"].insert/upsert/update/
delete...`, `db.table("t")...`). A write whose table is not spelled out (`f"DELETE FROM
{table}"`) must be listed in DYNAMIC with the reason.

Exceptions are few, listed in EXEMPT with the reason. The migrations in digled/platform/db.py write every table and are left out.

The accounts' roles are stored comma-separated; only digled/accounts/auth.py knows it
(`auth.has_role_sql`, `auth.LEADER_SQL`, `auth.leader_ids`): a test fails on a copy of the
role test anywhere else in the source tree.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

from digled.platform import migrations

ROOT = Path(__file__).resolve().parent.parent

OWNERS = {
    # platform
    "settings": "digled.platform.db",  # get_setting / set_setting / delete_setting
    "audit_log": "digled.platform.audit",
    # content
    "content_overrides": "digled.content.admin_edits",
    "content_files": "digled.content.uploaded_files",
    "guide_videos": "digled.content.guides",
    # accounts
    "users": "digled.accounts.auth",
    "login_throttle": "digled.accounts.auth",
    "login_sessions": "digled.accounts.sessions",
    "sso_identities": "digled.accounts.sso",
    "invitations": "digled.accounts.invitations",
    "notices": "digled.accounts.notices",
    "role_requests": "digled.accounts.identities",
    "cohorts": "digled.accounts.programme_runs",
    "cohort_members": "digled.accounts.programme_runs",
    # assessment
    "assessments": "digled.assessment.answering",
    "answers": "digled.assessment.answering",
    "participation": "digled.assessment.answering",
    "importance": "digled.assessment.importance",
    "plan_needs": "digled.assessment.plan",
    "plan_actions": "digled.assessment.plan",
    # programme
    "progress": "digled.programme.journey",
    "reflections": "digled.programme.reflections",
    "service_slots": "digled.programme.service",
    "bookings": "digled.programme.service",
    "help_requests": "digled.programme.service",
    "reminders_sent": "digled.programme.outbox",
    "leader_groups": "digled.programme.leader_groups",
    "workshop_tables": "digled.programme.workshops",
    "group_summaries": "digled.programme.leader_groups",
    # insight
    "publications": "digled.insight.publications",
    "released_sets": "digled.insight.publications",
    "released_groups": "digled.insight.publications",
    "published_importance": "digled.insight.publications",
    "target_profiles": "digled.insight.profiles",
}

_RUN_CLOSE = ("closing a run archives and clears the run's tables in one transaction (programme_runs.close_and_open); "
              "programme_runs lies in accounts, below the owners, so it cannot call them")
EXEMPT = {  # (table, writing module): why it may write a table it does not own
    ("login_sessions", "digled.accounts.auth"):
        "auth.end_sessions is the revocation rule (logout, password change, deactivation) and ends the "
        "user's rows; sessions imports auth, so auth cannot call sessions",
    ("assessments", "digled.platform.sealing"):
        "seal_legacy_rows is a data migration that needs the pseudonym secret, so it runs at start "
        "outside db.migrate; platform lies below the owner",
    ("answers", "digled.platform.sealing"): "as for assessments: the legacy-row migration (seal_legacy_rows)",
    ("assessments", "digled.accounts.programme_runs"): _RUN_CLOSE + " (open drafts become extra attempts)",
    ("leader_groups", "digled.accounts.programme_runs"): _RUN_CLOSE,
    ("progress", "digled.programme.service"):
        "service.register_done marks the service check done in the leader's progress; journey imports "
        "service (a leader's step reads their booking), so service cannot call journey.record_marks",
}
DYNAMIC = {  # (module, function) writing a table named at run time: why
    ("digled.accounts.programme_runs", "close_and_open"):
        "clears programme_runs.RUN_TABLES (progress, participation, workshop_tables, bookings, service_slots, "
        "reminders_sent): " + _RUN_CLOSE,
    ("digled.platform.db", "admin_backup"):
        "empties ADMIN_BACKUP_EXCLUDES in the backup copy, never in the live database",
}
# The schema steps write every table: the `_v<N>_...` functions, in db.py or in a module of their own.
MIGRATIONS = {"digled.platform.db": re.compile(r"_v\d+_\w+$"), "digled.platform.migrations": re.compile(r".*")}

_VERB = r"(?:INSERT(?:\s+OR\s+[A-Z]+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+[A-Z]+)?|DELETE\s+FROM)"
SQL_WRITE = re.compile(rf"\b{_VERB}\s+[\"`\[]?(\w+|\{{)")  # case-sensitive: SQL is written upper case
NOT_TABLES = {"OF", "SET"}  # `UPDATE OF col ON t` in a trigger
UTIL_WRITES = {"insert", "insert_all", "upsert", "upsert_all", "update", "delete", "delete_where"}


def _module(path: Path) -> str:
    return path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")


def _texts(node: ast.AST):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):  # an f-string: its placeholders read as "{"
        yield "".join(v.value if isinstance(v, ast.Constant) else "{" for v in node.values)


def _fstring_parts(tree: ast.AST) -> set[ast.AST]:
    """The text parts of f-strings (read with their f-string, not once more alone)."""
    return {part for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}


def _util_table(node: ast.AST) -> str | None:
    """The table of `db["t"].insert(...)` or `db.table("t").insert(...)`, else None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in UTIL_WRITES):
        return None
    target = node.func.value
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
        return target.slice.value
    if (isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute) and target.func.attr == "table"
            and target.args and isinstance(target.args[0], ast.Constant)):
        return target.args[0].value
    return None


def _functions(tree: ast.AST) -> dict[ast.AST, str]:
    """Each node -> the name of the outermost function around it ('' at module level)."""
    owner: dict[ast.AST, str] = {}
    for top in ast.walk(tree):
        if isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef) and top not in owner:
            for node in ast.walk(top):
                owner[node] = top.name
    return owner


def writes() -> list[tuple[str, str, str, int]]:
    """Every write in digled/: (table or '{' when named at run time, module, function, line)."""
    found = []
    for path in sorted((ROOT / "digled").rglob("*.py")):
        module = _module(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        function = _functions(tree)
        inside_fstrings = _fstring_parts(tree)
        for node in ast.walk(tree):
            if node in inside_fstrings:
                continue
            tables = [m.group(1) for text in _texts(node) for m in SQL_WRITE.finditer(text)]
            tables += [t] if (t := _util_table(node)) else []
            for table in tables:
                if table in NOT_TABLES:
                    continue
                name = function.get(node, "")
                if module in MIGRATIONS and MIGRATIONS[module].match(name):
                    continue
                found.append((table, module, name, node.lineno))
    return found


def test_the_scan_finds_writes_in_every_form():
    source = '''
def f(db, t):
    db.execute("INSERT OR IGNORE INTO a (x) VALUES (1)")
    db.execute("UPDATE b SET x = 1")
    db.execute(f"DELETE FROM c WHERE id = {t}")
    db.execute(f"DELETE FROM {t}")
    db.execute("REPLACE INTO d VALUES (1)")
    db["e"].upsert({}, pk="id")
    db.table("f").insert({})
    db.execute("SELECT x FROM g")  # a read
    "update the docs"  # prose, not SQL
'''
    tree = ast.parse(source)
    parts = _fstring_parts(tree)
    tables = sorted(m.group(1) for node in ast.walk(tree) if node not in parts
                    for text in _texts(node) for m in SQL_WRITE.finditer(text))
    tables += sorted(t for node in ast.walk(tree) if (t := _util_table(node)))
    assert tables == ["a", "b", "c", "d", "{", "e", "f"]


def test_every_table_has_an_owner(tmp_path):
    database = migrations.open_and_migrate(tmp_path / "owners.db")
    try:
        schema = {r[0] for r in database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    finally:
        database.close()
    assert schema - OWNERS.keys() == set(), "a table without an owner: add it to OWNERS"
    assert OWNERS.keys() - schema == set(), "OWNERS names a table the schema does not have"
    for module in set(OWNERS.values()):
        assert (ROOT / (module.replace(".", "/") + ".py")).is_file(), module


def test_each_table_is_written_by_its_owner_only():
    strangers = defaultdict(list)
    used = set()
    for table, module, function, line in writes():
        if table == "{":
            assert (module, function) in DYNAMIC, f"{module}.{function} (line {line}) writes a table named at run time"
            continue
        assert table in OWNERS, f"{module} line {line} writes {table}, which has no owner in OWNERS"
        if module == OWNERS[table]:
            continue
        if (table, module) in EXEMPT:
            used.add((table, module))
            continue
        strangers[table].append(f"{module}.{function} line {line}")
    assert not strangers, ("tables written outside their owner (call a function of the owner): "
                           + "; ".join(f"{t} (owner {OWNERS[t]}): {', '.join(w)}" for t, w in strangers.items()))
    assert set(EXEMPT) - used == set(), "an exemption no longer needed: remove it"


# --- the role test ----------------------------------------------------------------------------

ROLE_OWNER = ROOT / "digled" / "accounts" / "auth.py"
ROLE_TEST = re.compile(r"\|\|\s*(?:\w+\.)?roles\s*\|\||\broles\s+(?:NOT\s+)?LIKE\b|\binstr\(\s*(?:\w+\.)?roles\b", re.I)
# The migrations (triggers, data steps) are schema history, never edited, and platform lies
# below accounts: they keep their role tests, wherever they live.
MIGRATION_FILES = ("digled/platform/db.py", "digled/platform/migrations.py")
ROLE_EXEMPT: dict[str, str] = {}  # path: why it may still spell the role test out (none today)


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if any(p.startswith(".") or p in {"node_modules", "venv", "build"} for p in parts):
            continue
        yield path


def test_only_auth_spells_out_the_role_test():
    copies = [f"{path.relative_to(ROOT)}:{n}"
              for path in _sources() if path != ROLE_OWNER
              and path.relative_to(ROOT).as_posix() not in {*ROLE_EXEMPT, *MIGRATION_FILES}
              for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if ROLE_TEST.search(line)]
    assert copies == [], "use auth.has_role_sql / auth.LEADER_SQL / auth.leader_ids instead: " + ", ".join(copies)
    assert ROLE_TEST.search("(',' || " + "u.roles || ',') LIKE '%,leader,%'")  # the scan sees a copy
    assert ROLE_TEST.search("instr(" + "roles, 'leader')") and ROLE_TEST.search("roles " + "LIKE '%leader%'")
    stale = [p for p in ROLE_EXEMPT if not ROLE_TEST.search((ROOT / p).read_text(encoding="utf-8"))]
    assert stale == [], f"an exemption no longer needed: remove it: {stale}"
