"""Publications: the only figures management ever sees.

A publication is made at fixed moments: the first time (or after migrating an older
database), when an assessment round's window closes, at most once per period while rounds are
open (`publication_period_days`, default 7, never under 1), and on an administrator's explicit
"publish" (at most once a day). Only three doors make one, all through `make`: the daily job
(`python -m digled publish`: `due`, then `make`), an administrator's "Publish now"
(`publish_by_admin`), and a management user's explicit step while a run's first is due
(`publish_first`). Reading never publishes: no page makes one by being opened.

`make` builds the candidate groups of every kind in FIGURE_KINDS (assessment groups per round,
start->end change of leaders who took both, that change by part of the programme taken (effect),
participation counts, the leaders' own overlay), lets anonymity.decide release, hold
or hide each against every earlier publication, and stores:

- `publications`: when, why, by whom, to whom it is shown (the management role), and a summary
  (k per round, counts, roster changes);
- `released_groups`: per group what is shown (status new/held/hidden, n, figures, reason);
- `released_sets`: the released member sets, for the next audit only (never shown, never in an
  administrator's backup);
- `published_importance`: the importance marks of every attempt in a released assessment set,
  frozen the first time it is released (a later edit serves the leader only), so a group's
  importance shares come from its released members' unchanging values.

Management pages and exports read `released_groups` of a chosen publication and nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import sqlite_utils

from digled.accounts import identities, organisation, programme_runs
from digled.assessment import answering
from digled.content import programme
from digled.content.activities import Programme
from digled.content.loader import Framework
from digled.insight import anonymity, assessment_figures, effect, participation
from digled.insight.anonymity import Candidate, Previous, Row
from digled.platform import audit, config
from digled.platform.db import get_setting, set_setting, write
from digled.platform.i18n import N_, MessageError

PERIOD_SETTING = "publication_period_days"
DEFAULT_PERIOD_DAYS = 7
MIN_PERIOD_DAYS = 1
MAX_PERIOD_DAYS = 90
ADMIN_INTERVAL = timedelta(days=1)
KINDS = ("assessment", "paired", "followup", "effect", "participation", "overlay")  # overlay: what leaders may draw on their wheel
TRIGGERS = {
    "first": N_("first publication"),
    "window_closed": N_("a round's answer window closed"),
    "schedule": N_("scheduled"),
    "admin": N_("published by an administrator"),
}


class PublishRefused(MessageError):
    """An administrator's publish came too soon after the previous one: the message says `when`
    the next one may be made (in English UTC; a page shows `next_at` in its own form)."""

    def __init__(self, message: str, next_at: datetime):
        super().__init__(message, when=next_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"))
        self.next_at = next_at


class InvalidPeriod(MessageError):
    """The publication period is not a whole number of days from 1 to 90 (message id)."""


@dataclass(frozen=True)
class Publication:
    id: int
    made_at: datetime
    trigger: str
    actor: str
    summary: dict
    cohort_id: int | None = None


@dataclass
class Shown:
    """What one group of one publication shows."""

    kind: str
    key: tuple
    status: str  # new | held | hidden
    reason: str
    since: int | None
    n: int | None
    figures: str | None  # JSON, parsed by the caller (cohort.Figures / Change, or counts)


@dataclass
class Plan:
    """A publication as computed (stored unless a dry run)."""

    made_at: datetime
    trigger: str
    shown: list[Shown] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    # (kind, group, packed row, what it gave of each figure family as JSON: see _meta)
    sets: list[tuple[str, str, bytes, str | None]] = field(default_factory=list)
    id: int | None = None
    # (assessment id, competence, value): the importance snapshot of released attempts without one
    snapshot: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def releases_nothing(self) -> bool:
        """True when every group stays hidden (or there is none): nothing management could read."""
        return all(s.status == "hidden" for s in self.shown)


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# --- settings and timing ----------------------------------------------------------------------


def period_days(db: sqlite_utils.Database) -> int:
    """Days between scheduled publications while a round is open (the setting, 1..90)."""
    try:
        days = int(json.loads(get_setting(db, PERIOD_SETTING) or "null") or DEFAULT_PERIOD_DAYS)
    except (TypeError, ValueError):
        days = DEFAULT_PERIOD_DAYS
    return min(MAX_PERIOD_DAYS, max(MIN_PERIOD_DAYS, days))


def set_period_days(db: sqlite_utils.Database, days, actor: str) -> None:
    """Store the publication period after checking it is a whole number of days, 1..90."""
    if isinstance(days, bool) or not isinstance(days, int) or not MIN_PERIOD_DAYS <= days <= MAX_PERIOD_DAYS:
        raise InvalidPeriod(N_("The publication period must be a whole number of days from 1 to 90."))
    with write(db):
        set_setting(db, PERIOD_SETTING, json.dumps(days))
        audit.log(db, actor, "set publication period", str(days))


def _publication(row) -> Publication:
    made = datetime.fromisoformat(row[1])
    return Publication(row[0], made if made.tzinfo else made.replace(tzinfo=UTC), row[2], row[3],
                       json.loads(row[4]), row[5])


_COLUMNS = "id, made_at, trigger, actor, summary, cohort_id"
_OF_COHORT = f"cohort_id = COALESCE(?, {programme_runs.RUNNING_ID})"


def latest(db: sqlite_utils.Database, cohort_id: int | None = None) -> Publication | None:
    """The cohort's newest publication (the running cohort's by default), or None before its first."""
    row = db.execute(f"SELECT {_COLUMNS} FROM publications WHERE {_OF_COHORT} ORDER BY id DESC LIMIT 1",
                     [cohort_id]).fetchone()
    return _publication(row) if row else None


def listing(db: sqlite_utils.Database, cohort_id: int | None = None) -> list[Publication]:
    """The cohort's publications (the running cohort's by default), newest first (earlier ones
    stay viewable)."""
    return [_publication(r) for r in db.execute(
        f"SELECT {_COLUMNS} FROM publications WHERE {_OF_COHORT} ORDER BY id DESC", [cohort_id])]


def get(db: sqlite_utils.Database, publication_id: int) -> Publication | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM publications WHERE id = ?", [publication_id]).fetchone()
    return _publication(row) if row else None


def window_closings(db: sqlite_utils.Database, prog: Programme) -> list[datetime]:
    """The moments the assessment rounds' answer windows close (the day after the due date)."""
    dates = programme.schedule(db, prog)
    return sorted(datetime.combine(dates[a.id].due + timedelta(days=1), time(), UTC)
                  for a in prog.activities if a.kind == "assessment")


