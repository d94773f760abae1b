"""Load and validate the content files in data/ into typed, immutable objects.

Content is data, not code: the competence framework, the item bank, the answer scales, the
target profile, feedback texts and the organisation lists live in YAML, Danish first with
English beside it. `load_framework()` reads and checks everything once; any problem raises
ContentError naming the file, the entry and what is wrong. The app and
`python -m digled check-content` use the same function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from digled.platform.config import DATA_DIR

LANGS = ("da", "en")
DIMENSIONS = ("knowledge", "skills", "attitude")
BANDS = ("foundation", "intermediate", "advanced", "highly_specialised")
SCALE_KINDS = ("knowledge", "skills", "attitude", "purpose")
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5


class ContentError(Exception):
    """A content file is missing or invalid: the message names the file, entry and problem.

    Not user-facing (no MessageError): it is the operator's (check-content, start-up), in English."""


Text = dict  # {"da": str, "en": str}


@dataclass(frozen=True)
class Competence:
    id: str
    area: str
    digcomp: str
    name: Text
    description: Text


@dataclass(frozen=True)
class Area:
    id: str
    colour: str
    name: Text
    competences: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    id: str
    competence: str
    dimension: str
    text: Text
    example: Text


@dataclass(frozen=True)
class Purpose:
    id: str
    text: Text


@dataclass(frozen=True)
class Feedback:
    strength: Text
    development: Text
    exercises: tuple[Text, ...]


@dataclass(frozen=True)
class Framework:
    """Everything the assessment needs, validated."""

    dimensions: dict[str, Text]
    areas: tuple[Area, ...]
    competences: tuple[Competence, ...]
    scales: dict[str, tuple[tuple[int, Text], ...]]
    dont_know: Text
    items: tuple[Item, ...]
    purposes: tuple[Purpose, ...]
    target_name: Text
    target_description: Text
    target_levels: dict[str, int]
    feedback: dict[tuple[str, str], Feedback]
    competence_index: dict[str, Competence] = field(default_factory=dict)
    area_index: dict[str, Area] = field(default_factory=dict)

    def summary(self) -> str:
        da = sum(1 for i in self.items if i.text.get("da"))
        en = sum(1 for i in self.items if i.text.get("en"))
        return (
            f"content ok: {len(self.areas)} areas, {len(self.competences)} competences, "
            f"{len(self.items)} items (da {da}, en {en}), {len(self.purposes)} purposes"
        )


# --- helpers -------------------------------------------------------------------------------


class _Checker:
    """Collects the file name so every error names it."""

    def __init__(self, path: Path):
        self.path = path
        self.name = str(path.relative_to(DATA_DIR.parent)) if path.is_relative_to(DATA_DIR.parent) else str(path)

    def fail(self, entry: str, problem: str) -> None:
        raise ContentError(f"{self.name}: {entry}: {problem}")

    def text(self, value, entry: str) -> Text:
        if not isinstance(value, dict):
            self.fail(entry, "must be a mapping with 'da' and 'en' texts")
        for lang in LANGS:
            v = value.get(lang)
            if not isinstance(v, str) or not v.strip():
                self.fail(entry, f"the {lang} text is missing or empty")
        return {lang: value[lang].strip() for lang in LANGS}

    def mapping(self, value, entry: str) -> dict:
        if not isinstance(value, dict):
            self.fail(entry, "must be a mapping")
        return value

    def listing(self, value, entry: str) -> list:
        if not isinstance(value, list) or not value:
            self.fail(entry, "must be a non-empty list")
        return value


def read_yaml(path: Path) -> dict:
    """Parse one YAML file; a missing or malformed file is a ContentError naming it."""
    if not path.exists():
        raise ContentError(f"{path}: the file is missing")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise ContentError(f"{path}: not valid YAML: {e}") from e
    if not isinstance(data, dict):
        raise ContentError(f"{path}: the file must hold a mapping at the top level")
    return data


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# --- the framework ---------------------------------------------------------------------------


