"""Ledergrupper: the local leader groups: create, rename and delete a group, choose its members
and its chair. The chair registers attendance at the group's leader meetings on the meetings page;
the administrator still sees and registers all attendance under Schedule and attendance."""

import streamlit as st

from digled.accounts import organisation
from digled.platform.i18n import text
from digled.programme import leader_groups as lg
from digled.ui import session
from digled.ui.widgets import md

user, t = session.page(__file__)
db = session.database()
lang = session.language()
org = organisation.current(db)


def fail(e: lg.GroupError) -> None:
    st.session_state["_lg_error"] = e.text(t, md)


def create_group() -> None:
    try:
        new = lg.create(db, user.username, st.session_state.get("lg_new_name", ""))
    except lg.GroupError as e:
        fail(e)  # the typed name stays in the field
        return
    st.session_state["_lg_ok"] = t("The leader group {group} was created. Now choose its members.").format(
        group=md(st.session_state.pop("lg_new_name").strip()))
    st.session_state["lg_group"] = new


def rename_group(group_id: int) -> None:
    try:
        lg.rename(db, user.username, group_id, st.session_state.get(f"lg_name_{group_id}", ""))
    except lg.GroupError as e:
        fail(e)
        return
    st.session_state["_lg_ok"] = t("Saved.")


def save_members(group_id: int) -> None:
    try:
        added, removed = lg.set_members(db, user.username, group_id, st.session_state.get(f"lg_members_{group_id}", []))
    except lg.GroupError as e:
        fail(e)
        return
    st.session_state.pop(f"lg_chair_{group_id}", None)  # the chair's choices follow the members
    st.session_state["_lg_ok"] = t("Members saved: {added} added, {removed} removed.").format(
        added=added, removed=removed)


def save_chair(group_id: int) -> None:
    try:
        lg.set_chair(db, user.username, group_id, st.session_state.get(f"lg_chair_{group_id}"))
    except lg.GroupError as e:
        fail(e)
        return
    st.session_state["_lg_ok"] = t("Saved.")


def delete_group(group_id: int) -> None:
    if not st.session_state.get(f"lg_delete_ok_{group_id}"):
        st.session_state["_lg_error"] = t("Tick 'Yes, delete this group' first.")
        return
    name = lg.get(db, group_id).name
    lg.delete(db, user.username, group_id)
    st.session_state.pop("lg_group", None)
    st.session_state["_lg_ok"] = t("The leader group {group} was deleted. Its members are now in no group.").format(
        group=md(name))


def area_name(area: str) -> str:
    return text(org.areas.get(area), lang) or area


def municipality_name(m: str) -> str:
    return text(org.municipalities.get(m), lang) or m


st.title(t("Leader groups"))
st.markdown(
    t("Before each joint workshop every local leader group meets to discuss the reflection questions. "
      "The chair of a group registers who attended the group's leader meetings on the meetings page; "
      "you still see and register all attendance under Schedule and attendance.")
)
error = st.session_state.pop("_lg_error", None)
if error:
    st.error(error)
ok = st.session_state.pop("_lg_ok", None)
if ok:
    st.success(ok)

groups = lg.groups(db)
people = lg.participants(db)
by_id = {p["id"]: p for p in people}
group_names = {g.id: g.name for g in groups}

if groups:
    st.dataframe(
        [
            {
                t("Leader group"): g.name,
                t("Chair"): g.chair.name if g.chair else "",
                t("Members"): len(g.active_members),
            }
            for g in groups
        ],
        hide_index=True, width="stretch", key="lg_overview",
    )
else:
    st.info(t("No leader groups yet. Create the first one below."))
free = [p for p in people if p["leader_group"] is None]
if free:
    st.caption(t("{n} participants are in no leader group.").format(n=len(free)))

with st.form("lg_create_form", border=True):
    st.subheader(t("Create a leader group"))
    st.text_input(t("Name of the new group"), key="lg_new_name", placeholder=t("e.g. Glostrup · Schools"))
    st.form_submit_button(t("Create the group"), key="lg_create", type="primary", on_click=create_group)

if not groups:
    st.stop()

st.subheader(t("Edit a leader group"))
if st.session_state.get("lg_group") not in group_names:
    st.session_state.pop("lg_group", None)
gid = st.selectbox(t("Leader group"), list(group_names), format_func=group_names.get, key="lg_group")
g = next(x for x in groups if x.id == gid)


def who(uid: int) -> str:
    p = by_id[uid]
    label = " · ".join(x for x in (p["name"], municipality_name(p["municipality"]), area_name(p["area"])) if x)
    if p["leader_group"] not in (None, gid):
        label += " " + t("(now in {group})").format(group=group_names.get(p["leader_group"], ""))
    return label


with st.container(border=True, key="lg_edit"):
    with st.form(f"lg_rename_form_{gid}", border=False):
        st.text_input(t("Name"), value=g.name, key=f"lg_name_{gid}")
        st.form_submit_button(t("Rename the group"), key=f"lg_rename_{gid}", on_click=rename_group, args=(gid,))

    with st.form(f"lg_members_form_{gid}", border=False):
        st.multiselect(
            t("Members"), list(by_id), default=[m.id for m in g.active_members if m.id in by_id],
            format_func=who, key=f"lg_members_{gid}", placeholder=t("Choose participants"),
        )
        st.caption(t("A participant belongs to one group: choosing someone from another group moves them here."))
        st.form_submit_button(t("Save the members"), key=f"lg_save_members_{gid}", type="primary",
                              on_click=save_members, args=(gid,))

    members = [m.id for m in g.active_members]
    names = {m.id: m.name for m in g.active_members}
    with st.form(f"lg_chair_form_{gid}", border=False):
        st.selectbox(
            t("Chair"), [None, *members], index=([None, *members].index(g.chair_id) if g.chair_id in members else 0),
            format_func=lambda i: t("No chair") if i is None else names[i], key=f"lg_chair_{gid}",
        )
        st.caption(t("The chair is one of the group's members (save the members first). The chair registers "
                     "attendance at the group's leader meetings and sees the meeting questions."))
        st.form_submit_button(t("Save the chair"), key=f"lg_save_chair_{gid}", on_click=save_chair, args=(gid,))

    with st.expander(t("Delete the group")):
        st.checkbox(t("Yes, delete this group"), key=f"lg_delete_ok_{gid}")
        st.button(t("Delete the group"), key=f"lg_delete_{gid}", on_click=delete_group, args=(gid,))
