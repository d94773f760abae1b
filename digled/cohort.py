"""Management's figures about assessments: what one released member set shows.

Pure computation, no decisions: anonymity.py decides which member sets may be released and
publications.py stores the figures computed here. A group's figures are computed from stored
scores (never rescored) of submitted start and end attempts (extra retakes are private).
Figures are means, level-band shares, quartiles and importance shares (from the frozen
`published_importance` snapshot, see `importance_codes`), each only where anonymity allows it;
never a row, a minimum or a maximum. A start->end change also carries the sample standard
deviation of the paired differences. To stay fast at hundreds of thousands of attempts, sums
are taken once per *leaf* (round x municipality x area x level) and added up per group.
"""

from __future__ import annotations

import io
import json
import warnings
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
import sqlite_utils

from . import anonymity, cohorts, scoring
from .content import BANDS, DIMENSIONS, Framework
from .exports import safe_cell
from .i18n import N_

ROUNDS = ("start", "end")  # extra retakes never enter management figures
# an attempt's importance mark per competence, as published (codes are the positions)
IMPORTANCE = ("important", "less", "not_relevant", "unanswered")
UNANSWERED = IMPORTANCE.index("unanswered")
DIMENSION_COLUMNS = ("municipality", "area", "level")
FRAME_META = ("respondent", "round", *DIMENSION_COLUMNS)
BAND_NAMES = {
    "foundation": N_("Foundation (levels 1-2)"),
    "intermediate": N_("Intermediate (levels 3-4)"),
    "advanced": N_("Advanced (levels 5-6)"),
    "highly_specialised": N_("Highly specialised (levels 7-8)"),
}


@dataclass
class Figures:
    """The figures of one released member set (hidden: nothing but the reason)."""

    n: int | None = None
    hidden: bool = True
    competences: dict[str, float | None] = field(default_factory=dict)
    dimensions: dict[str, float | None] = field(default_factory=dict)  # "area:dimension"
    areas: dict[str, float | None] = field(default_factory=dict)
    total: float | None = None
    quartiles: list[float] | None = None
    bands: dict[str, float] = field(default_factory=dict)  # share 0..100
    purposes: dict[str, float | None] = field(default_factory=dict)
    # competence -> {IMPORTANCE value: share 0..100 of the n members} (None: withheld for that
    # competence); empty in publications made before importance existed
    importance: dict[str, dict[str, float] | None] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str | None) -> "Figures":
        return cls(**json.loads(raw)) if raw else cls()


@dataclass
class Change:
    """Mean start-to-end change of the leaders who took both rounds (percentage points)."""

    n: int | None = None
    hidden: bool = True
    competences: dict[str, float | None] = field(default_factory=dict)
    total: float | None = None
    # sample standard deviation of the paired differences (percentage points; None when fewer
    # than 2 pairs have a value or the mean is blank); empty / None in older publications
    sd: dict[str, float | None] = field(default_factory=dict)
    sd_total: float | None = None
    counts: dict[str, int] = field(default_factory=dict)  # pairs with a value, per competence

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str | None) -> "Change":
        return cls(**json.loads(raw)) if raw else cls()


# --- the member frame -------------------------------------------------------------------------


def value_columns(framework: Framework) -> list[str]:
    """The numeric columns a group's means are taken over."""
    return (["total"] + [f"c:{c.id}" for c in framework.competences] + [f"a:{a.id}" for a in framework.areas]
            + [f"ad:{a.id}:{d}" for a in framework.areas for d in DIMENSIONS] + [f"p:{p.id}" for p in framework.purposes])


def _paths(framework: Framework) -> list[tuple[str, str]]:
    """(column, JSON path into the stored scores) of every number a frame needs."""
    return ([("total", "$.total"), ("total_level", "$.total_level")]
            + [(f"c:{c.id}", f'$.competences."{c.id}".score') for c in framework.competences]
            + [(f"d:{c.id}:{d}", f'$.competences."{c.id}".{d}') for c in framework.competences for d in DIMENSIONS]
            + [(f"a:{a.id}", f'$.areas."{a.id}"') for a in framework.areas]
            + [(f"p:{p.id}", f'$.purposes."{p.id}"') for p in framework.purposes])


