"""Anonymity: what management may ever learn, decided in one place.

The promise to every leader is "besvarelsen er anonym". This module holds the whole model;
publications.py applies it to the database and stores the result, and management pages and
exports read nothing but those stored publications.

**The attacker.** A management user reads every publication over the weeks, holds the org
chart, knows who answered when, and can ask the administrator for routine changes (a new k,
a leader moved or deactivated). With a group's mean and its n shown, every group *sum* is
known, so what can be learned is any linear combination of released sums over all
publications. A *member* is one released unit: a submitted start or end attempt (a retake is
a new member), a start->end pair, or a leader's programme state at one moment (a step taken
makes a new member). Members carry the *person* they belong to; sizes count persons.

**The rules** (every new publication, before anything is stored or shown):

1. *Pseudonyms*: an assessment row holds `pseudonyms.of_user(secret, user id)`, never a user id.
2. *Minimum group size k*, never below MIN_K; for an assessment round k is frozen once the
   round has answers (organisation.round_k).
3. (a) *Pairwise*: for any two released member sets A and B of the same kind, over every
   filter, round and publication, `|A \\ B|` is 0 or at least k (k as it is now). Covers
   nesting, growth over time, k changes, roster moves, retakes and swaps in submission order.
   (b) *Breakdowns*: in every breakdown (a parent split by one dimension) the parent's
   members outside all shown children are 0 or at least k (a parent minus two visible
   children isolates a hidden third, which (a) misses).
   (c) *The audit*: over the incidence matrix of every released row of every publication
   (rows: released sets, signed for start->end changes; columns: members), members with
   identical columns collapse into classes; no class, and no pair of classes, holding fewer
   than k persons may have its indicator (for a pair: the sum or the difference, since one
   person's start->end change is a difference) in the row space. The test is a projection onto the
   row space (SVD): a class's indicator lies in it when its leverage is 1; a tolerance of
   1e-6 errs on the side of withholding.
   (d) *Rest*: a group chosen by what its members did (effect.py: the parts of the programme
   taken) is released only with at least k members of its whole outside it: its size would
   otherwise tell that everyone, or all but fewer than k, did it.
   A group whose new set fails keeps the set (and figures) of its previous publication, which
   passed when it was made, or stays hidden; the page says which and why.
4. *No individual traces*: means and shares only; quartiles only for groups of at least 4k;
   no band shares when all, or all but fewer than k, members fall in one band; a mean is blank
   when the members without a value (all "don't know") are between 1 and k-1. No minimum,
   maximum, free text or rows. Extra-round attempts are private to the leader.
5. Earlier publications stay readable, so withholding now never undoes a release: every rule
   above is checked against all of them (publications.py keeps them).

The server operator holds the database and the secret and could always link a pseudonym to a
person; that is said plainly on the privacy page. Administrators and management cannot: see
the README's anonymity section for the in-app routes closed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import product

import numpy as np
from scipy.optimize import linprog

from digled.platform.i18n import N_

DEFAULT_K = 5
MIN_K = 3
TOLERANCE = 1e-6

# why a group is not (newly) released: message ids, translated where shown
REASONS = {
    "small": N_("fewer than {k} answers"),
    "difference": N_("the new answers would differ from figures already published by fewer than {k}"),
    "overlap": N_("it would differ from another group shown by fewer than {k}"),
    "breakdown": N_("shown together with the other groups it would isolate fewer than {k}"),
    "audit": N_("combined with earlier publications it would isolate fewer than {k}"),
    "values": N_("too few answers with a value"),
    "rest": N_("fewer than {k} leaders are outside the group, so its size would tell who took part"),
}


PARTICIPATION_REASONS = {
    "small": N_("fewer than {k} leaders"),
    "difference": N_("the counts would differ from counts already published by fewer than {k} leaders"),
}


def reasons(kind: str) -> dict[str, str]:
    """The reason message ids for a kind of figure (participation counts leaders)."""
    return {**REASONS, **(PARTICIPATION_REASONS if kind == "participation" else {})}



def valid_k(value) -> int:
    """The minimum group size from a setting: an integer >= MIN_K, else DEFAULT_K."""
    try:
        k = int(value)
    except (TypeError, ValueError):
        return DEFAULT_K
    return k if k >= MIN_K else DEFAULT_K


# A group key is a tuple of dimension values; None means "all" in that dimension.
GroupKey = tuple


def lattice(values: Sequence[Sequence[Hashable]]) -> list[GroupKey]:
    """Every group key over the dimensions: each dimension either None (all) or one value."""
    return list(product(*[[None, *vals] for vals in values]))


def families(values: Sequence[Sequence[Hashable]]) -> Iterable[tuple[GroupKey, list[GroupKey]]]:
    """Every breakdown: (parent, its children) for a parent split by one dimension it does
    not fix."""
    for parent in lattice(values):
        for d, vals in enumerate(values):
            if parent[d] is None:
                yield parent, [parent[:d] + (v,) + parent[d + 1 :] for v in vals]


# --- the release decision ----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A released (or candidate) set: `plus` members count +1, `minus` members -1 (a
    start->end change is end minus start). `support` is what the pairwise rule compares."""

    plus: frozenset
    minus: frozenset = frozenset()

    @property
    def support(self) -> frozenset:
        return self.plus


