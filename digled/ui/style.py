"""The app's own CSS, injected once per script run by app.py (phone-first layout fixes)."""

from __future__ import annotations

import streamlit as st

CSS = """
/* Titles wrap between words, never inside one (a phone at 390 px broke "kompetenceafklaring"). */
h1, h2, h3 { overflow-wrap: normal; word-break: normal; hyphens: manual; }
"""


def apply() -> None:
    """Add digled's stylesheet to the page."""
    st.html("<style>" + CSS + "</style>")
