"""AppTest: management compares two runs' released figures (pages/management_cohorts.py) and
picks a run on the competences page (digled/ui/publication.pick). Built on a copy of the demo
database: the demo run published, closed, a second run with its own start answers published."""

from __future__ import annotations

import copy
import json
import os
from datetime import date, timedelta

import pytest

from digled.accounts import auth, identities, organisation, programme_runs
from digled.assessment import answering, scoring
from digled.content import loader, programme
from digled.insight import publications
from digled.platform import exports, pseudonyms
from digled.platform.db import write
from digled.ui import publication as pub_ui
from tests.apptest import Downloads, app_as, page_text

COMPARE = "pages/management_cohorts.py"
COMPETENCES = "pages/management_competences.py"
NEW_RUN = "Næste forløb i digital ledelse"  # never the demo run's own name, whatever day the suite runs on
# the new run's start answers: hand-picked scores of the first competence, area and the total
C1_SCORES = [40.0, 50.0, 60.0, 40.0, 50.0, 60.0]  # mean 50 -> level 50 / 12.5 + 0.5 = 4.5
TOTALS = [30.0, 30.0, 30.0, 35.0, 35.0, 35.0]  # mean 32.5 -> level 3.1
AREA_SCORES = [70.0, 70.0, 70.0, 70.0, 70.0, 70.0]  # mean 70 -> level 6.1


def _ctx(db):
    return loader.framework(), organisation.current(db), programme.programme(db)


def _publish(db, trigger: str, now):
    fw, org, prog = _ctx(db)
    return publications.make(db, fw, org, prog, trigger, now=now)


def _leaders(db):
    return db.execute("SELECT id, municipality, area, level FROM users WHERE active = 1 AND "
                      f"{auth.LEADER_SQL} ORDER BY id").fetchall()


def _second_run(db, secret: str | None = None):
    """Publish the demo run, close it, open NEW_RUN with six leaders' start answers, publish
    (`secret`: the pseudonym secret, the test environment's by default)."""
    t0 = publications.now_utc() - timedelta(minutes=10)
    old_pub = _publish(db, "first", t0)
    old_id = programme_runs.running_id(db)
    leaders = _leaders(db)[:6]
    new = programme_runs.close_and_open(db, NEW_RUN, date(2027, 1, 11), continuing=[r[0] for r in leaders], actor="admin")
    fw = loader.framework()
    secret = secret or os.environ["DIGLED_PSEUDONYM_SECRET"]
    c1, a1 = fw.competences[0].id, fw.areas[0].id
    base = scoring.score(fw, {q: 3 for q in answering.question_ids(fw)})
    with write(db):
        for i, (uid, mun, area, level) in enumerate(leaders):
            scores = copy.deepcopy(base)
            scores["total"] = TOTALS[i]
            scores["competences"][c1]["score"] = C1_SCORES[i]
            scores["areas"][a1] = AREA_SCORES[i]
            answering.insert_submitted(db, secret, pseudonyms.of_user(secret, uid), "start", date(2027, 1, 12),
                                        mun, area, level, scores)
    new_pub = _publish(db, "first", t0 + timedelta(minutes=5))
    return old_id, old_pub, new, new_pub, leaders


def _open(page: str, lang: str = "en"):
    at = app_as("ledelse", lang=lang).run()
    assert not at.exception, at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _metrics(at, label: str) -> list[int]:
    return [int(m.value) for m in at.metric if m.label == label]


def _old_level(db, pub_id: int, part: str, key: str | None = None) -> float:
    """The older run's published mean (from its publication's stored JSON), as a level by hand."""
    figs = json.loads(publications.shown(db, pub_id, "assessment", ("start", None, None, None)).figures)
    score = figs["total"] if part == "total" else figs[part][key]
    return round(score / 12.5 + 0.5, 1)