def frame(db: sqlite_utils.Database, framework: Framework, cohort_id: int | None = None) -> pd.DataFrame:
    """One row per submitted start or end attempt of the cohort (the running one by default;
    see cohorts.py): member (the attempt's random id),
    respondent, round, group attributes, level and the value columns. One attempt per
    respondent and round (should there be two, the one with the larger id). SQLite picks the
    numbers out of the stored scores and pandas' C parser reads them: fast at 300,000 rows."""
    paths = _paths(framework)
    rows = db.execute(
        "SELECT id, respondent, round, municipality, area, level, "
        f"substr(json_extract(scores, {', '.join('?' * len(paths))}), 2) FROM assessments "
        "WHERE status = 'submitted' AND round IN ('start', 'end') AND scores IS NOT NULL AND cohort_id = ?",
        [*(p for _, p in paths), cohorts.running_id(db) if cohort_id is None else cohort_id],
    ).fetchall()
    meta = pd.DataFrame.from_records([r[:6] for r in rows], columns=["member", *FRAME_META])
    names = [name for name, _ in paths]
    if rows:
        text = "".join(r[6] for r in rows).replace("]", "\n")
        numbers = pd.read_csv(io.StringIO(text), header=None, names=names, na_values=["null"], dtype=float)
    else:
        numbers = pd.DataFrame(columns=names, dtype=float)
    for a in framework.areas:  # each area's mean per dimension (what the dimension chart averages)
        for d in DIMENSIONS:
            cols = numbers[[f"d:{c}:{d}" for c in a.competences]].to_numpy()
            with warnings.catch_warnings():  # a row without any value in the area: NaN, quietly
                warnings.simplefilter("ignore", RuntimeWarning)
                numbers[f"ad:{a.id}:{d}"] = np.nanmean(cols, axis=1) if len(cols) else np.array([], dtype=float)
    df = pd.concat([meta, numbers[["total_level", *value_columns(framework)]]], axis=1)
    df = df.sort_values("member").drop_duplicates(subset=["respondent", "round"], keep="last")
    return df.set_index("member", drop=False)


def in_group(df: pd.DataFrame, round_: str, key: tuple) -> np.ndarray:
    """A boolean mask of the frame's rows in one group."""
    mask = (df["round"] == round_).to_numpy()
    for col, value in zip(DIMENSION_COLUMNS, key):
        if value is not None:
            mask = mask & (df[col] == value).to_numpy()
    return mask


# --- figures of one set -------------------------------------------------------------------------


def figures(df: pd.DataFrame, mask: np.ndarray, framework: Framework, k: int,
            marks: np.ndarray | None = None) -> Figures:
    """The figures of the frame rows under `mask` (a released member set). `marks`: the
    importance codes (rows aligned with `df`, columns in framework order; see `importance_codes`)."""
    rows = df[mask]
    n = len(rows)
    cols = value_columns(framework)
    values = rows[cols].to_numpy(dtype=float)
    counts = (~np.isnan(values)).sum(axis=0)
    sums = np.nansum(values, axis=0)
    mean = {}
    for i, col in enumerate(cols):
        mean[col] = float(sums[i] / counts[i]) if anonymity.mean_allowed(int(counts[i]), n, k) else None
    f = Figures(n=n, hidden=False)
    f.total = mean["total"]
    f.competences = {c.id: mean[f"c:{c.id}"] for c in framework.competences}
    f.areas = {a.id: mean[f"a:{a.id}"] for a in framework.areas}
    f.dimensions = {f"{a.id}:{d}": mean[f"ad:{a.id}:{d}"] for a in framework.areas for d in DIMENSIONS}
    f.purposes = {p.id: mean[f"p:{p.id}"] for p in framework.purposes}
    totals = rows["total"].dropna()
    if len(totals) == n and anonymity.quartiles_allowed(n, k):
        f.quartiles = [float(q) for q in totals.quantile([0.25, 0.5, 0.75])]
    levels = rows["total_level"].dropna().astype(int)
    if len(levels) == n:
        per_band = levels.map(scoring.band).value_counts()
        band_counts = [int(per_band.get(b, 0)) for b in BANDS]
        if anonymity.bands_allowed(band_counts, k):
            f.bands = {b: c / n * 100 for b, c in zip(BANDS, band_counts)}
    if marks is not None and n:
        f.importance = importance_shares(marks[mask], framework, k)
    return f


def importance_shares(codes: np.ndarray, framework: Framework, k: int) -> dict[str, dict[str, float] | None]:
    """Per competence the share (0..100) of the members (rows of `codes`) per IMPORTANCE value.
    Withheld (None) for a competence where one value holds all, or all but fewer than k, of the
    members (the rule of level bands: otherwise the shares would tell each member's mark)."""
    n = len(codes)
    out: dict[str, dict[str, float] | None] = {}
    for j, c in enumerate(framework.competences):
        counts = [int((codes[:, j] == v).sum()) for v in range(len(IMPORTANCE))]
        out[c.id] = ({name: cnt / n * 100 for name, cnt in zip(IMPORTANCE, counts)}
                     if anonymity.bands_allowed(counts, k) else None)
    return out