def _framework_file(path: Path):
    c = _Checker(path)
    data = read_yaml(path)
    dims = {}
    for i, d in enumerate(c.listing(data.get("dimensions"), "dimensions")):
        d = c.mapping(d, f"dimensions[{i}]")
        if d.get("id") not in DIMENSIONS:
            c.fail(f"dimensions[{i}]", f"id must be one of {', '.join(DIMENSIONS)}")
        dims[d["id"]] = c.text(d.get("name"), f"dimension {d['id']}: name")
    if tuple(dims) != DIMENSIONS:
        c.fail("dimensions", f"must be exactly {', '.join(DIMENSIONS)} in that order")
    areas, competences = [], []
    seen: set[str] = set()
    for i, a in enumerate(c.listing(data.get("areas"), "areas")):
        a = c.mapping(a, f"areas[{i}]")
        aid = a.get("id")
        if not isinstance(aid, str) or not aid:
            c.fail(f"areas[{i}]", "id is missing")
        colour = a.get("colour", "")
        if not isinstance(colour, str) or not HEX_COLOUR.match(colour):
            c.fail(f"area {aid}", "colour must be #rrggbb")
        if contrast_ratio(colour, "#ffffff") < MIN_CONTRAST:
            c.fail(f"area {aid}", f"colour {colour} has contrast below {MIN_CONTRAST}:1 on white")
        ids = []
        for j, comp in enumerate(c.listing(a.get("competences"), f"area {aid}: competences")):
            comp = c.mapping(comp, f"area {aid}: competences[{j}]")
            cid = comp.get("id")
            if not isinstance(cid, str) or not cid:
                c.fail(f"area {aid}: competences[{j}]", "id is missing")
            if cid in seen:
                c.fail(f"competence {cid}", "id is used twice")
            seen.add(cid)
            ids.append(cid)
            competences.append(
                Competence(
                    id=cid,
                    area=aid,
                    digcomp=str(comp.get("digcomp", "")),
                    name=c.text(comp.get("name"), f"competence {cid}: name"),
                    description=c.text(comp.get("description"), f"competence {cid}: description"),
                )
            )
        areas.append(Area(aid, colour, c.text(a.get("name"), f"area {aid}: name"), tuple(ids)))
    scales = {}
    raw_scales = c.mapping(data.get("scales"), "scales")
    for kind in SCALE_KINDS:
        steps = c.listing(raw_scales.get(kind), f"scales: {kind}")
        values = []
        for k, step in enumerate(steps):
            step = c.mapping(step, f"scales: {kind}[{k}]")
            if step.get("value") != k + 1:
                c.fail(f"scales: {kind}[{k}]", f"value must be {k + 1}")
            values.append((k + 1, c.text(step, f"scales: {kind}[{k}]")))
        if len(values) < 2:
            c.fail(f"scales: {kind}", "needs at least 2 steps")
        scales[kind] = tuple(values)
    dont_know = c.text(data.get("dont_know"), "dont_know")
    return dims, tuple(areas), tuple(competences), scales, dont_know


def _items_file(path: Path, competences: dict[str, Competence]):
    c = _Checker(path)
    data = read_yaml(path)
    items, seen = [], set()
    for i, it in enumerate(c.listing(data.get("items"), "items")):
        it = c.mapping(it, f"items[{i}]")
        iid = it.get("id")
        entry = f"item {iid}" if iid else f"items[{i}]"
        if not isinstance(iid, str) or not iid:
            c.fail(entry, "id is missing")
        if iid in seen:
            c.fail(entry, "id is used twice")
        seen.add(iid)
        if not isinstance(it.get("competence"), str) or it["competence"] not in competences:
            c.fail(entry, f"unknown competence {it.get('competence')!r} (the competences are in framework.yaml)")
        if it.get("dimension") not in DIMENSIONS:
            c.fail(entry, f"dimension must be one of {', '.join(DIMENSIONS)}")
        items.append(
            Item(
                id=iid,
                competence=it["competence"],
                dimension=it["dimension"],
                text=c.text(it.get("text"), f"{entry}: text"),
                example=c.text(it.get("example"), f"{entry}: example"),
            )
        )
    for comp in competences:
        for dim in DIMENSIONS:
            n = sum(1 for it in items if it.competence == comp and it.dimension == dim)
            if n < 2:
                c.fail(f"competence {comp}", f"has {n} {dim} items; at least 2 are needed")
    purposes = []
    for i, p in enumerate(c.listing(data.get("purposes"), "purposes")):
        p = c.mapping(p, f"purposes[{i}]")
        pid = p.get("id")
        if not isinstance(pid, str) or not pid or pid in seen:
            c.fail(f"purposes[{i}]", "id is missing or used twice")
        seen.add(pid)
        purposes.append(Purpose(pid, c.text(p.get("text"), f"purpose {pid}: text")))
    return tuple(items), tuple(purposes)


