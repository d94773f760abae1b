"""Run a coroutine to completion from a test, even when the test process already has a running
event loop in this thread (Playwright's sync API keeps one while the browser tests' session
fixtures live)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run(coro):
    """asyncio.run(coro) in a thread of its own."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
