"""digled.ui.widgets: saved-status words, user and content text made safe for Markdown, file
limits as read, tables without "None", charts and tables in the page's language, material links,
the target of a "Go to" link, and the reflection field (saved while typing, flushed to digled's
route). (The escaping of every markup form: tests/security/test_content_markup.py.)

Also: a table of many columns is given widths that fit the page at 1366 px
(issue 20, point 6); the browser test is tests/e2e/test_management_tables_browser.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from digled.accounts import auth
from digled.platform import i18n
from digled.platform.validation import escape_markdown
from digled.programme import reflections
from digled.ui import web, widgets

EN = i18n.translator("en")
DA = i18n.translator("da")


# --- words ---------------------------------------------------------------------------------------


def test_saved_status_says_when_in_the_users_language():
    now = datetime(2026, 12, 1, 10, 42, tzinfo=UTC)
    assert widgets.saved_status(now, "da", DA, now) == "Gemt kl. 10.42."
    assert widgets.saved_status(now, "en", EN, now) == "Saved at 10:42."
    earlier = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    assert widgets.saved_status(earlier, "da", DA, now) == "Gemt 28. nov. 2026."
    assert widgets.saved_status(None, "da", DA, now) == ""


def test_md_shows_user_text_literally():
    name = "Ole [klik](http://x.dk) *fed* <b>"
    assert widgets.md(name) == escape_markdown(name)
    assert "](" not in widgets.md(name) and "*fed*" not in widgets.md(name)
    assert widgets.md("Ole Hansen") == "Ole Hansen"  # plain text stays as it is


def test_content_is_the_text_in_the_pages_language_escaped():
    title = {"da": "Film *ét*", "en": "Film *one*"}
    assert widgets.content(title, "da") == "Film \\*ét\\*"
    assert widgets.content(title, "en") == "Film \\*one\\*"
    assert widgets.content("Mødelokale 2", "en") == "Mødelokale 2"  # a plain text (a place) as well


def test_message_md_escapes_text_params_and_keeps_numbers():
    shown = widgets.message_md("Saved at {time}.", {"time": "[10](x)"}, EN)
    assert shown == "Saved at " + escape_markdown("[10](x)") + "."
    assert widgets.message_md("at least {n}", {"n": 5}, DA) == "mindst 5"


def test_a_limit_in_whole_megabytes_as_people_read_it():
    assert widgets.limit_mb(5_000_000) == "5"
    assert widgets.limit_mb(20 * widgets.MB) == "20"
    assert widgets.limit_mb(100) == "1"  # never "0"


def test_filled_shows_a_dash_for_every_missing_or_empty_cell():
    df = pd.DataFrame({"Name": ["Lea", None, "  "], "Score": [41.5, None, 7.0], "N": [1, 2, 3],
                       "Done": [True, False, True]})
    out = widgets.filled(df)
    assert list(out["Name"]) == ["Lea", "–", "–"]
    assert list(out["Score"]) == [41.5, "–", 7.0]
    assert out["N"].dtype == df["N"].dtype and out["Done"].dtype == bool  # nothing missing: the type stays
    assert df["Name"].isna().sum() == 1  # the caller's frame is left as it was


# --- in a page (AppTest) ---------------------------------------------------------------------------


def _shown_table_and_chart(lang: str):
    def script(lang):
        import pandas as pd
        import plotly.graph_objects as go
        import streamlit as st

        from digled.ui import widgets

        st.session_state["lang"] = lang
        df = pd.DataFrame({"Competence": ["A", "B"], "Score": [41.5, 12.25], "Answers": [3, 4]})
        widgets.chart_with_table(go.Figure(go.Bar(x=["A", "B"], y=[41.5, 12.25])), df, "The chart as a table", key="c")

    at = AppTest.from_function(script, args=(lang,), default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def test_a_chart_and_its_table_follow_the_pages_language():
    at = _shown_table_and_chart("da")
    (chart,) = at.get("plotly_chart")
    assert json.loads(chart.proto.spec)["layout"]["separators"] == ",."  # decimal comma in hover and axes
    assert at.expander[0].label == "The chart as a table"
    (table,) = at.dataframe
    assert list(table.value["Score"]) == ["41,5", "12,25"] and list(table.value["Answers"]) == [3, 4]
    at = _shown_table_and_chart("en")
    assert json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["separators"] == ".,"
    assert list(at.dataframe[0].value["Score"]) == [41.5, 12.25]


def test_materials_link_where_an_address_is_set_and_say_so_where_not():
    def script():
        from types import SimpleNamespace

        from digled.platform import i18n
        from digled.ui import widgets

        activity = SimpleNamespace(id="workshop1", materials=[
            SimpleNamespace(title={"da": "Slides", "en": "Slides"}, url="https://example.org/slides.pdf", id="slides"),
            SimpleNamespace(title={"da": "Tjekliste", "en": "Checklist"}, url="", id="checklist"),
        ])
        widgets.material_links(activity, "da", i18n.translator("da"), {}, "lea")  # nothing uploaded

    at = AppTest.from_function(script, default_timeout=30).run()
    assert [m.value for m in at.markdown] == ["- [Slides](https://example.org/slides.pdf)",
                                               "- Tjekliste (link kommer senere)"]


def test_a_go_to_link_arrives_once_and_is_remembered_for_the_session():
    def script():
        import streamlit as st

        from digled.ui import widgets

        item, arrived = widgets.target_item("films")
        st.write(f"{item}|{arrived}")

    at = AppTest.from_function(script, default_timeout=30)
    at.query_params["item"] = "film3"
    at.run()
    assert at.markdown[0].value == "film3|True"
    assert "item" not in at.query_params  # dropped: later runs keep the reader's scroll position
    at.run()
    assert at.markdown[0].value == "film3|False"  # the same tab and expander stay open


# --- the reflection field ----------------------------------------------------------------------------


def _reflection_app(user_id: int, question: str) -> AppTest:
    def script(user_id, question):
        import os
        from datetime import UTC, datetime
        from types import SimpleNamespace

        import streamlit as st

        from digled.content import programme
        from digled.platform import db, i18n
        from digled.ui import widgets

        st.session_state["lang"] = "en"  # the page's language, which dates follow
        d = db.connect(os.environ["DIGLED_DB"])
        widgets.reflection_field(d, user_id, programme.programme(), SimpleNamespace(id=question), "", "What did you see?",
                                 i18n.translator("en"), "_refl_error",
                                 saved_at=datetime(2026, 11, 28, 9, 0, tzinfo=UTC))

    at = AppTest.from_function(script, args=(user_id, question), default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def _field(at) -> tuple[str, dict]:
    (element,) = at.get("bidi_component")
    return element.proto.id, json.loads(element.proto.json)


def _type(at, text: str) -> None:
    """The browser sends what the leader typed (after the pause)."""
    element_id, _ = _field(at)
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=element_id, json_value=json.dumps({"value": text})))
    at._run(states)


def _leader(database) -> int:
    auth.create_user(database, username="lea", name="Lea", roles=["leader"])
    database.conn.commit()
    return auth.get_user(database, "lea").id


def test_the_reflection_field_saves_the_note_and_flushes_to_digleds_route(database):
    lea = _leader(database)
    at = _reflection_app(lea, "film3-r1")
    element_id, data = _field(at)
    assert element_id.endswith("-refl_film3-r1")
    assert data["flush"] == {"path": web.REFLECTION_PATH, "header": web.HEADER, "question": "film3-r1"}
    assert data["status"] == "Saved on 28 Nov 2026."  # when the note was last saved
    assert data["max_chars"] == reflections.MAX_CHARS and data["pending"] == "Saving when you pause…"
    _type(at, "Syv veje")
    assert reflections.load(database, lea) == {"film3-r1": "Syv veje"}
    assert _field(at)[1]["status"].startswith("Saved at ")
    assert "_refl_error" not in at.session_state


def test_a_refused_note_says_why_in_the_field_and_to_the_page(database):
    lea = _leader(database)
    at = _reflection_app(lea, "no-such-question")
    _type(at, "Tekst")
    assert reflections.load(database, lea) == {}
    assert at.session_state["_refl_error"] == "Unknown reflection question: no-such-question."
    assert _field(at)[1]["status"] == "Unknown reflection question: no-such-question."


def test_a_narrow_table_keeps_its_own_widths():
    assert widgets.fitted_widths(["Gruppe", "Ledere", "Andel (%)"]) == {}


def test_a_wide_table_fits_the_main_block():
    columns = ["Antal ledere", *[f"Område {i}" for i in range(8)]]
    widths = widgets.fitted_widths(columns)
    assert widths["Antal ledere"] == widgets.FIT_FIRST
    assert sum(widths.values()) <= widgets.FIT_WIDTH
    assert len(set(list(widths.values())[1:])) == 1  # the others share the rest alike


def test_many_columns_keep_a_readable_width():
    widths = widgets.fitted_widths([f"Trin {i}" for i in range(30)])
    assert min(widths.values()) >= 70


def test_a_kept_figure_is_built_once_per_key_with_the_languages_number_format_and_the_newest_are_kept(monkeypatch):
    """widgets.kept_figure (issue 22): the cohort wheel is built once for the same figures and
    language, shared by every reader, and never changed after (chart() finds its separators set)."""
    import plotly.graph_objects as go

    from digled.ui import session, widgets

    monkeypatch.setattr(widgets, "_figures", widgets.OrderedDict())
    monkeypatch.setattr(session, "language", lambda: "da")
    built = []

    def build(n):
        built.append(n)
        return go.Figure(go.Bar(x=[1], y=[n]))

    first = widgets.kept_figure(("wheel", 1, "da"), lambda: build(1))
    assert widgets.kept_figure(("wheel", 1, "da"), lambda: build(99)) is first and built == [1]
    assert first.layout.separators == ",."  # Danish: decimal comma, thousands point
    other = widgets.kept_figure(("wheel", 2, "da"), lambda: build(2))
    assert other is not first and built == [1, 2]
    for n in range(widgets.FIGURES_KEPT):
        widgets.kept_figure(("more", n), lambda n=n: build(n))
    assert ("wheel", 1, "da") not in widgets._figures and len(widgets._figures) == widgets.FIGURES_KEPT


def test_table_downloads_are_a_csv_and_an_excel_file_of_the_table_made_on_click(monkeypatch):
    """widgets.table_downloads: KEY_csv gives the table as the project's CSV, KEY_xlsx an Excel
    workbook of one sheet named as asked; both made on click (no /media/ URL)."""
    import io

    from digled.platform import exports
    from tests.apptest import Downloads

    def script():
        import pandas as pd
        import streamlit as st

        from digled.ui import widgets

        frame = pd.DataFrame({"Gruppe": ["Albertslund", "Glostrup"], "Svar": [12, 9]})
        widgets.table_downloads(st.columns(2), frame, ("Hent (CSV)", "Hent (Excel)"), "digled-test", "ark", key="t")

    downloads = Downloads(monkeypatch)
    at = AppTest.from_function(script, default_timeout=30).run()
    assert not at.exception, at.exception
    buttons = {b.proto.id.rsplit("-", 1)[1]: b.proto for b in at.get("download_button")}
    assert set(buttons) == {"t_csv", "t_xlsx"}
    assert (buttons["t_csv"].label, buttons["t_xlsx"].label) == ("Hent (CSV)", "Hent (Excel)")
    expected = pd.DataFrame({"Gruppe": ["Albertslund", "Glostrup"], "Svar": [12, 9]})
    assert all(b.deferred_file_id and not b.url for b in buttons.values())  # made on click
    assert downloads.get(at, "t_csv") == exports.csv_bytes(expected)
    book = pd.read_excel(io.BytesIO(downloads.get(at, "t_xlsx")), sheet_name=None)
    assert list(book) == ["ark"] and book["ark"].to_dict("list") == {"Gruppe": ["Albertslund", "Glostrup"], "Svar": [12, 9]}
