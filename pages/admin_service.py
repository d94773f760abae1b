"""Servicetjek-tider: the administrator offers service check slots, deletes them, and sees the
bookings and the help requests."""

from datetime import date, datetime, time, timedelta

import streamlit as st

from digled import service
from digled.ui import session

user, t = session.page(__file__)
db = session.database()


def create() -> None:
    s = st.session_state
    try:
        service.create_slot(
            db, user.username, datetime.combine(s["slot_date"], s["slot_time"]),
            s["slot_minutes"], s["slot_capacity"], s["slot_place"],
        )
        s["_service_ok"] = t("The slot is created.")
    except service.ServiceError as e:
        s["_service_error"] = e.text(t)


def delete(slot_id: int) -> None:
    try:
        n = service.delete_slot(db, user.username, slot_id)
        st.session_state["_service_ok"] = t("The slot is deleted ({n} bookings cancelled).").format(n=n)
    except service.ServiceError as e:
        st.session_state["_service_error"] = e.text(t)
    st.session_state.pop("_confirm_delete", None)


st.title(t("Service check slots"))
error = st.session_state.pop("_service_error", None)
if error:
    st.error(error)
ok = st.session_state.pop("_service_ok", None)
if ok:
    st.success(ok)

with st.form("new_slot", border=True):
    st.subheader(t("New slot"))
    day, start, minutes, capacity = st.columns(4)
    day.date_input(t("Date"), value=date.today() + timedelta(days=7), key="slot_date",
                   min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
    start.time_input(t("Start"), value=time(9, 0), key="slot_time", step=timedelta(minutes=15))
    minutes.number_input(t("Minutes"), min_value=service.MINUTES_RANGE[0], max_value=service.MINUTES_RANGE[1],
                         value=45, step=5, key="slot_minutes")
    capacity.number_input(t("Seats"), min_value=service.CAPACITY_RANGE[0], max_value=service.CAPACITY_RANGE[1],
                          value=1, key="slot_capacity")
    st.text_input(t("Place"), key="slot_place", max_chars=200)
    st.form_submit_button(t("Create the slot"), type="primary", on_click=create)

st.subheader(t("Slots"))
all_slots = service.slots(db)
if not all_slots:
    st.info(t("No slots yet."))
confirm = st.session_state.get("_confirm_delete")
for slot in all_slots:
    with st.container(border=True, key=f"admin_slot_{slot.id}"):
        info, action = st.columns([4, 2], vertical_alignment="center")
        info.markdown("**" + slot.starts_at.strftime("%Y-%m-%d %H:%M") + "** · "
                      + t("{minutes} minutes").format(minutes=slot.minutes))
        info.caption((slot.place + " · " if slot.place else "")
                     + t("{booked} of {capacity} booked").format(booked=slot.booked, capacity=slot.capacity))
        if confirm == slot.id:
            action.warning(t("Delete the slot and cancel {n} bookings?").format(n=slot.booked))
            action.button(t("Yes, delete"), key=f"confirm_delete_{slot.id}", type="primary",
                          on_click=delete, args=(slot.id,))
        elif slot.booked:
            if action.button(t("Delete"), key=f"delete_slot_{slot.id}"):
                st.session_state["_confirm_delete"] = slot.id
                st.rerun()
        else:
            action.button(t("Delete"), key=f"delete_slot_{slot.id}", on_click=delete, args=(slot.id,))

st.subheader(t("Bookings"))
bookings = service.bookings_table(db)
st.dataframe(
    bookings.rename(columns={
        "starts_at": t("Time"), "place": t("Place"), "name": t("Name"), "email": t("E-mail"),
        "municipality": t("Municipality"), "area": t("Area"), "note": t("Note"), "booked_at": t("Booked"),
    }),
    hide_index=True, width="stretch", key="bookings_table",
)

st.subheader(t("Help requests"))
requests = service.help_requests(db)
if requests.empty:
    st.caption(t("No help requests yet."))
else:
    st.dataframe(
        requests.rename(columns={
            "created_at": t("Written"), "name": t("Name"), "email": t("E-mail"),
            "municipality": t("Municipality"), "area": t("Area"), "text": t("Help request"),
        }),
        hide_index=True, width="stretch", key="help_table",
    )
