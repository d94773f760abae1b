"""Audiences: which groups of a publication an account may read (the one rule; every management
read path goes through `shown`, `shown_all` and `export_rows` here, never through
publications.shown directly).

A management account reads every group, unless it is scoped to one municipality
(identities.scope_of: set by the operator, or asked for by an administrator and confirmed by a
management user). A scoped account reads

- every group of its own municipality (its breakdowns by area and leader level included), and
- the joint group of all municipalities together (no area, no level).

It never reads a group of the other municipality, nor the joint groups broken down by area or
level: subtracting its own municipality's group from a joint breakdown would give the other
municipality's breakdown. What it can still work out (all together minus its own: the other
municipality as a whole) is a group the gate released to unscoped readers anyway.

The gate (publications.py, anonymity.py) decides every group once, for every audience together:
an audience reads a subset of what was released and audited, so one audit covers them all. A
group an account may not read is absent to it (not "hidden": the reason a group is hidden would
itself say something about the other municipality).

A figure kind names where its key holds the municipality (MUNICIPALITY_AT), or is listed as
joint (JOINT_KINDS: every group is all municipalities together, read by every audience); a kind
in neither is read by unscoped accounts only (a new kind fails closed until it is added).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from digled.accounts import identities
from digled.insight import publications

# where a kind's group key holds the municipality (the places before it: the round)
MUNICIPALITY_AT = {"assessment": 1, "overlay": 1, "paired": 0, "followup": 1, "participation": 0}
# kinds whose every group is all municipalities together (effect by part: no municipality in its
# key, so no own-municipality group exists to subtract from it): every audience reads them
JOINT_KINDS = frozenset({"effect"})


@dataclass(frozen=True)
class Audience:
    """Who reads: `municipality` None for every municipality, else the one a scoped account reads."""

    municipality: str | None = None

    @property
    def scoped(self) -> bool:
        return self.municipality is not None

    def may_read(self, kind: str, key: tuple) -> bool:
        """True when this audience may read the group `key` of `kind`."""
        if self.municipality is None or kind in JOINT_KINDS:
            return True
        at = MUNICIPALITY_AT.get(kind)
        if at is None or len(key) <= at:
            return False
        place = tuple(key[at:])
        return place[0] == self.municipality or all(v is None for v in place)

    def municipalities(self, every: list[str]) -> list[str]:
        """The municipalities whose own groups this audience reads (of `every`, in its order)."""
        return [m for m in every if self.municipality is None or m == self.municipality]

    def breaks_down(self, municipality: str | None) -> bool:
        """True when this audience reads the breakdowns (by area, level) under `municipality`
        (None: all municipalities together)."""
        return self.municipality is None or municipality == self.municipality


EVERYONE = Audience()


def of(db: sqlite_utils.Database, user) -> Audience:
    """The audience of a signed-in management account, read fresh from the database (a changed
    scope takes effect at the next page view)."""
    return Audience(identities.scope_of(db, user.id))


def shown(db: sqlite_utils.Database, audience: Audience, publication_id: int, kind: str,
          key: tuple) -> publications.Shown | None:
    """One group of one publication as this audience reads it (None: absent, or not for it)."""
    if not audience.may_read(kind, tuple(key)):
        return None
    return publications.shown(db, publication_id, kind, key)


def shown_all(db: sqlite_utils.Database, audience: Audience, publication_id: int, kind: str) -> list[publications.Shown]:
    """Every group of one kind in one publication that this audience reads."""
    return [s for s in publications.shown_all(db, publication_id, kind) if audience.may_read(kind, s.key)]


def export_rows(db: sqlite_utils.Database, audience: Audience, publication_id: int) -> list[dict]:
    """The publication's assessment groups this audience reads, as export rows
    (publications.export_rows' columns)."""
    return [r for r in publications.export_rows(db, publication_id)
            if audience.may_read("assessment", (r["round"], *(r[c] or None for c in ("municipality", "area", "level"))))]

__all__ = ["Audience", "EVERYONE", "JOINT_KINDS", "MUNICIPALITY_AT", "of", "shown", "shown_all", "export_rows"]
