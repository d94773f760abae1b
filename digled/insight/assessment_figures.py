"""Management's figures about assessments: what one released member set shows.

Pure computation, no decisions: anonymity.py (the gate) decides which member sets and which
of their figures may be released, publications.py stores the figures computed here. A group's
figures are computed from stored scores (never rescored) of submitted start and end attempts
(extra retakes are private). Figures are means, level-band shares, quartiles and importance
shares (from the frozen `published_importance` snapshot, see `importance_codes`); never a row,
a minimum or a maximum. `families` names, for the gate, the members each kind of figure is
over (a mean: the members with a value; a share: the members counted), and `figures` and
`change` compute only what the gate released: a withheld mean is None, a share the gate shows
only as a band is its bounds (`band`), a withheld one None. A start->end change carries the
95 % interval of each released mean change (computed here, where n is known; the standard
deviation is never stored).
"""

from __future__ import annotations

import io
import json
import warnings
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
import sqlite_utils

from digled.accounts import programme_runs
from digled.assessment import answering, scoring
from digled.content.loader import BANDS, DIMENSIONS, Framework
from digled.content.loader import framework as load_framework
from digled.insight import anonymity
from digled.platform import stats
from digled.platform.exports import safe_cell
from digled.platform.i18n import N_

ROUNDS = answering.RUN_ROUNDS  # start, end and the follow-ups; extra retakes never enter management figures
# did the change hold: the change from a base round to a follow-up of the leaders who took both
FOLLOWUP_PAIRS = tuple(f"{base}>{f}" for f in answering.FOLLOWUP_ROUNDS for base in ("end", "start"))
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
    # band -> share 0..100, or {"lo": .., "hi": ..} (a count shown only as a band: fewer than
    # k, or all but fewer than k), or None (withheld); empty in a hidden group
    bands: dict[str, float | dict | None] = field(default_factory=dict)
    purposes: dict[str, float | None] = field(default_factory=dict)
    # competence -> {IMPORTANCE value: share 0..100 of the n members, or a band, or None};
    # empty in publications made before importance existed (older ones: None per competence)
    importance: dict[str, dict[str, float | dict | None] | None] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str | None) -> Figures:
        return cls(**json.loads(raw)) if raw else cls()


@dataclass
class Change:
    """Mean start-to-end change of the leaders who took both rounds (percentage points), and
    the 95 % interval of each mean change released (None: no interval; see INTERVAL_MIN).
    Publications made before intervals were stored held `sd` and `counts` instead (read by
    digled/ui/change_view.py)."""

    n: int | None = None
    hidden: bool = True
    competences: dict[str, float | None] = field(default_factory=dict)
    total: float | None = None
    intervals: dict[str, list[float] | None] = field(default_factory=dict)
    interval_total: list[float] | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str | None) -> Change:
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


def frame(db: sqlite_utils.Database, framework: Framework, cohort_id: int | None = None,
          exclude: set[str] | frozenset[str] = frozenset()) -> pd.DataFrame:
    """One row per submitted start, end or follow-up attempt of the cohort (the running one by default;
    see cohorts.py), but those of the respondents in `exclude` (leaders who do not count yet:
    identities.py): member (the attempt's random id),
    respondent, round, group attributes, level and the value columns. One attempt per
    respondent and round (should there be two, the one with the larger id). SQLite picks the
    numbers out of the stored scores and pandas' C parser reads them: fast at 300,000 rows."""
    paths = _paths(framework)
    rows = db.execute(
        "SELECT id, respondent, round, municipality, area, level, "
        f"substr(json_extract(scores, {', '.join('?' * len(paths))}), 2) FROM assessments "
        f"WHERE status = 'submitted' AND round IN ({', '.join('?' * len(ROUNDS))}) AND scores IS NOT NULL "
        "AND cohort_id = ?",
        [*(p for _, p in paths), *ROUNDS, programme_runs.running_id(db) if cohort_id is None else cohort_id],
    ).fetchall()
    if exclude:
        rows = [r for r in rows if r[1] not in exclude]
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


