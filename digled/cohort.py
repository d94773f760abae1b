"""Management's view of the cohort: anonymised aggregates of submitted assessments.

Every figure here is computed from stored scores (never rescored) and only for the members
anonymity.py releases: groups below k are hidden, complementary suppression is decided once
over the whole lattice of groups, and a group's figures change only in batches of k new
respondents. Figures are means, shares of level bands and quartiles; never a row, a minimum
or a maximum. The cohort frame is cached per database and rebuilt when a new assessment is
submitted (the cache key is the count and the highest id of submitted assessments).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd
import sqlite_utils

from . import anonymity, scoring
from .content import BANDS, DIMENSIONS, Framework
from .i18n import N_

ROUNDS = ("start", "end", "extra")
DIMENSION_COLUMNS = ("municipality", "area", "level")
BAND_NAMES = {
    "foundation": N_("Foundation (levels 1-2)"),
    "intermediate": N_("Intermediate (levels 3-4)"),
    "advanced": N_("Advanced (levels 5-6)"),
    "highly_specialised": N_("Highly specialised (levels 7-8)"),
}


@dataclass(frozen=True)
class Filters:
    """Which group to look at; None means all in that dimension."""

    round: str = "start"
    municipality: str | None = None
    area: str | None = None
    level: str | None = None

    def key(self) -> tuple:
        return (self.municipality, self.area, self.level)


@dataclass
class Figures:
    """The released figures of one group, or `hidden` with the reason's message id."""

    filters: Filters
    n: int | None
    hidden: bool
    competences: dict[str, float] = field(default_factory=dict)
    dimensions: dict[tuple[str, str], float] = field(default_factory=dict)  # (area, dimension)
    areas: dict[str, float] = field(default_factory=dict)
    total: float | None = None
    quartiles: tuple[float, float, float] | None = None
    bands: dict[str, float] = field(default_factory=dict)  # share 0..100
    purposes: dict[str, float] = field(default_factory=dict)


# --- the cached cohort frame ------------------------------------------------------------------

_cache: dict[str, tuple[tuple, pd.DataFrame]] = {}
_lock = threading.Lock()


def _version(db: sqlite_utils.Database) -> tuple:
    return tuple(db.execute("SELECT COUNT(*), MAX(id) FROM assessments WHERE status = 'submitted'").fetchone())


def _db_id(db: sqlite_utils.Database) -> str | None:
    """The database file (the cache key); None for an in-memory database (never cached)."""
    row = db.execute("PRAGMA database_list").fetchone()
    return row[2] or None


def frame(db: sqlite_utils.Database, framework: Framework) -> pd.DataFrame:
    """One row per submitted assessment: group attributes and flattened stored scores, the
    latest per respondent and round, ordered by submission (id)."""
    key = _db_id(db)
    version = _version(db)
    with _lock:
        cached = _cache.get(key) if key else None
        if cached and cached[0] == version:
            return cached[1]
    rows = db.execute(
        "SELECT id, respondent, round, municipality, area, level, submitted, scores "
        "FROM assessments WHERE status = 'submitted' ORDER BY id"
    ).fetchall()
    records = []
    for id_, resp, rnd, mun, area, level, submitted, scores_json in rows:
        s = json.loads(scores_json)
        rec = {"id": id_, "respondent": resp, "round": rnd, "municipality": mun, "area": area,
               "level": level, "submitted": submitted, "total": s["total"], "total_level": s["total_level"]}
        for cid, c in s["competences"].items():
            rec[f"c:{cid}"] = c["score"]
            for d in DIMENSIONS:
                rec[f"d:{cid}:{d}"] = c[d]
        for aid, v in s["areas"].items():
            rec[f"a:{aid}"] = v
        for pid, v in s["purposes"].items():
            rec[f"p:{pid}"] = v
        records.append(rec)
    df = pd.DataFrame.from_records(records)
    if df.empty:
        df = pd.DataFrame(columns=["id", "respondent", "round", "municipality", "area", "level", "submitted", "total", "total_level"])
    else:
        # per respondent: each area's mean per dimension (what the dimension chart averages)
        df = pd.concat(
            [df, pd.DataFrame({
                f"ad:{a.id}:{d}": df[[f"d:{cid}:{d}" for cid in a.competences]].mean(axis=1, skipna=True)
                for a in framework.areas for d in DIMENSIONS
            })],
            axis=1,
        )
    # the latest attempt per respondent and round counts (a retake replaces, never doubles)
    df = df.drop_duplicates(subset=["respondent", "round"], keep="last").reset_index(drop=True)
    if key:
        with _lock:
            _cache[key] = (version, df)
    return df


