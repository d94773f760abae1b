"""The guide widget: a guide's video (where the administrator set one) above its text guide."""

from __future__ import annotations

import streamlit as st

from digled.content import guides
from digled.platform.i18n import text
from digled.ui import session


def video(url: str, t) -> None:
    """Play an address in the page (YouTube or a video file) or, where it cannot be embedded
    (a slide show, a streaming portal), offer it as a link that opens in a new tab."""
    if guides.embeddable(url):
        st.video(url)
    else:
        st.link_button(t("Open the video"), url, icon=":material/play_circle:")


def show(key: str, t, lang: str, db=None, url: str | None = None) -> None:
    """Guide `key` ('assessment', 'wheel', 'films'): its title, the video set for it (if any)
    and its text. `url` overrides the stored video (the administrator's preview)."""
    guide = guides.guide(key)
    if url is None:
        url = guides.video_url(db if db is not None else session.database(), key)
    with st.container(border=True, key=f"guide_{key}"):
        st.subheader(text(guide.title, lang))
        if url:
            video(url, t)
        st.markdown(guide.markdown(lang))
