"""The structure a newcomer reads the model from, and the contracts that keep it (issue 19).

- `ruff check` finds nothing under the rules chosen in ruff.toml.
- `lint-imports` keeps every contract in .importlinter: the domain layers (platform < content <
  accounts < assessment < programme | insight < demo < cli | ui < pages), no streamlit below
  digled.ui, no sqlite in a page.
- No import circle among digled's modules, at any depth (an import inside a function counts).
- An import inside a function only where its line says why (the allow-list below).
- Every domain package says what it owns.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("platform", "content", "accounts", "assessment", "programme", "insight", "ui")

# The imports inside functions that digled keeps, and why (each line also says it where it is).
ALLOWED_INNER_IMPORTS = {
    # ui.session._freeze_startup_objects loads these before the first page needs them
    ("digled/ui/session.py", "pandas"),
    ("digled/ui/session.py", "plotly.graph_objects"),
    ("digled/ui/session.py", "digled.assessment"),
    # a private Streamlit module: a Streamlit without it has no st.login
    ("digled/ui/sso_settings.py", "streamlit.auth_util"),
}


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is not installed: pip install -r requirements-dev.txt"
    return found


def test_ruff_finds_nothing():
    done = subprocess.run([_tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_import_contracts_are_kept():
    done = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 3 kept, 0 broken." in done.stdout


def test_no_import_circle_among_digleds_modules():
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph("digled")
    circles = sorted({tuple(sorted((a, b))) for a in graph.modules for b in graph.find_modules_directly_imported_by(a)
                      if graph.chain_exists(importer=b, imported=a)})
    assert circles == []


def test_imports_inside_functions_only_where_allowed():
    found = set()
    for path in [*(ROOT / "digled").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(fn):
                    if isinstance(node, ast.Import):
                        found |= {(str(path.relative_to(ROOT)), a.name) for a in node.names}
                    elif isinstance(node, ast.ImportFrom):
                        found.add((str(path.relative_to(ROOT)), node.module))
    assert found == ALLOWED_INNER_IMPORTS


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_says_what_it_owns(package):
    doc = ast.get_docstring(ast.parse((ROOT / "digled" / package / "__init__.py").read_text(encoding="utf-8")))
    assert doc and len(doc) > 80


# --- every module has its tests: tests/<package>/test_<module>.py -------------------------------

# Left out for now, each with its reason; remove an entry when its reason is gone.
NO_OWN_TEST_FILE_YET = {
    # no tests of their own yet (issue 19, to write; their behaviour is tested through the pages)
    "digled/ui/autosave.py": "to write in issue 19",
    "digled/ui/development.py": "to write in issue 19",
    "digled/ui/guides.py": "to write in issue 19",
    "digled/ui/login.py": "to write in issue 19",
    "digled/ui/plan_panel.py": "to write in issue 19",
    "digled/ui/router.py": "to write in issue 19",
    "digled/ui/session.py": "to write in issue 19",
    "digled/ui/web.py": "to write in issue 19",
    "digled/ui/wheel_panel.py": "to write in issue 19",
}


def _modules_without_tests() -> list[str]:
    missing = []
    for package in PACKAGES:
        for path in sorted((ROOT / "digled" / package).glob("*.py")):
            module = str(path.relative_to(ROOT))
            if path.name == "__init__.py" or f"digled/{package}" in NO_OWN_TEST_FILE_YET or module in NO_OWN_TEST_FILE_YET:
                continue
            if not (ROOT / "tests" / package / f"test_{path.name}").is_file():
                missing.append(f"{module} -> tests/{package}/test_{path.name}")
    return missing


def test_every_module_has_its_tests():
    assert _modules_without_tests() == []


def test_the_exclusions_name_modules_that_exist_and_still_lack_tests():
    for entry, reason in NO_OWN_TEST_FILE_YET.items():
        path = ROOT / entry
        assert path.exists(), f"{entry} is gone: remove it from NO_OWN_TEST_FILE_YET"
        if path.is_file() and reason.startswith("to write"):
            package = path.parent.name
            assert not (ROOT / "tests" / package / f"test_{path.name}").is_file(), (
                f"{entry} has its tests now: remove it from NO_OWN_TEST_FILE_YET")


@pytest.mark.parametrize("package", [p for p in PACKAGES if p != "ui"])
def test_no_domain_module_holds_thread_state(package):
    """Publications are made by the daily job and explicit presses, never in a thread a reader
    started (issue 19): no domain module imports threading (so none keeps module-level thread
    state such as a lock or a set of running jobs)."""
    users = []
    for path in (ROOT / "digled" / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) else [])
            if any(n and n.split(".")[0] in ("threading", "_thread", "concurrent") for n in names):
                users.append(str(path.relative_to(ROOT)))
    assert users == []