@dataclass(frozen=True)
class Candidate:
    """A group as it stands now: its key, kind (pairwise rule compares within a kind), row,
    minimum group size, and rank (lower is decided first: coarse and large groups first).
    `rest`: for a group chosen by what its members did (effect.py), how many members of its
    whole are outside it; under k (none included) the group's size would tell that everyone,
    or all but fewer than k, did it, so it is hidden (reason "rest")."""

    key: Hashable
    kind: str
    row: Row
    k: int
    rank: tuple = ()
    rest: int | None = None


@dataclass(frozen=True)
class Previous:
    """A group's set in the latest earlier publication that showed it, and that publication."""

    row: Row
    since: int


@dataclass
class Decision:
    """What a new publication shows for a group: `new` (row released now), `held` (the
    previous publication's row and figures), or `hidden`; reason is a REASONS key."""

    key: Hashable
    status: str
    row: Row | None = None
    since: int | None = None
    reason: str = ""


@dataclass
class Outcome:
    decisions: dict = field(default_factory=dict)
    audit_rounds: int = 0


def _bad(d: int, k: int) -> bool:
    return 0 < d < k


def _fallback(key, prev: Previous | None, reason: str) -> Decision:
    if prev is not None:
        return Decision(key, "held", prev.row, prev.since, reason)
    return Decision(key, "hidden", None, None, reason)


def decide(
    candidates: Sequence[Candidate],
    previous: dict[Hashable, Previous],
    history: Sequence[tuple[str, Row]],
    families_: Sequence[tuple[Hashable, Sequence[Hashable]]],
    person: Callable[[Hashable], Hashable],
) -> Outcome:
    """Decide every candidate group (rules 3a-3c) against `history`, every (kind, row) ever
    released. `previous` maps a group key to its last shown row; `person(member)` names the
    person a member belongs to (for class sizes); a candidate holds at most one member per
    person. Pure: nothing is read or written."""
    bits = _BitIndex()
    hist = [(kind, bits.of(row.support)) for kind, row in history]
    out = Outcome()
    accepted: list[tuple[str, int]] = []  # (kind, support bitset) released by this decision
    for c in sorted(candidates, key=lambda c: c.rank):
        prev = previous.get(c.key)
        support = c.row.support
        if prev is not None and prev.row == c.row:
            out.decisions[c.key] = Decision(c.key, "held", prev.row, prev.since, "")
            continue
        if len(support) < c.k:
            out.decisions[c.key] = _fallback(c.key, prev, "small")
            continue
        if c.rest is not None and c.rest < c.k:
            out.decisions[c.key] = _fallback(c.key, prev, "rest")
            continue
        s = bits.of(support)

        def clash(sets, s=s, c=c) -> bool:  # called at once, in this turn of the loop
            return any(kind == c.kind and (_bad((s & ~x).bit_count(), c.k) or _bad((x & ~s).bit_count(), c.k))
                       for kind, x in sets)

        if clash(hist):
            out.decisions[c.key] = _fallback(c.key, prev, "difference")
            continue
        if clash(accepted):
            out.decisions[c.key] = _fallback(c.key, prev, "overlap")
            continue
        out.decisions[c.key] = Decision(c.key, "new", c.row, None, "")
        accepted.append((c.kind, s))
    by_key = {c.key: c for c in candidates}
    _breakdowns(out, by_key, previous, families_, bits)
    while True:  # an audit withdrawal shows a group's earlier row again, which a breakdown may not take
        _audit(out, by_key, previous, history, person)
        if not _breakdowns(out, by_key, previous, families_, bits):
            return out


def _withdraw(out: Outcome, c: Candidate, previous, reason: str) -> None:
    out.decisions[c.key] = _fallback(c.key, previous.get(c.key), reason)


