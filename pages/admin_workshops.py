"""Workshopborde: generate the tables of a joint workshop (municipalities mixed, similar areas
together), move a leader afterwards, download and print the list."""

import streamlit as st

from digled.accounts import organisation
from digled.platform.i18n import text
from digled.programme import leader_groups, workshops
from digled.ui import session
from digled.ui.widgets import md, message_md

user, t = session.page(__file__)
db = session.database()
lang = session.language()
org = organisation.current(db)
events = workshops.workshops()

st.title(t("Workshop tables"))
number = st.selectbox(
    t("Workshop"), range(1, len(events) + 1), key="ws_number",
    format_func=lambda n: text(events[n - 1].title, lang),
)
workshop = workshops.workshop_id(number)
saved = workshops.saved_tables(db, workshop)
info = workshops.plan_info(db, workshop) or {}

error = st.session_state.pop("_ws_error", None)
if error:
    st.error(error)
ok = st.session_state.pop("_ws_ok", None)
if ok:
    st.success(ok)

with st.expander(t("What the leader groups discussed before this workshop"), expanded=True):
    st.caption(t("The chairs' summaries of the leader meetings since the previous workshop, to prepare this one. "
                 "They hold no names, and never a leader's private notes."))
    for meeting, summaries in leader_groups.summaries_for_workshop(db, workshop):
        st.markdown("**" + md(text(meeting.title, lang)) + "**")
        if not summaries:
            st.caption(t("No group has written a summary of this meeting yet."))
        for s in summaries:
            with st.container(border=True, key=f"ws_summary_{meeting.id}_{s.group_id}"):
                st.markdown("**" + md(s.group) + "**")
                st.markdown(md(s.body))

with st.container(border=True, key="ws_generate_box"):
    st.subheader(t("Generate tables"))
    st.caption(t("Every table mixes leaders from both municipalities and seats leaders from the same "
                 "or related areas together. The same seed gives the same tables."))
    low, high, seed = st.columns(3)
    # no min_value/max_value (Streamlit would answer in English): workshops.generate checks the sizes
    low.number_input(t("Smallest table"), value=int(info.get("min", 5)), step=1, key="ws_min")
    high.number_input(t("Largest table"), value=int(info.get("max", 7)), step=1, key="ws_max")
    seed.number_input(t("Seed"), value=int(info.get("seed", 0)), step=1, key="ws_seed")
    replace = True
    if saved:
        st.warning(t("This workshop already has tables. Generating again replaces them, including your moves."))
        replace = st.checkbox(t("Yes, replace the existing tables"), key="ws_replace")
    if st.button(t("Generate the tables"), type="primary", key="ws_generate"):
        if not replace:
            st.session_state["_ws_error"] = t("Tick 'Yes, replace the existing tables' first.")
            st.rerun()
        try:
            plan = workshops.generate(db, user.username, workshop, int(st.session_state["ws_seed"]),
                                      int(st.session_state["ws_min"]), int(st.session_state["ws_max"]))
            st.session_state["_ws_ok"] = t("{n} tables generated.").format(n=len(plan))
        except workshops.WorkshopError as e:
            st.session_state["_ws_error"] = message_md(e.msg, e.params, t)
        st.session_state.pop("ws_replace", None)
        st.rerun()

if not saved:
    st.info(t("No tables yet for this workshop."))
    st.stop()

for problem in workshops.problems(db, workshop, int(st.session_state["ws_min"]), int(st.session_state["ws_max"])):
    st.warning(message_md(problem.msg, problem.params, t))  # names stay text


def area_name(area: str) -> str:
    return text(org.areas.get(area), lang) or area


cols = st.columns(2)
for i, (no, seated) in enumerate(saved.items()):
    with cols[i % 2].container(border=True, key=f"ws_table_{no}"):
        st.markdown("**" + t("Table {number}").format(number=no) + "** · " + t("{n} leaders").format(n=len(seated)))
        st.dataframe(
            [{t("Name"): x.name, t("Municipality"): x.municipality, t("Area"): area_name(x.area)} for x in seated],
            hide_index=True, width="stretch",
        )

st.subheader(t("Move a leader"))
seat_of = {x.id: no for no, seated in saved.items() for x in seated}
leaders = workshops.leaders_for_seating(db)
move_from, move_to, move_go = st.columns([4, 2, 2], vertical_alignment="bottom")
who = move_from.selectbox(
    t("Leader"), [x.id for x in leaders], key="ws_move_leader",
    format_func=lambda uid: next(x.name for x in leaders if x.id == uid) + " · "
    + (t("table {number}").format(number=seat_of[uid]) if uid in seat_of else t("not seated")),
)
to = move_to.number_input(t("To table"), value=1, step=1, key="ws_move_table")  # workshops.move checks it
if move_go.button(t("Move"), key="ws_move"):
    try:
        workshops.move(db, user.username, workshop, int(who), int(to))
        st.session_state["_ws_ok"] = t("Moved to table {number}.").format(number=int(to))
    except workshops.WorkshopError as e:
        st.session_state["_ws_error"] = e.text(t)
    st.rerun()

frame = workshops.table_frame(db, workshop, lang)
st.download_button(
    t("Download the list (CSV)"), lambda frame=frame: workshops.to_csv(frame),  # made on click: no lasting URL
    file_name=f"{workshop}-" + t("tables") + ".csv",
    mime="text/csv", key="ws_csv", on_click="ignore", icon=":material/download:",
)
if st.toggle(t("Printable list"), key="ws_print"):
    for no, part in frame.groupby("table", sort=True):
        st.markdown("#### " + t("Table {number}").format(number=no))
        st.table(part.drop(columns=["table"]).map(md).rename(  # st.table renders Markdown: names escaped
            columns={"name": t("Name"), "municipality": t("Municipality"), "area": t("Area")}
        ).reset_index(drop=True))
