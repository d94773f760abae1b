"""The baseline for the browser benchmarks: a minimal Streamlit page with one widget.

One st.radio like an assessment question; a caption counts the answers given, so a click is
measured exactly like an answer on the assessment page (the count increments, the app is idle).
"""

import streamlit as st


def _changed() -> None:
    st.session_state["changes"] = st.session_state.get("changes", 0) + 1


st.radio(
    "Svar", [1, 2, 3, 4, 0], index=None, horizontal=True, key="baseline_answer", on_change=_changed
)
st.caption(f"{st.session_state.get('changes', 0)} besvaret")
