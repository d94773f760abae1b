"""What a leader sees about their own attempts: tables, feedback, comparison, the report.

Everything here is computed from stored scores (never rescored) and is the same for the page,
the tests and the downloadable personal report.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from . import scoring, wheel
from .content import Framework
from .i18n import N_, text


def wheel_labels(t: Callable[[str], str]) -> dict[str, str]:
    return {
        "score": t("Score"),
        "level": t("Level"),
        "target": t("The digital leader (target)"),
        "previous": t("Previous attempt"),
        "total": t("Total"),
        "points": t("points"),
        "change": t("Change (percentage points)"),
    }


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v:.0f} %"


def table(framework: Framework, scores: dict, lang: str, t: Callable[[str], str]) -> pd.DataFrame:
    """The wheel's numbers as a table (the accessible alternative to the chart)."""
    rows = []
    for c in framework.competences:
        s = scores["competences"][c.id]
        rows.append(
            {
                t("Area"): text(framework.area_index[c.area].name, lang),
                t("Competence"): text(c.name, lang),
                t("Knowledge"): _pct(s["knowledge"]),
                t("Skills"): _pct(s["skills"]),
                t("Attitude"): _pct(s["attitude"]),
                t("Score"): _pct(s["score"]),
                t("Level"): s["level"] or "–",
                t("Target level"): framework.target_levels[c.id],
            }
        )
    return pd.DataFrame(rows)


def purposes_table(framework: Framework, scores: dict, lang: str, t: Callable[[str], str], before: dict | None = None) -> pd.DataFrame:
    rows = []
    for p in framework.purposes:
        row = {t("Programme purpose"): text(p.text, lang), t("Now"): _pct(scores["purposes"].get(p.id))}
        if before is not None:
            row[t("Before")] = _pct(before["purposes"].get(p.id))
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class FeedbackEntry:
    competence: str
    name: str
    score: float
    level: int
    text: str
    exercises: tuple[str, ...]


def feedback(framework: Framework, scores: dict, lang: str) -> tuple[list[FeedbackEntry], list[FeedbackEntry]]:
    """The three strongest competences (strength texts) and three recommended ones (largest gap
    to the target profile; development texts with exercises)."""

    def entry(cid: str, kind: str) -> FeedbackEntry:
        s = scores["competences"][cid]
        fb = framework.feedback[(cid, scoring.band(s["level"]))]
        return FeedbackEntry(
            competence=cid,
            name=text(framework.competence_index[cid].name, lang),
            score=s["score"],
            level=s["level"],
            text=text(fb.strength if kind == "strength" else fb.development, lang),
            exercises=tuple(text(x, lang) for x in fb.exercises) if kind != "strength" else (),
        )

    strong = [entry(c, "strength") for c in scoring.strongest(scores)]
    recommend = [entry(c, "development") for c in scoring.recommended(scores, framework.target_levels)]
    return strong, recommend


def comparison_table(framework: Framework, before: dict, after: dict, lang: str, t: Callable[[str], str]) -> pd.DataFrame:
    rows = []
    for c in framework.competences:
        a, b = before["competences"][c.id]["score"], after["competences"][c.id]["score"]
        rows.append(
            {
                t("Competence"): text(c.name, lang),
                t("Before"): _pct(a),
                t("After"): _pct(b),
                t("Change"): "–" if a is None or b is None else f"{b - a:+.0f}",
            }
        )
    return pd.DataFrame(rows)


def development_table(framework: Framework, attempts: list[tuple[str, dict]], lang: str, t: Callable[[str], str]) -> pd.DataFrame:
    """Total and area scores per attempt (the table beside the development chart)."""
    rows = []
    for label, s in attempts:
        row = {t("Attempt"): label, t("Total"): _pct(s["total"])}
        row.update({text(a.name, lang): _pct(s["areas"][a.id]) for a in framework.areas})
        rows.append(row)
    return pd.DataFrame(rows)


ROUND_NAMES = {"start": N_("Start"), "end": N_("End"), "extra": N_("Extra")}


def attempt_label(round_: str, day: str | None, t: Callable[[str], str]) -> str:
    return f"{t(ROUND_NAMES.get(round_, round_))} · {day or ''}"


REPORT_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1a1a1a;max-width:960px;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #1c5a9e}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #c8ccd2;padding:.3rem .5rem;text-align:left}
th{background:#f1f4f8}.muted{color:#4a4f57}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}table,.fb{page-break-inside:avoid}.chart{page-break-inside:avoid}}
"""


def _html_table(df: pd.DataFrame) -> str:
    head = "".join(f"<th scope='col'>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in df.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def personal_report(
    framework: Framework,
    scores: dict,
    lang: str,
    t: Callable[[str], str],
    label: str,
    previous: dict | None = None,
) -> str:
    """A self-contained HTML report (wheel, table, feedback, purposes) that opens offline and
    prints well. The plotly library is embedded, so no network is needed."""
    fig = wheel.wheel(framework, scores, lang, wheel_labels(t), previous=previous)
    chart = fig.to_html(full_html=False, include_plotlyjs=True, config={"displayModeBar": False})
    strong, recommend = feedback(framework, scores, lang)
    # translate first, then format: pybabel cannot see t() inside an f-string
    title, total, level = html.escape(t("My digital competence wheel")), html.escape(t("Total")), html.escape(t("Level"))
    level_lower, exercises = html.escape(t("level")), html.escape(t("Exercises"))
    per_competence, strongest = html.escape(t("Scores per competence")), html.escape(t("Your three strongest competences"))
    develop, purposes = html.escape(t("Three competences to develop")), html.escape(t("The programme purposes"))
    closing = html.escape(t("This report is yours. Your answers are stored under a pseudonym and are never shown to anyone else."))
    parts = [
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>",
        f"<title>{title}</title><style>{REPORT_CSS}</style></head><body>",
        f"<h1>{title}</h1>",
        f"<p class='muted'>{html.escape(label)} · {total}: {_pct(scores['total'])} · {level} {scores['total_level'] or '–'}</p>",
        f"<div class='chart'>{chart}</div>",
        f"<h2>{per_competence}</h2>",
        _html_table(table(framework, scores, lang, t)),
        f"<h2>{strongest}</h2>",
    ]
    for e in strong:
        parts.append(f"<div class='fb'><h3>{html.escape(e.name)} ({_pct(e.score)}, {level_lower} {e.level})</h3><p>{html.escape(e.text)}</p></div>")
    parts.append(f"<h2>{develop}</h2>")
    for e in recommend:
        items = "".join(f"<li>{html.escape(x)}</li>" for x in e.exercises)
        parts.append(
            f"<div class='fb'><h3>{html.escape(e.name)} ({_pct(e.score)}, {level_lower} {e.level})</h3>"
            f"<p>{html.escape(e.text)}</p><p><b>{exercises}</b></p><ul>{items}</ul></div>"
        )
    parts.append(f"<h2>{purposes}</h2>")
    parts.append(_html_table(purposes_table(framework, scores, lang, t)))
    parts.append(f"<p class='muted'>{closing}</p>")
    parts.append("</body></html>")
    return "".join(parts)