def _breakdowns(out: Outcome, by_key, previous, families_, bits: _BitIndex) -> bool:
    """Rule 3b: withdraw new releases until every breakdown's residual is 0 or >= k; True when
    it withdrew any."""
    changed, withdrew = True, False
    while changed:
        changed = False
        for parent, children in families_:
            dp = out.decisions.get(parent)
            if dp is None or dp.row is None:
                continue
            shown = [out.decisions[ch] for ch in children if ch in out.decisions and out.decisions[ch].row is not None]
            covered = 0
            for d in shown:
                covered |= bits.of(d.row.support)
            residual = (bits.of(dp.row.support) & ~covered).bit_count()
            k = by_key[parent].k
            if not _bad(residual, k):
                continue
            new = [d for d in (*shown, dp) if d.status == "new"]
            if not new:
                continue  # all as already published: nothing to withdraw
            victim = max(new, key=lambda d: by_key[d.key].rank)
            _withdraw(out, by_key[victim.key], previous, "breakdown")
            changed = withdrew = True
    return withdrew


def _audit(out: Outcome, by_key, previous, history, person) -> None:
    """Rule 3c: withdraw new releases until no small class or pair is in the row space. For
    each exposing combination (found by least squares over the rows) the lowest-ranked new
    release taking part in it is withdrawn; members are classed once, each round only merges
    classes (a withdrawn row can only make classes coarser)."""
    k = max((c.k for c in by_key.values()), default=DEFAULT_K)
    before = [row for _, row in history]
    released_before = set(before)
    rows = list(dict.fromkeys(before + [d.row for d in out.decisions.values() if d.row is not None]))
    if not rows:
        return
    classes = _Classes(rows, person)
    while True:
        out.audit_rounds += 1
        shown = {d.row for d in out.decisions.values() if d.row is not None} | released_before
        keep = np.array([row in shown for row in rows])
        matrix, persons, _ = classes.view(keep)
        exposures = _exposures(matrix, persons, k)
        if not exposures:
            return
        kept_rows = [row for row in rows if row in shown]
        new = [d for d in out.decisions.values() if d.status == "new" and d.row not in released_before]
        if not new:  # cannot happen when history passed; never loop forever
            return
        targets = np.zeros((matrix.shape[1], len(exposures)))
        for j, exposure in enumerate(exposures):
            for c, coef in exposure.items():
                targets[c, j] = coef
        weights = np.linalg.pinv(matrix.T) @ targets  # rows x exposures: the combinations
        # a row shown by several groups (the effect view's whole cohort is the start->end
        # total's row) goes only with all of them: it ranks as its coarsest group
        row_rank: dict[Row, tuple] = {}
        for d in new:
            rank = by_key[d.key].rank
            row_rank[d.row] = min(row_rank.get(d.row, rank), rank)
        victims = {}
        for j in range(len(exposures)):
            involved = {kept_rows[i] for i in np.nonzero(np.abs(weights[:, j]) > TOLERANCE)[0]}
            row = max({d.row for d in new if d.row in involved} or {d.row for d in new}, key=row_rank.get)
            victims.update({d.key: d for d in new if d.row == row})
        for victim in victims.values():
            _withdraw(out, by_key[victim.key], previous, "audit")


def _as_array(members: frozenset) -> np.ndarray | None:
    """A member set as an int64 array (None when the members are not all integers)."""
    try:
        return np.fromiter(members, dtype=np.int64, count=len(members))
    except (TypeError, ValueError, OverflowError):
        return None


