"""AppTest: management dashboards read stored publications only: aggregates, no names, small
groups hidden with their reason, held-back answers said so, earlier publications viewable,
exports equal to what is shown."""

from __future__ import annotations

import json
import os
from datetime import timedelta

import pytest

from digled.accounts import auth, organisation, participants
from digled.assessment import answering, scoring
from digled.content import loader, programme
from digled.insight import assessment_figures, participation, publications
from digled.platform import exports, i18n, pseudonyms
from digled.platform.db import write
from digled.ui import publication as pub_ui
from tests.apptest import Downloads, app_as, page_text, publish_first_figures

COMPETENCES = "pages/management_competences.py"
PARTICIPATION = "pages/management_participation.py"
VIEWS = ("wheel", "dims", "bands", "purposes", "change", "breakdown", "effect")

# --- helpers ---------------------------------------------------------------------------------

_downloads = None


@pytest.fixture(autouse=True)
def _keep_downloads(monkeypatch):
    global _downloads
    _downloads = Downloads(monkeypatch)  # exports are made on click (issue 14)


def download(at, key: str) -> bytes:
    """The bytes the download button `key` of the last run gives."""
    return _downloads.get(at, key)


def _open(page: str, lang: str = "en", username: str = "ledelse"):
    at = app_as(username, lang=lang).run()
    assert not at.exception, at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return publish_first_figures(at)  # the first publication, by the management user's explicit step


def _ctx(db):
    return loader.framework(), organisation.current(db), programme.programme()


def _publish(db, trigger: str, now):
    fw, org, prog = _ctx(db)
    return publications.make(db, fw, org, prog, trigger, now=now)


def _identities(demo_db):
    return [r for row in demo_db.execute("SELECT name, email FROM users WHERE username NOT IN ('ledelse')") for r in row if r]


def _leaders_without_start(db):
    """Leaders whose accounts count in figures (identities.py) and who have not taken the start."""
    secret = os.environ["DIGLED_PSEUDONYM_SECRET"]
    taken = {r[0] for r in db.execute("SELECT respondent FROM assessments WHERE round = 'start' AND status = 'submitted'")}
    rows = db.execute(
        "SELECT id, municipality, area, level FROM users WHERE active = 1 AND counted_at IS NOT NULL "
        f"AND {auth.LEADER_SQL} ORDER BY id"
    ).fetchall()
    return [r for r in rows if pseudonyms.of_user(secret, r[0]) not in taken]


def _submit_start(db, leader) -> None:
    """One more submitted start attempt, through the assessment functions the page uses."""
    secret = os.environ["DIGLED_PSEUDONYM_SECRET"]
    fw = loader.framework()
    uid, mun, area, level = leader
    draft = answering.start(db, pseudonyms.of_user(secret, uid), "start", mun, area, level, secret=secret)
    for i, q in enumerate(answering.question_ids(fw)):
        answering.save_answer(db, fw, draft.id, q, 1 + i % scoring.SCALE_STEPS)
    answering.submit(db, fw, draft.id, secret=secret)


def _metric(at, label: str):
    return next(m.value for m in at.metric if m.label == label)


def _t0():
    """A moment shortly before now: after publications made from it none is due yet, so the pages
    offer no step and say nothing of a due one."""
    return publications.now_utc() - timedelta(minutes=10)


# --- competences ------------------------------------------------------------------------------


def test_every_competence_view_renders_without_names(demo_db):
    at = _open(COMPETENCES)
    text = page_text(at)
    assert "Competences in the cohort" in text and "Answers in the figures" in text
    assert len(publications.listing(demo_db)) == 1  # the first publication, made by the explicit step
    everything = ""
    for view in VIEWS:
        at.radio(key="cohort_view").set_value(view).run()
        assert not at.exception, (view, at.exception)
        if view not in ("breakdown", "effect"):  # effect: a chart where a dose group is shown (test_effect_view.py)
            assert len(at.get("plotly_chart")) == 1, view  # only the chosen view is drawn
        everything += page_text(at) + "\n".join(str(df.value) for df in at.dataframe)
        everything += download(at, "export_csv").decode("utf-8-sig")
    everything += download(at, "export_publication").decode("utf-8-sig")
    for ident in _identities(demo_db):
        assert ident not in everything, ident


