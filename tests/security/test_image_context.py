"""Issue 21, item 6: the container image can carry no database and no secrets. After a local demo
run `data/` holds `digled.db` and `digled.db.secrets.toml`, and the Dockerfile's `COPY data data`
would put both into the image unless `.dockerignore` leaves them out of the build context.

No Docker daemon is needed: `context_files` applies `.dockerignore` with Docker's own rules
(moby's patternmatcher, which `docker build` uses) to a copy of the repository in which a demo
run, the tests and an operator have left what they leave."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# --- Docker's .dockerignore rules (github.com/moby/patternmatcher) -----------------------------


def _regex(pattern: str) -> re.Pattern:
    """A .dockerignore pattern as moby compiles it: `**` any number of directories (also none),
    `*` and `?` within one path element, `\\` escapes, everything else literal."""
    out, i = "^", 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            if pattern[i + 1:i + 2] == "*":
                i += 1
                if pattern[i + 1:i + 2] == "/":
                    i += 1
                out += ".*" if i + 1 >= len(pattern) else "(.*/)?"
            else:
                out += "[^/]*"
        elif ch == "?":
            out += "[^/]"
        elif ch == "\\" and i + 1 < len(pattern):
            i += 1
            out += re.escape(pattern[i])
        elif ch == "[":  # a character class, as in Go's filepath.Match
            end = pattern.index("]", i + 1)
            out += "[" + pattern[i + 1:end].replace("!", "^", 1 if pattern[i + 1] == "!" else 0) + "]"
            i = end
        else:
            out += re.escape(ch)
        i += 1
    return re.compile(out + "$")


def read_dockerignore(path: Path) -> list[tuple[bool, re.Pattern]]:
    """(exclusion?, compiled) for each pattern line, in order (comments and blanks skipped)."""
    rules = []
    if not path.exists():  # no .dockerignore: everything goes
        return rules
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line[1:].strip() if negate else line
        pattern = str(Path("/" + pattern)).lstrip("/") or "."  # filepath.Clean, leading / dropped
        rules.append((negate, _regex(pattern)))
    return rules


def ignored(relative: str, rules) -> bool:
    """moby's MatchesOrParentMatches: the last pattern matching the path or one of its parent
    directories decides."""
    parts = relative.split("/")
    candidates = ["/".join(parts[:i]) for i in range(1, len(parts))] + [relative]
    result = False
    for negate, regex in rules:
        if any(regex.match(c) for c in candidates):
            result = not negate
    return result


def context_files(root: Path) -> set[str]:
    """Every file `docker build root` sends to the daemon (paths relative to root)."""
    rules = read_dockerignore(root / ".dockerignore")
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if (p.is_file() or p.is_symlink()) and not ignored(p.relative_to(root).as_posix(), rules)}


# --- the tests ---------------------------------------------------------------------------------

LEFT_BEHIND = [  # what a demo run, the tests, compose's set-up and an operator leave in a checkout
    "data/digled.db", "data/digled.db-wal", "data/digled.db-shm", "data/digled.db.secrets.toml",
    "data/outbox/20260101-invitation-lea.eml", "data/backups/digled-2026-01-01.db",
    ".streamlit/secrets.toml", "secrets/digled.toml", ".env",
    "test-artifacts/test_login.png", "benchmarks/results/capacity.json",
    ".venv/bin/python", "venv/lib/python3.11/site.py", ".ci/venv/bin/python",
    "digled/__pycache__/db.cpython-311.pyc", ".pytest_cache/v/cache/lastfailed",
    "elsewhere/copy.db", "elsewhere/prod.db.secrets.toml", "outbox/x.eml",
]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """The repository's files (as git knows them, plus .dockerignore) with LEFT_BEHIND added."""
    out = tmp_path_factory.mktemp("checkout")
    tracked = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, tracked):
        source = ROOT / name
        if source.is_file():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, out / name)
    if (ROOT / ".dockerignore").exists():
        shutil.copy2(ROOT / ".dockerignore", out / ".dockerignore")
    for name in LEFT_BEHIND:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(b"SQLite format 3\0" if name.endswith(".db") else b'cookie_key = "x"\n')
    return out


def test_the_build_context_holds_no_database_secret_outbox_or_artifact(checkout):
    context = context_files(checkout)
    leaked = sorted(name for name in LEFT_BEHIND if name in context)
    assert leaked == []
    assert not [n for n in context if re.search(r"\.db($|-)|secrets\.toml$|\.eml$|(^|/)outbox/", n)]


def test_the_build_context_still_holds_everything_the_dockerfile_copies(checkout):
    context = context_files(checkout)
    sources = []
    for line in (checkout / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if line.startswith("COPY "):
            words = [w for w in line.split()[1:] if not w.startswith("--")]
            sources += words[:-1]
    assert sources, "no COPY in the Dockerfile"
    for source in sources:
        if (checkout / source).is_dir():
            expected = {p.relative_to(checkout).as_posix() for p in (checkout / source).rglob("*.py")} | {
                p.relative_to(checkout).as_posix() for p in (checkout / source).rglob("*.yaml")}
            missing = sorted(n for n in expected if n not in context and "/outbox/" not in n)
            assert missing == [], f"COPY {source}: left out of the context: {missing[:5]}"
            assert any(n.startswith(source + "/") for n in context), source
        else:
            assert source in context, f"COPY {source}: not in the build context"
    assert "data/locale/da/LC_MESSAGES/digled.po" in context  # the translations go into the image


@pytest.mark.parametrize("pattern, path, expected", [
    ("*.db", "digled.db", True),
    ("*.db", "data/digled.db", False),  # Docker: without **/ only at the top
    ("**/*.db", "data/digled.db", True),
    ("**/*.db", "digled.db", True),
    ("**/outbox", "data/outbox/a.eml", True),  # a directory leaves out what is below it
    ("secrets", "secrets/digled.toml", True),
    ("secrets", "data/secrets/x", False),
    ("/test-artifacts", "test-artifacts/a.png", True),
    ("data/*.yaml", "data/programme.yaml", True),
    ("data/*.yaml", "data/assessment/x.yaml", False),
])
def test_the_pattern_rules_are_dockers(tmp_path, pattern, path, expected):
    (tmp_path / ".dockerignore").write_text(pattern + "\n")
    assert ignored(path, read_dockerignore(tmp_path / ".dockerignore")) is expected


def test_an_exception_brings_a_file_back(tmp_path):
    (tmp_path / ".dockerignore").write_text("**/*.toml\n!.streamlit/config.toml\n")
    rules = read_dockerignore(tmp_path / ".dockerignore")
    assert not ignored(".streamlit/config.toml", rules) and ignored(".streamlit/secrets.toml", rules)
