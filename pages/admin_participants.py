"""Deltagere: find participants (search and filters), add and edit them, change roles,
deactivate or reactivate accounts, resend invitations (never-activated accounts) or send a
password reset by e-mail (activated accounts; the link is never shown); per-person participation."""

from datetime import date

import streamlit as st

from digled.accounts import auth, identities, organisation, participants
from digled.platform import dates, mailer
from digled.platform.config import ConfigError
from digled.platform.i18n import N_
from digled.programme import first_run, invitation_sending
from digled.ui import session
from digled.ui.widgets import NOTHING, filled, md, message_md

user, t = session.page(__file__)
db = session.database()
lang = session.language()
org = organisation.current(db)
ORG_FIELDS = (("municipality", "municipalities", t("Municipality")), ("area", "areas", t("Area")),
              ("level", "levels", t("Leader level")))
ADD_KEYS = ("add_name", "add_email", "add_municipality", "add_area", "add_level", "add_roles")


def named(kind: str):
    return lambda entry_id: organisation.label(org, kind, entry_id, lang)


def role_name(role: str) -> str:
    return t(participants.ROLE_LABELS[role])


def show_problems(problems: list) -> None:
    for p in problems:
        st.error(t("{field}: {problem}").format(field=t(participants.FIELD_LABELS[p.field]),
                                              problem=message_md(p.message, p.params, t)))




def day(value) -> str:
    """A stored ISO day shown in the user's language ('–' when there is none)."""
    return dates.day(date.fromisoformat(value[:10]), lang, "medium") if isinstance(value, str) and value else "–"


def flash(message: str) -> None:
    st.session_state["_participants_flash"] = message
    st.rerun()


def participant_fields(prefix: str, person: auth.User | None) -> dict:
    """The form fields (inside an st.form); values from `person` when editing."""
    raw = {
        "name": st.text_input(t("Name"), value=person.name if person else "", key=f"{prefix}_name"),
        "email": st.text_input(t("E-mail"), value=person.email if person else "", key=f"{prefix}_email",
                               disabled=bool(person and person.activated),
                               help=t("Only the participant can change the e-mail address of an activated account "
                                      "(on My account).") if person and person.activated else None),
    }
    for column, (field, kind, label) in zip(st.columns(3), ORG_FIELDS):
        options = list(getattr(org, kind))
        current = getattr(person, field) if person else None
        raw[field] = column.selectbox(label, options, index=options.index(current) if current in options else None,
                                      format_func=named(kind), placeholder=t("Choose"), key=f"{prefix}_{field}")
    raw["roles"] = st.multiselect(t("Roles"), list(auth.ROLES), default=list(person.roles) if person else ["leader"],
                                  format_func=role_name, key=f"{prefix}_roles")
    return raw


ASKED = N_("The management role has been asked for: it is given when a management user confirms it in the app, or the "
           "server operator grants it. Until then the account does not see management's pages.")

st.title(t("Participants"))
if cohort := first_run.cohort_name(db):
    st.markdown("**" + t("Run: {name}").format(name=md(cohort)) + "**")
if message := st.session_state.pop("_participants_flash", None):
    st.success(message)

with st.expander(t("Add a participant"), icon=":material/person_add:"):
    with st.form("add_participant"):
        raw = participant_fields("add", None)
        st.caption(t("The username is made from the e-mail address."))
        add_clicked = st.form_submit_button(t("Add participant"), type="primary", key="add_submit")
    if add_clicked:
        try:
            participants.add(db, raw, user.username)
        except participants.InvalidParticipant as e:
            show_problems(e.problems)
        else:
            for key in ADD_KEYS:
                st.session_state.pop(key, None)
            asked = " " + t(ASKED) if identities.MANAGEMENT in raw["roles"] else ""
            flash(t("{name} was added.").format(name=md(raw["name"].strip())) + asked)

filters = st.columns([2, 1, 1, 1, 1, 1])
search = filters[0].text_input(t("Search name, e-mail or username"), key="participant_search")
chosen = {}
for column, (field, kind, label) in zip(filters[1:4], ORG_FIELDS):
    chosen[field] = column.selectbox(label, [None, *getattr(org, kind)], key=f"filter_{field}",
                                     format_func=lambda i, kind=kind: t("All") if i is None else named(kind)(i))
role = filters[4].selectbox(t("Role"), [None, *auth.ROLES], key="filter_role",
                            format_func=lambda r: t("All") if r is None else role_name(r))
STATUS = {None: t("All"), True: t("Active"), False: t("Deactivated")}
active = filters[5].selectbox(t("Status"), list(STATUS), format_func=STATUS.get, key="filter_active")

df = participants.participant_table(db, search, role=role, active=active, **chosen)
st.caption(t("{n} participants").format(n=len(df)))
# what fits 1366 px: the username, leader level and invitation day are under "Edit a participant"
TABLE_DATES = ("activated_at", "start_taken", "end_taken")
shown = df[["name", "email", "municipality", "area", "roles", "active", *TABLE_DATES]].assign(
    municipality=df["municipality"].map(named("municipalities")),
    area=df["area"].map(named("areas")),
    roles=df["roles"].map(lambda r: ", ".join(role_name(x) for x in auth.parse_roles(r))),
    active=df["active"].astype(bool),
    **{c: df[c].map(lambda v: dates.day(date.fromisoformat(v[:10]), lang, "short") if isinstance(v, str) and v
                    else NOTHING) for c in TABLE_DATES},
)
HEADINGS = {
    "name": t("Name"), "email": t("E-mail"), "municipality": t("Municipality"), "area": t("Area"),
    "roles": t("Roles"), "active": t("Active"), "activated_at": t("Activated"),
    "start_taken": t("Start assessment"), "end_taken": t("End assessment"),
}
WIDTHS = {"name": 150, "email": 190, "municipality": 90, "area": 120, "roles": 70, "active": 50,
          "activated_at": 75, "start_taken": 75, "end_taken": 75}
