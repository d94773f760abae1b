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

1. *Pseudonyms*: an assessment row holds `pseudonym(secret, user id)`, never a user id.
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

import hashlib
import hmac
from dataclasses import dataclass, field
from itertools import product
from typing import Callable, Hashable, Iterable, Sequence

import numpy as np

from .i18n import N_

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
}


PARTICIPATION_REASONS = {
    "small": N_("fewer than {k} leaders"),
    "difference": N_("the counts would differ from counts already published by fewer than {k} leaders"),
}


def reasons(kind: str) -> dict[str, str]:
    """The reason message ids for a kind of figure (participation counts leaders)."""
    return {**REASONS, **(PARTICIPATION_REASONS if kind == "participation" else {})}


def pseudonym(secret: str, user_id: int) -> str:
    """The respondent pseudonym of a user: hex HMAC-SHA256 of the user id under the secret."""
    if not secret:
        raise ValueError("the pseudonym secret is empty")
    return hmac.new(secret.encode("utf-8"), str(int(user_id)).encode("ascii"), hashlib.sha256).hexdigest()


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
    minimum group size, and rank (lower is decided first: coarse and large groups first)."""

    key: Hashable
    kind: str
    row: Row
    k: int
    rank: tuple = ()


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
        s = bits.of(support)

        def clash(sets) -> bool:
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
    _audit(out, by_key, previous, history, person)
    return out


def _withdraw(out: Outcome, c: Candidate, previous, reason: str) -> None:
    out.decisions[c.key] = _fallback(c.key, previous.get(c.key), reason)


def _breakdowns(out: Outcome, by_key, previous, families_, bits: "_BitIndex") -> None:
    """Rule 3b: withdraw new releases until every breakdown's residual is 0 or >= k."""
    changed = True
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
            changed = True


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
        victims = {}
        for j in range(len(exposures)):
            involved = {kept_rows[i] for i in np.nonzero(np.abs(weights[:, j]) > TOLERANCE)[0]}
            victim = max([d for d in new if d.row in involved] or new, key=lambda d: by_key[d.key].rank)
            victims[victim.key] = victim
        for victim in victims.values():
            _withdraw(out, by_key[victim.key], previous, "audit")


class _Classes:
    """Released rows over member classes: members with identical columns collapse into one
    class; `matrix` is rows x classes, `persons[c]` the persons in class c."""

    def __init__(self, rows: Sequence[Row], person: Callable[[Hashable], Hashable]):
        universe = set().union(*(r.plus | r.minus for r in rows)) if rows else set()
        try:
            members = sorted(universe)
        except TypeError:
            members = sorted(universe, key=repr)
        index = {m: i for i, m in enumerate(members)}
        weights = np.random.default_rng(12345).integers(1, 2**61, size=len(rows), dtype=np.uint64)
        signature = np.zeros(len(members), dtype=np.uint64)
        for w, r in zip(weights, rows):
            if r.plus:
                signature[[index[m] for m in r.plus]] += w
            if r.minus:
                signature[[index[m] for m in r.minus]] -= w
        sigs, cls = np.unique(signature, return_inverse=True)
        rep = np.zeros(len(sigs), dtype=np.int64)
        rep[cls] = np.arange(len(members))
        rep_member = [members[i] for i in rep]
        self.matrix = np.array([[1.0 if m in r.plus else -1.0 if m in r.minus else 0.0 for m in rep_member] for r in rows])
        self.members: list[list] = [[] for _ in sigs]
        for i, c in enumerate(cls):
            self.members[c].append(members[i])
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
        index = self.index
        positions = np.fromiter((index.setdefault(m, len(index)) for m in members), dtype=np.int64, count=len(members))
        mask = np.zeros(len(index) + 8, dtype=bool)
        mask[positions] = True
        value = int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")
        self._cache[members] = value
        return value


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