def test_a_small_group_is_hidden_with_the_reason_not_the_count(demo_db):
    at = _open(COMPETENCES)
    at.selectbox(key="filter_municipality").set_value("Glostrup").run()
    at.selectbox(key="filter_area").set_value("kultur").run()
    at.selectbox(key="filter_level").set_value("topleder").run()
    assert not at.exception
    assert "Hidden: fewer than 5 answers." in [i.value for i in at.info]
    assert not at.metric and not at.get("plotly_chart")  # no count, no mean, no chart
    rows = exports.read_csv_text(download(at, "export_csv").decode("utf-8-sig"))  # ; for Danish Excel
    assert rows[0] == ["publication", "round", "municipality", "area", "level", "status", "n", "figure", "digcomp", "value"]
    assert rows[1:] == [["1", "start", "Glostrup", "kultur", "topleder", "hidden", "", "hidden", "", ""]]


def test_the_picker_lists_publications_and_an_earlier_one_stays_viewable(demo_db):
    t0 = _t0()
    first = _publish(demo_db, "first", t0)
    for leader in _leaders_without_start(demo_db)[:5]:
        _submit_start(demo_db, leader)
    second = _publish(demo_db, "admin", t0 + timedelta(minutes=5))
    n_first = publications.shown(demo_db, first.id, "assessment", ("start", None, None, None)).n
    n_second = publications.shown(demo_db, second.id, "assessment", ("start", None, None, None)).n
    assert n_second == n_first + 5  # five new answers: released in the newer publication

    at = _open(COMPETENCES)
    picker = at.selectbox(key="publication")
    assert picker.value == second.id  # the newest first
    assert picker.options == [
        f"{pub_ui.moment(t0 + timedelta(minutes=5), 'en')} (published by an administrator)",
        f"{pub_ui.moment(t0, 'en')} (first publication)",
    ]
    assert int(_metric(at, "Answers in the figures")) == n_second
    assert "Since the previous publication: 0 participants added, 0 removed." in page_text(at)

    picker.set_value(first.id).run()
    assert not at.exception
    assert int(_metric(at, "Answers in the figures")) == n_first
    assert "held back" not in page_text(at)
    for view in VIEWS:  # every view of the earlier publication still renders
        at.radio(key="cohort_view").set_value(view).run()
        assert not at.exception, (view, at.exception)
    assert len(publications.listing(demo_db)) == 2  # opening made none


def test_a_group_with_held_answers_says_figures_as_published(demo_db):
    t0 = _t0()
    first = _publish(demo_db, "first", t0)
    shown_before = {s.key: s for s in publications.shown_all(demo_db, first.id, "assessment") if s.status == "new"}
    leader = next(l for l in _leaders_without_start(demo_db) if ("start", l[1], None, None) in shown_before)
    _submit_start(demo_db, leader)  # one more answer in a shown group: fewer than k new
    second = _publish(demo_db, "admin", t0 + timedelta(minutes=5))
    held = publications.shown(demo_db, second.id, "assessment", ("start", leader[1], None, None))
    assert (held.status, held.reason, held.since) == ("held", "difference", first.id)

    at = _open(COMPETENCES)
    assert at.selectbox(key="publication").value == second.id
    at.selectbox(key="filter_municipality").set_value(leader[1]).run()
    assert not at.exception
    expected = (f"Figures as published {pub_ui.moment(t0, 'en')}; newer answers are held back: "
                "the new answers would differ from figures already published by fewer than 5.")
    assert expected in [c.value for c in at.caption]
    assert int(_metric(at, "Answers in the figures")) == shown_before[("start", leader[1], None, None)].n
    # the same group in the earlier publication: its own figures, nothing held
    at.selectbox(key="publication").set_value(first.id).run()
    assert expected not in [c.value for c in at.caption]
    assert int(_metric(at, "Answers in the figures")) == shown_before[("start", leader[1], None, None)].n


def _expected_csv(db, pub_id: int, rnd: str, keys: list[tuple]) -> bytes:
    rows = []
    for key in keys:
        s = publications.shown(db, pub_id, "assessment", (rnd, *key))
        base = {"publication": pub_id, "round": rnd, "municipality": key[0] or "", "area": key[1] or "",
                "level": key[2] or "", "status": s.status if s else "hidden"}
        rows += assessment_figures.figure_rows(base, assessment_figures.Figures.from_json(s.figures if s else None))
    return exports.csv_bytes(assessment_figures.dataframe(rows))