class _Classes:
    """Released rows over member classes: members with identical columns collapse into one
    class; `matrix` is rows x classes, `persons[c]` the persons in class c. Integer members
    (attempt and state ids) are handled as arrays: a class signature is a random weighted sum
    of the rows a member is in (with sign), so classes are the members with equal sums."""

    def __init__(self, rows: Sequence[Row], person: Callable[[Hashable], Hashable]):
        weights = np.random.default_rng(12345).integers(1, 2**61, size=len(rows), dtype=np.uint64)
        arrays = [(_as_array(r.plus), _as_array(r.minus)) for r in rows]
        self.ids = None  # integer members: the sorted ids, and each one's class (`cls`)
        if rows and all(p is not None and m is not None for p, m in arrays):
            universe = np.unique(np.concatenate([a for pair in arrays for a in pair] + [np.zeros(0, np.int64)]))
            self.ids = universe
            members = universe.tolist()
            signature = np.zeros(len(universe), dtype=np.uint64)
            for w, (p, m) in zip(weights, arrays):
                signature[np.searchsorted(universe, p)] += w
                signature[np.searchsorted(universe, m)] -= w
        else:
            pool = set().union(*(r.plus | r.minus for r in rows)) if rows else set()
            try:
                members = sorted(pool)
            except TypeError:
                members = sorted(pool, key=repr)
            index = {m: i for i, m in enumerate(members)}
            signature = np.zeros(len(members), dtype=np.uint64)
            for w, r in zip(weights, rows):
                if r.plus:
                    signature[[index[m] for m in r.plus]] += w
                if r.minus:
                    signature[[index[m] for m in r.minus]] -= w
        sigs, cls = np.unique(signature, return_inverse=True)
        cls = self.cls = np.ravel(cls)
        rep = np.zeros(len(sigs), dtype=np.int64)
        rep[cls] = np.arange(len(members))
        rep_member = [members[i] for i in rep]
        self.matrix = np.array([[1.0 if m in r.plus else -1.0 if m in r.minus else 0.0 for m in rep_member] for r in rows])
        order = np.argsort(cls, kind="stable")
        bounds = np.searchsorted(cls[order], np.arange(len(sigs) + 1))
        self.members: list[list] = [[members[i] for i in order[bounds[c]:bounds[c + 1]]] for c in range(len(sigs))]
        self.persons = [frozenset(map(person, ms)) for ms in self.members]

    def view(self, keep: np.ndarray) -> tuple[np.ndarray, list[frozenset], list[list[int]]]:
        """The kept rows over the classes they induce (classes with identical columns merge):
        (matrix, persons per class, the classes of this object each merged class holds)."""
        matrix = self.matrix[keep]
        if matrix.size == 0:
            return matrix.reshape(0, 0), [], []
        columns, inverse = np.unique(matrix, axis=1, return_inverse=True)
        groups: list[list[int]] = [[] for _ in range(columns.shape[1])]
        for fine, c in enumerate(np.ravel(inverse)):
            groups[c].append(fine)
        persons = [frozenset().union(*(self.persons[f] for f in g)) for g in groups]
        return columns, persons, groups


def _exposures(matrix: np.ndarray, persons: list[frozenset], k: int) -> list[dict[int, float]]:
    """Classes, and pairs of classes, of fewer than k persons whose indicator (a pair's sum or
    difference: a start->end change is a difference) lies in the row space: found by
    projecting onto an orthonormal basis of the row space from the SVD."""
    small = [c for c in range(len(persons)) if len(persons[c]) < k]
    if not small or not matrix.size:
        return []
    proj = _row_space(matrix)[:, small]
    lev = (proj * proj).sum(axis=0)
    found = [{small[i]: 1.0} for i in range(len(small)) if lev[i] > 1 - TOLERANCE]
    gram = proj.T @ proj
    for sign in (1.0, -1.0):
        pair = lev[:, None] + lev[None, :] + 2 * sign * gram > 2 - TOLERANCE
        for i, j in zip(*np.nonzero(np.triu(pair, 1))):
            if len(persons[small[i]] | persons[small[j]]) < k:
                found.append({small[i]: 1.0, small[j]: sign})
    return found


def exposed_classes(rows: Sequence[Row], person: Callable[[Hashable], Hashable], k: int) -> list[frozenset]:
    """The audit: the members of every class (or pair of classes) with fewer than k persons
    whose indicator lies in the row space of the released rows. Empty when none is exposed."""
    rows = list(dict.fromkeys(rows))
    if not rows:
        return []
    classes = _Classes(rows, person)
    matrix, persons, groups = classes.view(np.ones(len(rows), dtype=bool))
    return [frozenset(m for c in e for f in groups[c] for m in classes.members[f]) for e in _exposures(matrix, persons, k)]


def _row_space(matrix: np.ndarray) -> np.ndarray:
    """An orthonormal basis (as rows) of the row space of `matrix`."""
    if matrix.size == 0:
        return np.zeros((0, matrix.shape[1]))
    if matrix.shape[1] > 2 * matrix.shape[0]:
        # many more classes than rows (the effect groups split classes by the parts taken): the
        # same singular values and vectors through a QR of the transpose first (A' = QR, so
        # A = R'Q' and A's right singular vectors are Q times R''s), about twice as fast
        q, r = np.linalg.qr(matrix.T)
        _, s, wt = np.linalg.svd(r.T, full_matrices=False)
        vt = wt @ q.T
    else:
        _, s, vt = np.linalg.svd(matrix, full_matrices=False)
    tol = s.max(initial=0) * max(matrix.shape) * np.finfo(float).eps
    return vt[s > tol]


