"""Servicetjek-tider: the administrator offers service check slots, deletes them, sees the
bookings (booked, or done once the slot has passed) and the help requests, and registers a
leader's service check as held, or as a no-show when the leader did not come."""

from datetime import date, datetime, time, timedelta

import streamlit as st

from digled.platform import dates
from digled.programme import service
from digled.ui import session

user, t = session.page(__file__)
db = session.database()
lang = session.language()


def moment(value: datetime) -> str:
    return dates.day(value, lang, "medium") + " " + dates.clock(value, lang)


def register() -> None:
    picked = st.session_state.get("register_held") or []
    for user_id in picked:
        service.register_done(db, user.username, int(user_id))
    if picked:
        st.session_state["_service_ok"] = t("Registered as held: {n}.").format(n=len(picked))
    st.session_state["register_held"] = []


def register_no_show() -> None:
    picked = st.session_state.get("register_no_show") or []
    errors = []
    for user_id in picked:
        try:
            service.register_no_show(db, user.username, int(user_id))
        except service.ServiceError as e:
            errors.append(e.text(t))
    if errors:
        st.session_state["_service_error"] = " ".join(errors)
    elif picked:
        st.session_state["_service_ok"] = t("Registered as a no-show: {n}.").format(n=len(picked))
    st.session_state["register_no_show"] = []


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
                   format=dates.picker_format(lang), min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
    start.time_input(t("Start"), value=time(9, 0), key="slot_time", step=timedelta(minutes=15))
    # no min_value/max_value: Streamlit's front end answers a value outside them in English;
    # service.create_slot checks the range and the page says it in the user's language
    minutes.number_input(t("Minutes"), value=45, step=5, key="slot_minutes")
    capacity.number_input(t("Seats"), value=1, step=1, key="slot_capacity")
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
        info.markdown("**" + moment(slot.starts_at) + "** · "
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
st.caption(t("A booking shows as done once its time has passed, or when you register it as held below. "
             "If the leader did not come, register a no-show: the service check then does not count as done, "
             "and the leader can book a new time."))
shown = bookings.drop(columns=["user_id", "booked_at"]).assign(
    starts_at=[moment(v) for v in bookings["starts_at"]],
    status=[t(service.STATUS_NAMES[v]) for v in bookings["status"]],
)
st.dataframe(
    shown.rename(columns={
        "starts_at": t("Time"), "place": t("Place"), "name": t("Name"), "email": t("E-mail"),
        "municipality": t("Municipality"), "area": t("Area"), "note": t("Note"), "status": t("Status"),
    }),
    hide_index=True, width="stretch", key="bookings_table",
)
open_ones = bookings[bookings["status"].isin(["booked", "no_show"])]
if not open_ones.empty:
    names = dict(zip(open_ones["user_id"].astype(int), open_ones["name"]))
    st.multiselect(t("Register the service check as held for"), list(names), format_func=names.get,
                   key="register_held")
    st.button(t("Register as held"), key="register_held_button", on_click=register, icon=":material/task_alt:")
begun = bookings[(bookings["starts_at"] <= datetime.now()) & (bookings["status"] != "no_show")]
if not begun.empty:
    names = dict(zip(begun["user_id"].astype(int), begun["name"]))
    st.multiselect(t("Register a no-show (the leader did not come) for"), list(names), format_func=names.get,
                   key="register_no_show")
    st.button(t("Register as a no-show"), key="register_no_show_button", on_click=register_no_show,
              icon=":material/person_off:")

st.subheader(t("Help requests"))
requests = service.help_requests(db)
if requests.empty:
    st.caption(t("No help requests yet."))
else:
    requests = requests.assign(created_at=[dates.day(datetime.fromisoformat(v), lang, "medium")
                                           for v in requests["created_at"]])
    st.dataframe(
        requests.rename(columns={
            "created_at": t("Written"), "name": t("Name"), "email": t("E-mail"),
            "municipality": t("Municipality"), "area": t("Area"), "text": t("Help request"),
        }),
        hide_index=True, width="stretch", key="help_table",
    )
