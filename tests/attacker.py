"""The brute-force attacker: exact linear algebra over everything released.

The attacker holds every released group sum of every publication and (worst case) knows
exactly which members each released set holds. Whatever lies in the row space of the
member-level incidence matrix can be computed. Arithmetic is exact, over the prime field
GF(2^61 - 1) (0/±1 matrices of this size have the same rank there as over the rationals,
except with negligible probability), so no floating-point tolerance can hide a leak.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from itertools import combinations

P = (1 << 61) - 1


class RowSpace:
    """The row space of integer rows over GF(P), for exact membership tests."""

    def __init__(self, rows: Sequence[dict[Hashable, int]]):
        self.pivots: list[tuple[Hashable, dict]] = []  # (pivot column, reduced row with 1 there)
        for r in rows:
            v = self.reduce({c: x % P for c, x in r.items() if x % P})
            if v:
                col = min(v, key=repr)
                inv = pow(v[col], P - 2, P)
                v = {c: x * inv % P for c, x in v.items()}
                # keep earlier pivots reduced against the new one (so reduce() is one pass)
                self.pivots = [(pc, self._sub(pr, v, pr.get(col, 0))) for pc, pr in self.pivots]
                self.pivots.append((col, v))

    @staticmethod
    def _sub(a: dict, b: dict, factor: int) -> dict:
        if not factor:
            return a
        out = dict(a)
        for c, x in b.items():
            y = (out.get(c, 0) - factor * x) % P
            if y:
                out[c] = y
            else:
                out.pop(c, None)
        return out

    def reduce(self, v: dict) -> dict:
        for col, row in self.pivots:
            if v.get(col):
                v = self._sub(v, row, v[col])
        return v

    def contains(self, v: dict) -> bool:
        return not self.reduce({c: x % P for c, x in v.items() if x % P})

    @property
    def rank(self) -> int:
        return len(self.pivots)


def rows_of(released: Sequence) -> list[dict]:
    """anonymity.Row objects as sparse integer rows."""
    out = []
    for r in released:
        row = {m: 1 for m in r.plus}
        row.update({m: -1 for m in r.minus})
        out.append(row)
    return out


def exposed(released: Sequence, person: Callable[[Hashable], Hashable], k: int) -> list[tuple]:
    """Every member, and every pair of members belonging to fewer than k persons, whose value,
    sum or difference (sign 1 or -1) the attacker can compute from the released rows. Empty
    means nothing is exposed."""
    rows = rows_of(list(dict.fromkeys(released)))
    space = RowSpace(rows)
    members = sorted({m for r in rows for m in r}, key=repr)
    found = [(m,) for m in members if space.contains({m: 1})]
    for a, b in combinations(members, 2):
        if len({person(a), person(b)}) < k:
            found += [(a, b, sign) for sign in (1, -1) if space.contains({a: 1, b: sign})]
    return found
