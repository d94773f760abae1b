"""Simulated leaders as real Streamlit sessions: a load generator speaking Streamlit's own
protocol (BackMsg / ForwardMsg protobufs over the websocket), loopback only.

Each simulated leader does what a browser does for a leader at a kick-off:

1. opens the app (a websocket to /_stcore/stream and a script run),
2. logs in through digled's login form, and hands the session cookie over exactly as the
   browser's script would (POST the one-time ticket to /api/digled/session, then confirm),
3. opens the assessment, starts it and answers the questions one by one at a human pace
   (think time, default 3-8 s), pressing "Next" at the end of each step.

For every answer it times the script run it caused: from the BackMsg sent to the ForwardMsg
`script_finished`. Afterwards `lost_answers` compares every answer the app confirmed with the
database. `run` reports per N: p50/p95/p99, errors, lost answers, server RSS and CPU.

    python benchmarks/sessions.py --sessions 20 --seconds 30      # against a fresh demo server
    python benchmarks/sessions.py --sessions 40 --seconds 45 --think 1,2 --floor   # and then the floor app
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sqlite3
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402

PASSWORD = "load-test-password"
TICKET = re.compile(r'data-ticket="([^"]+)"')  # digled/ui/scripts.py: the handover script's data
RUN_TIMEOUT = 60.0


class SessionError(Exception):
    """A simulated leader could not go on (the app showed an error, or did not answer)."""


@dataclass
class Widget:
    kind: str  # the element type: radio, button, text_input, ...
    id: str
    element: object
    fragment: str = ""  # the st.fragment holding it: changing it reruns only that fragment
    path: tuple[int, ...] = ()  # where it sits: its delta path (one number per container, then its place)


@dataclass
class Run:
    """What one script run showed."""

    seconds: float
    widgets: dict[str, Widget]  # by user key
    texts: list[str]
    errors: list[str]
    scripts: list[str]  # bodies of st.html elements
    fragment_only: bool = False  # a fragment's run: the other widgets were not sent again
    fragments: set[str] = field(default_factory=set)  # the fragments that drew in this run
    starts: int = 1  # script runs begun for it (a callback's st.rerun ends one early and begins another)
    drawn: list[str] = field(default_factory=list)  # the element types the run sent, in order


def user_key(widget_id: str) -> str:
    """`$$ID-<hash>-<key>` -> key (Streamlit's id of a keyed widget)."""
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 else widget_id


class Client:
    """One browser tab: a websocket session and the cookies of the site."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.cookies: dict[str, str] = {}
        self.ws = None
        self.values: dict[str, WidgetState] = {}  # widget id -> its current state
        self.page_hash = ""
        self.last: Run | None = None

    async def connect(self) -> None:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        self.ws = await websockets.connect(
            self.base_url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
            origin=self.base_url, additional_headers=headers, max_size=None, open_timeout=RUN_TIMEOUT,
        )
        self._keep_cookies(self.ws.response.headers.get_all("Set-Cookie"))  # e.g. the proxy's sticky cookie

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value:
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def run(self, page_name: str | None = None, set_values: dict[str, WidgetState] | None = None,
                  trigger: str | None = None, fragment: str = "") -> Run:
        """One rerun: the current widget states (with `set_values` changed and the button
        `trigger` pressed), then read until the script run finished. With `fragment` (the
        changed widget's st.fragment), only that fragment reruns, as in a browser."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = ""
        if page_name is not None:
            state.page_name = page_name
        else:
            state.page_script_hash = self.page_hash
        if fragment:
            state.fragment_id = fragment
        values = dict(self.values)
        values.update(set_values or {})
        for _wid, ws in values.items():
            state.widget_states.widgets.add().CopyFrom(ws)
        if trigger is not None:
            state.widget_states.widgets.add().CopyFrom(WidgetState(id=trigger, trigger_value=True))
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        run = await self._read(started)
        if run.fragment_only and self.last is not None:  # the rest of the page stays as it was
            # (the fragments that reran are not always the changed widget's: a callback may
            # name others, as digled's Next names the step's)
            kept = {k: w for k, w in self.last.widgets.items() if w.fragment not in run.fragments}
            run.widgets = {**kept, **run.widgets}
        self.values = {wid: ws for wid, ws in values.items() if wid in {w.id for w in run.widgets.values()}}
        self.last = run
        return run

    async def _read(self, started: float) -> Run:
        widgets: dict[str, Widget] = {}
        texts: list[str] = []
        errors: list[str] = []
        scripts: list[str] = []
        fragments: set[str] = set()
        starts = 0
        drawn: list[str] = []
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), RUN_TIMEOUT)
            f = ForwardMsg()
            f.ParseFromString(raw)
            kind = f.WhichOneof("type")
            if kind == "new_session":  # sent as each script run begins
                starts += 1
            elif kind == "navigation":
                self.page_hash = f.navigation.page_script_hash
            elif kind == "delta" and f.delta.WhichOneof("type") != "new_element":
                fragments.add(f.delta.fragment_id)
            elif kind == "delta":
                fragment = f.delta.fragment_id
                fragments.add(fragment)
                element = f.delta.new_element
                etype = element.WhichOneof("type")
                el = getattr(element, etype)
                drawn.append(etype)
                if etype == "exception":
                    errors.append(el.message or el.type)
                elif etype == "alert" and element.alert.format == element.alert.ERROR:
                    errors.append(el.body)
                elif etype == "html":
                    scripts.append(el.body)
                    await self._hand_over(el.body)
                elif etype in ("markdown", "heading"):
                    texts.append(el.body)
                wid = getattr(el, "id", "")
                if wid.startswith("$$ID-"):
                    widgets[user_key(wid)] = Widget(etype, wid, el, fragment, tuple(f.metadata.delta_path))
            elif kind == "script_finished":
                if f.script_finished in (f.FINISHED_SUCCESSFULLY, f.FINISHED_WITH_COMPILE_ERROR,
                                         f.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                    seconds = time.perf_counter() - started
                    if f.script_finished == f.FINISHED_WITH_COMPILE_ERROR:
                        errors.append("compile error")
                    return Run(seconds, widgets, texts, errors, scripts,
                               fragment_only=f.script_finished == f.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
                               fragments=fragments - {""}, starts=starts, drawn=drawn)
                # FINISHED_EARLY_FOR_RERUN (st.rerun in a callback or page): the next run follows

    async def _hand_over(self, body: str) -> None:
        """Do what the login page's script asks the browser: POST the ticket to digled's route
        (which sets the HttpOnly cookie), then POST the confirmation with that cookie."""
        found = TICKET.search(body)
        if 'data-path="/api/digled/session"' not in body or not found:
            return
        await asyncio.to_thread(self._post, "/api/digled/session", {"ticket": found.group(1)})
        await asyncio.to_thread(self._post, "/api/digled/confirm", {})

    def _post(self, path: str, payload: dict) -> None:
        request = urllib.request.Request(
            self.base_url + path, data=json.dumps(payload).encode(), method="POST",
            headers={"Content-Type": "application/json", "X-Digled-Handover": "1", "Origin": self.base_url,
                     "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
        )
        with urllib.request.urlopen(request, timeout=RUN_TIMEOUT) as response:
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])

    def widget(self, key: str) -> Widget:
        if self.last is None or key not in self.last.widgets:
            shown = sorted(self.last.widgets) if self.last else []
            raise SessionError(f"no widget {key!r} on the page (shown: {shown[:12]})")
        return self.last.widgets[key]

    def form_submitter(self, form: str) -> Widget:
        for key, w in (self.last.widgets if self.last else {}).items():
            if key.startswith(f"FormSubmitter:{form}-"):
                return w
        raise SessionError(f"no submit button of form {form!r}")


