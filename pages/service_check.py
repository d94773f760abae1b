"""Servicetjek: book one of the administrator's slots (cancel or move it), or write what you
need help with. No question is too small."""

import streamlit as st

from digled import programme, service
from digled.i18n import text
from digled.ui import session

user, t = session.page(__file__)
db = session.database()
lang = session.language()
prog = programme.programme()
check = next((a for a in prog.activities if a.kind == "service_check"), None)


def when(slot: service.Slot) -> str:
    return slot.starts_at.strftime("%Y-%m-%d %H:%M") + " · " + t("{minutes} minutes").format(minutes=slot.minutes)


def act(action, *args) -> None:
    """Button callback: run a booking action; remember the outcome to show after the rerun."""
    try:
        action(db, user.id, *args)
        st.session_state["_service_ok"] = True
    except service.ServiceError as e:
        st.session_state["_service_error"] = e.text(t)


def send_help() -> None:
    try:
        service.ask_for_help(db, user.id, st.session_state.get("help_text", ""))
        st.session_state["help_text"] = ""
        st.session_state["_help_sent"] = True
    except service.ServiceError as e:
        st.session_state["_service_error"] = e.text(t)


st.title(t("One-to-one service check"))
if check is not None:
    st.markdown(text(check.description, lang))
error = st.session_state.pop("_service_error", None)
if error:
    st.error(error)
if st.session_state.pop("_service_ok", False):
    st.success(t("Done. Your booking is updated."))

booking = service.my_booking(db, user.id)
with st.container(border=True, key="my_booking"):
    st.subheader(t("My booking"))
    if booking is None:
        st.write(t("You have not booked a service check yet."))
    else:
        st.markdown("**" + when(booking.slot) + "**")
        if booking.slot.place:
            st.caption(booking.slot.place)
        st.button(t("Cancel my booking"), key="cancel_booking", icon=":material/event_busy:",
                  on_click=act, args=(service.cancel,))

st.subheader(t("Free times"))
free = [s for s in service.free_slots(db) if booking is None or s.id != booking.slot.id]
if not free:
    st.info(t("There are no free times right now. Write what you need help with below, and we will contact you."))
for slot in free:
    with st.container(border=True, key=f"slot_{slot.id}"):
        info, action = st.columns([4, 2], vertical_alignment="center")
        info.markdown("**" + when(slot) + "**")
        info.caption(
            (slot.place + " · " if slot.place else "") + t("{n} free of {capacity}").format(n=slot.free, capacity=slot.capacity)
        )
        if booking is None:
            action.button(t("Book"), key=f"book_{slot.id}", type="primary", on_click=act, args=(service.book, slot.id))
        else:
            action.button(t("Move my booking here"), key=f"rebook_{slot.id}", on_click=act, args=(service.rebook, slot.id))

st.subheader(t("Write what you need help with"))
st.caption(t("No question is too small. Only the programme administrator reads it."))
st.text_area(t("What would you like help with?"), key="help_text", max_chars=service.MAX_HELP_CHARS, height=120)
st.button(t("Send"), key="send_help", on_click=send_help, icon=":material/send:")
if st.session_state.pop("_help_sent", False):
    st.success(t("Thank you. The programme administrator will contact you."))
sent = service.my_help_requests(db, user.id)
if sent:
    with st.expander(t("What I have written ({n})").format(n=len(sent))):
        for h in sent:
            st.caption(h["created_at"][:10])
            st.text(h["text"])