st.dataframe(
    filled(shown.rename(columns=HEADINGS)),
    hide_index=True, width="stretch", key="participant_table",
    column_config={HEADINGS[c]: st.column_config.Column(HEADINGS[c], width=w) for c, w in WIDTHS.items()},
)

st.header(t("Edit a participant"))
if df.empty:
    st.info(t("No participant matches the search and filters."))
    st.stop()
labels = {row.id: f"{row.name} ({row.email or row.username})" for row in df.itertuples()}
picked = st.selectbox(t("Participant"), list(labels), format_func=labels.get, key="participant_pick")
person = auth.get_user_by_id(db, picked)
row = df[df["id"] == picked].iloc[0]
st.caption(
    t("Username {username} · invited {invited} · activated {activated} · start assessment {start} · "
      "end assessment {end}").format(
        username=md(person.username), invited=day(row["invited_at"]), activated=day(row["activated_at"]),
        start=day(row["start_taken"]), end=day(row["end_taken"]))
)
if not person.active:
    st.warning(t("This account is deactivated: the participant cannot log in."))
if identities.pending_for(db, picked):
    st.info(t(ASKED))

with st.form(f"edit_participant_{picked}"):
    raw = participant_fields(f"edit_{picked}", person)
    save_clicked = st.form_submit_button(t("Save changes"), type="primary", key="edit_submit")
if save_clicked:
    try:
        changed = participants.update(db, picked, raw, user.username)
    except participants.InvalidParticipant as e:
        show_problems(e.problems)
    else:
        asked = " " + t(ASKED) if "roles" in changed and identities.pending_for(db, picked) else ""
        flash((t("Saved.") if changed else t("Nothing was changed.")) + asked)

if identities.MANAGEMENT in person.roles or identities.pending_for(db, picked):
    with st.container(border=True, key="scope_box"):
        st.markdown("**" + t("What this management account reads") + "**")
        every = t("Every municipality")
        st.caption(t("Now: {scope}. A scoped account reads its municipality's figures and all municipalities together, "
                     "never the other municipality's groups. A management user confirms a change, as with the role.").format(
            scope=named("municipalities")(person.scope) if person.scope else every))
        wanted = st.selectbox(t("Reads"), [None, *org.municipalities], key=f"scope_pick_{picked}",
                              index=[None, *org.municipalities].index(person.scope) if person.scope in org.municipalities else 0,
                              format_func=lambda m: every if m is None else named("municipalities")(m))
        waiting = [r for r in identities.pending_scopes(db) if r["user_id"] == picked]
        if waiting:
            st.info(t("Waiting for a management user to confirm: {scope}.").format(
                scope=named("municipalities")(waiting[0]["scope"]) if waiting[0]["scope"] else every))
        if st.button(t("Ask for this"), key="scope_ask", disabled=wanted == person.scope):
            identities.request_scope(db, picked, wanted, user.username)
            flash(t("Asked: a management user confirms it on the page Participation."))

left, right = st.columns(2)
if person.active:
    if left.button(t("Deactivate the account"), key="deactivate", icon=":material/person_off:"):
        try:
            participants.set_active(db, picked, False, user.username)
        except participants.InvalidParticipant as e:
            show_problems(e.problems)
        else:
            flash(t("{name} was deactivated and logged out everywhere.").format(name=md(person.name)))
elif left.button(t("Reactivate the account"), key="reactivate", icon=":material/person_check:"):
    participants.set_active(db, picked, True, user.username)
    flash(t("{name} was reactivated.").format(name=md(person.name)))

if person.activated:
    if right.button(t("Send a password reset by e-mail"), key="send_reset", icon=":material/lock_reset:"):
        try:
            sent = participants.send_password_reset(db, session.context().settings, picked, user.username)
        except participants.InvalidParticipant as e:
            show_problems(e.problems)
        except (ConfigError, mailer.MailError) as e:
            st.error(t("The e-mail could not be sent ({error}).").format(error=md(str(e))))
        else:
            if sent.via_smtp:
                st.success(t("A link to choose a new password was e-mailed to {email}. The link is not shown here.")
                           .format(email=md(sent.email)))
            else:
                st.warning(t("No SMTP server is set: the e-mail with the link was written to the outbox on the "
                             "server, which only the server operator can read and forward. {name} is also told at "
                             "next login.").format(name=md(person.name)))
    st.caption(t("This account is activated: invitation links cannot be made for it, and no password link is "
                 "ever shown here. A password reset goes to the participant's own e-mail address."))
elif right.button(t("Resend the invitation"), key="resend_invitation", icon=":material/forward_to_inbox:"):
    try:
        link, error = invitation_sending.resend_invitation(db, session.context().settings, picked, user.username)
    except participants.InvalidParticipant as e:
        show_problems(e.problems)
    except ConfigError as e:
        st.error(str(e))
    else:
        if error and link:
            st.warning(t("The e-mail could not be sent ({error}). Give {name} this new link:").format(
                error=md(t(error)), name=md(person.name)))
            st.code(link, language=None)
        elif error:
            st.error(t("The invitation could not be sent ({error}).").format(error=md(t(error))))
        else:
            st.success(t("A new invitation was sent to {email}. Older links no longer work.").format(
                email=md(person.email)))