@dataclass
class Leader:
    """One simulated leader's account, timings and confirmed answers."""

    username: str
    answer_seconds: list[float] = field(default_factory=list)
    answered_at: list[float] = field(default_factory=list)  # time.monotonic() when each answer's run finished
    ready_at: float | None = None  # logged in with the questions open (or done): from here on it only answers
    confirmed: dict[tuple[int, str], int] = field(default_factory=dict)  # (draft id, item) -> option index
    errors: list[str] = field(default_factory=list)
    reconnects: int = 0  # the websocket dropped (its server process died) and the leader came back
    upstream: str = ""  # behind the proxy: its sticky cookie at login (which app process the leader reached)


async def log_in(client: Client, leader: Leader) -> None:
    await client.connect()
    await client.run(page_name="")
    submit = client.form_submitter("login")
    values = {
        client.widget("login_username").id: WidgetState(id=client.widget("login_username").id,
                                                        string_value=leader.username),
        client.widget("login_password").id: WidgetState(id=client.widget("login_password").id,
                                                        string_value=PASSWORD),
    }
    run = await client.run(set_values=values, trigger=submit.id)
    if "logout_button" not in run.widgets:
        raise SessionError(f"{leader.username}: not logged in ({run.errors or run.texts[:3]})")
    leader.upstream = client.cookies.get(UPSTREAM_COOKIE, "")


