"""`streamlit ...` with every script run (full runs and fragment runs) profiled by cProfile.

    python benchmarks/profiled_streamlit.py run app.py [streamlit options]

Used by `benchmarks/run.py --profile`: the statistics of all runs are written, when the
server stops, to the file named by DIGLED_PROFILE_OUT (pstats format), so a benchmark that
misses its target shows what bounds it. The server's main thread (the event loop: websocket
receive, the session's queue, delta serialisation and send) is profiled too, into
DIGLED_PROFILE_OUT + ".main": together the two are every phase of an answer.
"""

from __future__ import annotations

import atexit
import cProfile
import os
import pstats
import signal
import sys
import threading
import time

from streamlit.runtime.scriptrunner import script_runner

_lock = threading.Lock()
_stats: list[pstats.Stats] = []  # one: every run's statistics added as it ends (a merge at exit takes too long)
_original = script_runner.ScriptRunner._run_script


def _profiled(self, *args, **kwargs):
    profile = cProfile.Profile(time.thread_time)  # CPU, not wall: the machine is shared
    profile.enable()
    try:
        return _original(self, *args, **kwargs)
    finally:
        profile.disable()
        with _lock:
            if _stats:
                _stats[0].add(profile)
            else:
                _stats.append(pstats.Stats(profile))


_main_profile = cProfile.Profile(time.thread_time)  # CPU time of the thread: waits on a busy machine are not cost


def _dump() -> None:
    out = os.environ.get("DIGLED_PROFILE_OUT")
    _main_profile.disable()
    if out:
        _main_profile.dump_stats(out + ".main")
    with _lock:
        if not out or not _stats:
            return
        _stats[0].dump_stats(out)


def _stop(signum, frame) -> None:
    """SIGTERM (how the benchmarks stop a server) ends the process without running atexit when
    Streamlit serves an st.App: write the statistics first."""
    _dump()
    os._exit(0)


script_runner.ScriptRunner._run_script = _profiled
atexit.register(_dump)
signal.signal(signal.SIGTERM, _stop)

if __name__ == "__main__":
    from streamlit.web.cli import main

    sys.argv[0] = "streamlit"
    _main_profile.enable()
    sys.exit(main())
