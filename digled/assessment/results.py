"""What a leader sees about their own attempts: tables, feedback, comparison, the report.

Everything here is computed from stored scores (never rescored) and is the same for the page,
the tests and the downloadable personal report.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from digled.assessment import answering, importance, scoring, wheel
from digled.content import training
from digled.content.loader import Framework
from digled.platform import dates
from digled.platform.i18n import N_, text


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


def table(framework: Framework, scores: dict, lang: str, t: Callable[[str], str],
          target_levels: dict[str, int] | None = None) -> pd.DataFrame:
    """The wheel's numbers as a table (the accessible alternative to the chart)."""
    targets = target_levels or framework.target_levels
    rows = []
    for c in framework.competences:
        s = scores["competences"][c.id]
        rows.append(
            {
                t("Competence area"): text(framework.area_index[c.area].name, lang),
                t("Competence"): text(c.name, lang),
                "DigComp": c.digcomp,
                t("Knowledge"): _pct(s["knowledge"]),
                t("Skills"): _pct(s["skills"]),
                t("Attitude"): _pct(s["attitude"]),
                t("Score"): _pct(s["score"]),
                t("Level"): s["level"] or "–",
                t("Target level"): targets[c.id],
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
    ranking: importance.Recommendation | None = None  # the numbers behind a recommendation
    links: tuple[training.Link, ...] = ()  # the programme activities that train it


def feedback(framework: Framework, scores: dict, lang: str, target_levels: dict[str, int] | None = None,
             marks: dict[str, str] | None = None) -> tuple[list[FeedbackEntry], list[FeedbackEntry]]:
    """The three strongest competences (strength texts) and three to develop, ranked by the gap
    to `target_levels` (default: the framework's profile) weighted by the leader's importance
    `marks` (importance.recommend), with development texts, exercises and training links."""
    links = training.training()

    def entry(cid: str, kind: str, ranking: importance.Recommendation | None = None) -> FeedbackEntry:
        s = scores["competences"][cid]
        fb = framework.feedback[(cid, scoring.band(s["level"]))]
        return FeedbackEntry(
            competence=cid,
            name=text(framework.competence_index[cid].name, lang),
            score=s["score"],
            level=s["level"],
            text=text(fb.strength if kind == "strength" else fb.development, lang),
            exercises=tuple(text(x, lang) for x in fb.exercises) if kind != "strength" else (),
            ranking=ranking,
            links=links.get(cid, ()) if kind != "strength" else (),
        )

    strong = [entry(c, "strength") for c in scoring.strongest(scores)]
    ranked = importance.recommend(framework, scores, target_levels or framework.target_levels, marks or {})
    recommend = [entry(r.competence, "development", r) for r in ranked]
    return strong, recommend


def ranking_line(r: importance.Recommendation, t: Callable[[str], str], lang: str) -> str:
    """Why one competence is recommended, in words a leader reads (no formula: that is
    `ranking_method`, one click away)."""
    if r.above_target:
        return t("Level {level}, target {target}: at or above the target, but important in your area.").format(
            level=r.level, target=r.target)
    steps = t("1 level below the target") if r.gap == 1 else t("{gap} levels below the target").format(gap=r.gap)
    marked = {"important": t("you marked it important"), "less": t("you marked it less important, which counts half")}
    why = marked.get(r.importance, t("you have not marked it yet, which counts as between the two"))
    return t("Level {level}, target {target}: {steps}, and {why}.").format(
        level=r.level, target=r.target, steps=steps, why=why)


def ranking_method(r: importance.Recommendation, t: Callable[[str], str], lang: str) -> str:
    """The rule behind the order, with this competence's numbers (the help of `ranking_line`)."""
    if r.above_target:
        return t("Fewer than three competences are below their target: the rest are competences you marked important that are closest to their target.")
    return t("The order: levels below the target, times {weight} for this competence (important counts 1, less important 0.5, "
             "not marked 0.75; not relevant is never suggested). Here {gap} × {weight} = {priority}; the highest comes first.").format(
        gap=r.gap, weight=_num(r.weight, lang), priority=_num(r.priority, lang))


def _num(x: float, lang: str) -> str:
    """1.0 -> '1', 0.75 -> '0.75' ('0,75' in Danish)."""
    shown = f"{x:g}"
    return shown.replace(".", ",") if lang == "da" else shown


def link_line(link: training.Link, lang: str, t: Callable[[str], str], question: bool = True) -> str:
    """'KL film: Gevinstansvar' or 'Leader meeting 1: ...', with the question when there is one
    (and `question`)."""
    kind = KIND_NAMES.get(link.kind)  # meetings and workshops carry it in their title
    line = (t(kind) + ": " if kind else "") + text(link.title, lang)
    if question and link.question_text:
        line += " – " + t("question: {question}").format(question=text(link.question_text, lang))
    return line


KIND_NAMES = {"elearning": N_("E-learning film"), "kl_film": N_("KL film")}
FILLED_NOTE = N_("Fewer than three competences are below your target: the list is filled with competences you marked important that are closest to their target.")
NONE_NOTE = N_("No competence is below your target, and none you marked important is left to suggest.")


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


ROUND_NAMES = {"start": N_("Start"), "end": N_("End"), "followup_3": N_("3 months after"),
               "followup_6": N_("6 months after"), "extra": N_("Extra")}


def way_here(attempts: list, chosen: int) -> list:
    """The leader's way to a follow-up attempt (start -> end -> follow-up): the latest start,
    end and earlier follow-up attempts before the chosen one, oldest first. Empty for any other
    round (its wheel compares with the attempt before it)."""
    if not attempts or attempts[chosen].round not in answering.FOLLOWUP_ROUNDS:
        return []
    out = []
    for rnd in answering.RUN_ROUNDS:
        found = [a for a in attempts[:chosen] if a.round == rnd]
        if found:
            out.append(found[-1])
    return sorted(out, key=attempts.index)


def attempt_label(round_: str, day: str | None, t: Callable[[str], str], lang: str) -> str:
    """'Start · 19. august 2026': the round and the day (ISO in storage) in the user's language."""
    shown = dates.day(date.fromisoformat(day), lang) if day else ""
    return t(ROUND_NAMES.get(round_, round_)) + (" · " + shown if shown else "")


@dataclass(frozen=True)
class ListedCompetence:
    """One line of the numbered list beside the wheel."""

    number: int
    name: str
    score: str
    level: int | str


@dataclass(frozen=True)
class ListedArea:
    name: str
    colour: str
    competences: tuple[ListedCompetence, ...]


def named(competence, lang: str) -> str:
    """A competence's name with its DigComp 2.2 number, as the wheel's legend and the report
    list it: "Søgning og vurdering af information (DigComp 1.1)"."""
    name = text(competence.name, lang)
    return f"{name} (DigComp {competence.digcomp})" if competence.digcomp else name


def wheel_list(framework: Framework, scores: dict, lang: str) -> list[ListedArea]:
    """The legend of a numbered wheel: per area (name, colour) its competences with the
    number they carry on the wheel (wheel.numbers), name, score and level."""
    numbers = wheel.numbers(framework)
    out = []
    for area in framework.areas:
        rows = tuple(
            ListedCompetence(
                numbers[cid],
                named(framework.competence_index[cid], lang),
                _pct(scores["competences"][cid]["score"]),
                scores["competences"][cid]["level"] or "–",
            )
            for cid in area.competences
        )
        out.append(ListedArea(text(area.name, lang), area.colour, rows))
    return out


def wheel_list_html(framework: Framework, scores: dict, lang: str, t: Callable[[str], str]) -> str:
    """The numbered list as HTML (page and report): per area a heading with its colour, then
    '1. Name: 67 %, level 6' in number order. Every text is escaped."""
    level_word = html.escape(t("level"))
    parts = ["<div class='wheel-list'>"]
    for area in wheel_list(framework, scores, lang):
        parts.append(
            "<p style='margin:.6rem 0 .2rem;font-weight:600'>"
            "<span aria-hidden='true' style='display:inline-block;width:.9em;height:.9em;margin-right:.4em;"
            "vertical-align:-.1em;border-radius:2px;background:" + html.escape(area.colour) + "'></span>"
            + html.escape(area.name) + "</p>"
        )
        parts.append("<ol start='" + str(area.competences[0].number) + "' style='margin:0 0 .4rem;padding-left:2.2em'>")
        for c in area.competences:
            parts.append(
                f"<li value='{c.number}'>{html.escape(c.name)}: <b>{html.escape(c.score)}</b>, {level_word} {html.escape(str(c.level))}</li>"
            )
        parts.append("</ol>")
    parts.append("</div>")
    return "".join(parts)


REPORT_CSS = """
.wheel{display:flex;flex-wrap:wrap;gap:1rem 2rem;align-items:flex-start}.wheel svg{flex:1 1 320px}.wheel-list{flex:1 1 260px}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1a1a1a;max-width:960px;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #1c5a9e}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #c8ccd2;padding:.3rem .5rem;text-align:left}
th{background:#f1f4f8}.muted{color:#4a4f57}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}table,.fb{page-break-inside:avoid}.chart{page-break-inside:avoid}}
"""


NBSP = "\u00a0"  # "67 %" never breaks between number and sign


def _html_table(df: pd.DataFrame) -> str:
    head = "".join(f"<th scope='col'>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join("<td>" + html.escape(str(v)).replace(" %", NBSP + "%") + "</td>" for v in row) + "</tr>" for row in df.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def personal_report(
    framework: Framework,
    scores: dict,
    lang: str,
    t: Callable[[str], str],
    label: str,
    previous: dict | None = None,
    target_levels: dict[str, int] | None = None,
    marks: dict[str, str] | None = None,
    extra_html: str = "",
) -> str:
    """A self-contained HTML report (wheel, list, table, feedback, purposes) in the user's
    language, that opens offline and prints well: the wheel is an inline SVG (wheel.svg), no
    script, so the file stays small (tens of kB). The three to develop are ranked as on the page
    (`feedback` with `target_levels` and the leader's importance `marks`) and list the
    programme activities that train them. `extra_html` (already escaped: the leader's plan,
    plan.report_html) goes before the closing words."""
    strong, recommend = feedback(framework, scores, lang, target_levels, marks)
    # translate first, then format: pybabel cannot see t() inside an f-string
    esc = html.escape
    title = esc(t("My digital competence wheel"))
    total, level, level_lower = esc(t("Total")), esc(t("Level")), esc(t("level"))
    exercises = esc(t("Exercises"))
    per_competence, strongest = esc(t("Scores per competence")), esc(t("Your three strongest competences"))
    develop, purposes = esc(t("Three competences to develop")), esc(t("The programme purposes"))
    closing = esc(t("This report is yours. Your answers are stored under a pseudonym and are never shown to anyone else."))
    legend = (t("Filled wedges: your score per competence. Dashed line: the target profile of your leader level.")
              if target_levels is not None else
              t("Filled wedges: your score per competence. Dashed line: the digital leader target profile."))
    if previous is not None:
        legend += " " + t("Solid line: your previous attempt.")
    chart = wheel.svg(framework, scores, lang, wheel_labels(t), previous=previous, title=t("My digital competence wheel"),
                      targets=target_levels)
    total_line = "{label} · {total}: {score} · {level} {n}".format(
        label=esc(label), total=total, score=_pct(scores["total"]), level=level, n=scores["total_level"] or "–"
    )
    parts = [
        "<!doctype html><html lang='" + esc(lang) + "'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>" + title + "</title><style>" + REPORT_CSS + "</style></head><body>",
        "<h1>" + title + "</h1>",
        "<p class='muted'>" + total_line + "</p>",
        "<div class='wheel chart'>" + chart + wheel_list_html(framework, scores, lang, t) + "</div>",
        "<p class='muted'>" + esc(legend) + "</p>",
        "<h2>" + per_competence + "</h2>",
        _html_table(table(framework, scores, lang, t, target_levels)),
        "<h2>" + strongest + "</h2>",
    ]
    for e in strong:
        parts.append(f"<div class='fb'><h3>{esc(e.name)} ({_pct(e.score)}, {level_lower} {e.level})</h3><p>{esc(e.text)}</p></div>")
    parts.append("<h2>" + develop + "</h2>")
    if any(e.ranking and e.ranking.above_target for e in recommend):
        parts.append("<p class='muted'>" + esc(t(FILLED_NOTE)) + "</p>")
    if not recommend:
        parts.append("<p class='muted'>" + esc(t(NONE_NOTE)) + "</p>")
    in_programme = esc(t("In the programme"))
    for e in recommend:
        items = "".join("<li>" + esc(x) + "</li>" for x in e.exercises)
        trained = "".join(
            "<li><b>{line}</b><br>{why}{ex}</li>".format(
                line=esc(link_line(x, lang, t)), why=esc(text(x.why, lang)),
                ex=("<br><i>" + esc(text(x.exercise, lang)) + "</i>") if x.exercise else "")
            for x in e.links
        )
        parts.append(
            "<div class='fb'><h3>{name} ({score}, {level} {n})</h3><p class='muted'>{numbers}</p><p>{text}</p>"
            "<p><b>{ex}</b></p><ul>{items}</ul>{programme}</div>".format(
                name=esc(e.name), score=_pct(e.score), level=level_lower, n=e.level, text=esc(e.text), ex=exercises,
                items=items, numbers=esc(ranking_line(e.ranking, t, lang)) if e.ranking else "",
                programme=("<p><b>" + in_programme + "</b></p><ul>" + trained + "</ul>") if trained else "")
        )
    parts.append("<h2>" + purposes + "</h2>")
    parts.append(_html_table(purposes_table(framework, scores, lang, t, before=previous)))
    parts.append(extra_html)
    parts.append("<p class='muted'>" + closing + "</p>")
    parts.append("</body></html>")
    return "".join(parts)