QUESTION = re.compile(r"^q-(\d+)-(.+)$")
UPSTREAM_COOKIE = "digled_upstream"  # deploy/Caddyfile: `lb_policy cookie digled_upstream`


async def open_assessment(client: Client) -> Run:
    """Open the assessment page and start it unless a draft is open: the run showing its step."""
    run = await client.run(page_name="assessment")
    if "start_assessment" in run.widgets:
        run = await client.run(trigger=run.widgets["start_assessment"].id)
    return run


async def answer(client: Client, leader: Leader, rng: random.Random, think: tuple[float, float],
                 deadline: float) -> None:
    """Open the assessment, start it and answer until the deadline, at a human pace."""
    run = await open_assessment(client)
    leader.ready_at = leader.ready_at or time.monotonic()
    while time.monotonic() < deadline:
        questions = [(k, w) for k, w in run.widgets.items() if QUESTION.match(k) and w.kind == "radio"]
        open_ = [(k, w) for k, w in questions if w.id not in client.values and not w.element.HasField("default")]
        if not open_:
            if "step_next" not in run.widgets:
                return  # the last step: this leader has answered everything
            await asyncio.sleep(rng.uniform(*think) / 2)
            run = await client.run(trigger=run.widgets["step_next"].id, fragment=run.widgets["step_next"].fragment)
            continue
        key, w = open_[0]
        await asyncio.sleep(rng.uniform(*think))
        if time.monotonic() >= deadline:
            return
        index = rng.randrange(len(w.element.options))
        run = await client.run(set_values={w.id: WidgetState(id=w.id, string_value=w.element.options[index])},
                               fragment=w.fragment)
        leader.answer_seconds.append(run.seconds)
        leader.answered_at.append(time.monotonic())
        if run.errors:
            leader.errors.extend(run.errors)
            continue
        draft, item = QUESTION.match(key).groups()
        leader.confirmed[(int(draft), item)] = index  # the option's position: see lost_answers


async def come_back(client: Client, leader: Leader) -> None:
    """What the browser does when its websocket dropped: connect again (the proxy sends it to a
    live process) with the site's cookies, and find the leader still logged in."""
    await client.close()
    client.values, client.page_hash = {}, ""
    await client.connect()
    run = await client.run(page_name="")
    if "logout_button" not in run.widgets:
        raise SessionError(f"{leader.username}: logged out after the reconnect ({run.errors or run.texts[:3]})")