def test_the_csv_download_is_exactly_the_shown_rows(demo_db):
    at = _open(COMPETENCES)
    pub = publications.latest(demo_db)
    assert download(at, "export_csv") == _expected_csv(demo_db, pub.id, "start", [(None, None, None)])
    rows = exports.read_csv_text(download(at, "export_csv").decode("utf-8-sig"))
    assert rows[1][:6] == [str(pub.id), "start", "", "", "", "new"] and rows[1][7] == "total"

    at.selectbox(key="filter_municipality").set_value("Albertslund").run()
    at.radio(key="cohort_view").set_value("breakdown").run()
    at.radio(key="breakdown_by").set_value("levels").run()
    assert not at.exception
    org = organisation.current(demo_db)
    keys = [("Albertslund", None, None)] + [("Albertslund", None, lvl) for lvl in org.levels]
    assert download(at, "export_csv") == _expected_csv(demo_db, pub.id, "start", keys)

    # the whole publication: every assessment group, as publications.export_rows
    whole = download(at, "export_publication")
    assert whole == exports.csv_bytes(assessment_figures.dataframe(publications.export_rows(demo_db, pub.id)))
    hidden = [r for r in exports.read_csv_text(whole.decode("utf-8-sig")) if r[5] == "hidden"]
    assert hidden and all(r[6] == "" for r in hidden)  # no n for a hidden group


# --- participation ----------------------------------------------------------------------------


def _participation_view(at) -> tuple:
    return _metric(at, "Leaders in the group"), [df.value.to_csv() for df in at.dataframe]


def test_participation_shows_the_publication_not_live_counts(demo_db):
    at = _open(PARTICIPATION)
    text = page_text(at)
    assert "Programme overview" in text and "Leaders in the group" in text
    everything = text + "\n".join(str(df.value) for df in at.dataframe) + download(at, "part_csv").decode("utf-8-sig")
    for ident in _identities(demo_db):
        assert ident not in everything, ident
    pub = publications.latest(demo_db)
    assert int(_metric(at, "Leaders in the group")) == publications.shown(demo_db, pub.id, "participation", (None, None)).n
    before = _participation_view(at)

    # after the publication: a leader leaves, another marks a film as seen
    prog = programme.programme()
    film = next(a.id for a in prog.activities if a.kind == "kl_film")
    live_before = participation.person_steps(demo_db)
    leaders = demo_db.execute(f"SELECT id FROM users WHERE {auth.LEADER_SQL} AND active = 1 ORDER BY id").fetchall()
    participants.set_active(demo_db, leaders[0][0], False, "admin")
    with write(demo_db):
        demo_db.execute("INSERT INTO progress (user_id, activity, status, on_day) VALUES (?, ?, 'done', '2026-01-01') "
                        "ON CONFLICT(user_id, activity) DO UPDATE SET status = 'done'", [leaders[1][0], film])
    live_after = participation.person_steps(demo_db)
    assert len(live_after) == len(live_before) - 1  # live, the counts did change

    at.run()
    assert not at.exception
    assert _participation_view(at) == before  # the page still shows the publication
    assert len(publications.listing(demo_db)) == 1

    # a new publication: one leader fewer is fewer than k changes, so the counts are held back
    second = _publish(demo_db, "admin", pub.made_at + timedelta(minutes=1))
    at.run()  # the picker lists the new publication; the reader's choice stays until changed
    assert at.selectbox(key="publication").value == pub.id and _participation_view(at) == before
    at.selectbox(key="publication").set_value(second.id).run()
    assert not at.exception
    assert _participation_view(at) == before
    assert (f"Counts as published {pub_ui.moment(pub.made_at, 'en')}; newer changes are held back: the counts would "
            "differ from counts already published by fewer than 5 leaders.") in [c.value for c in at.caption]
    assert "Since the previous publication: 0 participants added, 1 removed." in [c.value for c in at.caption]


def test_participation_hides_a_small_group_with_the_reason(demo_db):
    at = _open(PARTICIPATION)
    at.selectbox(key="part_municipality").set_value("Glostrup").run()
    at.selectbox(key="part_area").set_value("kultur").run()
    assert not at.exception
    assert "Hidden: fewer than 5 leaders." in [i.value for i in at.info]
    assert not at.metric and not at.get("plotly_chart")


@pytest.mark.parametrize("lang", ["da", "en"])
def test_management_pages_run_in_both_languages(demo_db, lang):
    titles = {"da": ("Kompetencer på holdet", "Offentliggørelse"), "en": ("Competences in the cohort", "Publication")}
    at = _open(COMPETENCES, lang=lang)
    assert titles[lang][0] in page_text(at)
    assert at.selectbox(key="publication").label == titles[lang][1]
    for view in VIEWS:
        at.radio(key="cohort_view").set_value(view).run()
        assert not at.exception, (lang, view, at.exception)
    at.switch_page(PARTICIPATION).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="publication").label == titles[lang][1]
    at.radio(key="part_by").set_value("area").run()
    assert not at.exception