def due(db: sqlite_utils.Database, prog: Programme, now: datetime | None = None) -> str | None:
    """Why a publication is due now (a TRIGGERS key), or None."""
    now = now or now_utc()
    last = latest(db)
    if last is None:
        tried = get_setting(db, EMPTY_SETTING)
        return None if tried and _after_a_closed_run(db) and tried == _first_signature(db) else "first"
    if any(last.made_at < close <= now for close in window_closings(db, prog)):
        return "window_closed"
    if now - last.made_at >= timedelta(days=period_days(db)):
        return "schedule"
    return None


EMPTY_SETTING = "publication_first_empty"


def _first_signature(db: sqlite_utils.Database) -> str:
    """What a run's first publication could be made from: the running run, its members and
    participation, and the submitted answers. While it equals the signature of a try that released
    nothing, no first publication is due (none is tried again on every management page view)."""
    members = db.execute("SELECT COUNT(*) FROM users WHERE active = 1 AND " + programme_runs.IN_RUNNING).fetchone()[0]
    taken = db.execute("SELECT COUNT(*) FROM participation WHERE user_id IN (SELECT id FROM users WHERE "
                       + programme_runs.IN_RUNNING + ")").fetchone()[0]
    submitted = db.execute("SELECT COUNT(*) FROM assessments WHERE status = 'submitted'").fetchone()[0]
    return json.dumps([programme_runs.running_id(db), members, taken, submitted, organisation.min_group_size(db)])


def _after_a_closed_run(db: sqlite_utils.Database) -> bool:
    """True when the running run was opened by closing another (a new run, not the installation's first)."""
    return db.execute("SELECT 1 FROM cohorts WHERE closed_at IS NOT NULL LIMIT 1").fetchone() is not None


def count(db: sqlite_utils.Database, cohort_id: int | None = None) -> int:
    """How many publications a run has (the running run's by default): the one count the
    administrator's runs page and management's publication picker both read."""
    return db.execute(f"SELECT COUNT(*) FROM publications WHERE {_OF_COHORT}", [cohort_id]).fetchone()[0]


def next_admin_publish(db: sqlite_utils.Database) -> datetime | None:
    """When an administrator may publish next (None: now)."""
    last = latest(db)
    return None if last is None else last.made_at + ADMIN_INTERVAL


# --- making a publication ---------------------------------------------------------------------


def _key(kind: str, grp: tuple) -> tuple:
    return (kind, json.dumps(list(grp)))


def _pack(row: Row) -> bytes:
    return np.array([len(row.plus), *sorted(row.plus), *sorted(row.minus)], dtype=np.uint64).tobytes()


def _unpack(blob: bytes) -> Row:
    arr = np.frombuffer(blob, dtype=np.uint64).tolist()
    n = arr[0]
    return Row(frozenset(arr[1 : 1 + n]), frozenset(arr[1 + n :]))


@dataclass(frozen=True)
class Stored:
    """One released set as stored: its publication, kind, group (JSON), row, and what it gave of
    each figure family (None: released before the figure rules, every family counted exact)."""

    publication: int
    kind: str
    grp: str
    row: Row
    figures: dict | None


def _history(db: sqlite_utils.Database) -> list[Stored]:
    """Every released set of every publication (all runs), oldest first."""
    return [Stored(pid, kind, grp, _unpack(blob), json.loads(figs) if figs else None)
            for pid, kind, grp, blob, figs in db.execute(
                "SELECT publication_id, kind, grp, members, figures FROM released_sets WHERE kind != 'roster' "
                "ORDER BY publication_id")]


def _previous(db: sqlite_utils.Database, stored: list[Stored]) -> tuple[dict[tuple, Previous], dict[tuple, str], dict[tuple, Stored]]:
    """Per group key of the latest publication: its shown row, the figures shown, and the
    stored release the row comes from."""
    by_id = {(s.publication, s.kind, s.grp): s for s in stored}
    last = latest(db)
    prev: dict[tuple, Previous] = {}
    figures: dict[tuple, str] = {}
    origin: dict[tuple, Stored] = {}
    if last is None:
        return prev, figures, origin
    for kind, grp, since, figs in db.execute(
        "SELECT kind, grp, since, figures FROM released_groups WHERE publication_id = ? AND since IS NOT NULL", [last.id]
    ):
        hit = by_id.get((since, kind, grp))
        if hit is not None:
            prev[(kind, grp)] = Previous(hit.row, since)
            figures[(kind, grp)] = figs
            origin[(kind, grp)] = hit
    return prev, figures, origin


def _rank(grp: tuple, size: int) -> tuple:
    """Decide coarse groups first, then larger ones (so the finest, smallest give way)."""
    return (sum(v is not None for v in grp), -size, json.dumps(list(grp)))


