"""Film og refleksion: the e-learning and KL films, private reflections saved while typing, seen
marks. A "Go to" link (`?item=<film id>`) opens the film's tab, expands it and scrolls to it."""

from datetime import date

import streamlit as st

from digled.content import guides, programme
from digled.platform import dates
from digled.platform.i18n import text
from digled.programme import journey, reflections
from digled.ui import guides as guide_widgets
from digled.ui import session, widgets

user, t = session.page(__file__)
db = session.database()
lang = session.language()
prog = programme.programme(db)
mine = journey.journey(db, user.id, prog)
notes = reflections.load(db, user.id)
videos = guides.videos(db)
saved_at = reflections.saved_at(db, user.id)
nxt = mine.next_step.activity.id if mine.next_step else None
target, arrived = widgets.target_item("films")


def set_seen(activity_id: str, seen: bool) -> None:
    try:
        if seen:
            journey.mark_done(db, user.id, activity_id, prog)
            st.toast(t("Marked as seen: {film}.").format(film=widgets.content(prog.activity(activity_id).title, lang)),
                     icon=":material/check_circle:")
        else:
            journey.unmark_done(db, user.id, activity_id, prog)
    except journey.JourneyError as e:
        st.session_state["_films_error"] = e.text(t)


def reflection_fields(activity) -> None:
    if not activity.reflections:
        return
    st.markdown("**" + t("Reflection questions") + "**")
    for r in activity.reflections:
        if r.at_minute is not None:
            mark = t("At minute {minute}").format(minute=r.at_minute)
            st.caption(mark + (" (" + t("example") + ")" if activity.is_example("at_minute") else ""))
        widgets.reflection_field(db, user.id, prog, r, notes.get(r.id, ""), text(r.text, lang), t,
                                 "_films_error", height=110, saved_at=saved_at.get(r.id))


def seen_control(step) -> None:
    a = step.activity
    if step.status == "done":
        st.success(t("Seen on {date}.").format(date=step.done_day(lang)), icon=":material/check_circle:")
        st.button(t("Undo: not seen yet"), key=f"unseen_{a.id}", type="tertiary",
                  on_click=set_seen, args=(a.id, False))
    else:
        st.button(t("Mark as seen"), key=f"seen_{a.id}", type="primary", icon=":material/check:",
                  on_click=set_seen, args=(a.id, True))


def film(step, light: bool) -> None:
    a = step.activity
    title = widgets.content(a.title, lang)
    facts = [t("{minutes} minutes").format(minutes=a.duration_minutes), step.when(lang)]
    if a.speaker:
        facts.insert(0, a.speaker)
    with st.container(key=f"film_{a.id}"):
        if step.status == "not_open":
            with st.container(border=True):
                st.markdown("**" + title + "** · " + " · ".join(facts))
                st.caption(t("Opens on {date}.").format(date=dates.day(step.opens, lang)))
            return
        label = title + " · " + t(journey.STATUS_NAMES[step.status])
        expanded = a.id == target or (target is None and (step.status == "open" or a.id == nxt))
        with st.expander(label, expanded=expanded, icon=":material/movie:"):
            st.caption(" · ".join(facts))
            if step.status == "passed":
                st.caption(t("This film's dates passed before you joined: watch it whenever it suits you."))
            if not light:
                st.markdown(text(a.description, lang))
            url = videos.get(a.id) or a.video_url  # set in the app (Vejledninger og videoer), else data/
            if url:
                guide_widgets.video(url, t)
            else:
                st.info(t("The film is not online yet: the link follows here."), icon=":material/hourglass_empty:")
            if light:
                st.caption(text(a.description, lang))
            reflection_fields(a)
            seen_control(step)


st.title(t("Films and reflections"))
st.markdown(
    t("Watch the films when it suits you, and write down your reflections along the way. "
      "Your reflections are private notes: only you can see them, and they are saved while you type.")
)
with st.expander(t("Guide: why these films"), expanded=False):
    guide_widgets.show("films", t, lang, db)
error = st.session_state.pop("_films_error", None)
if error:
    st.error(error)

export = reflections.export(db, user.id, lang, t, prog)
st.download_button(
    t("Download my reflections"), lambda export=export: export or "-", file_name=t("my-reflections") + f"-{date.today().isoformat()}.md",
    mime="text/markdown", key="download_reflections", disabled=not export, on_click="ignore",
    icon=":material/download:",
)

labels = {"elearning": t("E-learning films"), "kl_film": t("KL films")}
kind_of_target = prog.activity(target).kind if target in {a.id for a in prog.activities} else None
if arrived and kind_of_target in labels:
    st.session_state["films_tab"] = labels[kind_of_target]  # the tab holding the linked film
elearning, kl = st.tabs(list(labels.values()), key="films_tab", on_change="rerun")
with elearning:
    for s in mine.steps:
        if s.activity.kind == "elearning":
            film(s, light=False)
with kl:
    st.caption(t("Five short films (about 5 minutes each) from KL, Local Government Denmark."))
    for s in mine.steps:
        if s.activity.kind == "kl_film":
            film(s, light=True)
if arrived and kind_of_target in labels:
    widgets.scroll_to_item(f"film_{target}")
