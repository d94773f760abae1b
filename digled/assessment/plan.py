"""The leader's personal development plan (issue 11): the seed's third question and actions.

For the competences the leader marked most important, the leader writes what it takes to
strengthen them ("Hvad skal der til for at styrke de kompetencer, der er vigtigst på dit
område?", table `plan_needs`) and picks actions, from the competence's exercises or their own,
with a target date, and ticks them off (`plan_actions`). Private: kept under the respondent
pseudonym (`pseudonyms.of_user(secret, user.id)`), never a user id, no timestamps; nobody but
the leader reads it. `what_moved` sets the plan beside the change between two attempts;
`report_html`, `markdown` and `csv_bytes` export it, each action with what came of it where the
leader said at a follow-up (done / started / not yet / dropped and the private note). No streamlit here (digled/ui/plan_panel.py).
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import sqlite_utils

from digled.accounts import auth
from digled.assessment import answering, importance, scoring
from digled.content import loader
from digled.content.loader import Framework
from digled.platform import dates, exports, pseudonyms
from digled.platform.db import write
from digled.platform.i18n import N_, MessageError, text

MAX_CHARS = 500
MIN_YEAR = 2000
YEARS_AHEAD = 3
SOURCES = ("exercise", "own")
# "Hvad fik du gjort?" at a follow-up round: the leader's own word on each action (private)
OUTCOMES = {"done": N_("Done"), "started": N_("Started"), "not_yet": N_("Not yet"), "dropped": N_("Dropped")}


class PlanError(MessageError):
    """A plan change was refused (bad text, date or competence, not the leader's action).
    Nothing was written."""


@dataclass(frozen=True)
class Action:
    id: int
    competence: str
    text: str
    source: str  # 'exercise' | 'own'
    due: date | None
    done: bool
    outcome: str = ""  # OUTCOMES key, '' until the leader says
    outcome_note: str = ""  # the leader's private note on it


@dataclass(frozen=True)
class Plan:
    """One leader's plan: need texts by competence and the actions (in the order added)."""

    respondent: str
    needs: dict[str, str]
    actions: tuple[Action, ...]

    def competences(self) -> list[str]:
        """The competences the plan says anything about, in the order first written."""
        seen = [c for c, v in self.needs.items() if v.strip()]
        for a in self.actions:
            if a.competence not in seen:
                seen.append(a.competence)
        return seen

    def actions_for(self, competence: str) -> list[Action]:
        return [a for a in self.actions if a.competence == competence]


# --- validation ------------------------------------------------------------------------------


def _competence(framework: Framework, competence: str) -> str:
    if competence not in framework.competence_index:
        raise PlanError(N_("Unknown competence: {competence}."), competence=str(competence))
    return competence


def _action_text(value) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if not value:
        raise PlanError(N_("Write the action (1 to {n} characters)."), n=MAX_CHARS)
    if len(value) > MAX_CHARS:
        raise PlanError(N_("An action can be at most {n} characters (this one has {length})."),
                        n=MAX_CHARS, length=len(value))
    return value


def latest_due(today: date) -> date:
    """The last target date allowed: `today` plus three years (28 February for 29 February)."""
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def parse_due(value, today: date | None = None) -> date:
    """A target date (a date or an ISO text): a real date, not before 2000, not more than three
    years ahead of `today`."""
    today = today or date.today()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise PlanError(N_("The target date {value} is not a real date.")
                            if value.strip() else N_("Choose a target date."), value=value) from None
    if value is None:
        raise PlanError(N_("Choose a target date."))
    if not isinstance(value, date):
        raise PlanError(N_("The target date {value} is not a real date."), value=str(value))
    if hasattr(value, "date") and callable(value.date):  # a datetime
        value = value.date()
    if value.year < MIN_YEAR:
        raise PlanError(N_("The target date cannot be before {year}."), year=MIN_YEAR)
    last = latest_due(today)
    if value > last:
        raise PlanError(N_("The target date can be at most {years} years ahead."), years=YEARS_AHEAD)
    return value


def _own(db: sqlite_utils.Database, respondent: str, action_id) -> None:
    row = db.execute("SELECT respondent FROM plan_actions WHERE id = ?", [action_id]).fetchone()
    if row is None or row[0] != respondent:
        raise PlanError(N_("This action is not in your plan (it may have been deleted)."))


# --- reading and writing ---------------------------------------------------------------------


def load(db: sqlite_utils.Database, respondent: str) -> Plan:
    """The respondent's plan (empty when none)."""
    needs = {
        r[0]: r[1]
        for r in db.execute("SELECT competence, text FROM plan_needs WHERE respondent = ?", [respondent]).fetchall()
    }
    actions = []
    for r in db.execute(
        "SELECT id, competence, text, source, due, done, outcome, outcome_note FROM plan_actions "
        "WHERE respondent = ? ORDER BY id",
        [respondent],
    ).fetchall():
        try:
            due = date.fromisoformat(r[4]) if r[4] else None
        except ValueError:
            due = None
        actions.append(Action(r[0], r[1], r[2], r[3], due, bool(r[5]), r[6], r[7]))
    return Plan(respondent, needs, tuple(actions))


def save_need(db: sqlite_utils.Database, respondent: str, competence: str, value: str | None,
              framework: Framework) -> None:
    """Store what it takes to strengthen `competence` (0..500 characters; empty deletes it)."""
    _competence(framework, competence)
    value = value or ""
    if len(value) > MAX_CHARS:
        raise PlanError(N_("This text can be at most {n} characters (it has {length})."),
                        n=MAX_CHARS, length=len(value))
    with write(db):
        if not value.strip():
            db.execute("DELETE FROM plan_needs WHERE respondent = ? AND competence = ?", [respondent, competence])
        else:
            db.execute(
                "INSERT INTO plan_needs (respondent, competence, text) VALUES (?, ?, ?) "
                "ON CONFLICT(respondent, competence) DO UPDATE SET text = excluded.text",
                [respondent, competence, value],
            )


def add_action(db: sqlite_utils.Database, respondent: str, competence: str, action_text: str, due,
               framework: Framework, source: str = "own", today: date | None = None) -> int:
    """Add an action (an exercise or the leader's own) with a target date; return its id."""
    _competence(framework, competence)
    action_text = _action_text(action_text)
    due = parse_due(due, today)
    if source not in SOURCES:
        raise PlanError(N_("Unknown kind of action: {source}."), source=str(source))
    with write(db):
        cur = db.execute(
            "INSERT INTO plan_actions (respondent, competence, text, source, due, done) VALUES (?, ?, ?, ?, ?, 0)",
            [respondent, competence, action_text, source, due.isoformat()],
        )
        return cur.lastrowid


def update_action(db: sqlite_utils.Database, respondent: str, action_id: int, action_text: str, due,
                  today: date | None = None) -> None:
    """Change an action's text and target date (an edited exercise becomes the leader's own)."""
    action_text = _action_text(action_text)
    due = parse_due(due, today)
    _own(db, respondent, action_id)
    with write(db):
        db.execute(
            "UPDATE plan_actions SET text = ?, due = ?, "
            "source = CASE WHEN text = ? THEN source ELSE 'own' END WHERE id = ? AND respondent = ?",
            [action_text, due.isoformat(), action_text, action_id, respondent],
        )


def tick(db: sqlite_utils.Database, respondent: str, action_id: int, done: bool = True) -> None:
    """Mark an action done (or not done again)."""
    _own(db, respondent, action_id)
    with write(db):
        db.execute("UPDATE plan_actions SET done = ? WHERE id = ? AND respondent = ?",
                   [1 if done else 0, action_id, respondent])


def set_outcome(db: sqlite_utils.Database, respondent: str, action_id: int, outcome: str, note: str | None = "") -> None:
    """What came of an action, in the leader's own words at a follow-up ("Hvad fik du gjort?"):
    done / started / not yet / dropped (OUTCOMES; '' clears it) and a private note (0..500
    characters). Done also ticks the action off; any other answer leaves it open."""
    if outcome not in ("", *OUTCOMES):
        raise PlanError(N_("Unknown answer: {outcome}."), outcome=str(outcome))
    note = note or ""
    if len(note) > MAX_CHARS:
        raise PlanError(N_("This text can be at most {n} characters (it has {length})."), n=MAX_CHARS, length=len(note))
    _own(db, respondent, action_id)
    with write(db):
        db.execute("UPDATE plan_actions SET outcome = ?, outcome_note = ?, "
                   "done = CASE WHEN ? = 'done' THEN 1 WHEN ? = '' THEN done ELSE 0 END WHERE id = ? AND respondent = ?",
                   [outcome, note, outcome, outcome, action_id, respondent])


def delete_action(db: sqlite_utils.Database, respondent: str, action_id: int) -> None:
    _own(db, respondent, action_id)
    with write(db):
        db.execute("DELETE FROM plan_actions WHERE id = ? AND respondent = ?", [action_id, respondent])


def exercises(framework: Framework, competence: str, scores: dict | None, lang: str) -> list[str]:
    """The exercises the feedback gives for the competence at the leader's level (foundation
    when there is no score), in `lang`."""
    level_ = ((scores or {}).get("competences", {}).get(competence) or {}).get("level")
    band = scoring.band(level_) if level_ else "foundation"
    return [text(x, lang) for x in framework.feedback[(competence, band)].exercises]


def focus(framework: Framework, marks: dict[str, str], scores: dict | None, target_levels: dict[str, int],
          limit: int = 5) -> list[str]:
    """The competences the plan asks about: those marked important (`importance.marks`), the
    largest gap below the target level first (framework order on ties), at most `limit`."""
    order = {c.id: i for i, c in enumerate(framework.competences)}

    def gap(cid: str) -> int:
        level_ = ((scores or {}).get("competences", {}).get(cid) or {}).get("level")
        return target_levels.get(cid, 0) - (level_ or 0)

    important = [cid for cid, v in marks.items() if v == "important" and cid in order]
    return sorted(important, key=lambda c: (-gap(c), order[c]))[:limit]


# --- what I planned, what moved --------------------------------------------------------------


@dataclass(frozen=True)
class Moved:
    """One planned competence beside its change between two attempts (None: no value)."""

    competence: str
    need: str
    actions: tuple[Action, ...]
    done: int
    level_before: int | None
    level_after: int | None
    score_before: float | None
    score_after: float | None

    @property
    def change(self) -> float | None:
        if self.score_before is None or self.score_after is None:
            return None
        return self.score_after - self.score_before

    @property
    def level_change(self) -> int | None:
        if self.level_before is None or self.level_after is None:
            return None
        return self.level_after - self.level_before


def what_moved(plan: Plan, before_scores: dict | None, after_scores: dict) -> list[Moved]:
    """For each planned competence (in the order of `after_scores`, the framework's): its
    actions (done or not) and the level and score before and after."""
    planned = set(plan.competences())
    out = []
    for cid, after in after_scores["competences"].items():
        if cid not in planned:
            continue
        before = (before_scores or {}).get("competences", {}).get(cid) or {}
        actions = tuple(plan.actions_for(cid))
        out.append(Moved(
            competence=cid,
            need=plan.needs.get(cid, ""),
            actions=actions,
            done=sum(a.done for a in actions),
            level_before=before.get("level"),
            level_after=after.get("level"),
            score_before=before.get("score"),
            score_after=after.get("score"),
        ))
    return out


def baseline(attempts: list, chosen: int):
    """The attempt to compare the chosen one with: for an end attempt the latest start attempt
    before it, for a follow-up the latest end attempt (else start) before it, otherwise the
    attempt just before it (None for the first)."""
    if chosen <= 0:
        return None
    current = attempts[chosen]
    bases = {"end": ("start",), **{f: ("end", "start") for f in answering.FOLLOWUP_ROUNDS}}.get(current.round, ())
    for base in bases:
        found = [a for a in attempts[:chosen] if a.round == base]
        if found:
            return found[-1]
    return attempts[chosen - 1]


def pct(v: float | None) -> str:
    return "–" if v is None else f"{v:.0f}\u00a0%"  # no break between number and sign


def _lvl(v: int | None) -> str:
    return "–" if v is None else str(v)


def moved_table(moved: list[Moved], framework: Framework, lang: str, t: Callable[[str], str]) -> pd.DataFrame:
    """The "what I planned, what moved" table: actions done, level and score before -> after."""
    rows = []
    for m in moved:
        done_word, open_word = t("done"), t("not done")
        actions = "; ".join(
            f"{a.text} ({done_word if a.done else open_word})" for a in m.actions
        )
        rows.append({
            t("Competence"): text(framework.competence_index[m.competence].name, lang),
            t("Actions"): actions or "–",
            t("Done"): t("{done} of {total}").format(done=m.done, total=len(m.actions)),
            t("Level"): _lvl(m.level_before) + " → " + _lvl(m.level_after),
            t("Score"): pct(m.score_before) + " → " + pct(m.score_after),
            t("Change"): "–" if m.change is None else f"{m.change:+.0f}",
        })
    return pd.DataFrame(rows)


# --- exports ---------------------------------------------------------------------------------


def _due_text(a: Action, lang: str, t) -> str:
    return dates.day(a.due, lang, "medium") if a.due else t("no date")


def _outcome_text(a: Action, t) -> str:
    """What came of an action, as the leader said at a follow-up ("Hvad fik du gjort?" and the
    private note, the note as written); '' when the leader has said nothing."""
    parts = []
    if a.outcome in OUTCOMES:
        parts.append(t("What did you get done?") + " " + t(OUTCOMES[a.outcome]) + ".")
    if a.outcome_note.strip():
        parts.append(t("Note") + ": " + a.outcome_note.strip())
    return " ".join(parts)


def _ordered(plan: Plan, framework: Framework) -> list[str]:
    planned = set(plan.competences())
    return [c.id for c in framework.competences if c.id in planned]


def report_html(plan: Plan, framework: Framework, lang: str, t: Callable[[str], str]) -> str:
    """The plan as an HTML section for the personal report (every user text escaped); '' when
    the plan is empty."""
    comps = _ordered(plan, framework)
    if not comps:
        return ""
    esc = html.escape
    parts = [
        "<section class='plan'><h2>" + esc(t("My development plan")) + "</h2>",
        "<p class='muted'>" + esc(t("Only you can see your plan. It is stored under your pseudonym.")) + "</p>",
    ]
    need_label = esc(t("What it takes to strengthen it"))
    for cid in comps:
        parts.append("<div class='fb'><h3>" + esc(text(framework.competence_index[cid].name, lang)) + "</h3>")
        need = plan.needs.get(cid, "").strip()
        if need:
            parts.append("<p><b>" + need_label + ":</b> " + esc(need).replace("\n", "<br>") + "</p>")
        actions = plan.actions_for(cid)
        if actions:
            parts.append("<ul>")
            for a in actions:
                state = t("done") if a.done else t("not done")
                outcome = _outcome_text(a, t)
                parts.append("<li>" + ("☑ " if a.done else "☐ ") + esc(a.text) + " <span class='muted'>("
                             + esc(_due_text(a, lang, t)) + ", " + esc(state) + ")</span>"
                             + ("<br>" + esc(outcome).replace("\n", "<br>") if outcome else "") + "</li>")
            parts.append("</ul>")
        parts.append("</div>")
    parts.append("</section>")
    return "".join(parts)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~])")