def _given(stored: Stored, family_ids: list[str]) -> tuple[set, dict]:
    """The families a stored release gave exactly, and the bounds of those it gave as bands."""
    if stored.figures is None:
        return set(family_ids), {}
    withheld = set(stored.figures.get("withheld", ()))
    bands = {f: tuple(b) for f, b in stored.figures.get("bands", {}).items()}
    return {f for f in family_ids if f not in withheld and f not in bands}, bands


def _figure_gate(kind: str, cands: list[Candidate], outcome: anonymity.Outcome, stored: list[Stored],
                 origin: dict, families: list[anonymity.Family], breakdowns, person, k: int) -> dict:
    """The gate's word on every figure of this kind's new groups (anonymity.decide_figures),
    against every earlier release of the kind and this publication's held ones."""
    ids = [f.id for f in families]
    releases = []
    for s in stored:
        if s.kind == kind:
            exact, bands = _given(s, ids)
            releases.append(anonymity.Release((s.publication, s.grp), s.row, False, (), exact, False, bands))
    for c in cands:
        d = outcome.decisions[c.key]
        if d.status == "new":
            releases.append(anonymity.Release(c.key, d.row, True, c.rank, set(ids)))
        elif d.status == "held" and c.key in origin:
            exact, bands = _given(origin[c.key], ids)
            releases.append(anonymity.Release(c.key, d.row, False, c.rank, exact, True, bands))
    return anonymity.decide_figures(releases, families, breakdowns, person, k)


def _meta(figs: dict, key: tuple, families: list[anonymity.Family]) -> dict:
    """What a new release gives of each family, as stored with its set (released_sets.figures)."""
    mine = {f.id: figs[(key, f.id)] for f in families if (key, f.id) in figs}
    return {"withheld": sorted(f for f, g in mine.items() if g.status == anonymity.WITHHELD),
            "bands": {f: list(g.bounds) for f, g in mine.items() if g.status == anonymity.BAND}}


# --- the figure kinds ---------------------------------------------------------------------------
# A publication holds the groups of every kind in FIGURE_KINDS, decided in the table's order: the
# kinds of one audit together (one universe: the audit sees them all), each against the earlier
# releases of its audit's kinds. A kind's row says how its groups and their members are found, the
# breakdowns the audit checks, the figure families the gate decides, and how a new group's figures
# are computed. The roster (who is in the programme) is stored beside them, never shown.


@dataclass
class _Universe:
    """What a publication is computed from, read once and shared by every figure kind; the
    decisions of the audits made so far (the leaders' own view continues management's)."""

    framework: Framework
    prog: Programme
    values: list[list]  # municipalities, areas, levels
    rounds: tuple[str, ...]  # the rounds with groups: start, end and the follow-ups in use (`_rounds`)
    ks: dict[str, int]  # the k per round
    k_now: int  # participation's k
    coalition: int
    df: object  # assessment_figures.frame: one row per submitted attempt that counts
    pairs: object  # assessment_figures.paired: start->end of leaders who took both
    arrays: assessment_figures.Arrays
    pair_arrays: assessment_figures.Arrays
    followups: object  # assessment_figures.followup_pairs: base->follow-up of leaders who took both
    followup_arrays: assessment_figures.Arrays
    marks: np.ndarray  # importance codes per attempt (assessment_figures.importance_codes)
    snapped: np.ndarray
    respondent_of: dict[int, str]
    people: object  # participation.person_steps with each leader-in-a-state's member id
    places: object  # effect.placed: each pair's group by what its leader took part in
    decisions: dict[tuple, anonymity.Decision] = field(default_factory=dict)
    ranks: dict[tuple, tuple] = field(default_factory=dict)

    @property
    def k_pair(self) -> int:
        return max(self.ks.values())

    @property
    def followup_pairs(self) -> tuple[str, ...]:
        """The follow-up pairs of the rounds in use (none while the follow-ups are not)."""
        return tuple(p for p in assessment_figures.FOLLOWUP_PAIRS if p.split(">")[1] in self.rounds)

    def person(self, member: int):
        """Whose attempt a member is (the audit counts a person once)."""
        return self.respondent_of.get(member, member)


def _rounds(db: sqlite_utils.Database, df) -> tuple[str, ...]:
    """The rounds a publication has groups for: start and end, and each follow-up round while the
    run's follow-up rounds are switched on, or when it has attempts or was released earlier in the
    run (so a release stays audited after the setting is switched off). A run without follow-ups
    stores no follow-up group at all."""
    if answering.followup_enabled(db):
        return assessment_figures.ROUNDS
    taken = set(df["round"].unique().tolist()) if len(df) else set()
    released = {r for r in answering.FOLLOWUP_ROUNDS if db.execute(
        "SELECT 1 FROM released_sets WHERE kind IN ('assessment', 'followup', 'overlay') AND grp LIKE ? AND "
        f"publication_id IN (SELECT id FROM publications WHERE cohort_id = {programme_runs.RUNNING_ID}) LIMIT 1",
        [f'%{r}"%']).fetchone()}  # the group's round ends in the round's name: "followup_3", "end>followup_3"
    return tuple(r for r in assessment_figures.ROUNDS if r not in answering.FOLLOWUP_ROUNDS or r in taken | released)


def _universe(db: sqlite_utils.Database, framework: Framework, org, prog: Programme, settings) -> _Universe:
    df = assessment_figures.frame(db, framework, exclude=identities.uncounted_respondents(db, settings.pseudonym_secret))
    rounds = _rounds(db, df)
    pairs = assessment_figures.paired(df)
    followups = assessment_figures.followup_pairs(df)
    marks, snapped = assessment_figures.importance_codes(db, framework, df["member"].tolist())
    people = participation.person_steps(db)
    return _Universe(
        framework=framework, prog=prog, values=[list(org.municipalities), list(org.areas), list(org.levels)], rounds=rounds,
        ks={r: organisation.round_k(db, r) for r in rounds}, k_now=organisation.min_group_size(db),
        coalition=settings.coalition, df=df, pairs=pairs, arrays=assessment_figures.Arrays.of(df, framework),
        pair_arrays=assessment_figures.Arrays.of(pairs, framework), followups=followups,
        followup_arrays=assessment_figures.Arrays.of(followups, framework), marks=marks, snapped=snapped,
        respondent_of=dict(db.execute("SELECT id, respondent FROM assessments WHERE status = 'submitted'").fetchall()),
        people=people.assign(member=participation.member_ids(people, prog)),
        places=effect.placed(pairs, effect.parts(db, prog, settings.pseudonym_secret), prog),
    )


