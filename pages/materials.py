"""Kick off og håndbog: the kick-off and its materials, what the programme is and why, the seven
purposes, and the closing handbook once it is unlocked. A "Go to" link (`?item=<activity id>`)
scrolls to the kick-off or the handbook."""

from datetime import date

import streamlit as st

from digled.content import loader, programme, uploaded_files
from digled.platform import dates
from digled.platform.i18n import text
from digled.programme import journey, kickoff
from digled.ui import calendar, downloads, session, widgets

user, t = session.page(__file__)
db = session.database()
lang = session.language()
prog = programme.programme(db)
fw = loader.framework()
mine = journey.journey(db, user.id, prog)
target, arrived = widgets.target_item("materials")
kick = kickoff.kickoff()
uploaded = uploaded_files.latest_all(db)  # metadata only: each file is read when it is clicked
films = kickoff.films(db, kick)


def file_download(slot: kickoff.Slot, label: str, key: str) -> None:
    """A download of the newest version of `slot`, made on click; says so when nothing is uploaded."""
    meta = uploaded.get(slot.slot)
    if meta is None:
        st.markdown("- " + widgets.md(label) + " – " + t("not uploaded yet"))
        return
    st.download_button(
        label, downloads.with_database(lambda d, s=slot.slot: uploaded_files.read(d, s)[0], user.username, "leader"),
        file_name=meta.filename, mime=meta.mime, key=key, on_click="ignore", icon=":material/download:")


def kickoff_materials() -> None:
    """The invitation, the day's programme and each talk with its slides and film."""
    for document in kick.documents:
        file_download(document, text(document.title, lang), "file_" + document.slot.replace(":", "_"))
    st.markdown("**" + t("Slides and films of the talks") + "**")
    for talk in kick.talks:
        title = text(talk.title, lang)
        with st.container(key=f"talk_{talk.id}"):
            st.markdown(widgets.md(title))
            meta = uploaded.get(talk.slides.slot)
            film = films.get(talk.id, "")
            columns = st.columns(2)
            with columns[0]:
                if meta:
                    st.download_button(
                        t("Slides: {talk}").format(talk=title),
                        downloads.with_database(lambda d, s=talk.slides.slot: uploaded_files.read(d, s)[0],
                                                user.username, "leader"),
                        file_name=meta.filename, mime=meta.mime, key=f"slides_{talk.id}", on_click="ignore",
                        icon=":material/slideshow:")
                else:
                    st.caption(t("Slides not uploaded yet."))
            with columns[1]:
                if film:
                    st.link_button(t("Film: {talk}").format(talk=title), film, icon=":material/movie:")
                else:
                    st.caption(t("No film yet."))


def handbook_bytes(connection) -> bytes:
    """The handbook for this leader, checked again at the click: nothing unless still unlocked."""
    found = kickoff.handbook_file(connection, user.id, prog)  # raises HandbookLocked
    if found is None:
        raise kickoff.HandbookLocked(user.id)
    return found[0]


def set_done(activity_id: str) -> None:
    try:
        journey.mark_done(db, user.id, activity_id, prog)
        st.toast(t("Marked as done: {activity}.").format(activity=widgets.content(prog.activity(activity_id).title, lang)),
                 icon=":material/check_circle:")
    except journey.JourneyError as e:
        st.session_state["_materials_error"] = e.text(t)


st.title(t("Kick-off and handbook"))
error = st.session_state.pop("_materials_error", None)
if error:
    st.error(error)

for step in mine.steps:
    a = step.activity
    if a.kind != "kickoff":
        continue
    with st.container(border=True, key=f"kickoff_{a.id}"):
        st.subheader(widgets.content(a.title, lang))
        st.caption(widgets.md(step.when(lang, "long")))  # escaped: "13. august" would start a list
        st.markdown(text(a.description, lang))
        kickoff_materials()
        if step.status in ("open", "not_open") and step.due >= date.today():
            calendar.ics_download(a, step, t, lang, key=f"ics_{a.id}")
        if step.status == "done":
            st.success(t("Seen on {date}.").format(date=step.done_day(lang)), icon=":material/check_circle:")
        elif step.status != "not_open":
            st.button(t("I have attended or seen the kick-off"), key=f"seen_{a.id}", on_click=set_done, args=(a.id,))

st.header(t("About the programme"))
st.subheader(t("Why digital leadership?"))
st.markdown(text(prog.why, lang))
st.subheader(t("Background"))
st.markdown(text(prog.background, lang))
st.subheader(t("What is digital leadership?"))
st.markdown(text(prog.what, lang))
st.subheader(t("Flipped learning"))
st.markdown(text(prog.flipped_learning, lang))
st.subheader(t("The seven purposes"))
st.markdown(text(prog.purposes_intro, lang))
st.markdown("\n".join(f"{i}. " + text(p.text, lang) for i, p in enumerate(fw.purposes, 1)))

unlocked = journey.handbook_unlocked(db, user.id, prog)
for step in mine.steps:
    a = step.activity
    if a.kind != "handbook":
        continue
    with st.container(border=True, key=f"handbook_{a.id}"):
        st.subheader(widgets.content(a.title, lang))
        st.markdown(text(a.description, lang))
        if not unlocked:
            st.info(
                t("The handbook is unlocked when you have taken the end assessment, and for everyone from {date}.")
                .format(date=dates.day(step.opens, lang)),
                icon=":material/lock:",
            )
            continue
        book = uploaded.get(kick.handbook.slot)
        if book is not None:
            st.download_button(t("Download the handbook"), downloads.with_database(handbook_bytes, user.username, "leader"),
                               file_name=book.filename, mime=book.mime, key="handbook_download", on_click="ignore",
                               icon=":material/menu_book:", type="primary")
        else:
            links = [m for m in a.materials if m.url]
            if links:
                st.link_button(t("Open the handbook"), links[0].url, icon=":material/menu_book:", type="primary")
            else:
                st.info(t("The handbook is not uploaded yet. It appears here as soon as it is."), icon=":material/hourglass:")
        if step.status == "done":
            st.success(t("Read on {date}.").format(date=step.done_day(lang)), icon=":material/check_circle:")
        else:
            st.button(t("I have read the handbook"), key=f"seen_{a.id}", on_click=set_done, args=(a.id,))
if arrived and target in {s.activity.id for s in mine.steps if s.activity.kind in ("kickoff", "handbook")}:
    widgets.scroll_to_item(f"{prog.activity(target).kind}_{target}")