def _profile_file(path: Path, competences: dict[str, Competence]):
    c = _Checker(path)
    data = read_yaml(path)
    target = c.mapping(data.get("target_profile"), "target_profile")
    levels = c.mapping(target.get("levels"), "target_profile: levels")
    for cid in competences:
        v = levels.get(cid)
        if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 8:
            c.fail(f"target_profile: levels: {cid}", "must be a whole number from 1 to 8")
    for cid in levels:
        if cid not in competences:
            c.fail(f"target_profile: levels: {cid}", "unknown competence (the competences are in framework.yaml)")
    return (
        c.text(target.get("name"), "target_profile: name"),
        c.text(target.get("description"), "target_profile: description"),
        {cid: levels[cid] for cid in competences},
    )


def _feedback_file(path: Path, competences: dict[str, Competence]):
    c = _Checker(path)
    data = read_yaml(path)
    raw = c.mapping(data.get("feedback"), "feedback")
    result = {}
    for cid in competences:
        per = c.mapping(raw.get(cid), f"feedback: {cid}")
        for band in BANDS:
            entry = f"feedback: {cid}: {band}"
            fb = c.mapping(per.get(band), entry)
            exercises = c.listing(fb.get("exercises"), f"{entry}: exercises")
            if not 2 <= len(exercises) <= 3:
                c.fail(f"{entry}: exercises", "must have 2 or 3 exercises")
            result[(cid, band)] = Feedback(
                strength=c.text(fb.get("strength"), f"{entry}: strength"),
                development=c.text(fb.get("development"), f"{entry}: development"),
                exercises=tuple(
                    c.text(x, f"{entry}: exercises[{k}]") for k, x in enumerate(exercises)
                ),
            )
    for cid in raw:
        if cid not in competences:
            c.fail(f"feedback: {cid}", "unknown competence (the competences are in framework.yaml)")
    return result


def load_framework(directory: Path | None = None) -> Framework:
    """Read and validate data/assessment/*.yaml; raise ContentError on the first problem."""
    directory = directory or DATA_DIR / "assessment"
    dims, areas, competences, scales, dont_know = _framework_file(directory / "framework.yaml")
    index = {c.id: c for c in competences}
    items, purposes = _items_file(directory / "items.yaml", index)
    name, description, levels = _profile_file(directory / "profile.yaml", index)
    feedback = _feedback_file(directory / "feedback.yaml", index)
    return Framework(
        dimensions=dims,
        areas=areas,
        competences=competences,
        scales=scales,
        dont_know=dont_know,
        items=items,
        purposes=purposes,
        target_name=name,
        target_description=description,
        target_levels=levels,
        feedback=feedback,
        competence_index=index,
        area_index={a.id: a for a in areas},
    )


@lru_cache(maxsize=1)
def framework() -> Framework:
    """The validated framework from data/, loaded once per process."""
    return load_framework()


@dataclass(frozen=True)
class Organisation:
    """Configurable lists: municipalities, areas (with related-area groups) and leader levels."""

    municipalities: dict[str, Text]
    areas: dict[str, Text]
    area_groups: dict[str, str]
    levels: dict[str, Text]


def load_organisation(path: Path | None = None) -> Organisation:
    path = path or DATA_DIR / "organisation.yaml"
    c = _Checker(path)
    data = read_yaml(path)

    def entries(key: str) -> list[dict]:
        out = []
        for i, e in enumerate(c.listing(data.get(key), key)):
            e = c.mapping(e, f"{key}[{i}]")
            if not isinstance(e.get("id"), str) or not e["id"].strip():
                c.fail(f"{key}[{i}]", "id is missing")
            e["name"] = c.text(e.get("name"), f"{key}: {e['id']}: name")
            out.append(e)
        if len({e["id"] for e in out}) != len(out):
            c.fail(key, "ids must be unique")
        return out

    areas = entries("areas")
    return Organisation(
        municipalities={e["id"]: e["name"] for e in entries("municipalities")},
        areas={e["id"]: e["name"] for e in areas},
        area_groups={e["id"]: str(e.get("group") or e["id"]) for e in areas},
        levels={e["id"]: e["name"] for e in entries("levels")},
    )


@lru_cache(maxsize=1)
def organisation() -> Organisation:
    return load_organisation()
