"""Filer og materialer: the administrator uploads the handbook and the kick-off's materials (the
invitation, the day's programme, each talk's slides) as new versions, sees every version (who,
when, size, file name) and downloads any of them, and sets each talk's film address (https).
Files are checked by their content (digled/content/uploaded_files.py); the slots are in data/kickoff.yaml."""

import pandas as pd
import streamlit as st

from digled.content import programme, uploaded_files
from digled.platform import dates
from digled.platform.i18n import text
from digled.programme import journey, kickoff
from digled.ui import downloads, session, widgets

user, t = session.page(__file__)
db = session.database()
lang = session.language()
kick = kickoff.kickoff()
newest = uploaded_files.latest_all(db)
films = kickoff.films(db, kick)
LIMIT_MB = uploaded_files.MAX_BYTES // (1024 * 1024)

st.title(t("Files and materials"))
st.write(t("Upload the handbook and the kick-off's materials here. Each upload is kept as a new version; "
           "leaders get the newest. The handbook reaches a leader only once it is unlocked for them "
           "(after their end assessment, or from the handbook's date). Files are checked by their "
           "content: PDF, and for slides also PowerPoint (.pptx), at most {limit} MB.").format(limit=LIMIT_MB))


def widget_key(slot: str) -> str:
    return slot.replace(":", "_")


def uploaded_when(meta: uploaded_files.StoredFile) -> str:
    local = meta.uploaded_at.astimezone()
    return dates.day(local, lang, "medium") + " " + dates.clock(local, lang)


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return t("{n} kB").format(n=max(1, round(size / 1024)))
    return t("{n} MB").format(n=f"{size / (1024 * 1024):.1f}".replace(".", "," if lang == "da" else "."))


def save(slot: kickoff.Slot, label: str, key: str) -> None:
    """The save button's callback: store the chosen file as a new version, or keep it and say why not."""
    upload = st.session_state.get(f"file_{key}_{st.session_state.get(f'_gen_{key}', 0)}")
    if upload is None:
        st.session_state[f"_error_{key}"] = t("{slot}: choose a file first.").format(slot=label)
        return
    try:
        stored = uploaded_files.upload(db, slot.slot, upload.name, upload.getvalue(), user.username)
    except uploaded_files.FileRefused as e:
        st.session_state[f"_error_{key}"] = t("{slot}: not saved. {problem}").format(slot=label, problem=e.text(t))
        return
    st.session_state[f"_gen_{key}"] = st.session_state.get(f"_gen_{key}", 0) + 1  # an empty uploader
    st.session_state[f"_saved_{key}"] = t("{slot}: saved {file} as version {version}.").format(
        slot=label, file=stored.filename, version=stored.version)


def file_slot(slot: kickoff.Slot, label: str, talk: kickoff.Talk | None = None) -> None:
    key = widget_key(slot.slot)
    slides = uploaded_files.accepts_slides(slot.slot)
    with st.container(border=True, key=f"slot_{key}"):
        st.subheader(label)
        meta = newest.get(slot.slot)
        if meta:
            st.caption(t("Served now: version {version}, {file} ({size}), uploaded {when} by {who}.").format(
                version=meta.version, file=meta.filename, size=size_text(meta.size), when=uploaded_when(meta),
                who=meta.uploaded_by))
        else:
            st.caption(t("Nothing uploaded yet: leaders see that it is not uploaded yet."))
        generation = st.session_state.get(f"_gen_{key}", 0)
        widgets.file_upload(
            (t("New version (PDF or PowerPoint .pptx, at most {limit} MB)") if slides
             else t("New version (PDF, at most {limit} MB)")).format(limit=LIMIT_MB),
            ["pdf", "pptx"] if slides else ["pdf"], uploaded_files.MAX_BYTES, f"file_{key}_{generation}", t)
        st.button(t("Save as a new version"), key=f"save_{key}", on_click=save, args=(slot, label, key),
                  icon=":material/upload:")
        if error := st.session_state.pop(f"_error_{key}", None):
            st.error(error)
        if saved := st.session_state.pop(f"_saved_{key}", None):
            st.success(saved, icon=":material/check_circle:")
        if talk is not None:
            film_field(talk, label)
        history = uploaded_files.versions(db, slot.slot)
        if history:
            versions_box(slot, key, history)