def _md(value: str) -> str:
    """User text for a Markdown file: no markup, links or HTML can form; one line."""
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s*\n\s*", " ", value.strip()))


def markdown(plan: Plan, framework: Framework, lang: str, t: Callable[[str], str]) -> str:
    """The plan as a Markdown file of its own."""
    lines = ["# " + t("My development plan"), ""]
    for cid in _ordered(plan, framework):
        lines += ["## " + _md(text(framework.competence_index[cid].name, lang)), ""]
        need = plan.needs.get(cid, "").strip()
        if need:
            lines += ["**" + t("What it takes to strengthen it") + ":** " + _md(need), ""]
        for a in plan.actions_for(cid):
            lines.append("- [" + ("x" if a.done else " ") + "] " + _md(a.text) + " (" + _due_text(a, lang, t) + ")")
            if outcome := _outcome_text(a, t):
                lines.append("  - " + _md(outcome))
        if plan.actions_for(cid):
            lines.append("")
    if len(lines) == 2:
        lines.append(t("Your plan is empty."))
    return "\n".join(lines).rstrip() + "\n"


def table(plan: Plan, framework: Framework, lang: str, t: Callable[[str], str]) -> pd.DataFrame:
    """One row per action (a competence with only a need text gets one row without action)."""
    rows = []
    cols = (t("Competence"), t("What it takes to strengthen it"), t("Action"), t("Kind"),
            t("Target date"), t("Done"), t("What did you get done?"), t("Note"))
    kinds = {"exercise": t("Exercise"), "own": t("My own")}
    for cid in _ordered(plan, framework):
        name, need = text(framework.competence_index[cid].name, lang), plan.needs.get(cid, "")
        actions = plan.actions_for(cid)
        for a in actions:
            rows.append(dict(zip(cols, (name, need, a.text, kinds.get(a.source, a.source),
                                        a.due.isoformat() if a.due else "", t("yes") if a.done else t("no"),
                                        t(OUTCOMES[a.outcome]) if a.outcome in OUTCOMES else "", a.outcome_note))))
        if not actions:
            rows.append(dict(zip(cols, (name, need, "", "", "", "", "", ""))))
    return pd.DataFrame(rows, columns=list(cols))


