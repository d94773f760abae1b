"""Checks for the text an administrator types or imports: one set of rules and message ids for
the participant form, the import file and the organisation lists.

Every check returns None or a `(message id, params)` pair; callers attach the row or line and
the field, and pages translate the message with `t(message).format(**params)`.
"""

from __future__ import annotations

import re
import unicodedata

from digled.platform.i18n import N_

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


def exact_email_problem(value) -> Problem | None:
    """An address that arrives from elsewhere to be matched, not typed (an identity provider's
    e-mail claim): None only when the value already is a clean address. Nothing is stripped,
    cleaned or shortened first, so `adm\\u0000in@kommune.\\tdk` or ` admin@kommune.dk` is refused,
    never read as `admin@kommune.dk`: control characters, whitespace, non-ASCII look-alikes and
    anything EMAIL_RE does not take are refused (the same rules as `email_problem`)."""
    if not isinstance(value, str) or not value:
        return N_("missing value"), {}
    if value != value.strip():
        return N_("not a valid e-mail address"), {}
    return email_problem(value)


def clean(value) -> str:
    """A cell as text with runs of whitespace collapsed (None and NaN become '')."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return " ".join(str(value).split())


# --- names of people (issue 14): one rule for the form, the import and the command line -------

MAX_NAME_LENGTH = 100
NAME_PUNCTUATION = frozenset(" -'.\u2019\u2010")  # space, hyphen, apostrophe (also ’ and ‐), period
NAME_CHARACTERS = N_("may only contain letters, spaces, hyphens (-), apostrophes (') and periods (.), not “{char}”")
NAME_START = N_("must start with a letter")


def _name_char(ch: str) -> bool:
    """A letter of any script (with its combining marks), or one of NAME_PUNCTUATION."""
    return ch in NAME_PUNCTUATION or unicodedata.category(ch)[0] in ("L", "M")


def clean_name(value) -> str:
    """A name as stored: whitespace collapsed, composed Unicode (å, not a + ring)."""
    return unicodedata.normalize("NFC", clean(value))


def name_problem(value, limit: int = MAX_NAME_LENGTH) -> Problem | None:
    """The first problem with a person's name, or None.

    A name holds letters of any script (æ, ø, å, é, ß, ...), spaces, hyphens, apostrophes and
    periods, starts with a letter and is at most `limit` characters long. Nothing else, so a
    name can neither change an e-mail recipient (<, >, @, comma, quotes) nor be read as
    Markdown, HTML or a spreadsheet formula wherever it is shown or exported."""
    raw = "" if value is None else str(value)
    problem = text_problem(raw, limit)
    if problem:
        return problem
    name = clean_name(raw)
    if len(name) > limit:
        return N_("too long (at most {limit} characters)"), {"limit": limit}
    bad = next((ch for ch in name if not _name_char(ch)), None)
    if bad is not None:
        return NAME_CHARACTERS, {"char": bad}
    if unicodedata.category(name[0])[0] != "L":
        return NAME_START, {}
    return None


def display_name(value, limit: int = MAX_NAME_LENGTH) -> str:
    """A name reduced to what `name_problem` allows, for an e-mail's display name: every other
    character is dropped (a stored name from before the rule cannot smuggle in an address)."""
    kept = "".join(ch for ch in clean_name(value) if _name_char(ch))
    kept = " ".join(kept.split())
    while kept and unicodedata.category(kept[0])[0] != "L":
        kept = kept[1:].lstrip()
    return kept[:limit].rstrip()


# --- showing user text in Streamlit (issue 14): never Markdown, never HTML --------------------

_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
# GitHub-flavoured Markdown turns a bare `http://...`, `https://...` or `www....` in the *text*
# into a link after escapes are resolved (remark-gfm's autolink literals): an invisible word
# joiner after the scheme or the `www` keeps it text.
_AUTOLINK_START = re.compile(r"(?i)(https?|ftp|mailto|xmpp)(?=:)|www(?=\.)")
WORD_JOINER = "\u2060"


def escape_markdown(value) -> str:
    """User text (a name, an address, a place, a title) made safe to put into a Markdown string
    for st.markdown, st.title, st.caption, st.success, st.write, st.table cells, widget labels,
    ...: every ASCII punctuation character is backslash-escaped (CommonMark shows it literally),
    so no link, image, emphasis, heading, HTML tag, autolink, LaTeX or Streamlit directive can
    form, and a bare web address gets an invisible word joiner after its scheme (or `www`), so
    GitHub-flavoured Markdown does not link it either; line breaks become spaces. Only for
    Markdown contexts: st.text and st.dataframe need the raw text."""
    if value is None:
        return ""
    text = CONTROL.sub(" ", str(value))
    text = _AUTOLINK_START.sub(lambda m: m.group(0) + WORD_JOINER, text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