def versions_box(slot: kickoff.Slot, key: str, history: list[uploaded_files.StoredFile]) -> None:
    with st.expander(t("Versions ({n})").format(n=len(history)), icon=":material/history:"):
        st.dataframe(pd.DataFrame([{
            t("Version"): v.version, t("File name"): v.filename, t("Size"): size_text(v.size),
            t("Uploaded"): uploaded_when(v), t("By"): v.uploaded_by} for v in history]),
            hide_index=True, width="stretch", key=f"versions_{key}")
        by_number = {v.version: v for v in history}
        chosen = st.selectbox(t("Version to download"), list(by_number), key=f"pick_{key}_{history[0].version}",
                              format_func=lambda n: t("Version {version}: {file}").format(
                                  version=n, file=by_number[n].filename))
        chosen_meta = by_number[chosen]
        st.download_button(
            t("Download version {version}").format(version=chosen),
            downloads.with_database(
                lambda d, s=slot.slot, n=chosen: uploaded_files.read(d, s, n)[0], user.username, "admin"),
            file_name=chosen_meta.filename, mime=chosen_meta.mime, key=f"download_{key}",
            on_click="ignore", icon=":material/download:")


def film_field(talk: kickoff.Talk, label: str) -> None:
    if f"film_{talk.id}" not in st.session_state:
        st.session_state[f"film_{talk.id}"] = films.get(talk.id, "")
    st.text_input(t("Film address"), key=f"film_{talk.id}", placeholder="https://")
    st.button(t("Save the film address"), key=f"save_film_{talk.id}", on_click=save_film, args=(talk, label),
              icon=":material/movie:")
    if error := st.session_state.pop(f"_film_error_{talk.id}", None):
        st.error(error)
    if saved := st.session_state.pop(f"_film_saved_{talk.id}", None):
        st.success(saved, icon=":material/check_circle:")


def save_film(talk: kickoff.Talk, label: str) -> None:
    typed = st.session_state.get(f"film_{talk.id}", "")
    try:
        url = kickoff.set_film(db, talk.id, typed, user.username, kick)
    except kickoff.FilmRefused as e:
        st.session_state[f"_film_error_{talk.id}"] = t("{slot}: the film address was not saved: {problem}.").format(
            slot=label, problem=e.text(t))
        return
    st.session_state[f"_film_saved_{talk.id}"] = (
        t("{slot}: the film address was saved.") if url else t("{slot}: the film address was removed.")
    ).format(slot=label)


st.header(t("Handbook"))
file_slot(kick.handbook, text(kick.handbook.title, lang))

st.header(t("Kick-off"))
for document in kick.documents:
    file_slot(document, text(document.title, lang))

st.header(t("Talks at the kick-off"))
st.caption(t("Slides as PDF or PowerPoint, and a film address (https://) for each talk. Empty the address to "
             "remove the film."))
for talk in kick.talks:
    label = text(talk.title, lang)
    file_slot(talk.slides, label, talk)

st.header(t("Materials of the meetings and workshops"))
st.caption(t("Each material without an address in the programme gets its file here (PDF or PowerPoint .pptx). "
             "Until a file is uploaded, leaders see \"link follows\"."))
for activity in programme.programme(db).activities:
    if activity.kind not in journey.ATTENDANCE_KINDS:
        continue
    for material in activity.materials:
        if not material.url:
            file_slot(kickoff.Slot(uploaded_files.material_slot(activity.id, material.id), "material", material.title),
                      text(activity.title, lang) + ": " + text(material.title, lang))