class _BitIndex:
    """Member sets as Python integers (bit i = member i), for fast set differences."""

    def __init__(self):
        self.index: dict = {}
        self._cache: dict[frozenset, int] = {}

    def of(self, members: frozenset) -> int:
        hit = self._cache.get(members)
        if hit is not None:
            return hit
        array = _as_array(members)
        if array is not None and len(array):
            positions = self._positions(array)
        else:
            index = self.index
            positions = np.fromiter((index.setdefault(m, len(index)) for m in members), dtype=np.int64, count=len(members))
        mask = np.zeros(len(self.index) + 8, dtype=bool)
        mask[positions] = True
        value = int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")
        self._cache[members] = value
        return value

    def _positions(self, array: np.ndarray) -> np.ndarray:
        """Bit positions of integer members, new ones numbered in order of first sight."""
        index = self.index
        known = getattr(self, "_known", None)
        if known is None or len(known[0]) != len(index):
            ids = np.fromiter(index.keys(), dtype=np.int64, count=len(index)) if index else np.zeros(0, np.int64)
            pos = np.fromiter(index.values(), dtype=np.int64, count=len(index)) if index else np.zeros(0, np.int64)
            order = np.argsort(ids)
            known = self._known = (ids[order], pos[order])
        ids, pos = known
        at = np.searchsorted(ids, array)
        found = (at < len(ids)) & (ids[np.minimum(at, len(ids) - 1)] == array) if len(ids) else np.zeros(len(array), bool)
        out = np.empty(len(array), dtype=np.int64)
        out[found] = pos[at[found]]
        fresh = array[~found]
        if len(fresh):
            start = len(index)
            numbers = np.arange(start, start + len(fresh))
            index.update(zip(fresh.tolist(), numbers.tolist()))
            out[~found] = numbers
            self._known = None
        return out


# --- the release of each figure -----------------------------------------------------------------
#
# A group's figures are not all over the group's members: a mean is over the members *with a
# value*, a count counts the members *with a property* (a step taken, a level band, a mark).
# Each figure is registered with its family (what it is over) and the rules run on those
# members: a figure of a new release is withdrawn until, for every family,
#
#   direct     a mean covers at least k members with a value, and those without one are 0 or
#              at least k; a count and the rest of its group are each at least k (otherwise it
#              is shown as a band: "fewer than k", "all but fewer than k");
#   pairwise   for any two releases A, B of the family (this publication and every earlier one),
#              the members in A and not in B split into counted/not counted (with/without a
#              value) parts that pass the family's split rule, and so do those in B and not in A;
#   breakdown  a parent minus its children that release the family exactly splits likewise;
#   audit      every class of members whose indicator lies in the row space of the family's
#              releases splits likewise.
#
# The split rule: for a mean's values each part is 0 or at least k (k late answerers of whom
# one has a value would give that one value); for a count both parts are 0 or both at least k
# (a count is a distribution: k newcomers who all took a step tell each one's step).
# Sizes count members; a class holds at most one member per person (a release holds one member
# per person), so they are persons too.

VALUE, COUNT = "value", "count"
EXACT, BAND, WITHHELD = "exact", "band", "withheld"


@dataclass(frozen=True)
class Family:
    """What a kind of figure is computed over, in any group: for a mean (`rule` VALUE) the
    members with a value, for a count (COUNT) the members counted. `members` lists them, or,
    with `complement`, the members *without* (sparse where nearly everyone has a value)."""

    id: str
    rule: str
    members: frozenset
    complement: bool = False


@dataclass
class Release:
    """One group's released row as the figure rules see it: `new` (released by this
    publication) or earlier; `current` when this publication shows it (new, or held from an
    earlier one: the breakdowns are over these); its rank (as Candidate.rank); the families it
    releases exactly, and the bounds (low, high) of the counts it releases as bands (an
    earlier release: as stored; a new one: filled in by decide_figures)."""

    key: Hashable
    row: Row
    new: bool
    rank: tuple
    exact: set = field(default_factory=set)
    current: bool = True
    bands: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Figure:
    """The gate's word on one figure of a new release: EXACT, BAND (the count shown only as
    lying within `bounds`) or WITHHELD; `reason` names the rule that decided ("small": the
    direct rule; "difference", "breakdown", "audit": a derived one)."""

    status: str
    reason: str = ""
    bounds: tuple | None = None


def direct_allowed(rule: str, counted: int, rest: int, k: int) -> bool:
    """The direct rule of one figure of a group: a mean over `counted` members with a value
    (`rest` without), or a count of `counted` members (`rest` not counted)."""
    if rule == COUNT:
        return counted >= k and rest >= k
    return counted >= k and not _bad(rest, k)


def band_bounds(counted: int, n: int, k: int) -> tuple[int, int]:
    """The band a count that fails the direct rule is shown as: "fewer than k" (0..k-1) or
    "all but fewer than k" (n-k+1..n)."""
    return (0, min(n, k - 1)) if counted < k else (max(0, n - k + 1), n)