def members(df: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The group's respondents (all, not yet released), in submission order."""
    mask = df["round"] == filters.round
    for col, value in zip(DIMENSION_COLUMNS, filters.key()):
        if value is not None:
            mask &= df[col] == value
    return df[mask]


# --- suppression over the lattice --------------------------------------------------------------


def dimension_values(org) -> list[list[str]]:
    """The configured values of municipality, area and level (the lattice's dimensions)."""
    return [list(org.municipalities), list(org.areas), list(org.levels)]


_hidden_cache: dict[tuple, tuple[pd.DataFrame, set]] = {}


def hidden_groups(df: pd.DataFrame, round_: str, values: list[list[str]], k: int) -> set[tuple]:
    """The group keys of a round that must not be shown (anonymity.suppress over all groups).
    Memoised per cohort frame: a new submission builds a new frame, so a new entry."""
    cache_key = (id(df), round_, k, tuple(map(tuple, values)))
    hit = _hidden_cache.get(cache_key)
    if hit is not None and hit[0] is df:  # the entry holds df, so its id is not reused meanwhile
        return hit[1]
    counts: dict[tuple, int] = {}
    sub = df[df["round"] == round_]
    for (m, a, l), n in sub.groupby(list(DIMENSION_COLUMNS)).size().items():
        for key in anonymity.lattice([[m], [a], [l]]):
            counts[key] = counts.get(key, 0) + int(n)
    result = anonymity.suppress(counts, values, k)
    if len(_hidden_cache) >= 16:
        _hidden_cache.clear()
    _hidden_cache[cache_key] = (df, result)
    return result


def figures(df: pd.DataFrame, framework: Framework, filters: Filters, hidden: set[tuple], k: int) -> Figures:
    """The released figures of one group, or a hidden Figures."""
    group = members(df, filters)
    if filters.key() in hidden or len(group) < k:
        return Figures(filters=filters, n=None, hidden=True)
    rel = anonymity.released(group, k)
    numeric = [c for c in rel.columns if c[:2] in ("c:", "a:", "p:") or c.startswith("ad:") or c == "total"]
    means = rel[numeric].astype(float).mean()

    def mean(col: str) -> float | None:
        v = means.get(col)
        return None if v is None or pd.isna(v) else float(v)

    f = Figures(filters=filters, n=len(rel), hidden=False)
    f.competences = {c.id: mean(f"c:{c.id}") for c in framework.competences}
    f.areas = {a.id: mean(f"a:{a.id}") for a in framework.areas}
    f.dimensions = {(a.id, d): mean(f"ad:{a.id}:{d}") for a in framework.areas for d in DIMENSIONS}
    f.total = mean("total")
    totals = rel["total"].dropna()
    if len(totals) >= k:
        q = totals.quantile([0.25, 0.5, 0.75]).tolist()
        f.quartiles = (q[0], q[1], q[2])
    levels = rel["total_level"].dropna().astype(int)
    if len(levels):
        bands = levels.map(scoring.band).value_counts()
        f.bands = {b: float(bands.get(b, 0)) / len(levels) * 100 for b in BANDS}
    f.purposes = {p.id: mean(f"p:{p.id}") for p in framework.purposes}
    return f


def as_scores(f: Figures, framework: Framework) -> dict:
    """A cohort's figures in the shape of one attempt's scores (so wheel.wheel can draw it)."""
    return {
        "competences": {
            cid: {"score": v, "level": scoring.level(v) if v is not None else None} for cid, v in f.competences.items()
        },
        "areas": f.areas,
        "total": f.total,
        "total_level": scoring.level(f.total) if f.total is not None else None,
        "purposes": f.purposes,
    }


@dataclass
class Change:
    """Start-to-end change of paired respondents in a group (percentage points)."""

    n: int | None
    hidden: bool
    competences: dict[str, float] = field(default_factory=dict)
    total: float | None = None


def paired_change(df: pd.DataFrame, framework: Framework, filters: Filters, hidden_end: set[tuple], k: int) -> Change:
    """Mean change from start to end of respondents who took both (grouped by their end
    attributes), released in batches of k like every other figure."""
    end = members(df, Filters("end", *filters.key()))
    if filters.key() in hidden_end or len(end) < k:
        return Change(n=None, hidden=True)
    start = df[df["round"] == "start"].set_index("respondent")
    paired = end[end["respondent"].isin(start.index)]
    if len(paired) < k:
        return Change(n=None, hidden=True)
    rel = anonymity.released(paired, k)
    before = start.loc[rel["respondent"]]
    ch = Change(n=len(rel), hidden=False)
    for c in framework.competences:
        col = f"c:{c.id}"
        diff = rel[col].to_numpy(dtype=float) - before[col].to_numpy(dtype=float)
        s = pd.Series(diff).dropna()
        ch.competences[c.id] = float(s.mean()) if len(s) else None
    s = pd.Series(rel["total"].to_numpy(dtype=float) - before["total"].to_numpy(dtype=float)).dropna()
    ch.total = float(s.mean()) if len(s) else None
    return ch


# --- export: one row per group and figure ------------------------------------------------------

EXPORT_COLUMNS = ["round", "municipality", "area", "level", "n", "figure", "value"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise text that a spreadsheet would run as a formula (prefix with ')."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_START):
        return "'" + value
    return value


def figure_rows(f: Figures, framework: Framework, name: Callable[[str], str] = lambda s: s) -> list[dict]:
    """The export rows of one group's figures (hidden: one row with blank n and value)."""
    base = {"round": f.filters.round, "municipality": f.filters.municipality or "",
            "area": f.filters.area or "", "level": f.filters.level or ""}
    if f.hidden:
        return [{**base, "n": "", "figure": "hidden", "value": ""}]
    rows = [{**base, "n": f.n, "figure": "total", "value": f.total}]
    if f.quartiles:
        for label, v in zip(("q1", "median", "q3"), f.quartiles):
            rows.append({**base, "n": f.n, "figure": f"total {label}", "value": v})
    rows += [{**base, "n": f.n, "figure": f"area {a}", "value": v} for a, v in f.areas.items()]
    rows += [{**base, "n": f.n, "figure": f"competence {c}", "value": v} for c, v in f.competences.items()]
    rows += [{**base, "n": f.n, "figure": f"area {a} {d}", "value": v} for (a, d), v in f.dimensions.items()]
    rows += [{**base, "n": f.n, "figure": f"share {b} %", "value": v} for b, v in f.bands.items()]
    rows += [{**base, "n": f.n, "figure": f"purpose {p}", "value": v} for p, v in f.purposes.items()]
    return [{k: safe_cell(v) for k, v in r.items()} for r in rows]


def export_rows(db: sqlite_utils.Database, framework: Framework, org, k: int) -> list[dict]:
    """Every group of every round (all combinations of municipality, area and level), as rows
    of EXPORT_COLUMNS; hidden groups carry blank n and value."""
    df = frame(db, framework)
    values = dimension_values(org)
    rows: list[dict] = []
    for rnd in ROUNDS:
        hidden = hidden_groups(df, rnd, values, k)
        for key in anonymity.lattice(values):
            rows += figure_rows(figures(df, framework, Filters(rnd, *key), hidden, k), framework)
    return rows


def round_value(v, digits: int = 1):
    return round(v, digits) if isinstance(v, float) else v


def dataframe(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=EXPORT_COLUMNS)
    df["value"] = df["value"].map(round_value)
    return df

