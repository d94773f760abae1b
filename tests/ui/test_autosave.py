"""digled.ui.autosave: the text area saved while typing. What reaches the browser (label, text,
status, the words while typing, the limit, where to flush), and what Python does when the
browser sends a text: `on_save` runs once with the text cut to the limit, and the status it
returns is shown from then on. (The reflection fields on the pages: tests/pages/
test_programme_pages.py; the flush route: tests/security/test_reflection_route.py.)"""

from __future__ import annotations

import json

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from digled.ui import autosave


def _fields(at) -> dict[str, dict]:
    """The autosave fields of a run by widget key: the data the browser receives."""
    return {e.proto.id.split("-", 2)[2]: json.loads(e.proto.json) for e in at.get("bidi_component")}


def _browser_sends(at, key: str, text: str) -> AppTest:
    """Run the script as after the browser's setStateValue("value", text) on field `key`."""
    (element,) = [e for e in at.get("bidi_component") if e.proto.id.endswith("-" + key)]
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=element.proto.id, json_value=json.dumps({"value": text})))
    return at._run(states)


def _app(flush: dict | None = None) -> AppTest:
    def script(flush):
        import streamlit as st

        from digled.ui import autosave

        saved = st.session_state.setdefault("saved", [])  # what on_save was given, run after run

        def on_save(key):
            def save(text: str) -> str:
                saved.append((key, text))
                return f"Saved {len(text)} characters of {key}."
            return save

        autosave.autosave_text_area("Your note", "first text", "note", on_save("note"), status="Saved yesterday.",
                                    pending="Saving when you pause…", max_chars=10, height=90, flush=flush)
        autosave.autosave_text_area("Another", "", "other", on_save("other"))

    at = AppTest.from_function(script, args=(flush,), default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def test_the_browser_gets_the_label_text_status_words_and_limit():
    fields = _fields(_app())
    assert fields["note"] == {"label": "Your note", "value": "first text", "status": "Saved yesterday.",
                              "pending": "Saving when you pause…", "max_chars": 10, "height": 90, "flush": None}
    assert fields["other"] == {"label": "Another", "value": "", "status": "", "pending": "", "max_chars": 10_000,
                               "height": 100, "flush": None}


def test_a_sent_text_is_saved_once_cut_to_the_limit_and_its_status_shown():
    at = _app()
    assert at.session_state["saved"] == []  # drawing the field saves nothing
    _browser_sends(at, "note", "twelve chars")
    assert not at.exception, at.exception
    assert at.session_state["saved"] == [("note", "twelve cha")]  # at most max_chars, whatever the browser sent
    assert _fields(at)["note"]["status"] == "Saved 10 characters of note."
    assert _fields(at)["other"]["status"] == ""  # each field its own status
    at.run()  # a later run (another widget) neither saves again nor forgets the status
    assert at.session_state["saved"] == [("note", "twelve cha")]
    assert _fields(at)["note"]["status"] == "Saved 10 characters of note."
    _browser_sends(at, "other", "A line")  # each field saves through its own on_save
    assert at.session_state["saved"] == [("note", "twelve cha"), ("other", "A line")]
    assert _fields(at)["other"]["status"] == "Saved 6 characters of other."
    assert _fields(at)["note"]["status"] == "Saved 10 characters of note."


def test_a_field_with_flush_tells_the_browser_where_to_send_the_text():
    flush = {"path": "/api/digled/reflection", "header": "X-Digled-Handover", "question": "film3-r1"}
    assert _fields(_app(flush))["note"]["flush"] == flush


def test_the_browser_waits_the_debounce_pause_before_sending():
    assert autosave.DEBOUNCE_MS == 800
    assert "setTimeout(send, 800)" in autosave._JS
    assert "keepalive: true" in autosave._JS  # the flush survives the page going away
