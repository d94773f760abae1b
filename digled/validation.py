"""Checks for the text an administrator types or imports: one set of rules and message ids for
the participant form, the import file and the organisation lists.

Every check returns None or a `(message id, params)` pair; callers attach the row or line and
the field, and pages translate the message with `t(message).format(**params)`.
"""

from __future__ import annotations

import re

from .i18n import N_

FORMULA_START = ("=", "+", "-", "@")
EMAIL_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
MAX_EMAIL_LENGTH = 254
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

Problem = tuple[str, dict]


def looks_like_formula(value: str) -> bool:
    """True when a spreadsheet would read the text as a formula (also after leading blanks)."""
    return value.lstrip()[:1] in FORMULA_START


def text_problem(value: str, limit: int, required: bool = True) -> Problem | None:
    """Missing, too long, formula-like or control characters: the first problem, or None."""
    if not value.strip():
        return (N_("missing value"), {}) if required else None
    if looks_like_formula(value):
        return N_("looks like a spreadsheet formula (starts with = + - or @)"), {}
    if len(value) > limit:
        return N_("too long (at most {limit} characters)"), {"limit": limit}
    if CONTROL.search(value):
        return N_("contains control characters"), {}
    return None


def email_problem(value: str) -> Problem | None:
    """A text problem, or "not a valid e-mail address", or None."""
    problem = text_problem(value, MAX_EMAIL_LENGTH)
    if problem:
        return problem
    if not EMAIL_RE.match(value.strip()):
        return N_("not a valid e-mail address"), {}
    return None


def clean(value) -> str:
    """A cell as text with runs of whitespace collapsed (None and NaN become '')."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return " ".join(str(value).split())
