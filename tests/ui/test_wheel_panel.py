"""digled.ui.wheel_panel: the leader's wheel with the target profile of the attempt's level
(named, provisional until approved) and the overlay of the published cohort mean, offered only
for groups that can be shown, the others named once with why; in AppTest."""

from __future__ import annotations

import json

from digled.assessment import answering
from digled.insight import assessment_figures, profiles, publications
from digled.platform import pseudonyms
from tests.conftest import SECRET
from tests.insight.test_profiles import _levels, _publish


def _panel(lang: str):
    """The panel alone, for the demo user `leder` and her latest attempt (what my_results calls)."""
    import os

    from digled.accounts import auth
    from digled.assessment import answering
    from digled.content import loader
    from digled.platform import db, pseudonyms
    from digled.platform.i18n import translator
    from digled.ui import wheel_panel
    from tests.conftest import SECRET

    d = db.connect(os.environ["DIGLED_DB"])
    user = auth.get_user(d, "leder")
    attempts = answering.history(d, pseudonyms.of_user(SECRET, user.id), SECRET)
    wheel_panel.show(d, loader.framework(), attempts[-1], attempts[-2] if len(attempts) > 1 else None,
                     user, translator(lang), lang)


def _leder_attempt(db, framework, level="mellemleder", round_="start", value=3):
    from digled.accounts import auth

    user = auth.get_user(db, "leder")
    respondent = pseudonyms.of_user(SECRET, user.id)
    a = answering.start(db, respondent, round_, "Albertslund", "dagtilbud", level, secret=SECRET)
    for q in answering.question_ids(framework):
        answering.save_answer(db, framework, a.id, q, value)
    return answering.submit(db, framework, a.id, secret=SECRET)


def _run_panel(lang):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_panel, args=(lang,), default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def _lines(at):
    import json as _json

    fig = _json.loads(at.get("plotly_chart")[0].proto.spec)
    return {d.get("name"): d for d in fig["data"] if d["type"] == "scatterpolar"}


def test_panel_names_the_profile_of_the_attempts_level(demo_db, framework):
    _leder_attempt(demo_db, framework, level="mellemleder")
    at = _run_panel("da")
    captions = [c.value for c in at.caption]
    assert "Målprofil: Mellemleder (foreløbig)" in captions
    lines = _lines(at)
    assert "Målprofil: Mellemleder (foreløbig)" in lines
    # the default profile: info_needs 6 -> 68.75 %, prod_content 4 -> 43.75 %
    r = lines["Målprofil: Mellemleder (foreløbig)"]["r"]
    assert r[3] == 68.75 and r[8] == 43.75
    assert len(at.get("html")) >= 1  # the numbered list beside the wheel


def test_panel_draws_an_approved_edited_profile(demo_db, framework):
    _leder_attempt(demo_db, framework, level="topleder")
    profiles.save(demo_db, "topleder", _levels(framework, 7), "admin", framework)
    profiles.approve(demo_db, "topleder", "admin", framework)
    at = _run_panel("en")
    assert "Target profile: Senior leader" in [c.value for c in at.caption]
    assert set(_lines(at)["Target profile: Senior leader"]["r"]) == {81.25}  # (7 - .5) * 12.5


def test_panel_without_a_publication_says_so(demo_db, framework):
    _leder_attempt(demo_db, framework)
    at = _run_panel("en")
    (control,) = at.segmented_control
    assert control.value == "none"
    # only what can be shown is offered; the rest is named once, with why (issue 20, point 9)
    assert list(control.options) == ["None"]
    said = [c.value for c in at.caption if c.value.startswith("Not offered: ")]
    assert len(said) == 1 and "All leaders: Nothing has been published yet." in said[0]
    assert list(_lines(at)) == ["Target profile: Middle manager (provisional)"]


def test_panel_overlays_the_published_mean_and_explains_hidden_groups(demo_db, framework):
    _leder_attempt(demo_db, framework)
    _publish(demo_db, framework)
    pub = publications.latest(demo_db)
    # make the level group hidden, whatever the demo gave it
    demo_db.execute("UPDATE released_groups SET status = 'hidden', reason = 'small', figures = NULL "
                    "WHERE publication_id = ? AND kind = 'overlay' AND grp = ?",
                    [pub.id, json.dumps(["start", None, None, "mellemleder"])])
    demo_db.conn.commit()
    at = _run_panel("en")
    control = at.segmented_control[0]
    control.set_value("all").run()
    lines = _lines(at)
    mean = lines["All leaders, published mean"]
    published = assessment_figures.Figures.from_json(publications.shown(demo_db, pub.id, "overlay", ("start", None, None, None)).figures)
    # what reaches the browser is rounded as shown: whole percent, as in the table beside the wheel
    assert mean["r"][:16] == [published.competences[c.id] for c in framework.competences]
    assert all(v == round(v) for v in mean["r"][:16])
    text = " ".join(c.value for c in at.caption)
    assert f"{published.n} answers" in text and "Dotted line: the published mean of All leaders" in text
    k = publications.k_of(pub.summary, "overlay", ("start",))  # k + c
    assert k == publications.k_of(pub.summary, "assessment", ("start",)) + 1
    assert "My level: Middle manager" not in at.segmented_control[0].options  # not offered
    said = " ".join(c.value for c in at.caption if c.value.startswith("Not offered: "))
    assert f"My level: Middle manager: Hidden: fewer than {k} answers." in said
    assert "My level: Middle manager, published mean" not in _lines(at)


def test_panel_says_when_the_overlay_is_held_back(demo_db, framework):
    _leder_attempt(demo_db, framework)
    _publish(demo_db, framework)
    pub = publications.latest(demo_db)
    demo_db.execute("UPDATE released_groups SET status = 'held', reason = 'difference', since = ? "
                    "WHERE publication_id = ? AND kind = 'overlay' AND grp = ?",
                    [pub.id, pub.id, json.dumps(["start", None, None, None])])
    demo_db.conn.commit()
    at = _run_panel("en")
    at.segmented_control[0].set_value("all").run()
    assert "All leaders, published mean" in _lines(at)  # held: the figures as published earlier
    text = " ".join(c.value for c in at.caption)
    assert "newer answers are held back: the new answers would differ from figures already published" in text
