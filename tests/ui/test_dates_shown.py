"""Dates shown to people go through digled.platform.dates: every date picker of the pages and UI modules
has the user's format (dates.picker_format), and no page shows an ISO date in a message."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "digled" / "ui").glob("*.py")])


def _module_dicts(tree: ast.Module) -> dict[str, set[str]]:
    """Module-level `NAME = {"key": ...}` dicts and their keys (for `**NAME` in a call)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            keys = {k.value for k in node.value.keys if isinstance(k, ast.Constant)}
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = keys
    return found


def pickers_without_format(source: str) -> list[int]:
    """Line numbers of `<anything>.date_input(...)` calls that pass no `format=` (directly or in
    a module-level dict passed as `**NAME`)."""
    tree = ast.parse(source)
    dicts = _module_dicts(tree)
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "date_input":
            names = {k.arg for k in node.keywords if k.arg}
            for k in node.keywords:
                if k.arg is None and isinstance(k.value, ast.Name):
                    names |= dicts.get(k.value.id, set())
            if "format" not in names:
                lines.append(node.lineno)
    return lines


def iso_dates_in_messages(source: str) -> list[int]:
    """Line numbers where `.isoformat()` or `strftime("%Y-...")` fills a shown text: a keyword of
    a `.format(...)` call, or a string concatenated into one."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            values = [k.value for k in node.keywords] + list(node.args)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            values = [node.left, node.right]
        else:
            continue
        for value in values:
            if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Attribute):
                continue
            if value.func.attr == "isoformat" or (
                    value.func.attr == "strftime" and value.args and isinstance(value.args[0], ast.Constant)
                    and "%Y" in str(value.args[0].value)):
                lines.append(value.lineno)
    return sorted(set(lines))


def test_the_scanner_finds_a_picker_without_format():
    src = (
        "import streamlit as st\nLIMITS = {'min_value': 1, 'format': 'DD.MM.YYYY'}\nOTHER = {'min_value': 1}\n"
        "st.date_input('a')\n"
        "st.date_input('b', format=dates.picker_format(lang))\n"
        "col.date_input('c', **LIMITS)\n"
        "col.date_input('d', **OTHER)\n"
    )
    assert pickers_without_format(src) == [4, 7]


def test_the_scanner_finds_an_iso_date_in_a_message():
    src = (
        "st.caption(t('Opens on {date}.').format(date=d.isoformat()))\n"
        "st.markdown('**' + s.strftime('%Y-%m-%d %H:%M') + '**')\n"
        "st.caption(t('Opens on {date}.').format(date=dates.day(d, lang)))\n"
        "st.download_button('x', data, file_name=f'r-{d.isoformat()}.md')\n"
    )
    assert iso_dates_in_messages(src) == [1, 2]


def test_every_date_picker_has_the_users_format():
    missing = [f"{p.relative_to(ROOT)}:{line}" for p in FILES for line in pickers_without_format(p.read_text("utf-8"))]
    assert missing == [], "st.date_input without format=dates.picker_format(lang): " + ", ".join(missing)


def test_no_iso_date_is_shown_in_a_message():
    found = [f"{p.relative_to(ROOT)}:{line}" for p in FILES for line in iso_dates_in_messages(p.read_text("utf-8"))]
    assert found == [], "ISO dates shown (use digled.platform.dates.day / clock): " + ", ".join(found)
