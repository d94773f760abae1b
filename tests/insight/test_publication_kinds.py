"""The figure kinds a publication holds (publications.FIGURE_KINDS): the table lists every kind
the management pages read, each marked as management's, and nothing no page reads."""

from __future__ import annotations

import ast
from pathlib import Path

from digled.accounts import organisation
from digled.assessment import answering
from digled.content import programme
from digled.insight import anonymity, effect, publications
from digled.platform.db import set_setting
from tests.conftest import with_follow_up, without_follow_ups

ROOT = Path(__file__).resolve().parents[2]
# where a reader takes the kind: publications.<reader>(..., kind, ...), and the same through the
# audiences door (audiences.shown(db, audience, publication_id, kind, key))
READERS = {("publications", "shown"): 2, ("publications", "shown_all"): 2, ("publications", "k_of"): 1,
           ("publications", "least_k"): 1, ("audiences", "shown"): 3, ("audiences", "shown_all"): 3}
PASS_THROUGH = {"audiences.py", "evaluation_report.py"}  # a door that passes on its caller's `kind`


def _kind_of(arg: ast.expr, path: Path, line: int, constants: dict) -> str | None:
    if isinstance(arg, ast.Constant):
        return arg.value
    if isinstance(arg, ast.Name) and arg.id in constants:
        return constants[arg.id]
    assert isinstance(arg, ast.Name) and arg.id == "kind" and path.name in PASS_THROUGH, \
        f"{path}:{line}: a kind read must be a literal"
    return None


def _kinds_read(path: Path) -> set[str]:
    """The kinds a file passes to publications' or audiences' readers (literals, or module
    constants such as evaluation_report.EFFECT_KIND); the evaluation report's own readers
    (c.group / c.all) count too, and its list of kinds whose hidden groups it counts."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
                 for t in n.targets if isinstance(t, ast.Name)}
    kinds = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)):
            continue
        where = READERS.get((node.func.value.id, node.func.attr))
        if where is None and path.name == "evaluation_report.py" and node.func.attr in ("group", "all") \
                and node.func.value.id in ("c", "self"):
            where = 0
        if where is not None and len(node.args) > where:
            kind = _kind_of(node.args[where], path, node.lineno, constants)
            if kind is not None:
                kinds.add(kind)
    return kinds


def _management_files() -> list[Path]:
    """The management pages and the digled.ui modules they draw with."""
    pages = sorted((ROOT / "pages").glob("management_*.py"))
    ui = set()
    for page in pages:
        for node in ast.walk(ast.parse(page.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "digled.ui":
                ui |= {ROOT / "digled" / "ui" / f"{a.name}.py" for a in node.names}
    return pages + sorted(p for p in ui if p.exists())


def test_the_table_lists_every_kind_the_management_pages_read():
    read = set().union(*(_kinds_read(p) for p in _management_files()))
    assert read == {"assessment", "paired", "followup", "effect", "participation"}  # the scan finds what the pages read
    management = {fk.kind for fk in publications.FIGURE_KINDS if fk.reader == "management"}
    assert read <= management


def test_every_kind_in_the_table_is_read_somewhere_and_counted():
    files = [*(ROOT / "pages").glob("*.py"), *(ROOT / "digled").rglob("*.py")]
    read = set().union(*(_kinds_read(p) for p in files if p.name != "publications.py"))
    table = [fk.kind for fk in publications.FIGURE_KINDS]
    assert len(table) == len(set(table))
    assert set(table) == read == set(publications.KINDS)
    assert {fk.kind for fk in publications.FIGURE_KINDS if fk.reader == "leaders"} == {"overlay"}


def test_the_kinds_of_one_audit_stand_together_and_share_what_a_member_is():
    audits = [fk.audit for fk in publications.FIGURE_KINDS]
    assert audits == sorted(audits, key=audits.index)  # no audit split by another
    for audit in set(audits):
        rows = [fk for fk in publications.FIGURE_KINDS if fk.audit == audit]
        assert len({(fk.member, fk.held_from, fk.reader) for fk in rows}) == 1, audit


# --- the follow-up rounds cost nothing while they are not in use (issue 23) ---------------------


def _plan(db, framework, settings, trigger="first"):
    return publications.make(db, framework, organisation.current(db), programme.programme(db), trigger,
                             settings=settings)


def _followup_keys(plan) -> set:
    return {(s.kind, s.key) for s in plan.shown
            if s.kind == "followup" or any(str(v).endswith(answering.FOLLOWUP_ROUNDS) for v in s.key)}


def test_a_run_without_follow_ups_publishes_exactly_the_groups_it_did_before(demo_db, framework, settings):
    without_follow_ups(demo_db)
    plan = _plan(demo_db, framework, settings)
    org = organisation.current(demo_db)
    lattice = len(anonymity.lattice([list(org.municipalities), list(org.areas), list(org.levels)]))
    places = len(anonymity.lattice([list(org.municipalities), list(org.areas)]))
    overlay = sum(s.kind == "overlay" for s in plan.shown)
    by_kind = {k: sum(s.kind == k for s in plan.shown) for k in ("assessment", "paired", "followup", "participation")}
    # start and end per group, start->end per group, participation per place: no follow-up group at all
    assert by_kind == {"assessment": 2 * lattice, "paired": lattice, "followup": 0, "participation": places}
    effects = len(effect.groups())  # effect by part: one set of groups for the whole cohort
    assert sum(s.kind == "effect" for s in plan.shown) == effects
    assert len(plan.shown) == 3 * lattice + places + overlay + effects  # the groups a run had before the follow-up rounds
    assert _followup_keys(plan) == set()
    assert set(plan.summary["k"]) == {"start", "end", "participation", "coalition"}
    assert demo_db.execute("SELECT COUNT(*) FROM released_groups WHERE kind = 'followup' OR grp LIKE '%followup%'"
                           ).fetchone()[0] == 0


def test_follow_up_groups_while_switched_on_or_taken_or_released_earlier(demo_db, framework, settings):
    """With the setting on (as in the demo) and a follow-up 3 months after: every follow-up round's groups.
    Switched off, the round with attempts keeps its groups (its releases stay audited); with its
    attempts gone too, the round released earlier in the run still has its groups."""
    assert with_follow_up(demo_db) >= 10
    on = _followup_keys(_plan(demo_db, framework, settings))
    assert {k[1][0] for k in on} == {*answering.FOLLOWUP_ROUNDS, "end>followup_3", "start>followup_3",
                                     "end>followup_6", "start>followup_6"}
    assert any(k[0] == "followup" for k in on)
    set_setting(demo_db, answering.FOLLOWUP_SETTING, "off")
    demo_db.conn.commit()
    off = _followup_keys(_plan(demo_db, framework, settings, "admin"))
    assert {k[1][0] for k in off} == {"followup_3", "end>followup_3", "start>followup_3"}
    demo_db.conn.execute("DELETE FROM assessments WHERE round LIKE 'followup%'")
    demo_db.conn.commit()
    gone = publications.plan(demo_db, framework, organisation.current(demo_db), programme.programme(demo_db),
                             "admin", settings=settings)
    assert {k[1][0] for k in _followup_keys(gone)} == {"followup_3", "end>followup_3", "start>followup_3"}