def _split_bad(rule: str, counted, rest, k: int):
    """Where a derived set's parts break the family's split rule (vectorised: numbers or arrays
    in, a boolean or boolean array out)."""
    counted, rest = np.asarray(counted), np.asarray(rest)
    if rule == COUNT:
        return ~(((counted == 0) & (rest == 0)) | ((counted >= k) & (rest >= k)))
    return ((counted > 0) & (counted < k)) | ((rest > 0) & (rest < k))


def _tight(low: int, high: int, n: int) -> bool:
    """A derived count of a set of n members known within [low, high] tells every member's
    property: all of them (low = n) or none (high = 0)."""
    return n > 0 and (low >= n or high <= 0)


def decide_figures(releases: Sequence[Release], families: Sequence[Family],
                   breakdowns: Sequence[tuple[Hashable, Sequence[Hashable]]],
                   person: Callable[[Hashable], Hashable], k: int) -> dict[tuple[Hashable, str], Figure]:
    """Decide every figure of the new releases, family by family: EXACT where the direct rule
    and the derived rules above pass; a count failing only the direct rule is a BAND, itself
    audited (every difference of nested releases and every breakdown it takes part in must
    leave more than one possible split); what fails a derived rule is WITHHELD. Returns
    {(release key, family id): Figure} for every family of every new release. Pure."""
    out: dict[tuple[Hashable, str], Figure] = {}
    if not releases:
        return out
    rows = list(dict.fromkeys(r.row for r in releases))
    classes = _Classes(rows, person)
    row_index = {row: i for i, row in enumerate(rows)}
    at = np.array([row_index[r.row] for r in releases])
    plus = (classes.matrix > 0).astype(np.float32)  # rows x classes: the counted side of a row
    sizes = np.array([len(ms) for ms in classes.members], dtype=np.float32)
    class_of = None if classes.ids is not None else {m: c for c, ms in enumerate(classes.members) for m in ms}
    by_key = {r.key: i for i, r in enumerate(releases) if r.current}
    new = [i for i, r in enumerate(releases) if r.new]
    for fam in families:
        counted = _class_counts(classes, class_of, fam.members, len(sizes))
        if fam.complement:
            counted = sizes - counted
        rest = sizes - counted
        truth = {i: (int(round(plus[at[i]] @ counted)), int(round(plus[at[i]] @ rest))) for i in range(len(releases))}
        state = _FamilyState(releases, fam, truth, k)
        for i in new:
            if not direct_allowed(fam.rule, *truth[i], k):
                if fam.rule == COUNT:
                    state.bands[i] = band_bounds(truth[i][0], sum(truth[i]), k)
                else:
                    state.withhold(i, "small")
        uniform = not rest.any() or (fam.rule == COUNT and not counted.any())
        if not uniform:  # everyone (or, counted, no one) has it: the groups' own rules decide
            while True:
                reason, victims = _family_round(state, at, plus, classes, counted, rest, breakdowns, by_key, k)
                if not victims:
                    break
                for i in victims:
                    state.withhold(i, reason)
        for i in new:
            key = (releases[i].key, fam.id)
            if i in state.withheld:
                out[key] = Figure(WITHHELD, state.withheld[i])
            elif i in state.bands:
                out[key] = Figure(BAND, "small", state.bands[i])
            else:
                out[key] = Figure(EXACT)
    return out


def _class_counts(classes: _Classes, class_of: dict | None, members, n_classes: int) -> np.ndarray:
    """How many of `members` each class holds (members outside every release are ignored)."""
    if class_of is None:
        ids = members if isinstance(members, np.ndarray) else _as_array(frozenset(members))
        if ids is not None:
            ids = np.asarray(ids, dtype=np.int64)
            at = np.searchsorted(classes.ids, ids)
            inside = (at < len(classes.ids))
            inside[inside] = classes.ids[at[inside]] == ids[inside]
            return np.bincount(classes.cls[at[inside]], minlength=n_classes).astype(np.float32)
        class_of = {m: c for c, ms in enumerate(classes.members) for m in ms}
    counted = np.zeros(n_classes, dtype=np.float32)
    for m in members:
        c = class_of.get(m)
        if c is not None:
            counted[c] += 1
    return counted


