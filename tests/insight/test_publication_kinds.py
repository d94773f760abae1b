"""The figure kinds a publication holds (publications.FIGURE_KINDS): the table lists every kind
the management pages read, each marked as management's, and nothing no page reads."""

from __future__ import annotations

import ast
from pathlib import Path

from digled.insight import publications

ROOT = Path(__file__).resolve().parents[2]
READERS = {"shown": 2, "shown_all": 2, "k_of": 1, "least_k": 1}  # publications.<reader>(..., kind, ...)


def _kinds_read(path: Path) -> set[str]:
    """The literal kinds a file passes to publications.shown / shown_all / k_of / least_k."""
    kinds = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in READERS
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "publications"):
            arg = node.args[READERS[node.func.attr]]
            assert isinstance(arg, ast.Constant), f"{path}:{node.lineno}: a kind read must be a literal"
            kinds.add(arg.value)
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
    assert read == {"assessment", "paired", "effect", "participation"}  # the scan finds what the pages read
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