def in_group(df: pd.DataFrame, round_: str, key: tuple, arrays: Arrays | None = None) -> np.ndarray:
    """A boolean mask of the frame's rows in one group (`arrays`: the frame's columns as codes,
    made once per publication; see `Arrays`)."""
    if arrays is not None:
        return arrays.mask(round_, key)
    mask = (df["round"] == round_).to_numpy()
    for col, value in zip(DIMENSION_COLUMNS, key):
        if value is not None:
            mask = mask & (df[col] == value).to_numpy()
    return mask


@dataclass
class Arrays:
    """A frame's columns as plain arrays, made once per publication: the group columns as
    integer codes (a group's mask without comparing strings) and the value columns as one
    matrix (a group's sums without copying the frame)."""

    codes: dict
    uniques: dict
    values: np.ndarray
    columns: list

    @classmethod
    def of(cls, df: pd.DataFrame, framework: Framework) -> Arrays:
        codes, uniques = {}, {}
        for col in ("round", *DIMENSION_COLUMNS):
            if col not in df:
                continue  # a frame of one group only (figures of a set)
            c, u = pd.factorize(df[col], use_na_sentinel=True)
            codes[col], uniques[col] = c, {v: i for i, v in enumerate(u)}
        columns = ["total_level", *value_columns(framework)]
        return cls(codes, uniques, df[columns].to_numpy(dtype=float), columns)

    def mask(self, round_: str, key: tuple) -> np.ndarray:
        mask = self.codes["round"] == self.uniques["round"].get(round_, -2)
        for col, value in zip(DIMENSION_COLUMNS, key):
            if value is not None:
                mask &= self.codes[col] == self.uniques[col].get(value, -2)
        return mask


# --- what the gate needs to know: the members each kind of figure is over ---------------------


def assessment_families(df: pd.DataFrame, marks: np.ndarray | None, framework: Framework) -> list[anonymity.Family]:
    """The gate's figure families of the assessment groups: a mean per value column (over the
    members with a value; `members` lists those without), a count per level band and per
    importance mark of each competence (the members counted)."""
    ids = df["member"].to_numpy(dtype=np.int64)
    out = [anonymity.Family(f"v:{col}", anonymity.VALUE, ids[df[col].isna().to_numpy()], complement=True)
           for col in value_columns(framework)]
    levels = df["total_level"].to_numpy(dtype=float)
    band_of = np.full(len(df), -1)
    known = ~np.isnan(levels)
    band_of[known] = scoring.band_indices(levels[known].astype(int))
    out += [anonymity.Family(f"band:{b}", anonymity.COUNT, ids[band_of == i]) for i, b in enumerate(BANDS)]
    if marks is not None:
        out += [anonymity.Family(f"imp:{c.id}:{name}", anonymity.COUNT, ids[marks[:, j] == v])
                for j, c in enumerate(framework.competences) for v, name in enumerate(IMPORTANCE)]
    return out


def paired_families(df: pd.DataFrame, pairs: pd.DataFrame, framework: Framework,
                    columns: list[str] | None = None, prefix: str = "pv") -> list[anonymity.Family]:
    """The gate's figure families of the start->end groups: a mean change per column (`columns`:
    change_columns by default), over the pairs (their end attempts) with a value at both ends;
    family ids "<prefix>:<column>"."""
    ids = pairs["member"].to_numpy(dtype=np.int64)
    before = df.loc[pairs["start_member"].to_numpy()]
    out = []
    for col in columns or change_columns(framework):
        lacking = np.isnan(pairs[col].to_numpy(dtype=float)) | np.isnan(before[col].to_numpy(dtype=float))
        out.append(anonymity.Family(f"{prefix}:{col}", anonymity.VALUE, ids[lacking], complement=True))
    return out


