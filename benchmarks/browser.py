"""Timing what a user feels in a real browser: from a click to the app being idle again.

The clock runs inside the page, so Playwright's own round trips are not measured:

- start: the `timeStamp` of the click's release (pointerup, or click when that comes first):
  the moment the browser created the input event;
- ready: the first DOM change after which the app shows the result *and* is idle
  (`[data-testid='stApp'][data-test-script-state='notRunning']`). "Shows the result" is either
  a counter (the first number in an element) reaching an expected value, or the visible text
  of the main area (widgets matching `exclude` left out) differing from before the click;
- settled: the last DOM change before the page stayed still for QUIET_MS (charts drawn,
  stale elements removed), reported alongside.

Both the app and the one-widget baseline page are measured the same way in the same run.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from statistics import median

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
QUIET_MS = 250

_ARM = """
([mode, selector, expected, exclude, quietMs]) => {
  const app = document.querySelector("[data-testid='stApp']");
  const idle = () => app.getAttribute('data-test-script-state') === 'notRunning';
  const counter = () => {
    const el = document.querySelector(selector);
    const m = el ? el.textContent.match(/\\d+/) : null;
    return m ? parseInt(m[0], 10) : null;
  };
  const mainText = () => {
    const root = document.querySelector(selector);
    if (!root) return '';
    return Array.from(root.querySelectorAll("[data-testid='stElementContainer']"))
      .filter(el => !(exclude && (el.closest(exclude) || el.querySelector(exclude))))
      .map(el => el.textContent).join('\\u0001');
  };
  const before = mode === 'text' ? mainText() : null;
  const s = {click: null, ready: null, last: null};
  let quiet = null;
  window.__bench = new Promise((resolve, reject) => {
    const obs = new MutationObserver(() => {
      const now = performance.now();
      if (s.click === null) return;
      if (s.ready === null) {
        if (!idle()) return;
        const shown = mode === 'count' ? counter() === expected : mainText() !== before;
        if (!shown) return;
        s.ready = now;
      }
      s.last = now;
      clearTimeout(quiet);
      quiet = setTimeout(() => { obs.disconnect(); resolve(s); }, quietMs);
    });
    obs.observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
    const release = e => { if (s.click === null) s.click = e.timeStamp; };
    document.addEventListener('pointerup', release, {capture: true});
    document.addEventListener('click', release, {capture: true});
    setTimeout(() => { obs.disconnect(); reject(new Error('no result within 60 s: ' + JSON.stringify(s))); }, 60000);
  });
}
"""


@dataclass(frozen=True)
class Sample:
    ready_ms: float
    settled_ms: float


def idle(page, settle: float = 0.1) -> None:
    page.wait_for_selector(IDLE, timeout=60_000)
    time.sleep(settle)
    page.wait_for_selector(IDLE, timeout=60_000)


def first_number(page, selector: str) -> int:
    match = re.search(r"\d+", page.locator(selector).first.text_content() or "")
    if not match:
        raise RuntimeError(f"no number in {selector}")
    return int(match.group())


def click_until_count(page, target, counter: str) -> Sample:
    """Click `target` and time until the first number in `counter` went up by one, idle."""
    expected = first_number(page, counter) + 1
    page.evaluate(_ARM, ["count", counter, expected, None, QUIET_MS])
    target.click()
    return _result(page)


def click_until_changed(page, target, exclude: str, root: str = "[data-testid='stMainBlockContainer']") -> Sample:
    """Click `target` and time until the main area's text changed (outside `exclude`), idle."""
    page.evaluate(_ARM, ["text", root, None, exclude, QUIET_MS])
    target.click()
    return _result(page)


def _result(page) -> Sample:
    s = page.evaluate("() => window.__bench")
    return Sample(ready_ms=s["ready"] - s["click"], settled_ms=s["last"] - s["click"])


def summary(samples: list[Sample]) -> tuple[float, float]:
    """Median ready and median settled time in ms."""
    return median(s.ready_ms for s in samples), median(s.settled_ms for s in samples)


def rss_mb(pid: int) -> float:
    """Resident memory of a process (VmRSS) in MB."""
    for line in open(f"/proc/{pid}/status", encoding="ascii"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")
