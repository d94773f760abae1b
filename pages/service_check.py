"""Servicetjek: book one of the administrator's slots (cancel or move it), or write what you
need help with. No question is too small. Booking, moving and cancelling e-mail a confirmation
with a calendar file; the booked time can also be downloaded as .ics here."""

from datetime import datetime

import streamlit as st

from digled.content import mail_texts, programme
from digled.platform import dates
from digled.platform.i18n import text
from digled.programme import service
from digled.ui import calendar, session
from digled.ui.widgets import content

user, t = session.page(__file__)
db = session.database()
lang = session.language()
settings = session.context().settings
prog = programme.programme(db)
check = next((a for a in prog.activities if a.kind == "service_check"), None)
STATUS_COLOURS = {"booked": "blue", "done": "green", "no_show": "orange"}


def when(slot: service.Slot) -> str:
    start = dates.day(slot.starts_at, lang, "full") + " " + dates.clock(slot.starts_at, lang)
    return start + " · " + t("{minutes} minutes").format(minutes=slot.minutes)


def act(action, *args) -> None:
    """Button callback: run a booking action, e-mail the confirmation (with a calendar file),
    remember the outcome to show after the rerun."""
    before = service.my_booking(db, user.id)
    try:
        action(db, user.id, *args)
    except service.ServiceError as e:
        st.session_state["_service_error"] = e.text(t)
        return
    after = service.my_booking(db, user.id)
    if after is not None:
        error = service.confirm(db, settings, user.id, "booked", after.slot,
                                changed_at=datetime.fromisoformat(after.booked_at))
    elif before is not None:
        error = service.confirm(db, settings, user.id, "cancelled", before.slot)
    else:
        error = None
    st.session_state["_service_ok"] = "booked" if after is not None else "cancelled"
    if error:
        st.session_state["_service_mail_error"] = error


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
outcome = st.session_state.pop("_service_ok", None)
mail_error = st.session_state.pop("_service_mail_error", None)
if outcome:
    message = (t("Your service check is booked.") if outcome == "booked"
               else t("Your booking is cancelled."))
    if mail_error:
        st.success(message)
        st.warning(t("The confirmation e-mail could not be sent: {error}").format(error=t(mail_error)))
    else:
        st.success(message + " " + t("A confirmation with a calendar file is on its way to {email}.").format(
            email=user.email), icon=":material/mark_email_read:")

booking = service.my_booking(db, user.id)
state = service.status(booking, datetime.now(), service.registration(db, user.id))
with st.container(border=True, key="my_booking"):
    st.subheader(t("My booking"))
    if state is not None:
        st.badge(t(service.STATUS_NAMES[state]), color=STATUS_COLOURS[state])
    if booking is None:
        st.write(t("You have not booked a service check yet."))
    else:
        st.markdown("**" + when(booking.slot) + "**")
        if booking.slot.place:
            st.caption(content(booking.slot.place, lang))
        if state == "booked":
            summary = mail_texts.texts().service["summary"][lang]
            calendar.service_download(booking, user.id, summary, t, lang, key="booking_ics")
            if booking.slot.starts_at > datetime.now():
                st.button(t("Cancel my booking"), key="cancel_booking", icon=":material/event_busy:",
                          on_click=act, args=(service.cancel,))

st.subheader(t("Free times"))
free = [s for s in service.free_slots(db) if booking is None or s.id != booking.slot.id]
if state == "done":
    free = []
    st.caption(t("Your service check has taken place. Write below if you need more help."))
elif state == "no_show":
    st.caption(t("You did not come to your booked service check. Book a new time below, or write what you need help with."))
elif not free:
    st.info(t("There are no free times right now. Write what you need help with below, and we will contact you."))
for slot in free:
    with st.container(border=True, key=f"slot_{slot.id}"):
        info, action = st.columns([4, 2], vertical_alignment="center")
        info.markdown("**" + when(slot) + "**")
        info.caption(
            (content(slot.place, lang) + " · " if slot.place else "") + t("{n} free of {capacity}").format(n=slot.free, capacity=slot.capacity)
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
            st.caption(dates.day(datetime.fromisoformat(h["created_at"]), lang))
            st.text(h["text"])
