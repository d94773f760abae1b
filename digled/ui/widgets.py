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


def material_links(activity, lang: str, t) -> None:
    """An activity's materials as a list of links ("link follows" where no address is set)."""
    from digled.i18n import text

    for m in activity.materials:
        label = text(m.title, lang)
        if m.url:
            st.markdown("- [" + label + "](" + m.url + ")")
        else:
            st.markdown("- " + label + " (" + t("link follows") + ")")


def reflection_field(db, user_id: int, prog, reflection, saved: str, label: str, t, error_key: str, height: int = 100) -> None:
    """A private reflection note, written to the database the moment the leader leaves the field."""
    from digled import journey

    key = f"refl_{reflection.id}"

    def save() -> None:
        try:
            journey.save_reflection(db, user_id, reflection.id, st.session_state.get(key, ""), prog)
            st.session_state["_saved_note"] = reflection.id
        except journey.JourneyError as e:
            st.session_state[error_key] = e.text(t)

    st.text_area(label, value=saved, key=key, height=height, on_change=save, max_chars=journey.MAX_REFLECTION_CHARS)
    if st.session_state.get("_saved_note") == reflection.id:
        st.caption(":material/check: " + t("Saved."))


def md(value) -> str:
    """User text (a name, an address, a file name) for a Markdown element (st.markdown, st.title,
    st.caption, st.success, st.table, ...): shown literally, never as a link, image or markup."""
    from digled.validation import escape_markdown

    return escape_markdown(value)


def message_md(message: str, params: dict, t) -> str:
    """A translated message id filled with escaped params (names stay text), for Markdown elements."""
    return t(message).format(**{k: md(v) if isinstance(v, str) else v for k, v in params.items()})
