"""Browser helpers: wait for Streamlit to be idle, log in and out, read the page.

`idle(page)` is the one helper that waits for the app, and it waits on the app's own state, never
for a fixed time. Streamlit marks `[data-testid='stApp']` with `data-test-script-state`, but a
click only *asks* for a script run: the page says `notRunning` until the server's answer arrives,
so a wait for `notRunning` right after a click may end before the run has even begun. `_WATCH`
therefore counts, from the websocket frames, the runs the page asked for (BackMsg `rerun_script`,
and `file_urls_request`, the start of an upload) and the runs the server began (ForwardMsg
`new_session`) and finished (`script_finished`, other than stopped-for-a-rerun), and the time of
the last click, key or change (whose run Streamlit asks for a few milliseconds later); idle
means no input is still waiting for its ask, every run asked for has begun and finished, the
page says `notRunning`, no element is still loading, and all of that held over two painted
frames. Where a test needs a particular thing to
show, it says so with Playwright's retrying `expect(...)`.
"""

from __future__ import annotations

import itertools
from urllib.parse import urlparse

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
CONFIRM_PATH = "/api/digled/confirm"  # digled/ui/web.py: the browser holds the new login cookie
LOGOUT_PATH = "/api/digled/logout"  # digled/ui/web.py: the answer deletes the login cookie
# A run asked for that the server never begins (a fragment's widget clicked just as a full run
# removed the fragment: AppSession.request_rerun drops it) would keep the page busy for ever;
# after this long with no run begun, idle stops counting it.
DROPPED_MS = 10_000

# A click, key or change asks for its run a few milliseconds later (Streamlit's frontend sends the
# BackMsg after the event, measured 10-12 ms on this machine): idle waits for it this long after
# the last input, unless a run was asked for since (an input that asks for no run, such as opening
# an expander, costs this much once).
INPUT_MS = 400

# Field numbers in streamlit/proto: BackMsg.rerun_script = 11, BackMsg.file_urls_request = 16,
# ForwardMsg.new_session = 4, ForwardMsg.script_finished = 6 (2 = FINISHED_EARLY_FOR_RERUN).
_WATCH = r"""
(() => {
  if (window.__digledRuns) return;
  const runs = window.__digledRuns = {asked: 0, askedAt: 0, inputAt: -1, started: 0, answered: 0, dropped: 0, stable: 0, call: null};
  for (const kind of ['click', 'keydown', 'change']) {
    window.addEventListener(kind, () => { runs.inputAt = performance.now(); }, true);
  }
  const bytesOf = (data) => data instanceof ArrayBuffer ? new Uint8Array(data)
    : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
  const fields = (b) => {  // the top-level fields of a protobuf message: number -> varint value (or -1)
    const out = new Map();
    let i = 0;
    const varint = () => { let x = 0, s = 0, c; do { c = b[i++]; x += (c & 0x7f) * 2 ** s; s += 7; } while (c & 0x80 && i < b.length); return x; };
    while (i < b.length) {
      const key = varint(), no = Math.floor(key / 8), type = key % 8;
      if (type === 0) { const v = varint(); if (!out.has(no)) out.set(no, v); }
      else if (type === 2) { const n = varint(); i += n; if (!out.has(no)) out.set(no, -1); }
      else if (type === 1) i += 8;
      else if (type === 5) i += 4;
      else break;
    }
    return out;
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    try {
      if (!this.__digledWatched) {
        this.__digledWatched = true;
        this.addEventListener('message', (event) => {
          const b = bytesOf(event.data);
          if (!b) return;
          const f = fields(b);
          if (f.has(4)) runs.started = runs.asked;
          if (f.has(6) && f.get(6) !== 2) runs.answered = runs.started;
        });
      }
      const b = bytesOf(data);
      if (b) {
        const f = fields(b);
        if (f.has(11) || f.has(16)) { runs.asked += 1; runs.askedAt = performance.now(); }
      }
    } catch (e) { /* never break the app over a count */ }
    return send.call(this, data);
  };
})()
"""

_IDLE = r"""
([call, droppedMs, inputMs]) => {
  if (!window.__digledRuns) WATCH;
  const runs = window.__digledRuns;
  if (runs.call !== call) { runs.call = call; runs.stable = 0; }
  const app = document.querySelector("[data-testid='stApp']");
  let done = runs.answered >= runs.asked;
  if (!done && runs.started < runs.asked && performance.now() - runs.askedAt > droppedMs) {
    runs.dropped += runs.asked - runs.answered;  // never begun: stop waiting for it
    runs.answered = runs.started = runs.asked;
    done = true;
  }
  // Streamlit asks for the run of a click some milliseconds after the click (about 10 ms here,
  // more under load): an input not yet followed by an ask may still be on its way
  const pending = runs.inputAt > runs.askedAt && performance.now() - runs.inputAt < inputMs;
  const ok = done && !pending && !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector("[data-testid='stSkeleton']");
  runs.stable = ok ? runs.stable + 1 : 0;
  return runs.stable >= 2;
}
""".replace("WATCH", _WATCH.strip())

_calls = itertools.count()