class _FamilyState:
    """Which releases give a family exactly, which as a band (bounds), which withhold it."""

    def __init__(self, releases, fam: Family, truth: dict, k: int):
        self.releases, self.rule, self.truth = releases, fam.rule, truth
        self.exact = {i for i, r in enumerate(releases) if (fam.id in r.exact if not r.new else True)}
        self.bands = {i: tuple(r.bands[fam.id]) for i, r in enumerate(releases) if not r.new and fam.id in r.bands}
        self.withheld: dict[int, str] = {}

    def withhold(self, i: int, reason: str) -> None:
        self.exact.discard(i)
        self.bands.pop(i, None)
        self.withheld[i] = reason

    def bounds(self, i: int) -> tuple[int, int]:
        """What the reader knows of release i's count: exact, a band, or nothing."""
        if i in self.bands:
            return self.bands[i]
        if i in self.exact and i not in self.bands:
            c = self.truth[i][0]
            return c, c
        return 0, sum(self.truth[i])


def _pinned_classes(bounds: list[tuple[int, int]], rows: np.ndarray, counted: np.ndarray,
                    rest: np.ndarray) -> list[int]:
    """The classes whose count is fixed at none or all of their members by what the reader knows
    of the shown rows (`bounds`: an exact count as (c, c), a band as its bounds): the linear
    programme over the classes' counts (0 <= y <= size, low <= row @ y <= high) cannot move them
    off it. Interval reasoning over overlapping bands and exact counts (two margins and a total,
    say) finds what no pair and no single breakdown shows. Only classes that truly hold none or
    all can be pinned, so each is checked from its own side; one programme frees every class it
    finds a way off, until none is freed."""
    size = counted + rest
    cols = np.nonzero(rows.any(axis=0) & (size > 0))[0]
    if not len(cols):
        return []
    a = rows[:, cols].astype(float)
    low = np.array([b[0] for b in bounds], dtype=float)
    high = np.array([b[1] for b in bounds], dtype=float)
    a_ub, b_ub = np.vstack([a, -a]), np.concatenate([high, -low])
    box = list(zip(np.zeros(len(cols)), size[cols].astype(float)))
    pinned = []
    for none_side in (True, False):
        todo = {j for j, c in enumerate(cols) if (counted[c] == 0 if none_side else rest[c] == 0)}
        while todo:
            objective = np.zeros(len(cols))
            objective[list(todo)] = -1.0 if none_side else 1.0  # as many (or as few) as it can hold
            res = linprog(objective, A_ub=a_ub, b_ub=b_ub, bounds=box, method="highs")
            if not res.success:  # the truth is always feasible: a solver failure withholds
                pinned += [int(cols[j]) for j in todo]
                break
            freed = {j for j in todo if (res.x[j] > 0.5 if none_side else res.x[j] < box[j][1] - 0.5)}
            if not freed:
                pinned += [int(cols[j]) for j in todo]
                break
            todo -= freed
    return pinned


