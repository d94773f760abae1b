"""Oplysning om behandling af personoplysninger: the privacy statement (GDPR article 13).

The statement is content, not code: `data/privacy.yaml` holds the controllers (one per
municipality, with optional contact addresses), what each role sees (`who_sees`, also shown in
the leader's introduction to the assessment, so both say the same) and the sections (purpose,
legal basis, categories of data, recipients, retention, rights, contact), Danish first with
English beside it. `load_statement()` reads and checks the file once; any problem raises
`content.ContentError` naming the file, the entry and what is wrong.

Texts may hold the placeholders in PLACEHOLDERS, filled in when the page is drawn: the current
minimum group size, the deletion date the administrator has set, the controllers' contacts and
the who-sees list. `render()` and `who_sees()` are pure: the page and the tests call the same.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from digled.accounts import organisation
from digled.content.loader import Text, _Checker, read_yaml
from digled.platform.config import DATA_DIR
from digled.platform.i18n import N_, text
from digled.platform.validation import email_problem

PRIVACY_FILE = DATA_DIR / "privacy.yaml"
# Article 13's required information, each a section of its own (more may follow).
REQUIRED_SECTIONS = (
    "controller", "purpose", "legal_basis", "data", "who_sees", "recipients", "retention", "rights", "contact",
)
PLACEHOLDERS = frozenset({"k", "retention", "controllers", "who_sees"})
WHO_SEES_PLACEHOLDERS = frozenset({"k", "c", "kc"})  # kc: k + c, the smallest group a leader's wheel compares with
TO_CONFIRM = N_("To be confirmed by the municipality's data protection officer.")


@dataclass(frozen=True)
class Controller:
    """A data controller: a municipality, with the addresses leaders may write to ('' = not set)."""

    municipality: str
    name: Text
    email: str
    dpo_email: str


@dataclass(frozen=True)
class Section:
    """One heading of the statement with its Markdown text."""

    id: str
    heading: Text
    body: Text
    to_confirm: bool


@dataclass(frozen=True)
class Statement:
    """The validated privacy statement."""

    updated: date
    controllers: tuple[Controller, ...]
    intro: Text
    who_sees: tuple[Text, ...]
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class RenderedSection:
    """A section in one language with its placeholders filled in."""

    id: str
    heading: str
    body: str
    to_confirm: bool


def _placeholders(c: _Checker, value: Text, entry: str, allowed: frozenset[str]) -> Text:
    """Check that both languages use only allowed placeholders, and the same ones."""
    found = {}
    for lang, s in value.items():
        try:
            parsed = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(s) if f is not None]
        except ValueError as e:
            c.fail(entry, f"the {lang} text has a stray brace ({e}); write literal braces as {{{{ and }}}}")
        unknown = sorted({f for f, _, _ in parsed} - allowed)
        if unknown:
            c.fail(entry, f"the {lang} text has an unknown placeholder {{{unknown[0]}}}; "
                          f"allowed here: {', '.join('{' + p + '}' for p in sorted(allowed))}")
        if any(spec or conv for _, spec, conv in parsed):
            c.fail(entry, f"the {lang} text has a placeholder with a format; write only {{name}}")
        found[lang] = {f for f, _, _ in parsed}
    if found["da"] != found["en"]:
        c.fail(entry, "the da and en texts must use the same placeholders")
    return value


def _address(c: _Checker, value, entry: str) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        c.fail(entry, "must be an e-mail address in quotes, or empty")
    problem = email_problem(value)
    if problem:
        c.fail(entry, problem[0].format(**problem[1]))
    return value.strip()


def load_statement(path: Path | None = None) -> Statement:
    """Read and validate data/privacy.yaml; raise ContentError naming the file and the entry."""
    path = path or PRIVACY_FILE
    c = _Checker(path)
    data = read_yaml(path)
    updated = data.get("updated")
    if isinstance(updated, str):
        try:
            updated = date.fromisoformat(updated)
        except ValueError:
            c.fail("updated", "must be a date like 2026-12-01")
    if not isinstance(updated, date):
        c.fail("updated", "must be a date like 2026-12-01")
    controllers, seen = [], set()
    for i, raw in enumerate(c.listing(data.get("controllers"), "controllers")):
        raw = c.mapping(raw, f"controllers[{i}]")
        mid = raw.get("municipality")
        if not isinstance(mid, str) or not mid.strip():
            c.fail(f"controllers[{i}]", "municipality is missing")
        if mid in seen:
            c.fail(f"controller {mid}", "is listed twice")
        seen.add(mid)
        controllers.append(Controller(
            municipality=mid,
            name=c.text(raw.get("name"), f"controller {mid}: name"),
            email=_address(c, raw.get("email"), f"controller {mid}: email"),
            dpo_email=_address(c, raw.get("dpo_email"), f"controller {mid}: dpo_email"),
        ))
    who = tuple(
        _placeholders(c, c.text(w, f"who_sees[{i}]"), f"who_sees[{i}]", WHO_SEES_PLACEHOLDERS)
        for i, w in enumerate(c.listing(data.get("who_sees"), "who_sees"))
    )
    sections, ids = [], set()
    for i, raw in enumerate(c.listing(data.get("sections"), "sections")):
        raw = c.mapping(raw, f"sections[{i}]")
        sid = raw.get("id")
        if not isinstance(sid, str) or not sid.strip():
            c.fail(f"sections[{i}]", "id is missing")
        entry = f"section {sid}"
        if sid in ids:
            c.fail(entry, "id is used twice")
        ids.add(sid)
        confirm = raw.get("to_confirm", False)
        if not isinstance(confirm, bool):
            c.fail(f"{entry}: to_confirm", "must be true or false")
        sections.append(Section(
            id=sid,
            heading=c.text(raw.get("heading"), f"{entry}: heading"),
            body=_placeholders(c, c.text(raw.get("body"), f"{entry}: body"), f"{entry}: body", PLACEHOLDERS),
            to_confirm=confirm,
        ))
    missing = [s for s in REQUIRED_SECTIONS if s not in ids]
    if missing:
        c.fail("sections", f"the section {missing[0]!r} is missing (required: {', '.join(REQUIRED_SECTIONS)})")
    return Statement(
        updated=updated,
        controllers=tuple(controllers),
        intro=c.text(data.get("intro"), "intro"),
        who_sees=who,
        sections=tuple(sections),
    )


@lru_cache(maxsize=1)
def statement() -> Statement:
    """The validated statement from data/, loaded once per process."""
    return load_statement()


def smallest_k(db) -> int:
    """The smallest group management may see figures about: the minimum group size setting, or
    a smaller k that a round with answers keeps (k is frozen per round). The statement promises
    this number, so it must never overstate it."""

    return min([organisation.min_group_size(db), *organisation.frozen_round_k(db).values()])


def who_sees(st: Statement, lang: str, k: int, c: int = 1) -> list[str]:
    """What each role sees, in `lang`, with the minimum group size k and the leaders' coalition c
    (anonymity.py: what a leader's wheel compares with is decided at k + c) filled in
    (Markdown items)."""
    return [text(w, lang).format(k=k, c=c, kc=k + c) for w in st.who_sees]


def controllers_markdown(st: Statement, lang: str, t: Callable[[str], str]) -> str:
    """The controllers as a Markdown list with the addresses that are set."""
    lines = []
    for ctl in st.controllers:
        parts = []
        if ctl.email:
            parts.append(t("e-mail {address}").format(address=ctl.email))
        if ctl.dpo_email:
            parts.append(t("data protection officer {address}").format(address=ctl.dpo_email))
        if not parts:
            parts.append(t("write to the programme administrator in the municipality"))
        lines.append(f"- **{text(ctl.name, lang)}**: " + ", ".join(parts))
    return "\n".join(lines)


def render(st: Statement, lang: str, t: Callable[[str], str], k: int, retention: str, c: int = 1) -> list[RenderedSection]:
    """Every section in `lang` with its placeholders filled in: `k` the minimum group size,
    `retention` one sentence about the deletion date (see retention.describe), `c` the leaders'
    coalition (config.Settings.coalition)."""
    values = {
        "k": k,
        "retention": retention,
        "controllers": controllers_markdown(st, lang, t),
        "who_sees": "\n".join("- " + line for line in who_sees(st, lang, k, c)),
    }
    return [
        RenderedSection(s.id, text(s.heading, lang), text(s.body, lang).format(**values), s.to_confirm)
        for s in st.sections
    ]