@dataclass(frozen=True)
class _Group:
    """A group as found: its members, its k, its place in the deciding order, its rows (a mask)."""

    row: Row
    k: int
    rank: tuple
    mask: np.ndarray | None = None
    rest: int | None = None  # members of the group's whole outside it (anonymity.Candidate.rest)


@dataclass(frozen=True)
class FigureKind:
    """One kind of figure a publication holds (a row of FIGURE_KINDS)."""

    kind: str
    audit: str  # the kinds of one audit are decided together, in one universe
    reader: str  # "management" (the management pages) or "leaders" (drawn on a leader's wheel)
    member: str  # what one member is: "attempt" (a submitted assessment) or "leader" (in one state)
    held_from: str  # a held group shows the figures of: "latest" publication, or the latest "own" one of its kind
    groups: Callable[[_Universe], list[tuple]]  # every group of the kind, in deciding order
    members: Callable[[_Universe, tuple], _Group | None]  # how a group's members are found (None: no group now)
    breakdowns: Callable[[_Universe], list[tuple]]  # (parent key, child keys) the audit checks
    families: Callable[[_Universe], list[anonymity.Family]]  # the figure families the gate decides
    gate_k: Callable[[_Universe], int]  # the k the figure gate holds the kind's groups to
    figures: Callable[[_Universe, _Group, int, dict], str]  # a new group's figures (JSON) at k, as released

    def person(self, u: _Universe) -> Callable[[int], object]:
        return u.person if self.member == "attempt" else participation.person_of


def _assessment_groups(u: _Universe) -> list[tuple]:
    return [(rnd, *grp) for rnd in u.rounds for grp in anonymity.lattice(u.values)]


def _assessment_members(u: _Universe, grp: tuple) -> _Group:
    mask = assessment_figures.in_group(u.df, grp[0], grp[1:], u.arrays)
    members = frozenset(u.df["member"].to_numpy()[mask].tolist())
    return _Group(Row(members), u.ks[grp[0]], _rank(grp[1:], len(members)), mask)


def _assessment_breakdowns(u: _Universe) -> list[tuple]:
    return [(_key("assessment", (rnd, *p)), [_key("assessment", (rnd, *c)) for c in ch])
            for rnd in u.rounds for p, ch in anonymity.families(u.values)]


def _assessment_figures(u: _Universe, g: _Group, k: int, released: dict) -> str:
    return assessment_figures.figures(u.df, g.mask, u.framework, k, u.marks, released, u.arrays).to_json()


def _paired_members(u: _Universe, grp: tuple) -> _Group:
    mask = assessment_figures.in_group(u.pairs, "end", grp, u.pair_arrays)
    row = Row(frozenset(u.pairs["member"].to_numpy()[mask].tolist()),
              frozenset(u.pairs["start_member"].to_numpy()[mask].tolist()))
    return _Group(row, u.k_pair, _rank(grp, len(row.plus)), mask)


def _paired_figures(u: _Universe, g: _Group, k: int, released: dict) -> str:
    return assessment_figures.change(u.df, u.pairs, g.mask, u.framework, k, released).to_json()


def _followup_groups(u: _Universe) -> list[tuple]:
    return [(pair, *grp) for pair in u.followup_pairs for grp in anonymity.lattice(u.values)]


def _followup_members(u: _Universe, grp: tuple) -> _Group:
    """A follow-up group: its follow-up attempts (plus) and their base attempts (minus), as a
    start->end group is its end and start attempts."""
    mask = assessment_figures.in_group(u.followups, grp[0], grp[1:], u.followup_arrays)
    row = Row(frozenset(u.followups["member"].to_numpy()[mask].tolist()),
              frozenset(u.followups["start_member"].to_numpy()[mask].tolist()))
    return _Group(row, u.k_pair, _rank(grp[1:], len(row.plus)), mask)


def _followup_breakdowns(u: _Universe) -> list[tuple]:
    return [(_key("followup", (pair, *p)), [_key("followup", (pair, *c)) for c in ch])
            for pair in u.followup_pairs for p, ch in anonymity.families(u.values)]


def _followup_figures(u: _Universe, g: _Group, k: int, released: dict) -> str:
    """The change from the base round to the follow-up, as the gate released each family of the
    pair's base ("pv:<base>:<column>", read as the change's "pv:<column>")."""
    rows = u.followups[g.mask]
    base = rows["round"].iloc[0].split(">")[0] if len(rows) else "start"
    prefix = f"pv:{base}:"
    mine = {"pv:" + f.removeprefix(prefix): fig for f, fig in released.items() if f.startswith(prefix)}
    return assessment_figures.change(u.df, u.followups, g.mask, u.framework, k, mine).to_json()


def _effect_members(u: _Universe, grp: tuple) -> _Group:
    """The pairs (end attempts +, start attempts -) of leaders in one effect group; decided after
    every other group of the audit (an effect group gives way first)."""
    mask = effect.in_group(u.places, grp)
    row = Row(frozenset(u.pairs["member"].to_numpy()[mask].tolist()),
              frozenset(u.pairs["start_member"].to_numpy()[mask].tolist()))
    rest = None if tuple(grp) == effect.ALL else len(mask) - int(mask.sum())
    return _Group(row, u.k_pair, (9, tuple(grp) != effect.ALL, -len(row.plus), json.dumps(list(grp))), mask, rest)


