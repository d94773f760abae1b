"""digled/ui/focus_view.py on the management competences page (AppTest; issue 11): the focus list
ranked by the share marked important times the gap to the target level, with the page's n, its
exports, the level's own (provisional) profile, and what it says when shares are withheld or no
importance was marked."""

from __future__ import annotations

import random

import pytest

from digled.accounts import organisation
from digled.content import loader
from digled.insight import assessment_figures, focus, publications
from digled.platform import exports
from digled.platform.db import write
from digled.platform.i18n import text as in_lang
from tests.apptest import Downloads, app_as, page_text, publish_first_figures

COMPETENCES = "pages/management_competences.py"


@pytest.fixture
def downloads(monkeypatch):
    return Downloads(monkeypatch)  # exports are made on click (issue 14)


def _open(page: str, lang: str = "en"):
    at = app_as("ledelse", lang=lang).run()
    assert not at.exception, at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return publish_first_figures(at)  # the first publication, by the management user's explicit step


def _metric(at, label: str):
    return next(m.value for m in at.metric if m.label == label)


def _mark_importance(db, seed: int = 11) -> None:
    """Importance marks on every submitted attempt (what the demo's marks will give)."""
    rng = random.Random(seed)
    fw = loader.framework()
    ids = [r[0] for r in db.execute("SELECT id FROM assessments WHERE status = 'submitted' ORDER BY id")]
    with write(db):
        db.execute("DELETE FROM importance")
        db.conn.executemany(
            "INSERT OR REPLACE INTO importance (assessment_id, competence, value) VALUES (?, ?, ?)",
            [(a, c.id, rng.choices(["important", "less", "not_relevant"], [5 + j % 4, 3, 1 + j % 3])[0])
             for a in ids for j, c in enumerate(fw.competences)])


def test_the_focus_list_ranks_by_importance_times_gap_with_the_same_n(demo_db, downloads):
    _mark_importance(demo_db)
    at = _open(COMPETENCES)
    n = int(_metric(at, "Answers in the figures"))
    at.radio(key="cohort_view").set_value("focus").run()
    assert not at.exception, at.exception
    assert int(_metric(at, "Answers in the figures")) == n  # one n for the group
    assert len(at.get("plotly_chart")) == 1  # the matrix
    pub = publications.latest(demo_db)
    f = assessment_figures.Figures.from_json(publications.shown(demo_db, pub.id, "assessment", ("start", None, None, None)).figures)
    fw = loader.framework()
    # by hand: share important / 100 x (target - (mean score / 12.5 + 0.5))
    prio = {c.id: f.importance[c.id]["important"] / 100 * (fw.target_levels[c.id] - (f.competences[c.id] / 12.5 + 0.5))
            for c in fw.competences if f.importance.get(c.id) and f.importance[c.id].get("important") is not None
            and f.competences[c.id] is not None}  # a share the gate withheld (None) has no priority
    assert len(prio) >= 8  # the demo cohort shows most competences' importance
    best = max(prio, key=prio.get)
    table = at.dataframe[0].value
    assert table["Competence"].iloc[0] == in_lang(fw.competence_index[best].name, "en")
    assert table["Weighted gap (levels)"].iloc[0] == round(prio[best], 2)
    assert list(table["Weighted gap (levels)"].dropna()) == sorted(table["Weighted gap (levels)"].dropna(), reverse=True)
    assert len(table) == len(fw.competences)
    assert f"of the {n} leaders" in page_text(at)
    rows = exports.read_csv_text(downloads.get(at, "focus_csv").decode("utf-8-sig"))
    assert rows[0][:3] == ["Priority rank", "No.", "Competence"] and len(rows) == 1 + len(fw.competences)
    assert rows[1][0] == "1"
    assert downloads.get(at, "focus_xlsx")[:2] == b"PK"  # an xlsx (zip) file


def test_the_focus_list_of_a_level_uses_its_profile_and_says_it_is_provisional(demo_db):
    _mark_importance(demo_db)
    at = _open(COMPETENCES)
    at.radio(key="cohort_view").set_value("focus").run()
    assert "Target levels: the default target profile" in page_text(at)
    pub = publications.latest(demo_db)
    figs = {lv: assessment_figures.Figures.from_json(publications.shown(demo_db, pub.id, "assessment", ("start", None, None, lv)).figures)
            for lv in organisation.current(demo_db).levels}
    level = next(lv for lv, fx in figs.items() if focus.has_importance(fx))
    at.selectbox(key="filter_level").set_value(level).run()
    assert not at.exception
    text = page_text(at)
    assert "Target levels: the target profile of" in text and "(provisional: not yet approved)" in text
    assert len(at.dataframe) == 1 and len(at.get("plotly_chart")) == 1
    # a released level group too small for importance shares: withheld, said so, no table
    small = next((lv for lv, fx in figs.items() if not fx.hidden and not focus.has_importance(fx)), None)
    if small is not None:
        at.selectbox(key="filter_level").set_value(small).run()
        assert any("importance shares of this group are withheld" in i.value for i in at.info)
        assert not at.dataframe and not at.get("plotly_chart")


def test_a_publication_without_importance_says_so(demo_db):
    with write(demo_db):
        demo_db.execute("DELETE FROM importance")  # as before leaders marked importance
    at = _open(COMPETENCES)
    at.radio(key="cohort_view").set_value("focus").run()
    assert not at.exception
    assert any("No importance marks in this publication" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_the_focus_list_in_danish(demo_db):
    _mark_importance(demo_db)
    at = _open(COMPETENCES, lang="da")
    at.radio(key="cohort_view").set_value("focus").run()
    assert not at.exception
    text = page_text(at)
    assert "Fokusliste" in text and "Vigtighed og niveau" in text
    assert at.dataframe[0].value.columns[2] == "Kompetence"