def test_leader_and_admin_cannot_open_management_pages(demo_db):
    for username in ("leder", "admin"):
        for page in (COMPETENCES, PARTICIPATION):
            at = app_as(username, page=page).run()
            assert "You do not have access to this page." in [e.value for e in at.error]
            assert not at.get("plotly_chart")
    assert publications.listing(demo_db) == []  # a refused visit publishes nothing


# --- the participation funnel and one n (issue 11) ------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_participation_page_draws_a_funnel_that_never_widens(demo_db, lang):
    import json as _json

    at = _open(PARTICIPATION, lang=lang)
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    bar = _json.loads(charts[0].proto.spec)["data"][0]
    assert bar["orientation"] == "h" and len(bar["x"]) == len(participation.stages(True))  # the demo's follow-ups on
    assert bar["x"] == sorted(bar["x"], reverse=True) and bar["x"][0] > 0
    pub = publications.latest(demo_db)
    released = _json.loads(publications.shown(demo_db, pub.id, "participation", (None, None)).figures)["funnel"]
    # a count held back in words (fewer than k) is drawn as no bar: the mid-programme follow-up stage
    assert bar["x"] == [v if isinstance(v, int) else 0 for v in (released[s.id] for s in participation.stages(True))]
    assert not isinstance(released["followup"], int) and bar["x"][-1] == 0
    labels = {"en": "Attended at least one leader meeting", "da": "Deltog i mindst ét ledermøde"}[lang]
    assert labels in [y.replace("<br>", " ") for y in bar["y"]]
    follow = {"en": "Took a follow-up assessment", "da": "Tog en opfølgende kompetenceafklaring"}[lang]
    assert [y.replace("<br>", " ") for y in bar["y"]][-1] == follow
    # the demo is mid-programme: the end assessment has not opened, so its bar is grey and says so
    not_open = {"en": "not yet open", "da": "ikke åbnet endnu"}[lang]
    assert bar["marker"]["color"][-1] == "#8a8f96" and bar["marker"]["color"][0] == "#1c5a9e"
    assert bar["text"][-1].endswith(not_open) and not bar["text"][0].endswith(not_open)


