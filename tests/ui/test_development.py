"""digled.ui.development: the leader's importance form (pre-filled from earlier marks, saved
with one button, the confirmation kept on screen) and the three competences to develop with
their numbers and links that land on the programme's film or meeting; in AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from digled.assessment import answering, importance, results
from digled.platform import pseudonyms
from tests.conftest import SECRET

SCREEN = """
import streamlit as st

from digled.assessment import answering
from digled.content import loader
from digled.platform import db, i18n
from digled.ui import development
from tests.apptest import db_path
from tests.conftest import SECRET


def screen():
    d = db.connect(db_path())
    fw = loader.framework()
    lang = st.session_state["lang"]
    t = i18n.translator(lang)
    attempts = answering.history(d, st.session_state["respondent"], SECRET)
    current = attempts[-1]
    marks = development.importance_form(d, fw, current, attempts, t, lang)
    development.recommendations(d, fw, current.scores, fw.target_levels, marks, t, lang)


st.navigation([st.Page(screen, title="Screen", default=True), st.Page("pages/films.py", url_path="films"),
               st.Page("pages/meetings.py", url_path="meetings")], position="hidden").run()
"""


def _screen(tmp_path, respondent: str, lang: str) -> AppTest:
    """A tiny app: the importance form and the recommendations for the latest attempt, with
    stand-ins for the films and meetings pages the links point to."""
    (tmp_path / "pages").mkdir(exist_ok=True)
    for name in ("films", "meetings"):
        (tmp_path / "pages" / f"{name}.py").write_text(f"import streamlit as st\nst.write({name!r}, st.query_params.get('item'))\n")
    (tmp_path / "screen.py").write_text(SCREEN)
    at = AppTest.from_file(str(tmp_path / "screen.py"), default_timeout=30)
    at.session_state["respondent"] = respondent
    at.session_state["lang"] = lang
    return at.run()


def _leader_with_attempts(demo_db, framework, values=(2,)):
    from digled.accounts import auth

    respondent = pseudonyms.of_user(SECRET, auth.get_user(demo_db, "leder").id)
    made = []
    for i, value in enumerate(values):
        d = answering.start(demo_db, respondent, "start" if i == 0 else "extra", secret=SECRET)
        for q in answering.question_ids(framework):
            answering.save_answer(demo_db, framework, d.id, q, value)
        made.append(answering.submit(demo_db, framework, d.id, secret=SECRET))
    return respondent, made


def _recommended(at) -> list[str]:
    return [m.value.split("**")[1] for m in at.markdown if m.value.startswith("**") and " · " in m.value]


def test_marking_importance_changes_the_recommendations_and_links_land(demo_db, framework, tmp_path):
    respondent, (attempt,) = _leader_with_attempts(demo_db, framework)  # every competence at level 3
    at = _screen(tmp_path, respondent, "en")
    assert not at.exception
    radios = [r for r in at.radio if r.key.startswith(f"imp_{attempt.id}_")]
    assert len(radios) == 16 and all(r.value is None for r in radios)
    assert list(radios[0].options) == ["Important", "Less important", "Not relevant"]
    # no marks: gap x 0.75; targets 6 (gap 3) in framework order
    assert _recommended(at) == ["Identifying needs and technological responses",
                                "Collaborating through digital technologies", "Protecting personal data and privacy"]
    assert ("Level 3, target 6: 3 levels below the target, and you have not marked it yet, which counts as between the two."
            in [c.value for c in at.caption])
    links = [(p.proto.page, dict(p.proto.query_string and [kv.split("=") for kv in p.proto.query_string.split("&")]))
             for p in at.get("page_link")]
    assert links[0] == ("films", {"item": "film2"}) and ("meetings", {"item": "workshop1"}) in links
    assert at.get("page_link")[0].proto.label == "E-learning film: The opportunities of digitalisation and the leader's role"
    assert "Question: Which task in your area takes unnecessarily long today" in at.caption[2].value

    at.radio(key=f"imp_{attempt.id}_info_needs").set_value("not_relevant")
    at.radio(key=f"imp_{attempt.id}_safe_data").set_value("less")
    at.radio(key=f"imp_{attempt.id}_info_search").set_value("important")
    at.button[0].click().run()  # the form's save button
    assert not at.exception
    assert importance.marks(demo_db, attempt.id) == {
        "info_needs": "not_relevant", "safe_data": "less", "info_search": "important"}
    assert "Saved. The competences to develop are updated." in [s.value for s in at.success]
    at.run()  # any later run (another widget, a fragment) keeps the confirmation on screen
    assert "Saved. The competences to develop are updated." in [s.value for s in at.success]
    # collaborate 3 x 0.75 = 2.25, info_search 2 x 1 = 2, safe_data 3 x 0.5 = 1.5 (ties with
    # other gap-2 ones at 0.75 x 2 = 1.5, but its larger gap wins); info_needs never
    assert _recommended(at) == ["Collaborating through digital technologies",
                                "Browsing, searching and filtering information", "Protecting personal data and privacy"]


def test_a_later_attempt_is_prefilled_from_the_last_marks_in_danish(demo_db, framework, tmp_path):
    respondent, (first, second) = _leader_with_attempts(demo_db, framework, values=(3, 2))  # levels 6, then 3
    importance.save(demo_db, first.id, {"info_search": "less", "safe_data": "not_relevant"}, framework)
    at = _screen(tmp_path, respondent, "da")
    assert not at.exception
    assert at.radio(key=f"imp_{second.id}_info_search").value == "less"
    assert at.radio(key=f"imp_{second.id}_safe_data").value == "not_relevant"
    assert at.radio(key=f"imp_{second.id}_comm_share").value is None
    assert list(at.radio(key=f"imp_{second.id}_comm_share").options) == ["Vigtig", "Mindre vigtig", "Ikke relevant"]
    assert any("Udfyldt på forhånd fra din tidligere besvarelse" in i.value for i in at.info)
    assert importance.marks(demo_db, second.id) == {}  # nothing saved until the leader saves
    # the pre-filled (earlier) marks weigh until saved: safe_data (gap 3) is not relevant, never
    # suggested; info_needs and comm_collaborate 3 x 0.75; info_evaluate 2 x 0.75 beats info_search 2 x 0.5
    assert _recommended(at) == ["Afdække behov og digitale løsninger", "Samarbejde digitalt", "Vurdere information"]
    at.button[0].click().run()
    assert importance.marks(demo_db, second.id) == {"info_search": "less", "safe_data": "not_relevant"}


def test_above_every_target_the_screen_says_how_the_list_was_filled(demo_db, framework, tmp_path):
    respondent, (attempt,) = _leader_with_attempts(demo_db, framework, values=(4,))  # level 8 everywhere
    at = _screen(tmp_path, respondent, "en")
    assert _recommended(at) == [] and results.NONE_NOTE in [i.value for i in at.info]
    importance.save(demo_db, attempt.id, {"safe_data": "important", "comm_share": "important", "info_search": "less"}, framework)
    at.run()
    # safe_data: target 6, margin 2; comm_share: target 5, margin 3; info_search is only less important
    assert _recommended(at) == ["Protecting personal data and privacy", "Sharing through digital technologies"]
    assert results.FILLED_NOTE in [i.value for i in at.info]
    assert "Level 8, target 6: at or above the target, but important in your area." in [c.value for c in at.caption]