def followup_pairs(df: pd.DataFrame) -> pd.DataFrame:
    """Every follow-up pair (FOLLOWUP_PAIRS) in one frame: one row per leader who took the base
    round and the follow-up, with the follow-up attempt's attributes and member (`member`), the
    base attempt's member (`start_member`) and the pair's name in `round` (so a group is
    `in_group(pairs, "end>followup_3", key)`)."""
    parts = []
    for name in FOLLOWUP_PAIRS:
        base, after = name.split(">")
        p = paired(df, base, after)
        parts.append(p.assign(round=name))
    return pd.concat(parts)


def followup_families(df: pd.DataFrame, pairs: pd.DataFrame, framework: Framework) -> list[anonymity.Family]:
    """The gate's figure families of the follow-up groups: per base round, a mean change per
    column over the follow-up attempts with a value there and at the base ("pv:<base>:<column>";
    a follow-up attempt is in one pair per base, so each family's members are its own)."""
    out = []
    for base in ("start", "end"):
        mine = pairs[pairs["round"].str.startswith(f"{base}>")]
        out += paired_families(df, mine, framework, prefix=f"pv:{base}")
    return out


def change_columns(framework: Framework) -> list[str]:
    """The columns a start->end change is released for."""
    return ["total"] + [f"c:{c.id}" for c in framework.competences]


def band(bounds: tuple[int, int]) -> dict:
    """A count the gate shows only as a band, as stored: {"lo": .., "hi": ..}."""
    return {"lo": int(bounds[0]), "hi": int(bounds[1])}


def _released(released: dict | None, fid: str):
    """The gate's word on one figure (a released set without words: everything exact)."""
    return (released or {}).get(fid, anonymity.Figure(anonymity.EXACT))


def _share(released: dict | None, fid: str, count: int, n: int):
    fig = _released(released, fid)
    if fig.status == anonymity.EXACT:
        return count / n * 100
    return band(fig.bounds) if fig.status == anonymity.BAND else None


# --- figures of one set -------------------------------------------------------------------------


def figures(df: pd.DataFrame, mask: np.ndarray, framework: Framework, k: int,
            marks: np.ndarray | None = None, released: dict | None = None, arrays: Arrays | None = None) -> Figures:
    """The figures of the frame rows under `mask` (a released member set), as the gate released
    them (`released`: family id -> anonymity.Figure, from anonymity.decide_figures; without
    it, the direct rules alone decide, as for a single publication). `marks`: the importance
    codes (rows aligned with `df`, columns in framework order; see `importance_codes`).
    `arrays`: the frame as arrays (`Arrays.of`), when many groups of one frame are computed."""
    arrays = arrays or Arrays.of(df, framework)
    cols = value_columns(framework)
    matrix = arrays.values[mask]
    n = len(matrix)
    values = matrix[:, 1:]  # total_level first, then the value columns
    counts = (~np.isnan(values)).sum(axis=0)
    sums = np.nansum(values, axis=0)
    if released is None:
        released = direct(df[mask], framework, k, marks[mask] if marks is not None and n else None)
    mean = {}
    for i, col in enumerate(cols):
        shown = _released(released, f"v:{col}").status == anonymity.EXACT and counts[i] > 0
        mean[col] = float(sums[i] / counts[i]) if shown else None
    f = Figures(n=n, hidden=False)
    f.total = mean["total"]
    f.competences = {c.id: mean[f"c:{c.id}"] for c in framework.competences}
    f.areas = {a.id: mean[f"a:{a.id}"] for a in framework.areas}
    f.dimensions = {f"{a.id}:{d}": mean[f"ad:{a.id}:{d}"] for a in framework.areas for d in DIMENSIONS}
    f.purposes = {p.id: mean[f"p:{p.id}"] for p in framework.purposes}
    totals = values[:, cols.index("total")]
    totals = totals[~np.isnan(totals)]
    if len(totals) == n and f.total is not None and anonymity.quartiles_allowed(n, k):
        f.quartiles = [float(q) for q in np.quantile(totals, [0.25, 0.5, 0.75])]
    levels = matrix[:, 0]
    levels = levels[~np.isnan(levels)].astype(int)
    band_index = scoring.band_indices(levels)
    if n:
        f.bands = {b: _share(released, f"band:{b}", int((band_index == i).sum()), n) for i, b in enumerate(BANDS)}
    if marks is not None and n:
        codes = marks[mask]
        f.importance = {c.id: {name: _share(released, f"imp:{c.id}:{name}", int((codes[:, j] == v).sum()), n)
                               for v, name in enumerate(IMPORTANCE)}
                        for j, c in enumerate(framework.competences)}
    return f


