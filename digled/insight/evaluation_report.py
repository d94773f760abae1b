"""The evaluation report (issue 23): what a council asks of a run, from its latest publication only.

Everything here is read from a stored publication (`publications.latest`, `shown_all`): the
funnel, start and end per competence area and per purpose, the change with its 95 % intervals,
the focus list, the follow-up rounds and the effect by part where the publication holds them,
and what was hidden and why. Nothing is computed from raw answers and nothing is published
while reading: the report can hold nothing the management pages would not show. The workshops
held come from the programme's schedule (dates and places, never people).

The content is a list of sections, each a title and blocks (a paragraph, a `Table`, a `Chart`),
in the reader's language with every number in its form (digled/platform/numbers.py).
`report_files.py` writes it as HTML and PDF. A section whose figures the publication lacks
(a kind or round not in it) is left out. Groups are read through
audiences.py, so a municipality-scoped account's report holds exactly what its pages show.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import sqlite_utils

from digled.accounts import programme_runs
from digled.content import programme
from digled.content.activities import Programme
from digled.content.loader import Framework
from digled.insight import anonymity, audiences, effect, focus, participation, profiles, publications
from digled.insight.assessment_figures import FOLLOWUP_PAIRS, Change, Figures
from digled.platform import dates, numbers
from digled.platform.i18n import N_, text, translator

FOLLOWUP_ROUNDS = ("followup_3", "followup_6")  # rounds a publication may hold after the programme
# did the change hold: each follow-up pair (assessment_figures.FOLLOWUP_PAIRS) as the change view names it
PAIR_NAMES = {"end>followup_3": N_("End to 3 months after"), "start>followup_3": N_("Start to 3 months after"),
              "end>followup_6": N_("End to 6 months after"), "start>followup_6": N_("Start to 6 months after")}
ROUND_NAMES = {"start": N_("Start"), "end": N_("End"), "followup_3": N_("3 months after"),
               "followup_6": N_("6 months after")}
EFFECT_KIND = "effect"  # effect.KIND: the start->end change by part of the programme taken (where a publication holds it)
# the kinds whose hidden groups the report names (the leaders' own overlay is not management's)
HIDDEN_KINDS = ("participation", "assessment", "paired", "followup", EFFECT_KIND)
KIND_NAMES = {"participation": N_("Participation"), "assessment": N_("Competences per round"),
              "paired": N_("Start and end of the same leaders"), "followup": N_("Did the change hold?"), EFFECT_KIND: N_("Effect by part of the programme")}
FOCUS_ROWS = 8
ASSESSMENT_NAMES = {"start": N_("the start assessment"), "end": N_("the end assessment")}


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class Bar:
    """One row of a chart: a value (with its text), and an interval drawn around it where known."""

    label: str
    value: float | None
    shown: str
    low: float | None = None
    high: float | None = None


@dataclass
class Chart:
    """A horizontal chart drawn as a static image: bars from `start` (or points with intervals)."""

    title: str
    bars: list[Bar]
    lo: float
    hi: float
    points: bool = False  # points with interval lines (a change), not bars
    series: str = ""  # what a value is ("%", "percentage points")


Block = str | Table | Chart


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Report:
    lang: str
    title: str
    subtitle: str
    sections: list[Section]
    publication: int


@dataclass
class _Context:
    db: sqlite_utils.Database
    pub: publications.Publication
    fw: Framework
    org: object
    prog: Programme
    lang: str
    t: Callable[[str], str]
    audience: audiences.Audience
    _kinds: dict = field(default_factory=dict)

    def all(self, kind: str) -> list[publications.Shown]:
        """Every group of a kind in the publication that the reader may see."""
        if kind not in self._kinds:
            self._kinds[kind] = audiences.shown_all(self.db, self.audience, self.pub.id, kind)
        return self._kinds[kind]

    def group(self, kind: str, key: tuple) -> publications.Shown | None:
        """One group with figures to show (None: absent, hidden or not for this reader)."""
        for s in self.all(kind):
            if s.key == tuple(key):
                return s if s.status != "hidden" and s.figures else None
        return None

    def k(self, kind: str, key: tuple = ()) -> int:
        return publications.k_of(self.pub.summary, kind, key)

    # numbers as the reader's language writes them
    def pct(self, v) -> str:
        return "–" if not _exact(v) else f"{round(v)} %"

    def pp(self, v) -> str:
        return "–" if v is None else numbers.decimal(v, self.lang, 1, sign=True)

    def one(self, v) -> str:
        return "–" if v is None else numbers.decimal(v, self.lang, 1)

    def span(self, ci) -> str:
        if not ci:
            return "–"
        return self.t("{low} to {high}").format(low=self.pp(ci[0]), high=self.pp(ci[1]))

    def count(self, v) -> str:
        if _exact(v):
            return str(int(v))
        if isinstance(v, dict):
            return (self.t("fewer than {n}").format(n=v["hi"] + 1) if v["lo"] == 0
                    else self.t("at least {n}").format(n=v["lo"]))
        return "–"

    def place(self, kind: str, value: str | None) -> str:
        names = getattr(self.org, kind)
        return text(names[value], self.lang) if value in names else str(value)


def _exact(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# --- the sections ------------------------------------------------------------------------------


def _method(c: _Context) -> Section:
    t = c.t
    k = publications.least_k(c.pub.summary, "assessment")
    made = dates.day(c.pub.made_at.date(), c.lang)
    return Section("method", t("How to read this report"), [
        t("Every figure in this report comes from the programme's publication of {day}: the same figures the "
          "management pages show, and no others. No figure is about one person.").format(day=made),
        t("A group of leaders is shown only when it holds at least {k} leaders, and only when no combination with "
          "other published figures could single anyone out. Otherwise the group is hidden, and the last section "
          "says why.").format(k=k),
        t("A change is the mean change from the start to the end assessment of the leaders who took both, in "
          "percentage points. The 95 % interval around it: if the programme ran again with other leaders like "
          "these, intervals made this way would contain the true mean change 95 times out of 100. An interval that "
          "does not include zero suggests a real change; a wide one means few leaders or very different changes. "
          "Intervals are shown only for groups of at least {m} leaders.").format(m=2 * c.k("paired")),
    ])


def _participation(c: _Context) -> Section | None:
    t = c.t
    whole = c.group("participation", (None, None))
    if whole is None:
        return None
    figs = json.loads(whole.figures)
    funnel = figs.get("funnel") or {}
    n = figs.get("n")
    held = participation.stages_of(funnel)  # the follow-up stage when the publication holds it
    stages = [(t(s.label), funnel.get(s.id)) for s in held]
    blocks: list[Block] = [
        t("{n} leaders take part in the programme. Each step counts the leaders who also took every step before "
          "it, so the numbers never grow.").format(n=n),
        Chart(t("The participation funnel"), [Bar(label, v if _exact(v) else None, c.count(v)) for label, v in stages],
              0, max(n or 1, 1), series=t("Leaders")),
        Table([t("Step"), t("Leaders"), t("Share (%)")],
              [[label, c.count(v), f"{round(v / n * 100)}" if _exact(v) and n else ""] for label, v in stages]),
    ]
    rows = []
    for mun in c.org.municipalities:
        s = c.group("participation", (mun, None))
        if s is not None:
            f = json.loads(s.figures)
            rows.append([c.place("municipalities", mun), str(f.get("n")),
                         *[c.count((f.get("funnel") or {}).get(st.id)) for st in held]])
    if rows:
        blocks.append(Table([t("Municipality"), t("Leaders"), *[t(s.label) for s in held]], rows,
                            t("Per municipality")))
    return Section("participation", t("Participation"), blocks)


def _round_figures(c: _Context, rnd: str, key: tuple = (None, None, None)) -> Figures | None:
    s = c.group("assessment", (rnd, *key))
    return Figures.from_json(s.figures) if s is not None else None


def _change(c: _Context, key: tuple = (None, None, None)) -> Change | None:
    s = c.group("paired", key)
    return Change.from_json(s.figures) if s is not None else None


def _start_end(c: _Context) -> Section | None:
    t = c.t
    start, end, ch = _round_figures(c, "start"), _round_figures(c, "end"), _change(c)
    if start is None and end is None and ch is None:
        return None
    blocks: list[Block] = []
    if start or end:
        blocks.append(t("Mean score per competence area, all leaders who answered each round (start: {s} answers, "
                        "end: {e} answers).").format(s=start.n if start else "–", e=end.n if end else "–"))
        rows = [[t("Total"), c.pct(start.total if start else None), c.pct(end.total if end else None)]]
        rows += [[text(a.name, c.lang), c.pct(start.areas.get(a.id) if start else None),
                  c.pct(end.areas.get(a.id) if end else None)] for a in c.fw.areas]
        blocks.append(Table([t("Competence area"), t("Start"), t("End")], rows))
    if ch is not None:
        blocks.append(t("Change of the total for the {n} leaders who took both rounds: {change} percentage points "
                        "(95 % interval: {span}).").format(n=ch.n, change=c.pp(ch.total), span=c.span(ch.interval_total)))
        bars = [Bar(text(x.name, c.lang), ch.competences.get(x.id), c.pp(ch.competences.get(x.id)),
                    *(ch.intervals.get(x.id) or (None, None))) for x in c.fw.competences]
        ends = [v for b in bars for v in (b.value, b.low, b.high) if v is not None] or [0.0]
        reach = max(5.0, max(abs(v) for v in ends))
        blocks.append(Chart(t("Change per competence from start to end, with 95 % intervals"), bars, -reach, reach,
                            points=True, series=t("Percentage points")))
        area_of = {x.id: text(c.fw.area_index[x.area].name, c.lang) for x in c.fw.competences}
        blocks.append(Table(
            [t("Competence area"), t("Competence"), t("Mean change (percentage points)"), t("95 % interval")],
            [[area_of[x.id], text(x.name, c.lang), c.pp(ch.competences.get(x.id)), c.span(ch.intervals.get(x.id))]
             for x in c.fw.competences]))
        rows = []
        for kind, pos in (("municipalities", 0), ("areas", 1), ("levels", 2)):
            for v in getattr(c.org, kind):
                key = [None, None, None]
                key[pos] = v
                g = _change(c, tuple(key))
                if g is not None:
                    rows.append([c.place(kind, v), str(g.n), c.pp(g.total), c.span(g.interval_total)])
        if rows:
            blocks.append(Table([t("Group"), t("Leaders who took both rounds"), t("Mean change of the total"),
                                 t("95 % interval")], rows, t("The change of the total per municipality, area and "
                                                               "leader level (groups shown in the publication)")))
    return Section("start_end", t("Start and end"), blocks)


def _purposes(c: _Context) -> Section | None:
    t = c.t
    start, end = _round_figures(c, "start"), _round_figures(c, "end")
    if start is None and end is None:
        return None
    rows = [[text(p.text, c.lang), c.pct(start.purposes.get(p.id) if start else None),
             c.pct(end.purposes.get(p.id) if end else None)] for p in c.fw.purposes]
    end_word = t("End")
    bars = [Bar(f"{i + 1}. {end_word}", (end.purposes.get(p.id) if end else None), row[2])
            for i, (p, row) in enumerate(zip(c.fw.purposes, rows))]
    return Section("purposes", t("The programme's purposes"), [
        t("How far the leaders see the programme's purposes fulfilled, as a mean score at the start and at the end."),
        Table([t("Programme purpose"), t("Start"), t("End")], rows),
        Chart(t("The purposes at the end"), bars, 0, 100, series="%"),
    ])


def _held(c: _Context, pair: str, key: tuple = (None, None, None)) -> Change | None:
    s = c.group("followup", (pair, *key))
    return Change.from_json(s.figures) if s is not None else None


def _held_cells(c: _Context, ch: Change | None) -> list[str]:
    """n, mean change of the total and its interval of one follow-up pair (dashes: not shown)."""
    if ch is None:
        return ["–", "–", "–"]
    return [str(ch.n) if ch.n is not None else "–", c.pp(ch.total), c.span(ch.interval_total)]


def _followup(c: _Context) -> Section | None:
    """Whether the change held: the follow-up rounds beside start and end, and the same leaders'
    change from their end and from their start to each follow-up (the "followup" kind); only
    what the publication holds for this reader."""
    t = c.t
    rounds = [r for r in FOLLOWUP_ROUNDS if _round_figures(c, r) is not None]
    # the pairs the publication has a group of (a run without follow-ups stores none)
    pairs = [p for p in FOLLOWUP_PAIRS if any(s.key[0] == p for s in c.all("followup"))]
    held = {p: _held(c, p) for p in pairs}
    if not rounds and not any(held.values()):
        return None
    blocks: list[Block] = []
    if rounds:
        shown = ["start", "end", *rounds]
        figs = {r: _round_figures(c, r) for r in shown}
        head = [t("Competence area"), *[t(ROUND_NAMES[r]) for r in shown]]
        rows = [[t("Answers in the figures"), *[str(figs[r].n) if figs[r] else "–" for r in shown]],
                [t("Total"), *[c.pct(figs[r].total) if figs[r] else "–" for r in shown]]]
        rows += [[text(a.name, c.lang), *[c.pct(figs[r].areas.get(a.id)) if figs[r] else "–" for r in shown]]
                 for a in c.fw.areas]
        blocks += [t("The follow-up assessments after the programme's end beside the start and the end: all leaders "
                     "who answered each round, so the groups are not exactly the same leaders."), Table(head, rows)]
    if any(held.values()):
        heads = [t("Leaders who took both rounds"), t("Mean change of the total (percentage points)"), t("95 % interval")]
        blocks += [
            t("Did the change hold?") + " " + t("The same leaders at a follow-up round after the programme, compared "
                                                 "with their own start or end assessment. Only leaders who took both "
                                                 "rounds of a row count in it."),
            Table([t("Compared"), *heads], [[t(PAIR_NAMES[p]), *_held_cells(c, held[p])] for p in pairs]),
            t("Percentage points. A dash: not shown in this publication (too few leaders, or the round has not been "
              "held)."),
        ]
        rows = [[c.place("municipalities", mun), t(PAIR_NAMES[p]), *_held_cells(c, ch)]
                for mun in c.org.municipalities for p in pairs if (ch := _held(c, p, (mun, None, None))) is not None]
        if rows:
            blocks.append(Table([t("Municipality"), t("Compared"), *heads], rows,
                                t("Per municipality")))
    return Section("followup", t("After the programme: did the change hold?"), blocks)


def _effect(c: _Context) -> Section | None:
    """The change by part of the programme taken (only where the publication holds it)."""
    t = c.t
    groups = [s for s in c.all(EFFECT_KIND) if s.status != "hidden" and s.figures]
    if not groups:
        return None
    rows, bars = [], []
    for s in groups:
        figs = json.loads(s.figures)
        label = t(figs.get("label") or effect.label(s.key)).format(**(figs.get("label_args") or {"d": s.key[-1]}))
        total, ci = figs.get("total"), figs.get("interval_total")
        rows.append([label, str(figs.get("n", "–")), c.pp(total), c.span(ci)])
        bars.append(Bar(label, total, c.pp(total), *(ci or (None, None))))
    ends = [v for b in bars for v in (b.value, b.low, b.high) if v is not None] or [0.0]
    reach = max(5.0, max(abs(v) for v in ends))
    return Section("effect", t("Effect by part of the programme"), [
        t("The change of the total from start to end for leaders grouped by what they took part in. This is an "
          "association in this group of leaders, not proof that the part caused the change: leaders who take part "
          "in more may differ in other ways."),
        Chart(t("Change of the total by part taken, with 95 % intervals"), bars, -reach, reach, points=True,
              series=t("Percentage points")),
        Table([t("Group"), t("Leaders"), t("Mean change of the total"), t("95 % interval")], rows),
    ])


def _label(c: _Context, value) -> str:
    for kind in ("municipalities", "areas", "levels"):
        if value in getattr(c.org, kind):
            return c.place(kind, value)
    return c.t(str(value))


def _focus(c: _Context) -> Section | None:
    t = c.t
    rnd = next((r for r in ("end", "start") if (f := _round_figures(c, r)) is not None and focus.has_importance(f)), None)
    if rnd is None:
        return None
    f = _round_figures(c, rnd)
    profile = profiles.profile_for(c.db, c.fw, None)
    rows = [r for r in focus.focus_list(c.fw, f, profile.levels) if r.priority is not None][:FOCUS_ROWS]
    names = {x.id: text(x.name, c.lang) for x in c.fw.competences}
    quadrant = {q: t(name) for q, name in focus.QUADRANTS.items()}
    return Section("focus", t("Focus list"), [
        t("The competences to work on first after {assessment} ({n} answers): the share of leaders who mark a "
          "competence important times the gap from the group's mean level to the target level.").format(
            assessment=t(ASSESSMENT_NAMES[rnd]), n=f.n),
        Table([t("Priority rank"), t("Competence"), t("Marked important (%)"), t("Mean level"), t("Target level"),
               t("Gap (levels)"), t("Quadrant")],
              [[str(i + 1), names[r.competence], c.pct(r.importance), c.one(r.mean_level), str(r.target),
                c.one(r.gap), quadrant.get(r.quadrant, "")] for i, r in enumerate(rows)]),
    ])


def _workshops(c: _Context) -> Section | None:
    """The joint workshops held by the publication's day, by its run's own schedule: when and
    where (no people)."""
    t = c.t
    schedule = programme_runs.schedule(c.db, c.prog, c.pub.cohort_id)
    until = c.pub.made_at.date()
    rows = []
    for a in c.prog.activities:
        if a.kind != "workshop" or a.id not in schedule:
            continue
        day: date = programme.event_day(a, schedule[a.id])
        if day <= until:
            rows.append([text(a.title, c.lang), dates.day(day, c.lang), text(a.place, c.lang) if a.place else "–"])
    if not rows:
        return Section("workshops", t("Workshops held"), [t("No joint workshop had been held by the publication's day.")])
    return Section("workshops", t("Workshops held"), [Table([t("Workshop"), t("Day"), t("Place")], rows)])


def _hidden(c: _Context) -> Section:
    t = c.t
    counts: dict[tuple[str, str], int] = {}
    held = 0
    coarse = []
    for kind in HIDDEN_KINDS:
        reasons = anonymity.reasons(kind)
        for s in c.all(kind):
            if s.status == "held":
                held += 1
            if s.status != "hidden":
                continue
            why = t(reasons.get(s.reason, reasons["small"])).format(k=c.k(kind, s.key))
            counts[(t(KIND_NAMES[kind]), why)] = counts.get((t(KIND_NAMES[kind]), why), 0) + 1
            parts = [v for v in (s.key[1:] if kind in ("assessment", "followup") else s.key) if v is not None]
            if len(parts) <= 1 and kind != EFFECT_KIND:
                where = " / ".join(_label(c, v) for v in parts) or t("All")
                rnd = ([t(ROUND_NAMES.get(s.key[0], s.key[0]))] if kind == "assessment"
                       else [t(PAIR_NAMES.get(s.key[0], s.key[0]))] if kind == "followup" else [])
                coarse.append([t(KIND_NAMES[kind]), " / ".join([*rnd, where]), why])
    blocks: list[Block] = [t("A group is hidden when showing it could tell something about individual leaders. "
                             "Finer groups (a municipality's area at one leader level) are hidden more often.")]
    if not counts:
        blocks.append(t("No group is hidden in this publication."))
    else:
        blocks.append(Table([t("Figures"), t("Why hidden"), t("Groups hidden")],
                            [[kind, why, str(n)] for (kind, why), n in counts.items()]))
    if coarse:
        blocks.append(Table([t("Figures"), t("Group"), t("Why hidden")], coarse,
                            t("Hidden groups of all leaders, one municipality, one area or one leader level")))
    if held:
        blocks.append(t("{n} groups show the figures of an earlier publication: their newer answers are held back, "
                        "because together with what was published they would tell about fewer leaders than the "
                        "smallest group size.").format(n=held))
    return Section("hidden", t("What was hidden and why"), blocks)


# the report's sections in order; one whose figures the publication lacks returns None
SECTIONS: tuple[Callable[[_Context], Section | None], ...] = (
    _method, _participation, _start_end, _purposes, _followup, _effect, _focus, _workshops, _hidden,
)


def build(db: sqlite_utils.Database, framework: Framework, org, prog: Programme, lang: str,
          cohort_id: int | None = None, audience: audiences.Audience = audiences.EVERYONE) -> Report | None:
    """The report of a run's latest publication (the running run's by default) in `lang`, with
    only the groups `audience` reads (audiences.py: a municipality-scoped account's report holds what its pages show); None before the run's first publication."""
    pub = publications.latest(db, cohort_id)
    if pub is None:
        return None
    t = translator(lang)
    c = _Context(db, pub, framework, org, prog, lang, t, audience)
    sections = [s for s in (make(c) for make in SECTIONS) if s is not None]
    return Report(lang, t("Evaluation of the programme in digital leadership"),
                  t("From the publication of {day}").format(day=dates.day(pub.made_at.date(), lang)), sections, pub.id)
