"""Every benchmark runs: `benchmarks/run.py --smoke` runs each one in its smallest form and must
print every line, none skipped, none in error (issue 22: a benchmark that could not find its page
printed "skipped" for weeks and nobody saw). Its figures mean nothing; the README's come from full
runs."""

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import run as bench

ROOT = Path(__file__).resolve().parent.parent


def test_a_run_is_complete_only_with_a_measured_line_from_every_benchmark():
    names = ["answer", "publish"]
    measured = ["answer: median 56 ms ... ratio 2.26", "publish: first publication 0.2 s"]
    assert bench.complete(names, measured)
    assert not bench.complete(names, measured[:1]), "a benchmark that printed nothing"
    assert not bench.complete(names, [measured[0], "publish: skipped (page not built yet)"])
    assert not bench.complete(names, [measured[0], "publish: ERROR RuntimeError: no caddy"])
    assert not bench.complete(["concurrent"], ["concurrent: 8 leaders ...; PROBLEMS: lost 2"])


@pytest.mark.e2e
def test_every_benchmark_runs_in_its_smallest_form():
    from tests.e2e.conftest import _require_chromium

    _require_chromium()
    out = subprocess.run([sys.executable, "benchmarks/run.py", "--smoke"], cwd=ROOT, capture_output=True,
                         text=True, timeout=900, check=False)
    lines = out.stdout.splitlines()
    assert "mode: smoke" in lines, out.stdout
    for name in bench.NAMES:
        mine = [line for line in lines if line.startswith(name + ":")]
        assert mine, f"{name} printed no line:\n{out.stdout}\n{out.stderr[-3000:]}"
        assert not any("skipped" in line.lower() or ": ERROR" in line for line in mine), mine
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
