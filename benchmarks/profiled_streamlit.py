"""`streamlit ...` with every script run (full runs and fragment runs) profiled by cProfile.

    python benchmarks/profiled_streamlit.py run app.py [streamlit options]

Used by `benchmarks/run.py --profile`: the statistics of all runs are written, when the
server stops, to the file named by DIGLED_PROFILE_OUT (pstats format), so a benchmark that
misses its target shows what bounds it.
"""

from __future__ import annotations

import atexit
import cProfile
import os
import pstats
import sys
import threading

from streamlit.runtime.scriptrunner import script_runner

_lock = threading.Lock()
_stats: list[pstats.Stats] = []
_original = script_runner.ScriptRunner._run_script


def _profiled(self, *args, **kwargs):
    profile = cProfile.Profile()
    profile.enable()
    try:
        return _original(self, *args, **kwargs)
    finally:
        profile.disable()
        with _lock:
            _stats.append(pstats.Stats(profile))


def _dump() -> None:
    out = os.environ.get("DIGLED_PROFILE_OUT")
    with _lock:
        if not out or not _stats:
            return
        total = _stats[0]
        for s in _stats[1:]:
            total.add(s)
        total.dump_stats(out)


script_runner.ScriptRunner._run_script = _profiled
atexit.register(_dump)

if __name__ == "__main__":
    from streamlit.web.cli import main

    sys.argv[0] = "streamlit"
    sys.exit(main())