async def leader_session(base_url: str, leader: Leader, seed: int, think: tuple[float, float],
                         start_delay: float, deadline: float, reconnect: bool = False) -> None:
    """One leader: log in, then answer until the deadline. With `reconnect`, a dropped websocket
    (its server process died) is not an error: the leader comes back, as a browser does, up to
    three times."""
    rng = random.Random(seed)
    client = Client(base_url)
    await asyncio.sleep(start_delay)
    try:
        await log_in(client, leader)
        while True:
            try:
                await answer(client, leader, rng, think, deadline)
                return
            except (OSError, websockets.ConnectionClosed):
                if not reconnect or leader.reconnects >= 3 or time.monotonic() >= deadline:
                    raise
            leader.reconnects += 1
            await asyncio.sleep(rng.uniform(0.5, 1.5))  # Streamlit's client waits a moment, too
            await come_back(client, leader)
    except (TimeoutError, SessionError, OSError, websockets.WebSocketException) as e:
        leader.errors.append(f"{type(e).__name__}: {e}")
    finally:
        await client.close()


FLOOR_KEY = "floor_answer"  # benchmarks/floor_app.py


async def floor_session(base_url: str, leader: Leader, seed: int, think: tuple[float, float],
                        start_delay: float, deadline: float, reconnect: bool = False) -> None:
    """One visitor of the floor app (benchmarks/floor_app.py): open it, then change its one
    radio at the same pace as a leader answers (each change is an answer its callback saves)."""
    rng = random.Random(seed)
    client = Client(base_url)
    await asyncio.sleep(start_delay)
    try:
        await client.connect()
        run = await client.run(page_name="")
        leader.ready_at = time.monotonic()
        index = -1
        while time.monotonic() < deadline:
            w = run.widgets.get(FLOOR_KEY) or client.widget(FLOOR_KEY)
            await asyncio.sleep(rng.uniform(*think))
            if time.monotonic() >= deadline:
                return
            index = (index + 1 + rng.randrange(len(w.element.options) - 1)) % len(w.element.options)
            run = await client.run(set_values={w.id: WidgetState(id=w.id, string_value=w.element.options[index])},
                                   fragment=w.fragment)
            leader.answer_seconds.append(run.seconds)
            leader.answered_at.append(time.monotonic())
            if run.errors:
                leader.errors.extend(run.errors)
                continue
            leader.confirmed[(0, str(len(leader.confirmed)))] = index
    except (TimeoutError, SessionError, OSError, websockets.WebSocketException) as e:
        leader.errors.append(f"{type(e).__name__}: {e}")
    finally:
        await client.close()


def floor_lost(db_path: Path, leaders: list[Leader]) -> int:
    """Answers the floor app confirmed that its table does not hold."""
    confirmed = sum(len(leader.confirmed) for leader in leaders)
    con = sqlite3.connect(db_path)
    try:
        stored = con.execute("SELECT COUNT(*) FROM answers").fetchone()[0] if confirmed else 0
    finally:
        con.close()
    return max(0, confirmed - stored)


async def warm_up(base_url: str) -> None:
    """One visit to the front page."""
    client = Client(base_url)
    await client.connect()
    await client.run(page_name="")
    await client.close()


def create_leaders(db_path: Path, count: int, prefix: str = "load") -> list[Leader]:
    """`count` leader accounts (load001...) with one known password, in the server's database."""
    from digled.accounts import auth
    from digled.platform import db

    database = db.connect(db_path)
    try:
        password_hash = auth.hash_password(PASSWORD, rounds=10)
        leaders = []
        for i in range(1, count + 1):
            username = f"{prefix}{i:03d}"
            if auth.get_user(database, username) is None:
                auth.create_user(database, username=username, name=f"Load Leader {i}", email=f"{username}@example.org",
                                 municipality="albertslund", area="skole", level="mellemleder",
                                 password_hash=password_hash, activated_at="2026-01-01")
            leaders.append(Leader(username))
        return leaders
    finally:
        database.close()