def test_only_one_run_says_so(demo_db):
    at = _open(COMPARE)
    assert [i.value for i in at.info] == ["Only one run so far: the comparison appears when a second run has publications."]
    assert [s.key for s in at.selectbox] == ["lang_picker"] and not at.get("plotly_chart")
    da = _open(COMPARE, "da")
    assert [i.value for i in da.info] == ["Kun ét forløb indtil nu: sammenligningen vises, når et andet forløb har offentliggørelser."]
    # one run: the competences page keeps its widgets, no run picker
    comp = _open(COMPETENCES)
    assert "cohort" not in [s.key for s in comp.selectbox]


def test_two_runs_side_by_side_with_the_hand_computed_difference(demo_db, monkeypatch):
    downloads = Downloads(monkeypatch)
    old_id, old_pub, new, new_pub, leaders = _second_run(demo_db)
    old_name = programme_runs.get(demo_db, old_id).name
    fw = loader.framework()
    at = _open(COMPARE)
    first, second = at.selectbox(key="compare_first"), at.selectbox(key="compare_second")
    assert (first.value, second.value) == (new.id, old_id)  # running first, newest closed second
    assert first.options == [f"{NEW_RUN} (running)", old_name]
    n_old = publications.shown(demo_db, old_pub.id, "assessment", ("start", None, None, None)).n
    assert n_old > 6
    assert _metrics(at, "Answers in the figures") == [6, n_old]
    assert [s.value for s in at.subheader][:2] == [f"{NEW_RUN} (running)", old_name]

    table = at.dataframe[-1].value
    rows = {r["Competence or area (mean level)"]: r for r in table.to_dict("records")}
    total_old = _old_level(demo_db, old_pub.id, "total")
    assert (rows["Mean total"][NEW_RUN], rows["Mean total"][old_name]) == (3.1, total_old)
    assert rows["Mean total"]["Difference"] == pytest.approx(round(3.1 - total_old, 1))
    assert (rows["Answers in the figures"][NEW_RUN], rows["Answers in the figures"][old_name]) == (6, n_old)
    assert rows["Answers in the figures"]["Difference"] == 6 - n_old
    c1 = f"1. {fw.competences[0].name['en']}"
    c1_old = _old_level(demo_db, old_pub.id, "competences", fw.competences[0].id)
    assert (rows[c1][NEW_RUN], rows[c1][old_name]) == (4.5, c1_old)
    assert rows[c1]["Difference"] == pytest.approx(round(4.5 - c1_old, 1))
    a1 = fw.areas[0].name["en"]
    a1_old = _old_level(demo_db, old_pub.id, "areas", fw.areas[0].id)
    assert rows[a1]["Difference"] == pytest.approx(round(6.1 - a1_old, 1))

    charts = at.get("plotly_chart")
    assert len(charts) == 2
    bars = json.loads(charts[1].proto.spec)["data"]
    assert [b["name"] for b in bars] == [NEW_RUN, old_name]
    assert bars[0]["y"][0] == 4.5 and bars[1]["y"][0] == c1_old

    csv = exports.read_csv_text(downloads.get(at, "compare_csv").decode("utf-8"))
    assert csv[0] == ["Competence or area (mean level)", NEW_RUN, old_name, "Difference"]
    total_row = next(r for r in csv if r[0] == "Mean total")
    assert total_row[1] == "3,1" and total_row[3] == str(round(3.1 - total_old, 1)).replace(".", ",")

    # swapped: the difference changes sign
    at.selectbox(key="compare_first").set_value(old_id).run()
    at.selectbox(key="compare_second").set_value(new.id).run()
    assert not at.exception
    rows = {r["Competence or area (mean level)"]: r for r in at.dataframe[-1].value.to_dict("records")}
    assert rows[c1]["Difference"] == pytest.approx(round(c1_old - 4.5, 1))
    # the same run twice: said, nothing compared
    at.selectbox(key="compare_second").set_value(old_id).run()
    assert "Choose two different runs: the first and the second run are the same." in [w.value for w in at.warning]
    assert not at.get("plotly_chart")