def _effect_figures(u: _Universe, g: _Group, k: int, released: dict) -> str:
    return json.dumps(effect.figures(u.df, u.pairs, g.mask, u.framework, k, _group_key(u, g), released))


def _group_key(u: _Universe, g: _Group) -> tuple:
    return tuple(json.loads(g.rank[-1]))


def _overlay_groups(u: _Universe) -> list[tuple]:
    """The cohort means a leader may draw on her wheel: all, her area, her level, per round."""
    return [grp for rnd in u.rounds
            for grp in [(rnd, None, None, None), *((rnd, None, a, None) for a in u.values[1]),
                        *((rnd, None, None, lv) for lv in u.values[2])]]


def _overlay_members(u: _Universe, grp: tuple) -> _Group | None:
    """The members management's group was shown with (none when not shown: nor to leaders), at
    k + c: a leader is inside the sets she sees, and c colleagues may share their own wheels."""
    shown = _key("assessment", grp)
    d = u.decisions.get(shown)
    if d is None or d.row is None:
        return None
    return _Group(d.row, u.ks[grp[0]] + u.coalition, u.ranks[shown])


def _overlay_breakdowns(u: _Universe) -> list[tuple]:
    out = []
    for rnd in u.rounds:
        parent = _key("overlay", (rnd, None, None, None))
        out.append((parent, [_key("overlay", (rnd, None, a, None)) for a in u.values[1]]))
        out.append((parent, [_key("overlay", (rnd, None, None, lv)) for lv in u.values[2]]))
    return out


def _overlay_families(u: _Universe) -> list[anonymity.Family]:
    return [f for f in assessment_figures.assessment_families(u.df, None, u.framework)
            if f.id.startswith(("v:total", "v:c:", "v:a:"))]


def _overlay_figures(u: _Universe, g: _Group, k: int, released: dict) -> str:
    """Rounded as shown."""
    mask = np.isin(u.df["member"].to_numpy(), np.fromiter(g.row.plus, dtype=np.int64, count=len(g.row.plus)))
    return assessment_figures.overlay_figures(
        assessment_figures.figures(u.df, mask, u.framework, k, None, released, u.arrays)).to_json()


def _participation_members(u: _Universe, grp: tuple) -> _Group:
    mask = participation.in_group(u.people, grp)
    members = frozenset(u.people["member"].to_numpy()[mask].tolist())
    return _Group(Row(members), u.k_now, _rank(grp, len(members)), mask)


def _participation_figures(u: _Universe, g: _Group, k: int, released: dict) -> str:
    return json.dumps(participation.counts(u.people, g.mask, u.prog, released))


def _breakdowns_of(kind: str, values: Callable[[_Universe], list[list]]) -> Callable[[_Universe], list[tuple]]:
    """Each group of `kind` over `values` with its children one value finer."""
    return lambda u: [(_key(kind, p), [_key(kind, c) for c in ch]) for p, ch in anonymity.families(values(u))]


def _places(u: _Universe) -> list[list]:
    return u.values[:2]  # municipalities and areas: participation has no level


FIGURE_KINDS: tuple[FigureKind, ...] = (
    # assessment groups per round, and the start->end change of leaders who took both: one audit
    FigureKind(
        kind="assessment", audit="assessment", reader="management", member="attempt", held_from="latest",
        groups=_assessment_groups, members=_assessment_members, breakdowns=_assessment_breakdowns,
        families=lambda u: assessment_figures.assessment_families(u.df, u.marks, u.framework),
        gate_k=lambda u: u.k_pair, figures=_assessment_figures),
    FigureKind(
        kind="paired", audit="assessment", reader="management", member="attempt", held_from="latest",
        groups=lambda u: anonymity.lattice(u.values), members=_paired_members,
        breakdowns=_breakdowns_of("paired", lambda u: u.values),
        families=lambda u: assessment_figures.paired_families(u.df, u.pairs, u.framework),
        gate_k=lambda u: u.k_pair, figures=_paired_figures),
    # did the change hold: base (start or end) -> follow-up of the leaders who took both, audited
    # with the rounds and the start->end change (a follow-up attempt is a member like any other)
    FigureKind(
        kind="followup", audit="assessment", reader="management", member="attempt", held_from="latest",
        groups=_followup_groups, members=_followup_members, breakdowns=_followup_breakdowns,
        families=lambda u: assessment_figures.followup_families(u.df, u.followups, u.framework),
        gate_k=lambda u: u.k_pair, figures=_followup_figures),


    # the start->end change of leaders grouped by what they took part in (effect.py)
    FigureKind(
        kind="effect", audit="assessment", reader="management", member="attempt", held_from="latest",
        groups=lambda u: effect.groups(), members=_effect_members,
        breakdowns=lambda u: [(_key("effect", p), [_key("effect", c) for c in ch]) for p, ch in effect.breakdowns()],
        families=lambda u: effect.families(u.df, u.pairs, u.framework),
        gate_k=lambda u: u.k_pair, figures=_effect_figures),
    # the leaders' own view: management's shown groups a leader may draw on her wheel, at k + c
    FigureKind(
        kind="overlay", audit="overlay", reader="leaders", member="attempt", held_from="own",
        groups=_overlay_groups, members=_overlay_members, breakdowns=_overlay_breakdowns,
        families=_overlay_families, gate_k=lambda u: u.k_pair + u.coalition, figures=_overlay_figures),
    # participation: counts of leaders (a member is a leader in one state)
    FigureKind(
        kind="participation", audit="participation", reader="management", member="leader", held_from="latest",
        groups=lambda u: anonymity.lattice(_places(u)), members=_participation_members,
        breakdowns=_breakdowns_of("participation", _places),
        families=lambda u: participation.families(u.people, u.prog),
        gate_k=lambda u: u.k_now, figures=_participation_figures),
)


