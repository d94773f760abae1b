"""Anonymity: pseudonyms for assessment rows and the rules that hide small groups.

This module is the one place that decides what management may see. cohort.py computes
figures only for the members this module releases.

1. **Pseudonyms.** An assessment row never holds a user id, name, username or e-mail; it
   holds `respondent = HMAC-SHA256(server secret, user id)`. The leader's own history is
   found by recomputing it; without the secret nobody can link a row to a person.
2. **Minimum group size k** (default 5, configurable, never below 3): no figure about fewer
   than k respondents is shown or exported.
3. **Release in batches of k** (the difference rule over time and for nested groups): a
   group's figures are computed from its first `floor(n / k) * k` respondents in submission
   order. Its figures therefore change only when k more respondents have answered, and the
   released sizes of any two groups differ by a multiple of k: where one released set contains
   the other, the difference is 0 or at least k people.
4. **Complementary suppression** in every breakdown (a group split by municipality, area or
   level): a child below k is hidden, and while the hidden children of a breakdown hold
   between 1 and k-1 respondents in total, the next smallest child is hidden too, so "parent
   minus the visible children" never isolates fewer than k people. The decision is made once
   over the whole lattice of groups (`suppress`) so the dashboard and the export agree.
5. Figures are means, shares and quartiles only: no minimum, maximum, free text or rows.
"""

from __future__ import annotations

import hashlib
import hmac
from itertools import product
from typing import Hashable, Iterable, Sequence

from .i18n import N_

DEFAULT_K = 5
MIN_K = 3
HIDDEN_REASON = N_("fewer than {k} answers")


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


def released(members: Sequence, k: int) -> Sequence:
    """The members whose answers may be used: the first floor(n/k)*k in submission order."""
    return members[: (len(members) // k) * k]


# A group key is a tuple of dimension values; None means "all" in that dimension.
GroupKey = tuple


def lattice(values: Sequence[Sequence[Hashable]]) -> list[GroupKey]:
    """Every group key over the dimensions: each dimension either None (all) or one value."""
    return list(product(*[[None, *vals] for vals in values]))


def families(values: Sequence[Sequence[Hashable]]) -> Iterable[list[GroupKey]]:
    """Every breakdown: a parent group split by one dimension it does not fix."""
    for parent in lattice(values):
        for d, vals in enumerate(values):
            if parent[d] is None:
                yield [parent[:d] + (v,) + parent[d + 1 :] for v in vals]


def suppress(counts: dict[GroupKey, int], values: Sequence[Sequence[Hashable]], k: int) -> set[GroupKey]:
    """The groups to hide: fewer than k respondents, plus complementary suppression in every
    breakdown until each breakdown's hidden children hold 0 or at least k respondents."""
    hidden = {g for g in lattice(values) if counts.get(g, 0) < k}
    fams = list(families(values))
    changed = True
    while changed:
        changed = False
        for fam in fams:
            hidden_n = sum(counts.get(g, 0) for g in fam if g in hidden)
            if 0 < hidden_n < k:
                visible = sorted((counts.get(g, 0), i) for i, g in enumerate(fam) if g not in hidden and counts.get(g, 0) > 0)
                if visible:
                    hidden.add(fam[visible[0][1]])
                    changed = True
    return hidden
