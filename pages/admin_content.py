"""Vejledninger og videoer: the administrator sets the video (or narrated slides) of each guide
and each film (https addresses, checked and audited) and previews a guide as leaders see it;
and edits the programme's content (titles, reflection questions with minute marks, places and
times; digled/content/admin_edits.py), each value showing whether it is the default, with a reset."""

from datetime import date

import streamlit as st

from digled.content import admin_edits, guides, programme
from digled.platform import dates
from digled.platform.i18n import text
from digled.programme import journey
from digled.ui import guides as guide_widget
from digled.ui import session
from digled.ui.widgets import md, message_md

user, t = session.page(__file__)
db = session.database()
lang = session.language()
prog = programme.programme(db)
slots = guides.slots(prog)
stored = guides.videos(db)

st.title(t("Guides and videos"))
st.write(t("Set a video or narrated slides for each guide and film: an address that starts with https://. "
           "YouTube links and video files (.mp4, .webm) play in the app; other addresses are shown as a link. "
           "Where no address is set, the text guide stands alone. Empty a field to remove its video."))

with st.form("guide_videos", clear_on_submit=False):
    st.subheader(t("Guides"))
    for slot in slots[: len(guides.GUIDE_KEYS)]:
        st.text_input(md(slot.name(t, lang)), value=stored.get(slot.key, ""), key=f"video_{slot.key}",
                      placeholder="https://")
    st.subheader(t("Films"))
    for slot in slots[len(guides.GUIDE_KEYS):]:
        st.text_input(md(slot.name(t, lang)), value=stored.get(slot.key, ""), key=f"video_{slot.key}",
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
            st.error(t("{field}: {problem}").format(field=md(names[key]), problem=problem.text(t)))
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


# --- the programme's content (issue 12): titles, reflection questions, places and times ---------

base = programme.programme()  # the defaults from data/programme.yaml
set_values = admin_edits.stored(db)
KIND_LABEL = {k: t(v) for k, v in journey.KIND_NAMES.items()}
editable = [a for a in prog.activities if len(admin_edits.editable_fields(a)) > 1]

st.divider()
st.header(t("Programme content"))
st.write(t("Change the titles, the reflection questions and the places and times of the programme here. "
           "A value set here replaces the default from the programme file for everyone at once; "
           "reset it to show the default again. Leaders' notes stay with their question, also when "
           "you remove the question (they keep them in their export)."))
# The chosen activity is kept by its id in the page's own state: the picker's labels are the titles
# being edited, and Streamlit forgets a selectbox's choice whose label changed (it fell back to
# the first activity after a reset, or kept showing the old title after a save).
ids = [a.id for a in editable]
if st.session_state.get("_content_activity") not in ids:
    st.session_state["_content_activity"] = ids[0]
st.session_state["content_activity"] = st.session_state["_content_activity"]


def picked() -> None:
    st.session_state["_content_activity"] = st.session_state["content_activity"]


chosen = st.selectbox(t("Activity"), ids, key="content_activity", on_change=picked,
                      format_func=lambda i: text(prog.activity(i).title, lang) + " (" + KIND_LABEL[prog.activity(i).kind] + ")")
a = prog.activity(chosen)
fields = admin_edits.editable_fields(a)


def refill(activity) -> None:
    """Show the activity's stored values in its fields again (after a save or a reset): set in
    the session before the fields are drawn, the one way Streamlit puts a new value into a
    field the browser already shows."""
    state, i = st.session_state, activity.id
    state[f"c_{i}_title_da"], state[f"c_{i}_title_en"] = activity.title.get("da", ""), activity.title.get("en", "")
    p = f"c_{i}_reflections"
    for r in activity.reflections:
        state[f"{p}_{r.id}_da"], state[f"{p}_{r.id}_en"] = r.text.get("da", ""), r.text.get("en", "")
        state[f"{p}_{r.id}_min"] = "" if r.at_minute is None else str(r.at_minute)
        state[f"{p}_{r.id}_rm"] = False
    state[f"{p}_new_da"] = state[f"{p}_new_en"] = state[f"{p}_new_min"] = ""
    place = activity.place or {}
    state[f"c_{i}_place_da"], state[f"c_{i}_place_en"] = place.get("da", ""), place.get("en", "")
    state[f"c_{i}_time_start"] = activity.start.strftime("%H:%M") if activity.start else ""
    state[f"c_{i}_time_end"] = activity.end.strftime("%H:%M") if activity.end else ""


if st.session_state.pop("_content_refill", None) == a.id:
    refill(a)


def source(field: str) -> None:
    """Say where the value shown comes from, with a reset when it was set in the app."""
    row = set_values.get(admin_edits.key(a.id, field))
    if row:
        st.caption(t("Set in the app by {user} on {date}.").format(
            user=row["updated_by"], date=dates.day(date.fromisoformat(row["updated_at"][:10]), lang)))
        st.button(t("Reset to the default"), key=f"reset_{field}", on_click=reset, args=(a.id, field))
    else:
        st.caption(t("The default from the programme file."))


def reset(activity_id: str, field: str) -> None:
    admin_edits.reset(db, admin_edits.key(activity_id, field), user.username)
    st.session_state["_content_refill"] = activity_id
    st.session_state["_override_flash"] = (field, t("Reset: the default shows again."))


def save(field: str, value) -> None:
    """Save one value; on success show the page again with the stored values, else keep
    everything typed and name the problem."""
    try:
        changed = admin_edits.save(db, base, a.id, field, value, user.username)
    except admin_edits.OverrideError as e:
        params = e.params | {"activity": text(a.title, lang), "field": t(admin_edits.FIELD_LABELS[field])}
        st.session_state["_override_error"] = (field, message_md(e.msg, params, t))
        return
    st.session_state["_override_flash"] = (field, t("Saved.") if changed else t("Nothing changed."))
    st.session_state["_content_refill"] = a.id
    st.rerun()


def feedback(field: str) -> None:
    error = st.session_state.get("_override_error")
    if error and error[0] == field:
        st.error(error[1])
        del st.session_state["_override_error"]
    flash = st.session_state.get("_override_flash")
    if flash and flash[0] == field:
        st.success(flash[1])
        del st.session_state["_override_flash"]


def example_note(*names: str) -> None:
    if any(a.is_example(n) for n in names):
        st.caption(t("Example: the programme file gives only an illustration, shown in the demo. "
                     "In a real installation this is empty until you set it here."))


# Title
st.subheader(t("Title"))
with st.form(f"c_{a.id}_title_form", border=False):
    st.text_input(t("Title in Danish"), value=a.title.get("da", ""), key=f"c_{a.id}_title_da")
    st.text_input(t("Title in English"), value=a.title.get("en", ""), key=f"c_{a.id}_title_en")
    if st.form_submit_button(t("Save the title"), key="save_title"):
        save("title", {"da": st.session_state[f"c_{a.id}_title_da"], "en": st.session_state[f"c_{a.id}_title_en"]})
feedback("title")
source("title")

# Reflection questions
if "reflections" in fields:
    st.subheader(t("Reflection questions"))
    film = a.kind in guides.FILM_KINDS
    if film:
        st.caption(t("The minute is where the question comes in the film ({n} minutes long); leave it empty "
                     "for a question after the film.").format(n=a.duration_minutes))
    example_note("at_minute")
    p = f"c_{a.id}_reflections"
    with st.form(f"{p}_form", border=False):
        rows = [(r.id, r) for r in a.reflections] + [("new", None)]
        for n, (qid, r) in enumerate(rows, start=1):
            with st.container(border=True):
                st.markdown("**" + (t("Question {n}").format(n=n) if r else t("New question")) + "**")
                st.text_area(t("Question in Danish"), value=r.text.get("da", "") if r else "", key=f"{p}_{qid}_da",
                             height=80)
                st.text_area(t("Question in English"), value=r.text.get("en", "") if r else "", key=f"{p}_{qid}_en",
                             height=80)
                if film:
                    st.text_input(t("At minute"), value="" if r is None or r.at_minute is None else str(r.at_minute),
                                  key=f"{p}_{qid}_min")
                if r:
                    st.checkbox(t("Remove this question"), key=f"{p}_{qid}_rm")
        submitted_q = st.form_submit_button(t("Save the questions"), key="save_reflections")
    if submitted_q:
        value = []
        for qid, r in rows:
            da, en = st.session_state.get(f"{p}_{qid}_da", ""), st.session_state.get(f"{p}_{qid}_en", "")
            if r is None and not da.strip() and not en.strip():
                continue  # no new question typed
            if st.session_state.get(f"{p}_{qid}_rm"):
                continue  # removed: kept as removed with the leaders' notes
            value.append({"id": "" if r is None else qid, "da": da, "en": en,
                          "at_minute": st.session_state.get(f"{p}_{qid}_min", "") or None})
        save("reflections", value)
    feedback("reflections")
    source("reflections")

# Place and time
if "place" in fields:
    st.subheader(t("Place"))
    example_note("place")
    with st.form(f"c_{a.id}_place_form", border=False):
        place = a.place or {}
        st.text_input(t("Place in Danish"), value=place.get("da", ""), key=f"c_{a.id}_place_da")
        st.text_input(t("Place in English"), value=place.get("en", ""), key=f"c_{a.id}_place_en")
        st.caption(t("Leave both empty for no place."))
        if st.form_submit_button(t("Save the place"), key="save_place"):
            save("place", {"da": st.session_state[f"c_{a.id}_place_da"], "en": st.session_state[f"c_{a.id}_place_en"]})
    feedback("place")
    source("place")

    st.subheader(t("Time"))
    example_note("start", "end")
    with st.form(f"c_{a.id}_time_form", border=False):
        cols = st.columns(2)
        cols[0].text_input(t("Starts (hh:mm)"), value=a.start.strftime("%H:%M") if a.start else "",
                           key=f"c_{a.id}_time_start", placeholder="09:00")
        cols[1].text_input(t("Ends (hh:mm)"), value=a.end.strftime("%H:%M") if a.end else "",
                           key=f"c_{a.id}_time_end", placeholder="15:30")
        st.caption(t("Leave both empty for a whole-day event."))
        if st.form_submit_button(t("Save the time"), key="save_time"):
            save("time", {"start": st.session_state[f"c_{a.id}_time_start"],
                          "end": st.session_state[f"c_{a.id}_time_end"]})
    feedback("time")
    source("time")