def _audits() -> list[list[FigureKind]]:
    """FIGURE_KINDS cut into its audits, in the table's order."""
    out: list[list[FigureKind]] = []
    for fk in FIGURE_KINDS:
        if out and out[-1][0].audit == fk.audit:
            out[-1].append(fk)
        else:
            out.append([fk])
    return out


def _decide(out: Plan, u: _Universe, kinds: list[FigureKind], db: sqlite_utils.Database, stored: list[Stored],
            run_stored: list[Stored], latest_releases: tuple, history: list) -> anonymity.Outcome:
    """Decide one audit's groups against the earlier releases of its kinds (`stored`: every
    run's), gate the figures of every new group against this run's (`run_stored`), and add them
    to the plan (kind by kind, in the table's order)."""
    names = {fk.kind for fk in kinds}
    found: dict[tuple, _Group] = {}
    cands: list[Candidate] = []
    for fk in kinds:
        for grp in fk.groups(u):
            g = fk.members(u, grp)
            if g is not None:
                key = _key(fk.kind, grp)
                found[key] = g
                cands.append(Candidate(key, fk.kind, g.row, g.k, g.rank, g.rest))
    if kinds[0].held_from == "own":
        latest_releases = _latest_releases_of_kind(db, stored, kinds[0].kind)
    previous, prev_figures, origin = latest_releases
    breakdowns = {fk.kind: fk.breakdowns(u) for fk in kinds}
    person = kinds[0].person(u)
    outcome = anonymity.decide(cands, previous, [h for h in history if h[0] in names],
                               [b for fk in kinds for b in breakdowns[fk.kind]], person)
    for fk in kinds:
        mine = [c for c in cands if c.kind == fk.kind]
        families = fk.families(u)
        figs = _figure_gate(fk.kind, mine, outcome, run_stored, origin, families, breakdowns[fk.kind],
                            person, fk.gate_k(u))

        def compute(kind, key, k, fk=fk, figs=figs, families=families):
            return fk.figures(u, found[key], k, {f.id: figs[(key, f.id)] for f in families if (key, f.id) in figs})

        _collect(out, mine, outcome, prev_figures, compute,
                 lambda key, kind, figs=figs, families=families: _meta(figs, key, families))
    u.decisions.update(outcome.decisions)
    u.ranks.update({c.key: c.rank for c in cands})
    return outcome


def plan(db: sqlite_utils.Database, framework: Framework, org, prog: Programme, trigger: str,
         now: datetime | None = None, settings=None) -> Plan:
    """Compute a publication (nothing stored): every group of every kind (FIGURE_KINDS), decided
    against every earlier publication, and every figure of every new group (the gate:
    anonymity.py). `settings` (config.Settings, loaded when not given) brings the pseudonym
    secret (whose leaders do not count yet: identities.py) and the leaders' coalition c."""
    if settings is None:
        settings = config.load_settings()
    now = now or now_utc()
    stored = _history(db)
    history = list(dict.fromkeys((s.kind, s.row) for s in stored))
    # The figure gate judges this run's figures against this run's earlier releases. Another
    # run's releases are over its own members, whose families (marks, values, steps) this
    # universe (the running run's frame and roster) does not hold: judged here, they counted as
    # members without any, and a new run's importance shares and funnel counts were withheld
    # (found when the demo got its earlier run). Every run's rows stay in the set audit
    # (rules 3a-3c), and an attempt belongs to one run only.
    this_run = {pid for (pid,) in db.execute(f"SELECT id FROM publications WHERE cohort_id = {programme_runs.RUNNING_ID}")}
    run_stored = [s for s in stored if s.publication in this_run]
    latest_releases = _previous(db, stored)
    u = _universe(db, framework, org, prog, settings)
    out = Plan(made_at=now, trigger=trigger)
    audit_rounds = 0
    for kinds in _audits():
        outcome = _decide(out, u, kinds, db, stored, run_stored, latest_releases, history)
        if kinds[0].reader == "management":
            audit_rounds += outcome.audit_rounds
    out.snapshot = _snapshot(u.df, u.marks, u.snapped, framework, history, out.sets)
    out.summary = _summary(db, out, u, now, audit_rounds)
    return out


def _summary(db: sqlite_utils.Database, out: Plan, u: _Universe, now: datetime, audit_rounds: int) -> dict:
    """The publication's summary, and the roster stored beside its sets (to tell management how
    many joined or left since the previous publication)."""
    roster = frozenset(int(i) for i in u.people["id"].tolist())
    old = db.execute(
        "SELECT members FROM released_sets WHERE kind = 'roster' AND publication_id IN "
        f"(SELECT id FROM publications WHERE cohort_id = {programme_runs.RUNNING_ID}) "
        "ORDER BY publication_id DESC LIMIT 1"
    ).fetchone()
    old_roster = _unpack(old[0]).plus if old else None
    out.sets.append(("roster", "[]", _pack(Row(roster)), None))
    counts = {kind: {s: 0 for s in ("new", "held", "hidden")} for kind in KINDS}
    for s in out.shown:
        if s.kind in counts:
            counts[s.kind][s.status] += 1
    last = latest(db)
    return {
        "k": {**u.ks, "participation": u.k_now, "coalition": u.coalition},
        "counts": counts,
        "roster": {"n": len(roster), "added": None if old_roster is None else len(roster - old_roster),
                   "removed": None if old_roster is None else len(old_roster - roster)},
        # identities counted in figures since the previous publication (identities.py)
        "identities": {"new": identities.counted_between(db, last.made_at.isoformat() if last else None,
                                                         now.isoformat())},
        "audit_rounds": audit_rounds,
    }


