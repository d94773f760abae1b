"""Film og refleksion: the e-learning and KL films, private reflections saved as typed, seen marks."""

from datetime import date

import streamlit as st

from digled import journey, programme
from digled.i18n import text
from digled.ui import session, widgets

user, t = session.page(__file__)
db = session.database()
lang = session.language()
prog = programme.programme()
mine = journey.journey(db, user.id, prog)
notes = journey.reflections(db, user.id)
nxt = mine.next_step.activity.id if mine.next_step else None


def set_seen(activity_id: str, seen: bool) -> None:
    try:
        if seen:
            journey.mark_done(db, user.id, activity_id, prog)
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
            st.caption(t("At minute {minute}").format(minute=r.at_minute))
        widgets.reflection_field(db, user.id, prog, r, notes.get(r.id, ""), text(r.text, lang), t,
                                 "_films_error", height=110)


def seen_control(step) -> None:
    a = step.activity
    if step.status == "done":
        st.success(t("Seen on {date}.").format(date=step.done_on))
        st.button(t("Undo: not seen yet"), key=f"unseen_{a.id}", type="tertiary",
                  on_click=set_seen, args=(a.id, False))
    else:
        st.button(t("Mark as seen"), key=f"seen_{a.id}", type="primary", icon=":material/check:",
                  on_click=set_seen, args=(a.id, True))


def film(step, light: bool) -> None:
    a = step.activity
    title = text(a.title, lang)
    facts = [t("{minutes} minutes").format(minutes=a.duration_minutes), step.when]
    if a.speaker:
        facts.insert(0, a.speaker)
    if step.status == "not_open":
        with st.container(border=True, key=f"film_{a.id}"):
            st.markdown("**" + title + "** · " + " · ".join(facts))
            st.caption(t("Opens on {date}.").format(date=step.opens.isoformat()))
        return
    label = title + " · " + t(journey.STATUS_NAMES[step.status])
    with st.expander(label, expanded=step.status == "open" or a.id == nxt, icon=":material/movie:"), \
            st.container(key=f"film_{a.id}"):
        st.caption(" · ".join(facts))
        if not light:
            st.markdown(text(a.description, lang))
        if a.video_url:
            st.video(a.video_url)
        else:
            st.info(t("The film is not online yet: the link follows here."), icon=":material/hourglass_empty:")
        if light:
            st.caption(text(a.description, lang))
        reflection_fields(a)
        seen_control(step)


st.title(t("Films and reflections"))
st.markdown(
    t("Watch the films when it suits you, and write down your reflections along the way. "
      "Your reflections are private notes: only you can see them, and they are saved as soon as "
      "you click outside the field.")
)
error = st.session_state.pop("_films_error", None)
if error:
    st.error(error)

export = journey.export_reflections(db, user.id, lang, t, prog)
st.download_button(
    t("Download my reflections"), lambda export=export: export or "-", file_name=f"my-reflections-{date.today().isoformat()}.md",
    mime="text/markdown", key="download_reflections", disabled=not export, on_click="ignore",
    icon=":material/download:",
)

elearning, kl = st.tabs([t("E-learning films"), t("KL films")])
with elearning:
    for s in mine.steps:
        if s.activity.kind == "elearning":
            film(s, light=False)
with kl:
    st.caption(t("Five short films (about 5 minutes each) from KL, Local Government Denmark."))
    for s in mine.steps:
        if s.activity.kind == "kl_film":
            film(s, light=True)
