"""Vejledninger og videoer: the administrator sets the video (or narrated slides) of each guide
and each film (https addresses, checked and audited) and previews a guide as leaders see it."""

import streamlit as st

from digled import guides, programme
from digled.ui import guides as guide_widget
from digled.ui import session

user, t = session.page(__file__)
db = session.database()
lang = session.language()
prog = programme.programme()
slots = guides.slots(prog)
stored = guides.videos(db)

st.title(t("Guides and videos"))
st.write(t("Set a video or narrated slides for each guide and film: an address that starts with https://. "
           "YouTube links and video files (.mp4, .webm) play in the app; other addresses are shown as a link. "
           "Where no address is set, the text guide stands alone. Empty a field to remove its video."))

with st.form("guide_videos", clear_on_submit=False):
    st.subheader(t("Guides"))
    for slot in slots[: len(guides.GUIDE_KEYS)]:
        st.text_input(slot.name(t, lang), value=stored.get(slot.key, ""), key=f"video_{slot.key}",
                      placeholder="https://")
    st.subheader(t("Films"))
    for slot in slots[len(guides.GUIDE_KEYS):]:
        st.text_input(slot.name(t, lang), value=stored.get(slot.key, ""), key=f"video_{slot.key}",
                      placeholder="https://")
    submitted = st.form_submit_button(t("Save the addresses"), type="primary", key="save_videos")

if submitted:
    typed = {s.key: st.session_state.get(f"video_{s.key}", "") for s in slots}
    try:
        changed = guides.save(db, typed, user.username, prog)
    except guides.InvalidVideos as e:
        names = {s.key: s.name(t, lang) for s in slots}
        st.error(t("Nothing was saved. Correct the addresses below."))
        for key, problem in e.problems.items():
            st.error(t("{field}: {problem}").format(field=names[key], problem=problem.text(t)))
    else:
        st.session_state["_content_flash"] = (
            t("Saved: {n} changed.").format(n=len(changed)) if changed else t("Nothing changed.")
        )
        st.rerun()
if message := st.session_state.pop("_content_flash", None):
    st.success(message)  # under the form: where the button was clicked

st.subheader(t("Preview"))
labels = {k: t(guides.GUIDE_LABELS[k]) for k in guides.GUIDE_KEYS}
key = st.selectbox(t("Guide"), guides.GUIDE_KEYS, format_func=labels.get, key="preview_guide")
st.caption(t("As leaders see it, with the saved address."))
guide_widget.show(key, t, lang, db=db)