def _latest_releases_of_kind(db, stored: list[Stored], kind: str) -> tuple[dict, dict, dict]:
    """As _previous, but from the latest publication that holds the kind."""
    previous, figures, origin = {}, {}, {}
    for key, (prev, figs, hit) in _latest_of_kind(db, stored, kind).items():
        previous[key], figures[key], origin[key] = prev, figs, hit
    return previous, figures, origin


def _latest_of_kind(db, stored: list[Stored], kind: str) -> dict:
    """Per group key of one kind: (Previous, figures, Stored) of its latest shown release."""
    by_id = {(s.publication, s.kind, s.grp): s for s in stored}
    out = {}
    for grp, since, figs in db.execute(
        "SELECT grp, since, figures FROM released_groups WHERE kind = ? AND since IS NOT NULL AND publication_id = "
        "(SELECT MAX(publication_id) FROM released_groups WHERE kind = ?)", [kind, kind]
    ):
        hit = by_id.get((since, kind, grp))
        if hit is not None:
            out[(kind, grp)] = (Previous(hit.row, since), figs, hit)
    return out


def _snapshot(df, marks, snapped, framework: Framework, history, new_sets) -> list[tuple[int, str, str]]:
    """The importance rows to freeze: every attempt in a released assessment set (earlier or in
    this publication) that has no snapshot yet gets the marks its figures were computed from."""
    released: set[int] = set()
    for kind, row in history:
        if kind == "assessment":
            released |= row.plus
    for kind, _, blob, _ in new_sets:
        if kind == "assessment":
            released |= _unpack(blob).plus
    ids = [c.id for c in framework.competences]
    rows = []
    for i, m in enumerate(df["member"].tolist()):
        if not snapped[i] and int(m) in released:
            # only the given marks (a missing one reads as unanswered); an attempt without any
            # gets one marker row, so it counts as frozen (a 300,000-attempt cohort without
            # marks writes 300,000 rows, not 4.8 million)
            given = [(int(m), cid, assessment_figures.IMPORTANCE[code])
                     for cid, code in zip(ids, marks[i].tolist()) if code != assessment_figures.UNANSWERED]
            rows += given or [(int(m), "", "unanswered")]
    return rows


def _collect(out: Plan, cands: list[Candidate], outcome: anonymity.Outcome, prev_figures: dict,
             compute: Callable[[str, tuple, int], str], meta: Callable[[tuple, str], dict]) -> None:
    """Each candidate's shown row: a new release with its figures (computed now) and its set
    with what it gave of each figure family (`meta`), a held one with the earlier figures."""
    for c in cands:
        d = outcome.decisions[c.key]
        kind, grp = c.key
        figs, n = None, None
        if d.status == "new":
            figs = compute(kind, c.key, c.k)
            out.sets.append((kind, grp, _pack(d.row), json.dumps(meta(c.key, kind))))
        elif d.status == "held":
            figs = prev_figures.get(c.key)
        if figs is not None:
            n = json.loads(figs).get("n")
        out.shown.append(Shown(kind, tuple(json.loads(grp)), d.status, d.reason, d.since, n, figs))


def make(db: sqlite_utils.Database, framework: Framework, org, prog: Programme, trigger: str,
         actor: str = "", now: datetime | None = None, dry_run: bool = False, settings=None) -> Plan:
    """Compute and (unless a dry run) store a publication; returns the plan with its id. A new
    run's first publication that releases nothing (`Plan.releases_nothing`; a run opened by
    closing another) is not stored: its id stays None. `settings`: as for `plan`."""
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown trigger {trigger!r}")
    for _ in range(5):  # another process may publish meanwhile: decide again against it
        before = latest(db)
        result = plan(db, framework, org, prog, trigger, now, settings)
        if dry_run:
            return result
        with write(db):
            now_latest = latest(db)
            if (now_latest and now_latest.id) != (before and before.id):
                if trigger != "admin":  # a due publication was made by someone else: that one counts
                    return Plan(made_at=now_latest.made_at, trigger=now_latest.trigger, summary=now_latest.summary, id=now_latest.id)
                continue
            if now_latest is None and result.releases_nothing and _after_a_closed_run(db):
                # a new run's first publication with every group hidden is no publication: nothing
                # is stored (management reads "no figures yet") until the run has something to show
                set_setting(db, EMPTY_SETTING, _first_signature(db))
                return result
            return _store(db, result, trigger, actor)
    raise RuntimeError("publications kept changing while a new one was being decided")


def _store(db: sqlite_utils.Database, result: Plan, trigger: str, actor: str) -> Plan:
    """Store a decided publication (inside the caller's write transaction)."""
    cur = db.execute(
        f"INSERT INTO publications (made_at, trigger, actor, summary, cohort_id) VALUES (?, ?, ?, ?, {programme_runs.RUNNING_ID})",
        [result.made_at.isoformat(), trigger, actor, json.dumps(result.summary)],
    )
    pid = cur.lastrowid
    db.conn.executemany(
        "INSERT INTO released_groups (publication_id, kind, grp, status, reason, since, n, figures) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(pid, s.kind, json.dumps(list(s.key)), s.status, s.reason, pid if s.status == "new" else s.since, s.n, s.figures)
         for s in result.shown],
    )
    db.conn.executemany(
        "INSERT INTO released_sets (publication_id, kind, grp, members, figures) VALUES (?, ?, ?, ?, ?)",
        [(pid, kind, grp, blob, figs) for kind, grp, blob, figs in result.sets],
    )
    # frozen from now on: later edits of these attempts' marks serve the leader only
    db.conn.executemany(
        "INSERT OR IGNORE INTO published_importance (assessment_id, competence, value) "
        "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM assessments WHERE id = ?)",
        [(aid, cid, v, aid) for aid, cid, v in result.snapshot],
    )
    if actor:
        audit.log(db, actor, "publish", str(pid))
    result.id = pid
    for s in result.shown:
        if s.status == "new":
            s.since = pid
    return result