def importance_codes(db: sqlite_utils.Database, framework: Framework, members) -> tuple[np.ndarray, np.ndarray]:
    """The importance codes of `members` (rows, in their order; columns in framework order) as
    publications see them: an attempt's `published_importance` snapshot where it has one, else its
    current `importance` marks (what a snapshot taken now holds; a missing mark is unanswered).
    Also returns a boolean array: which members already have a snapshot."""
    index = pd.Index([int(m) for m in members])
    col = {c.id: j for j, c in enumerate(framework.competences)}
    value = {v: i for i, v in enumerate(IMPORTANCE)}
    codes = np.full((len(index), len(col)), UNANSWERED, dtype=np.int8)
    published = np.zeros(len(index), dtype=bool)
    for table, frozen in (("published_importance", True), ("importance", False)):
        rows = pd.DataFrame(db.execute(f"SELECT assessment_id, competence, value FROM {table}").fetchall(),
                            columns=["member", "competence", "value"])
        if rows.empty:
            continue
        i = index.get_indexer(rows["member"])
        j = rows["competence"].map(col).fillna(-1).to_numpy(dtype=int)
        v = rows["value"].map(value).fillna(UNANSWERED).to_numpy(dtype=np.int8)
        if frozen:
            published[i[i >= 0]] = True
            keep = (i >= 0) & (j >= 0)
        else:  # current marks only where no snapshot exists
            keep = (i >= 0) & (j >= 0)
            keep[keep] = ~published[i[keep]]
        codes[i[keep], j[keep]] = v[keep]
    return codes, published


def paired(df: pd.DataFrame) -> pd.DataFrame:
    """Leaders who took both rounds: one row per pair with the end attempt's attributes and
    members (`member` = end, `start_member` = start)."""
    start = df[df["round"] == "start"].set_index("respondent")
    end = df[df["round"] == "end"]
    end = end[end["respondent"].isin(start.index)].copy()
    end["start_member"] = start.loc[end["respondent"], "member"].to_numpy()
    return end


def change(df: pd.DataFrame, pairs: pd.DataFrame, mask: np.ndarray, framework: Framework, k: int) -> Change:
    """Mean change from start to end of the pairs under `mask`."""
    rows = pairs[mask]
    before = df.loc[rows["start_member"].to_numpy()]
    cols = ["total"] + [f"c:{c.id}" for c in framework.competences]
    diff = rows[cols].to_numpy(dtype=float) - before[cols].to_numpy(dtype=float)
    counts = (~np.isnan(diff)).sum(axis=0)
    sums = np.nansum(diff, axis=0)
    n = len(rows)
    mean = {col: float(sums[i] / counts[i]) if anonymity.mean_allowed(int(counts[i]), n, k) else None
            for i, col in enumerate(cols)}
    sd = {col: sample_sd(diff[:, i]) if mean[col] is not None else None for i, col in enumerate(cols)}
    return Change(n=n, hidden=False, total=mean["total"],
                  competences={c.id: mean[f"c:{c.id}"] for c in framework.competences},
                  sd={c.id: sd[f"c:{c.id}"] for c in framework.competences}, sd_total=sd["total"],
                  counts={c.id: int(counts[i + 1]) for i, c in enumerate(framework.competences)})


def sample_sd(values: np.ndarray) -> float | None:
    """The sample standard deviation (n - 1) of the values that are not NaN; None under 2."""
    v = values[~np.isnan(values)]
    return float(np.std(v, ddof=1)) if len(v) >= 2 else None


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


# --- export: one row per group and figure ------------------------------------------------------

EXPORT_COLUMNS = ["publication", "round", "municipality", "area", "level", "status", "n", "figure", "value"]


def figure_rows(base: dict, f: Figures) -> list[dict]:
    """The export rows of one group's figures (`base` holds publication, round, group and
    status; a hidden group is one row with blank n and value)."""
    if f.hidden:
        return [{**base, "n": "", "figure": "hidden", "value": ""}]
    rows = [{**base, "n": f.n, "figure": "total", "value": f.total}]
    if f.quartiles:
        for label, v in zip(("q1", "median", "q3"), f.quartiles):
            rows.append({**base, "n": f.n, "figure": f"total {label}", "value": v})
    rows += [{**base, "n": f.n, "figure": f"area {a}", "value": v} for a, v in f.areas.items()]
    rows += [{**base, "n": f.n, "figure": f"competence {c}", "value": v} for c, v in f.competences.items()]
    rows += [{**base, "n": f.n, "figure": f"area {ad.replace(':', ' ')}", "value": v} for ad, v in f.dimensions.items()]
    rows += [{**base, "n": f.n, "figure": f"share {b} %", "value": v} for b, v in f.bands.items()]
    rows += [{**base, "n": f.n, "figure": f"purpose {p}", "value": v} for p, v in f.purposes.items()]
    rows += [{**base, "n": f.n, "figure": f"importance {c} {name} %", "value": None if shares is None else shares[name]}
             for c, shares in f.importance.items() for name in IMPORTANCE]
    return [{key: safe_cell(v) for key, v in r.items()} for r in rows]


def round_value(v, digits: int = 1):
    return round(v, digits) if isinstance(v, float) else v


def dataframe(rows: list[dict]) -> pd.DataFrame:
    """Export rows as a table with EXPORT_COLUMNS, values rounded to one decimal."""
    df = pd.DataFrame(rows, columns=EXPORT_COLUMNS)
    df["value"] = df["value"].map(round_value)
    return df