def idle(page, timeout: float = 30_000) -> None:
    """Wait until every script run the page asked for has run and the page shows its result
    (see the module text). The first call in a browser context installs the watcher for every
    later page load; in the document already open it counts from then on."""
    context = page.context
    if not getattr(context, "_digled_watch", False):
        context.add_init_script(script=_WATCH)
        context._digled_watch = True
    page.wait_for_function(_IDLE, arg=[next(_calls), DROPPED_MS, INPUT_MS], polling="raf", timeout=timeout)


def open_app(page, url: str) -> None:
    page.goto(url)
    idle(page)


def publish_first_figures(page) -> bool:
    """Press the management pages' explicit step that makes a run's first publication, when the
    page shows it (opening a page publishes nothing: digled/ui/publication.first_step), and wait
    for the publication's picker. True when it was pressed."""
    button = page.locator(".st-key-publish_first button")
    if not button.count():
        return False
    button.click()
    idle(page)
    page.locator(".st-key-publication").wait_for()
    return True


SESSION_COOKIES = ("digled_session", "__Host-digled_session")


def session_cookies(page) -> list[dict]:
    """The browser's login cookies (HttpOnly: only the browser context sees them, no script)."""
    return [c for c in page.context.cookies() if c["name"] in SESSION_COOKIES]


def _to(path: str):
    return lambda r: urlparse(r.url).path == path


def cookie_handover(page):
    """Wrap the action that logs in (`with cookie_handover(page): ...click()`): it ends once the
    browser asked digled to confirm the login (digled/ui/login.py), which it does only after
    the answer that set the HttpOnly session cookie arrived."""
    return page.expect_request(_to(CONFIRM_PATH))


def cookie_cleared(page):
    """Wrap the action after which digled deletes a cookie: it ends once the browser received
    the answer of digled's logout route (Chromium stores the Set-Cookie headers that delete it
    before it reports the response)."""
    return page.expect_response(_to(LOGOUT_PATH))


def login(page, username: str, password: str = "demo", succeed: bool = True) -> None:
    """Log in through the form. With succeed (the default), wait until the browser holds the
    session cookie (see cookie_handover) and the session shows the logout button: the app shows
    a login only once the browser has its cookie, so a reload right after keeps it."""
    from playwright.sync_api import expect

    expect(page.locator(".st-key-login_username input")).to_be_editable()
    page.locator(".st-key-login_username input").fill(username)
    page.locator(".st-key-login_password input").fill(password)
    submit = page.locator("[data-testid='stFormSubmitButton'] button")
    if not succeed:
        submit.click()
        idle(page)
        return
    with cookie_handover(page):
        submit.click()
    idle(page)
    expect(page.locator(".st-key-logout_button")).to_be_visible()
    assert session_cookies(page), "logged in, but no session cookie was set"


def logout(page) -> None:
    page.locator(".st-key-logout_button button").click()
    idle(page)


def body(page) -> str:
    return page.inner_text("[data-testid='stApp']")


def nav(page, label: str) -> None:
    """Open a page from app.py's sidebar menu (page links)."""
    page.locator("[data-testid='stSidebar'] [data-testid='stPageLink']").get_by_text(label, exact=True).click()
    idle(page)


def pick_option(page, widget, label, tap: bool = False) -> None:
    """Choose the (first) option named `label` (a string or a compiled pattern) in a selectbox:
    `widget` is its key or a locator. A click during a rerun's last paint (or while the sidebar
    slides in) may not open the list, and a rerun may redraw the list under the pointer (the
    option detaches): open and choose again, up to four times, each try bounded."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.locator(f".st-key-{widget}") if isinstance(widget, str) else widget
    option = page.get_by_role("option", name=label).first
    for _ in range(4):
        idle(page)
        try:
            box.tap(timeout=5_000) if tap else box.click(timeout=5_000)
            option.wait_for(state="visible", timeout=5_000)
            option.tap(timeout=5_000) if tap else option.click(timeout=5_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            continue
        idle(page)
        return
    raise AssertionError(f"could not choose {label!r} in {widget!r}")


def expect_text(page, text: str, timeout: float = 15_000) -> None:
    """Wait (retrying) until the app shows `text`."""
    from playwright.sync_api import expect

    expect(page.locator("[data-testid='stApp']")).to_contain_text(text, timeout=timeout)


# the parts of "Mit hjul og historik" (pages/my_results.py), in either language
RESULT_PARTS = {
    "wheel": ("Hjul og anbefalinger", "Wheel and recommendations"),
    "plan": ("Vigtighed og plan", "Importance and plan"),
    "purposes": ("Forløbets formål", "The programme purposes"),
    "over time": ("Udvikling over tid", "Over time"),
}


def open_part(page, part: str) -> None:
    """Open a part (tab) of the leader's results page; a page load opens the first."""
    import re

    da, en = RESULT_PARTS[part]
    page.get_by_role("tab", name=re.compile(f"^({re.escape(da)}|{re.escape(en)})$")).click()
    idle(page)


def open_assessment(page, url: str) -> None:
    """The assessment page of the logged-in leader, the draft started if there was none."""
    page.goto(url + "/assessment")
    idle(page)
    if page.locator(".st-key-start_assessment button").count():
        page.locator(".st-key-start_assessment button").click()
        idle(page)