def publish_if_due(db: sqlite_utils.Database, framework: Framework, org, prog: Programme,
                   now: datetime | None = None, settings=None) -> Plan | None:
    """Make a publication when one is due (first, window closed, or period passed): the daily job's
    door (`python -m digled publish`). None when none is due."""
    reason = due(db, prog, now)
    return make(db, framework, org, prog, reason, now=now, settings=settings) if reason else None


def publish_first(db: sqlite_utils.Database, framework: Framework, org, prog: Programme, actor: str,
                  now: datetime | None = None, settings=None) -> Plan | None:
    """A run's first publication on a management user's explicit step (the management pages offer
    it while the first is due): through `make`, the same gate as every publication, audited with
    `actor`. None when the first is not due (one exists, or a new run's try released nothing and
    nothing changed since); a new run's first that would hide every group is not stored (id None)."""
    if due(db, prog, now) != "first":
        return None
    return make(db, framework, org, prog, "first", actor=actor, now=now, settings=settings)


def publish_by_admin(db: sqlite_utils.Database, framework: Framework, org, prog: Programme, actor: str,
                     now: datetime | None = None, settings=None) -> Plan:
    """An administrator's explicit publication, at most once a day (PublishRefused)."""
    now = now or now_utc()
    nxt = next_admin_publish(db)
    if nxt is not None and now < nxt:
        raise PublishRefused(N_("A publication was made less than a day ago. The next one can be made from {when}."), nxt)
    return make(db, framework, org, prog, "admin", actor=actor, now=now, settings=settings)


# --- reading ------------------------------------------------------------------------------------


def shown(db: sqlite_utils.Database, publication_id: int, kind: str, key: tuple) -> Shown | None:
    """One group of one publication."""
    row = db.execute(
        "SELECT status, reason, since, n, figures FROM released_groups WHERE publication_id = ? AND kind = ? AND grp = ?",
        [publication_id, kind, json.dumps(list(key))],
    ).fetchone()
    return Shown(kind, tuple(key), *row) if row else None


def shown_all(db: sqlite_utils.Database, publication_id: int, kind: str) -> list[Shown]:
    """Every group of one kind in one publication."""
    return [
        Shown(kind, tuple(json.loads(grp)), status, reason, since, n, figs)
        for grp, status, reason, since, n, figs in db.execute(
            "SELECT grp, status, reason, since, n, figures FROM released_groups WHERE publication_id = ? AND kind = ? ORDER BY rowid",
            [publication_id, kind],
        )
    ]


def export_rows(db: sqlite_utils.Database, publication_id: int) -> list[dict]:
    """Every assessment group of a publication as export rows (cohort.EXPORT_COLUMNS)."""
    rows: list[dict] = []
    for s in shown_all(db, publication_id, "assessment"):
        rnd, mun, area, level = s.key
        base = {"publication": publication_id, "round": rnd, "municipality": mun or "", "area": area or "",
                "level": level or "", "status": s.status}
        rows += assessment_figures.figure_rows(base, assessment_figures.Figures.from_json(s.figures))
    return rows


def k_of(summary: dict, kind: str, key: tuple = ()) -> int:
    """The k a publication used for a group: its round's for an assessment group, the larger
    of start's and end's for a start->end change (paired, effect), that plus the coalition c for the leaders'
    own view (overlay), participation's for counts of leaders."""
    ks, default = summary.get("k", {}), anonymity.DEFAULT_K
    if kind == "assessment":
        return ks.get(key[0], default)
    if kind == "overlay":  # what leaders see: at k + c (the coalition)
        return max(ks.get("start", default), ks.get("end", default)) + ks.get("coalition", 1)
    if kind in ("paired", "effect"):
        return max(ks.get("start", default), ks.get("end", default))
    if kind == "followup":  # a base round and a follow-up: the largest k of the rounds
        return max([ks.get(r, default) for r in assessment_figures.ROUNDS])
    return ks.get("participation", default)


def least_k(summary: dict, kind: str) -> int:
    """The smallest k any group of `kind` was released at in a publication: the number a page
    may promise ("at least 5 leaders"), never overstated (each round keeps its own k)."""
    if kind == "assessment":
        return min(k_of(summary, kind, (r,)) for r in ("start", "end", *(f for f in assessment_figures.ROUNDS if f in summary.get("k", {}))))
    return k_of(summary, kind)


def report(result: Plan) -> list[str]:
    """Plain lines for the CLI: what was released, held back and why."""
    lines = []
    for s in result.shown:
        k = k_of(result.summary, s.kind, s.key)
        label = " / ".join(str(v) if v is not None else "*" for v in s.key)
        why = anonymity.reasons(s.kind).get(s.reason, s.reason).format(k=k)
        n = "" if s.n is None else f" n={s.n}"
        lines.append(f"{s.kind:13} {label:40} {s.status:6}{n}" + (f"  ({why})" if s.reason else ""))
    return lines


def at_date(day: date) -> datetime:
    """Midnight UTC of a day (for tests and the CLI's --now)."""
    return datetime.combine(day, time(), UTC)


__all__ = ["Publication", "Plan", "Shown", "make", "plan", "latest", "listing", "shown", "shown_all", "due",
           "publish_if_due", "publish_first", "publish_by_admin", "export_rows", "report", "period_days", "set_period_days"]