def direct(rows: pd.DataFrame, framework: Framework, k: int, codes: np.ndarray | None = None) -> dict:
    """The gate's direct rules alone for one set (no history): each family's figure EXACT,
    BAND or WITHHELD by its own counts (what `figures` applies without `released`)."""
    n = len(rows)
    out = {}
    for col in value_columns(framework):
        with_value = int(rows[col].notna().sum())
        ok = anonymity.direct_allowed(anonymity.VALUE, with_value, n - with_value, k)
        out[f"v:{col}"] = anonymity.Figure(anonymity.EXACT if ok else anonymity.WITHHELD, "" if ok else "small")

    def count(fid: str, counted: int) -> None:
        if anonymity.direct_allowed(anonymity.COUNT, counted, n - counted, k):
            out[fid] = anonymity.Figure(anonymity.EXACT)
        else:
            out[fid] = anonymity.Figure(anonymity.BAND, "small", anonymity.band_bounds(counted, n, k))

    per_band = rows["total_level"].dropna().astype(int).map(scoring.band).value_counts()
    for b in BANDS:
        count(f"band:{b}", int(per_band.get(b, 0)))
    if codes is not None:
        for j, c in enumerate(framework.competences):
            for v, name in enumerate(IMPORTANCE):
                count(f"imp:{c.id}:{name}", int((codes[:, j] == v).sum()))
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


def paired(df: pd.DataFrame, before: str = "start", after: str = "end") -> pd.DataFrame:
    """Leaders who took both rounds: one row per pair with the later attempt's attributes and
    members (`member` = the `after` attempt, `start_member` = the `before` one)."""
    start = df[df["round"] == before].set_index("respondent")
    end = df[df["round"] == after]
    end = end[end["respondent"].isin(start.index)].copy()
    end["start_member"] = start.loc[end["respondent"], "member"].to_numpy()
    return end


INTERVAL_LEVEL = 0.95


def interval_allowed(n: int | None, k: int) -> bool:
    """An interval (which reveals the spread of the changes) only over at least 2k pairs."""
    return n is not None and n >= 2 * k and n >= 2


def change(df: pd.DataFrame, pairs: pd.DataFrame, mask: np.ndarray, framework: Framework, k: int,
           released: dict | None = None) -> Change:
    """Mean change from start to end of the pairs under `mask`, as the gate released each
    (`released`: family id "pv:<column>" -> anonymity.Figure; without it the direct rule
    alone), and its 95 % interval, rounded to one decimal, where 2k or more pairs have a value."""
    n, mean, intervals = mean_changes(df, pairs, mask, change_columns(framework), k, released)
    return Change(n=n, hidden=False, total=mean["total"],
                  competences={c.id: mean[f"c:{c.id}"] for c in framework.competences},
                  intervals={c.id: intervals[f"c:{c.id}"] for c in framework.competences},
                  interval_total=intervals["total"])