def csv_bytes(plan: Plan, framework: Framework, lang: str, t: Callable[[str], str]) -> bytes:
    """The plan as a CSV file (digled's format: `;`, BOM, formulas neutralised; ISO dates)."""
    return exports.csv_bytes(table(plan, framework, lang, t))


# --- the demo cohort -------------------------------------------------------------------------

_DEMO_NEEDS = (
    "Jeg skal have afsat tid i kalenderen til det, ellers bliver det ved snakken.",
    "Vi skal have en fælles forståelse i ledergruppen af, hvad vi vil med det.",
    "Jeg har brug for at prøve det af sammen med en medarbejder, der er længere end mig.",
    "Det kræver, at vi taler om det på personalemøderne, ikke kun én gang.",
    "Jeg skal blive bedre til at spørge, når jeg ikke forstår teknikken.",
    "Vi mangler et overblik over, hvad vi allerede gør. Det vil jeg starte med.",
)
_DEMO_OWN = (
    "Tage punktet op på næste personalemøde",
    "Aftale sparring med en kollega fra et andet område",
    "Læse KL's vejledning og notere tre pointer til teamet",
)


def demo_plans(db: sqlite_utils.Database, secret: str, rng: random.Random, today: date | None = None,
               framework: Framework | None = None, leaders: list[int] | None = None) -> int:
    """Plausible plans for about half of the demo leaders with an assessment: two or three of
    the competences they marked important (call after the importance marks; their recommended
    competences where they marked none), a need text, one to three actions with dates around
    `today`, some done. Returns the number of plans written. Deterministic for `rng`."""

    framework = framework or loader.framework()
    today = today or date.today()
    written = 0
    for uid in auth.leader_ids(db) if leaders is None else leaders:
        respondent = pseudonyms.of_user(secret, uid)
        history = answering.history(db, respondent, secret)
        if not history or rng.random() >= 0.5:
            continue
        scores = history[0].scores
        n = rng.choice((2, 3))
        picks = (focus(framework, importance.marks(db, history[0].id), scores, framework.target_levels, limit=n)
                 or scoring.recommended(scores, framework.target_levels, n=n))
        for cid in picks:
            save_need(db, respondent, cid, rng.choice(_DEMO_NEEDS), framework)
            options = exercises(framework, cid, scores, "da")
            for k in range(rng.randint(1, 3)):
                own = k == 2 or rng.random() < 0.2
                chosen = rng.choice(_DEMO_OWN) if own else options[k % len(options)]
                due = today + timedelta(days=rng.randint(-40, 90))
                aid = add_action(db, respondent, cid, chosen, due, framework,
                                 source="own" if own else "exercise", today=today)
                if due < today and rng.random() < 0.7 or len(history) > 1 and rng.random() < 0.6:
                    tick(db, respondent, aid, True)
        written += 1
    return written
