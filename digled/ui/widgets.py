"""Small shared widgets: a chart with its accessible table, content text, errors."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def chart_with_table(fig, df: pd.DataFrame, table_label: str, key: str) -> None:
    """A plotly chart and, right under it, the same numbers as a table (WCAG alternative)."""
    st.plotly_chart(fig, width="stretch", key=key, config={"displayModeBar": False})
    with st.expander(table_label, expanded=False):
        st.dataframe(df, hide_index=True, width="stretch")


def video_or_text(url: str, text_md: str) -> None:
    """Embed a video when a URL is set; otherwise show the text guide."""
    if url:
        st.video(url)
    st.markdown(text_md)


def scroll_to_top() -> None:
    """Bring the top of the main area into view (after a step change at the bottom of a page)."""
    st.html(
        "<script>setTimeout(() => document.querySelector(\"[data-testid='stMainBlockContainer']\")"
        "?.scrollIntoView({block: 'start'}), 30)</script>",
        unsafe_allow_javascript=True,
    )