# Complexity 29 (ruff C901): the derived rules 3(a), 3(b), 3(c) and 4 run here in the order the module
# docstring gives them, over one shared state; split apart, that order would live in the callers.
def _family_round(state: _FamilyState, at, plus, classes, counted, rest, breakdowns, by_key, k) -> tuple[str, set]:  # noqa: C901
    """One round of the derived rules for one family: the reason and the new releases
    (indices) to withhold, or ("", empty) when the family passes."""
    releases, rule = state.releases, state.rule
    exact_idx = sorted(i for i in state.exact if i not in state.bands)
    shown = sorted(set(exact_idx) | set(state.bands))
    if not any(releases[i].new for i in shown):
        return "", set()

    def victim(involved) -> int | None:
        cands = [i for i in involved if releases[i].new and i in shown]
        return max(cands, key=lambda i: releases[i].rank) if cands else None

    victims: set[int] = set()
    # pairwise, exact releases: the members in a and not in b split by the family's rule
    if exact_idx:
        mats = plus[at[exact_idx]]
        outside = 1.0 - mats
        broken = _split_bad(rule, np.rint((mats * counted) @ outside.T), np.rint((mats * rest) @ outside.T), k)
        np.fill_diagonal(broken, False)
        for a, b in zip(*np.nonzero(broken)):
            v = victim((exact_idx[a], exact_idx[b]))
            if v is not None:
                victims.add(v)
    # pairwise with a band: nested releases must leave their difference's split open
    banded = [i for i in shown if i in state.bands]
    if banded and rule == COUNT:
        sizes = counted + rest
        b_rows, s_rows = plus[at[banded]], plus[at[shown]]
        nested = [(banded[a], shown[b]) for a, b in zip(*np.nonzero(b_rows @ (1.0 - s_rows).T < 0.5))]  # band inside
        nested += [(shown[a], banded[b]) for a, b in zip(*np.nonzero(s_rows @ (1.0 - b_rows).T < 0.5))]  # inside a band
        for inner, outer in nested:
            if at[inner] == at[outer] or not (releases[inner].new or releases[outer].new):
                continue
            n = int(round((plus[at[outer]] * (1.0 - plus[at[inner]])) @ sizes))
            lo_o, hi_o = state.bounds(outer)
            lo_i, hi_i = state.bounds(inner)
            if _tight(max(0, lo_o - hi_i), min(n, hi_o - lo_i), n):
                v = victim((inner, outer))
                if v is not None:
                    victims.add(v)
    if victims:
        return "difference", victims
    # breakdowns: what the parent and its shown children tell of each part
    positions = {i: j for j, i in enumerate(shown)}
    for parent, children in breakdowns:
        p = by_key.get(parent)
        if p not in positions:
            continue
        kids = [by_key[c] for c in children if by_key.get(c) in positions]
        residual = plus[at[p]].copy()
        for c in kids:
            residual *= 1.0 - plus[at[c]]
        r_counted, r_rest = int(round(residual @ counted)), int(round(residual @ rest))
        exact_kids = [c for c in kids if c in exact_idx]
        if p in exact_idx and _split_bad(rule, r_counted + sum(state.truth[c][0] for c in kids if c not in exact_idx),
                                         r_rest + sum(state.truth[c][1] for c in kids if c not in exact_idx), k):
            # parent minus the exact children: the rest (hidden and banded children) must split
            v = victim([p, *exact_kids])
            if v is not None:
                victims.add(v)
                continue
        if rule == COUNT and (p in state.bands or any(c in state.bands for c in kids)):
            parts = [*kids, None]  # None: the residual, of which nothing is shown
            known = {c: state.bounds(c) for c in kids}
            n_res = r_counted + r_rest
            known[None] = (0, n_res)
            size = {c: sum(state.truth[c]) for c in kids}
            size[None] = n_res
            lo_p, hi_p = state.bounds(p)
            for part in parts:
                others = [q for q in parts if q != part]
                low = max(0, lo_p - sum(known[q][1] for q in others))
                high = min(size[part], hi_p - sum(known[q][0] for q in others))
                if size[part] and _tight(max(low, known[part][0]), min(high, known[part][1]), size[part]):
                    v = victim([p, *kids])
                    if v is not None:
                        victims.add(v)
                    break
    if victims:
        return "breakdown", victims
    # bands with everything else shown: no class's count may be pinned at none or all of it
    if banded and rule == COUNT:
        for c in _pinned_classes([state.bounds(i) for i in shown], plus[at[shown]], counted, rest):
            v = victim([i for i in shown if plus[at[i], c] > 0])
            if v is not None:
                victims.add(v)
        if victims:
            return "audit", victims
    # audit: classes in the row space of the family's exact releases
    if not exact_idx:
        return "", set()
    keep = np.zeros(classes.matrix.shape[0], dtype=bool)
    keep[at[exact_idx]] = True
    matrix, _, groups = classes.view(keep)
    if not matrix.size:
        return "", set()
    merged_counted = np.array([counted[g].sum() for g in groups])
    merged_rest = np.array([rest[g].sum() for g in groups])
    proj = _row_space(matrix)
    lev = (proj * proj).sum(axis=0)
    broken = (lev > 1 - TOLERANCE) & _split_bad(rule, np.rint(merged_counted), np.rint(merged_rest), k)
    if not broken.any():
        return "", set()
    kept_rows = list(np.nonzero(keep)[0])
    row_release: dict[int, list[int]] = {}
    for i in exact_idx:
        row_release.setdefault(int(at[i]), []).append(i)
    targets = np.zeros((matrix.shape[1], int(broken.sum())))
    targets[np.nonzero(broken)[0], np.arange(int(broken.sum()))] = 1.0
    weights = np.linalg.pinv(matrix.T) @ targets
    for j in range(targets.shape[1]):
        involved = [i for r in np.nonzero(np.abs(weights[:, j]) > TOLERANCE)[0] for i in row_release[int(kept_rows[r])]]
        v = victim(involved)
        if v is None:
            v = victim([i for i in exact_idx if releases[i].new])
        if v is not None:
            victims.add(v)
    return "audit", victims


# --- what a released set may show ---------------------------------------------------------------


def quartiles_allowed(n: int, k: int) -> bool:
    """Quartiles only for groups of at least 4k (each quarter then holds k or more)."""
    return n >= 4 * k


def bands_allowed(counts: Sequence[int], k: int) -> bool:
    """Band shares only when no band holds all, or all but fewer than k, of the members."""
    n = sum(counts)
    return n > 0 and all(not (n - c < k) for c in counts)


def mean_allowed(with_value: int, n: int, k: int) -> bool:
    """A mean over the members with a value: blank when those without one are 1..k-1 or
    those with one fewer than k."""
    return with_value >= k and not _bad(n - with_value, k)
