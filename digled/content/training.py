"""Which programme activities train each competence (data/training.yaml), validated.

`load()` checks every competence id against the framework and every activity (and optional
reflection question) against data/programme.yaml; any problem raises ContentError naming the
file and the key. Every competence must have at least one link. Only films, KL films, meetings
and workshops can be linked: those pages land on an item given as `?item=<activity id>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from digled.content.activities import Programme, load_programme
from digled.content.loader import Framework, Text, _Checker, framework, load_framework, read_yaml
from digled.content.programme import programme
from digled.platform.config import DATA_DIR

PAGES = {"elearning": "pages/films.py", "kl_film": "pages/films.py",
         "meeting": "pages/meetings.py", "workshop": "pages/meetings.py"}


@dataclass(frozen=True)
class Link:
    """One activity that trains a competence."""

    activity: str
    kind: str
    title: Text
    why: Text
    question: str | None = None  # a reflection id of the activity
    question_text: Text | None = None
    exercise: Text | None = None

    @property
    def page(self) -> str:
        """The page file whose `?item=` lands on the activity."""
        return PAGES[self.kind]


def load(path: Path | None = None, framework: Framework | None = None,
         prog: Programme | None = None) -> dict[str, tuple[Link, ...]]:
    """competence id -> its links, in file order; raise ContentError on the first problem."""
    path = path or DATA_DIR / "training.yaml"
    framework = framework or load_framework()
    prog = prog or load_programme()
    c = _Checker(path)
    raw = c.mapping(read_yaml(path).get("training"), "training")
    activities = {a.id: a for a in prog.activities}
    out: dict[str, tuple[Link, ...]] = {}
    for cid, links in raw.items():
        if cid not in framework.competence_index:
            c.fail(f"training: {cid}", "unknown competence (the competences are in assessment/framework.yaml)")
        parsed = []
        for k, x in enumerate(c.listing(links, f"training: {cid}")):
            entry = f"training: {cid}[{k}]"
            x = c.mapping(x, entry)
            unknown = set(x) - {"activity", "question", "why", "exercise"}
            if unknown:
                c.fail(entry, f"unknown key {sorted(unknown)[0]!r} (use activity, question, why, exercise)")
            aid = x.get("activity")
            if aid not in activities:
                c.fail(f"{entry}: activity", f"unknown activity {aid!r} (the activities are in programme.yaml)")
            a = activities[aid]
            if a.kind not in PAGES:
                c.fail(f"{entry}: activity", f"{aid} is a {a.kind}; link a film, KL film, meeting or workshop")
            question = question_text = None
            if x.get("question") is not None:
                question = str(x["question"])
                found = [r for r in a.reflections if r.id == question]
                if not found:
                    c.fail(f"{entry}: question", f"{aid} has no reflection question {question!r}")
                question_text = found[0].text
            parsed.append(Link(
                activity=aid, kind=a.kind, title=a.title, why=c.text(x.get("why"), f"{entry}: why"),
                question=question, question_text=question_text,
                exercise=c.text(x["exercise"], f"{entry}: exercise") if x.get("exercise") is not None else None,
            ))
        out[cid] = tuple(parsed)
    for comp in framework.competences:
        if comp.id not in out:
            c.fail(f"training: {comp.id}", "missing: every competence needs at least one activity")
    return out


@lru_cache(maxsize=1)
def training() -> dict[str, tuple[Link, ...]]:
    """The validated mapping from data/, loaded once per process (against the framework and
    programme the app already loaded)."""

    return load(framework=framework(), prog=programme())