def test_a_group_hidden_in_one_run_shows_the_reason_and_no_number(demo_db):
    old_id, old_pub, new, new_pub, leaders = _second_run(demo_db)
    mun = leaders[0][1]
    new_n = sum(1 for r in leaders if r[1] == mun)
    assert new_n < 5  # the new run's six leaders are spread over both municipalities
    old_shown = publications.shown(demo_db, old_pub.id, "assessment", ("start", mun, None, None))
    assert old_shown.status == "new"
    at = _open(COMPARE)
    at.selectbox(key="filter_municipality").set_value(mun).run()
    assert not at.exception
    assert "Hidden: fewer than 5 answers." in [i.value for i in at.info]
    assert _metrics(at, "Answers in the figures") == [old_shown.n]  # only the older run's
    rows = {r["Competence or area (mean level)"]: r for r in at.dataframe[-1].value.to_dict("records")}
    assert rows["Mean total"][NEW_RUN] == "" and rows["Mean total"]["Difference"] == ""
    assert rows["Answers in the figures"][programme_runs.get(demo_db, old_id).name] == old_shown.n


def test_competences_page_lists_both_runs_and_shows_the_older_runs_publication(demo_db):
    old_id, old_pub, new, new_pub, _ = _second_run(demo_db)
    old_name = programme_runs.get(demo_db, old_id).name
    at = _open(COMPETENCES)
    run = at.selectbox(key="cohort")
    assert run.label == "Run" and run.options == [f"{NEW_RUN} (running)", old_name] and run.value == new.id
    assert at.selectbox(key="publication").value == new_pub.id
    assert len(at.selectbox(key="publication").options) == 1
    assert _metrics(at, "Answers in the figures") == [6]
    run.set_value(old_id).run()
    assert not at.exception
    assert at.selectbox(key="publication").value == old_pub.id
    assert at.selectbox(key="publication").options == [f"{pub_ui.when(old_pub, 'en')} (first publication)"]
    n_old = publications.shown(demo_db, old_pub.id, "assessment", ("start", None, None, None)).n
    assert _metrics(at, "Answers in the figures") == [n_old]
    assert len(publications.listing(demo_db, old_id)) == 1 and len(publications.listing(demo_db)) == 1  # opening made none


@pytest.mark.parametrize("lang", ["da", "en"])
def test_both_pages_in_both_languages(demo_db, lang):
    old_id, *_ = _second_run(demo_db)
    words = {"da": ("Sammenlign forløb", "Forløb", f"{NEW_RUN} (i gang)", "Forskel"),
             "en": ("Compare runs", "Run", f"{NEW_RUN} (running)", "Difference")}[lang]
    at = _open(COMPARE, lang)
    assert words[0] in page_text(at)
    assert at.selectbox(key="compare_first").options[0] == words[2]
    assert words[3] in at.dataframe[-1].value.columns
    comp = _open(COMPETENCES, lang)
    assert comp.selectbox(key="cohort").label == words[1]
    assert comp.selectbox(key="cohort").options[0] == words[2]


def test_a_scoped_account_compares_its_municipality_and_cannot_filter_its_way_to_the_other(demo_db):
    """Issue 23: an account scoped while its session had Albertslund chosen compares Glostrup (or
    all together) in both runs from its next page view: the old choice is put back before anything
    is read."""
    _second_run(demo_db)
    at = _open(COMPARE)
    at.selectbox(key="filter_municipality").set_value("Albertslund").run()
    identities.scope_by_operator(demo_db, "ledelse", "Glostrup")  # scoped while the session is open
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="filter_municipality").options == ["Glostrup Municipality", "All municipalities together"]
    assert at.selectbox(key="filter_municipality").value == "Glostrup"
    runs = [publications.latest(demo_db, c.id) for c in programme_runs.listing(demo_db)]
    want = [s.n for s in (publications.shown(demo_db, p.id, "assessment", ("start", "Glostrup", None, None))
                          for p in runs) if s is not None and s.status != "hidden"]
    assert want and _metrics(at, "Answers in the figures") == want
    at.selectbox(key="filter_municipality").set_value(pub_ui.ALL).run()
    assert at.selectbox(key="filter_area").disabled and at.selectbox(key="filter_area").value == pub_ui.ALL
    whole = [publications.shown(demo_db, p.id, "assessment", ("start", None, None, None)).n for p in runs]
    assert _metrics(at, "Answers in the figures") == whole