def mean_changes(df: pd.DataFrame, pairs: pd.DataFrame, mask: np.ndarray, cols: list[str], k: int,
                 released: dict | None = None, prefix: str = "pv") -> tuple[int, dict, dict]:
    """The pairs under `mask`: their number, and per column the mean start->end change as the
    gate released it (family "<prefix>:<column>"; without `released` the direct rule alone;
    None when withheld) and its 95 % interval [low, high] (None under 2k pairs with a value)."""
    rows = pairs[mask]
    before = df.loc[rows["start_member"].to_numpy()]
    diff = rows[cols].to_numpy(dtype=float) - before[cols].to_numpy(dtype=float)
    counts = (~np.isnan(diff)).sum(axis=0)
    sums = np.nansum(diff, axis=0)
    n = len(rows)
    mean, intervals = {}, {}
    for i, col in enumerate(cols):
        fig = (released or {}).get(f"{prefix}:{col}")
        shown = (fig.status == anonymity.EXACT) if fig is not None else anonymity.mean_allowed(int(counts[i]), n, k)
        mean[col] = float(sums[i] / counts[i]) if shown and counts[i] else None
        sd = sample_sd(diff[:, i]) if mean[col] is not None else None
        intervals[col] = None
        if sd is not None and interval_allowed(int(counts[i]), k):
            low, high = stats.paired_interval(mean[col], sd, int(counts[i]), INTERVAL_LEVEL)
            intervals[col] = [round(low, 1), round(high, 1)]
    return n, mean, intervals


def sample_sd(values: np.ndarray) -> float | None:
    """The sample standard deviation (n - 1) of the values that are not NaN; None under 2."""
    v = values[~np.isnan(values)]
    return float(np.std(v, ddof=1)) if len(v) >= 2 else None


def overlay_figures(f: Figures) -> Figures:
    """What a leader's wheel may draw of a cohort group (its n, total, area and competence
    means), rounded to whole percent as the wheel's table shows them: nothing more reaches
    the leader's browser."""
    def whole(v):
        return None if v is None else float(round(v))

    return Figures(n=f.n, hidden=f.hidden, total=whole(f.total),
                   competences={c: whole(v) for c, v in f.competences.items()},
                   areas={a: whole(v) for a, v in f.areas.items()})


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
    rows += [{**base, "n": f.n, "figure": f"share {b} %", "value": export_value(v)} for b, v in f.bands.items()]
    rows += [{**base, "n": f.n, "figure": f"purpose {p}", "value": v} for p, v in f.purposes.items()]
    rows += [{**base, "n": f.n, "figure": f"importance {c} {name} %", "value": None if shares is None else export_value(shares.get(name))}
             for c, shares in f.importance.items() for name in IMPORTANCE]
    return [{key: safe_cell(v) for key, v in r.items()} for r in rows]


def export_value(v):
    """A released share as exported: the number, a band of leaders as "<5" (fewer than 5) or
    ">=8" (at least 8), or None (withheld)."""
    if isinstance(v, dict):
        return f"<{v['hi'] + 1}" if v["lo"] == 0 else f">={v['lo']}"
    return v


def round_value(v, digits: int = 1):
    return round(v, digits) if isinstance(v, float) else v


def dataframe(rows: list[dict], framework: Framework | None = None) -> pd.DataFrame:
    """Export rows as a table with EXPORT_COLUMNS, values rounded to one decimal, and beside the
    figure the DigComp 2.2 number of the competence it is about (blank for other figures)."""
    df = pd.DataFrame(rows, columns=EXPORT_COLUMNS)
    df["value"] = df["value"].map(round_value)
    df.insert(EXPORT_COLUMNS.index("figure") + 1, "digcomp", df["figure"].map(lambda f: digcomp_of(f, framework)))
    return df


def digcomp_of(figure: str, framework: Framework | None = None) -> str:
    """The DigComp number of the competence a figure's label names ("competence info_search",
    "importance info_search important %", "change competence info_search 95% low"), else ""."""
    index = (framework or load_framework()).competence_index
    return next((index[word].digcomp for word in str(figure).split() if word in index), "")