def test_an_older_participation_publication_without_a_funnel_says_so(demo_db):
    import json as _json

    at = _open(PARTICIPATION)
    pub = publications.latest(demo_db)
    with demo_db.conn:
        for grp, figs in demo_db.execute("SELECT grp, figures FROM released_groups WHERE publication_id = ? AND "
                                         "kind = 'participation' AND figures IS NOT NULL", [pub.id]).fetchall():
            old = {key: v for key, v in _json.loads(figs).items() if key != "funnel"}
            demo_db.execute("UPDATE released_groups SET figures = ? WHERE publication_id = ? AND kind = 'participation' "
                            "AND grp = ?", [_json.dumps(old), pub.id, grp])
    at.run()
    assert not at.exception
    assert any("made before the funnel was introduced" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def _cell(frame, group: str, column: str):
    return frame.set_index(frame.columns[0]).loc[group, column]


def test_one_n_the_two_pages_show_the_same_answers_for_the_same_group(demo_db):
    """The breakdown's n is the answers in the competence figures; the participation page's
    "Leaders in the group" is every participant (the demo's `leder` has no assessment, and not
    every leader has answered). Both pages show the answers n for the same group and
    publication, under the same words, and the participation page says which n is which."""
    comp = _open(COMPETENCES)
    comp.radio(key="cohort_view").set_value("breakdown").run()
    comp.radio(key="breakdown_by").set_value("municipalities").run()
    assert not comp.exception
    breakdown = comp.dataframe[0].value
    answers_col = next(c for c in breakdown.columns if c.startswith("Answers"))
    pub = publications.latest(demo_db)
    part = _open(PARTICIPATION)
    assert part.selectbox(key="publication").value == pub.id and len(publications.listing(demo_db)) == 1
    for mun in ("Albertslund", "Glostrup"):
        name = f"{mun} Municipality"
        comp_n = int(_cell(breakdown, name, answers_col))
        assert comp_n == publications.shown(demo_db, pub.id, "assessment", ("start", mun, None, None)).n
        part.selectbox(key="part_municipality").set_value(mun).run()
        assert not part.exception
        assert int(_metric(part, "Start answers in the competence figures")) == comp_n
        participants = int(_metric(part, "Leaders in the group"))
        assert participants == publications.shown(demo_db, pub.id, "participation", (mun, None)).n
        assert participants > comp_n  # a different n, under a different label
        steps_alone = part.dataframe[1].value  # "Every step on its own"
        taken = _cell(steps_alone, "Start assessment taken", "Leaders who took this step")
        # a count is a distribution: the number where it and the rest are at least k, else its band
        # (a dash where, with the other groups, it would tell the steps of fewer than k leaders)
        stored = json.loads(publications.shown(demo_db, pub.id, "participation", (mun, None)).figures)["counts"]["start"]
        if taken.isdigit():
            assert int(taken) == comp_n == stored
        elif taken == "–":
            assert stored is None
        else:
            assert taken == f"at least {participants - 4}" and comp_n >= participants - 4
        table = part.dataframe[-1].value  # the breakdown by municipality
        assert int(_cell(table, "Start answers in the competence figures", name)) == comp_n  # a column per group
        assert int(_cell(table, "Leaders in the group", name)) == participants
    assert any(c.value.startswith("Why the numbers differ:") for c in part.caption)
    exported = download(part, "part_csv").decode("utf-8-sig")
    assert "Start answers in the competence figures" in exported and "Leaders in the group" in exported


# --- the evaluation report (issue 23) ----------------------------------------------------------


@pytest.mark.parametrize("lang, title", [("da", "Evaluering af forløbet i digital ledelse"),
                                         ("en", "Evaluation of the programme in digital leadership")])
def test_management_downloads_the_evaluation_report_in_one_click(demo_db, lang, title):
    import io

    from pypdf import PdfReader

    at = _open(PARTICIPATION, lang=lang)
    pdf = download(at, "report_pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert title in text and len(pdf) < 2 * 1024 * 1024
    page = download(at, "report_html").decode("utf-8")
    assert title in page and f'lang="{lang}"' in page


# --- a management account scoped to one municipality (issue 23) ---------------------------------


@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_scoped_account_reads_its_municipality_and_all_together_on_every_view(demo_db, lang):
    _ = i18n.translator(lang)
    at = _open(COMPETENCES, lang, "ledelse_glostrup")
    assert _("Your account reads {municipality}'s figures and all municipalities together, not the other "
             "municipality's groups.").format(municipality=organisation.current(demo_db).municipalities["Glostrup"][lang]) \
        in page_text(at)
    mun = at.selectbox(key="filter_municipality")
    assert mun.options == [_("Glostrup Municipality") if lang == "en" else "Glostrup Kommune", _("All municipalities together")]
    assert mun.value == "Glostrup" and not at.selectbox(key="filter_area").disabled
    # every view, every download: nothing of Albertslund, no joint group broken down
    everything = ""
    for view in VIEWS:
        at.radio(key="cohort_view").set_value(view).run()
        assert not at.exception, (view, at.exception)
        if view == "breakdown":
            for by in ("municipalities", "areas", "levels"):
                at.radio(key="breakdown_by").set_value(by).run()
                everything += "\n".join(str(df.value) for df in at.dataframe)
        everything += download(at, "export_csv").decode("utf-8-sig")
    rows = exports.read_csv_text(download(at, "export_publication").decode("utf-8-sig"))
    assert {r[2] for r in rows[1:]} == {"Glostrup", ""}
    assert all(r[3] == r[4] == "" for r in rows[1:] if r[2] == "")
    assert "Albertslund" not in everything
    # all together: a whole, never broken down by area or level
    at.selectbox(key="filter_area").set_value("skole").run()
    at.selectbox(key="filter_municipality").set_value(pub_ui.ALL).run()
    assert not at.exception
    assert at.selectbox(key="filter_area").disabled and at.selectbox(key="filter_area").value == pub_ui.ALL
    assert at.selectbox(key="filter_level").disabled
    at.radio(key="cohort_view").set_value("breakdown").run()
    at.radio(key="breakdown_by").set_value("municipalities").run()
    assert "Albertslund" not in "\n".join(str(df.value) for df in at.dataframe)
    # the participation page offers the same and its table holds Glostrup only
    at.switch_page(PARTICIPATION).run()
    assert not at.exception
    assert at.selectbox(key="part_municipality").options == mun.options
    assert "Albertslund" not in "\n".join(str(df.value) for df in at.dataframe) + download(at, "part_csv").decode("utf-8-sig")


def test_an_unscoped_account_still_reads_both_municipalities(demo_db):
    at = _open(COMPETENCES)
    assert at.selectbox(key="filter_municipality").options[1:] == ["Albertslund Municipality", "Glostrup Municipality"]
    rows = exports.read_csv_text(download(at, "export_publication").decode("utf-8-sig"))
    assert "Albertslund" in {r[2] for r in rows[1:]}