def lost_answers(db_path: Path, leaders: list[Leader]) -> int:
    """Answers the app confirmed (its script run finished without error) that the database does
    not hold. The radio's option index maps to the stored value through the item's scale."""
    from digled.content import loader

    fw = loader.framework()
    options = {}
    for item in fw.items:
        options[item.id] = [v for v, _ in fw.scales[item.dimension]] + [0]
    for purpose in fw.purposes:
        options[purpose.id] = [v for v, _ in fw.scales["purpose"]] + [0]
    con = sqlite3.connect(db_path)
    try:
        lost = 0
        for leader in leaders:
            for (draft, item), index in leader.confirmed.items():
                row = con.execute("SELECT value FROM answers WHERE assessment_id = ? AND item = ?", [draft, item]).fetchone()
                if row is None or row[0] != options[item][index]:
                    lost += 1
        return lost
    finally:
        con.close()


def process_usage(pid: int) -> tuple[float, float]:
    """(RSS in MB, CPU seconds used so far) of a process, from /proc; (0, 0) once it is gone."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            rss_pages = int(f.read().split()[1])
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0, 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    return rss_pages * os.sysconf("SC_PAGE_SIZE") / 2**20, cpu


@dataclass
class Report:
    sessions: int
    seconds: float
    answers: int
    p50: float | None
    p95: float | None
    p99: float | None
    errors: int
    lost: int
    rss_mb: float
    cpu_share: float  # server CPU seconds per wall second (2.0 = both cores busy)
    first_errors: list[str]
    reconnects: int = 0
    # confirmed answers by the proxy's sticky cookie at login (one value per app process; "" without a proxy)
    answers_by_upstream: dict[str, int] = field(default_factory=dict)
    # the steady state: from every leader logged in with the questions open to the deadline
    steady_cpu_s: float = 0.0
    steady_answers: int = 0

    @property
    def steady_cpu_ms_per_answer(self) -> float | None:
        """Server CPU time per answer once everyone is in (no logins; the page changes of
        "Next" included): what one more answer costs the server."""
        return self.steady_cpu_s * 1000 / self.steady_answers if self.steady_answers else None

    @property
    def cpu_ms_per_answer(self) -> float | None:
        """Server CPU time per answer (logins and page changes included)."""
        return self.cpu_share * self.seconds * 1000 / self.answers if self.answers else None

    def line(self) -> str:
        ms = lambda v: "-" if v is None else f"{v * 1000:.0f} ms"  # noqa: E731
        return (f"N={self.sessions}: {self.answers} answers in {self.seconds:.0f} s, p50 {ms(self.p50)}, "
                f"p95 {ms(self.p95)}, p99 {ms(self.p99)}, errors {self.errors}, lost {self.lost}, "
                f"server RSS {self.rss_mb:.0f} MB, CPU {self.cpu_share:.2f} cores"
                + (f", server CPU per answer {self.steady_cpu_ms_per_answer:.1f} ms"
                   if self.steady_cpu_ms_per_answer else "")
                + (f", reconnects {self.reconnects}" if self.reconnects else ""))


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _run_async(coro):
    """asyncio.run in a thread of its own: the caller may already run an event loop in this
    thread (Playwright's sync API does, while browser tests run in the same process)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def run(base_url: str, db_path: Path, server_pids: list[int], sessions: int, seconds: float,
        think: tuple[float, float] = (3.0, 8.0), ramp: float | None = None, seed: int = 1,
        reconnect: bool = False, prefix: str = "load", floor: bool = False) -> Report:
    """N simulated leaders against a running server for `seconds` (they start spread over
    `ramp` seconds, default a quarter of the run), then the report. `reconnect`: see
    `leader_session`. `floor`: the server runs benchmarks/floor_app.py (no login, one radio)."""
    _run_async(warm_up(base_url))  # the app creates (and fills) its database at its first run
    if floor:
        leaders = [Leader(f"floor{i:03d}") for i in range(1, sessions + 1)]
    else:
        leaders = create_leaders(db_path, sessions, prefix)
    one_session = floor_session if floor else leader_session
    ramp = seconds / 4 if ramp is None else ramp
    before = [process_usage(p) for p in server_pids]
    started = time.monotonic()
    deadline = started + seconds

    async def all_leaders():
        await asyncio.gather(*(
            one_session(base_url, leader, seed * 1000 + i, think, ramp * i / max(1, sessions), deadline, reconnect)
            for i, leader in enumerate(leaders)
        ))

    steady: dict[str, object] = {}

    async def sample_steady():  # the server's CPU once every leader is in (logged in, questions open), and at the deadline
        await asyncio.sleep(max(0.0, started + ramp - time.monotonic()))
        while time.monotonic() < deadline - 1.0 and any(leader.ready_at is None and not leader.errors for leader in leaders):
            await asyncio.sleep(0.1)
        steady["from"], steady["cpu_from"] = time.monotonic(), sum(process_usage(p)[1] for p in server_pids)
        await asyncio.sleep(max(0.0, deadline - time.monotonic()))
        steady["to"], steady["cpu_to"] = time.monotonic(), sum(process_usage(p)[1] for p in server_pids)

    async def measured():
        await asyncio.gather(all_leaders(), sample_steady())

    _run_async(measured())
    wall = time.monotonic() - started
    after = [process_usage(p) for p in server_pids]
    in_window = sum(1 for leader in leaders for at in leader.answered_at if steady["from"] <= at <= steady["to"])
    times = [s for leader in leaders for s in leader.answer_seconds]
    errors = [e for leader in leaders for e in leader.errors]
    return Report(
        sessions=sessions, seconds=wall, answers=len(times),
        p50=_quantile(times, 0.5), p95=_quantile(times, 0.95), p99=_quantile(times, 0.99),
        errors=len(errors), lost=(floor_lost if floor else lost_answers)(db_path, leaders),
        rss_mb=sum(a[0] for a in after), cpu_share=sum(max(0.0, a[1] - b[1]) for a, b in zip(after, before)) / wall,
        first_errors=errors[:5], reconnects=sum(leader.reconnects for leader in leaders),
        answers_by_upstream=dict(Counter(leader.upstream for leader in leaders for _ in leader.confirmed)),
        steady_cpu_s=max(0.0, steady["cpu_to"] - steady["cpu_from"]), steady_answers=in_window,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--think", default="3,8", help="think time range in seconds, e.g. 3,8")
    parser.add_argument("--floor", action="store_true",
                        help="then the same load against Streamlit's floor (benchmarks/floor_app.py), and the ratio")
    args = parser.parse_args()
    low, high = (float(x) for x in args.think.split(","))
    mine = _one_server("app.py", args.sessions, args.seconds, (low, high), floor=False)
    if not args.floor:
        return 0 if mine.errors == 0 and mine.lost == 0 else 1
    floor = _one_server("benchmarks/floor_app.py", args.sessions, args.seconds, (low, high), floor=True)
    if mine.steady_cpu_ms_per_answer and floor.steady_cpu_ms_per_answer:
        print(f"digled over the floor: server CPU per answer "
              f"{mine.steady_cpu_ms_per_answer / floor.steady_cpu_ms_per_answer:.2f}")
    return 0 if mine.errors + floor.errors == 0 and mine.lost + floor.lost == 0 else 1


def _one_server(script: str, sessions: int, seconds: float, think: tuple[float, float], floor: bool) -> Report:
    """A fresh server for `script`, N sessions against it, its report printed."""
    from tests.servers import Server

    server = Server(Path(tempfile.mkdtemp(prefix="digled-load-")), script=script).start()
    try:
        report = run(server.url, server.db_path, [server.proc.pid], sessions, seconds, think, floor=floor)
    finally:
        server.stop()
    print(("floor " if floor else "digled ") + report.line())
    for e in report.first_errors:
        print("  error:", e)
    return report


if __name__ == "__main__":
    sys.exit(main())
