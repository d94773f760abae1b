"""Indstillinger og backup: programme start, minimum group size k, the organisation lists
(municipalities, areas, leader levels), the audit log and a consistent database backup."""

import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from digled.accounts import organisation
from digled.assessment import answering, results
from digled.content import programme
from digled.platform import audit, dates
from digled.platform import db as storage
from digled.programme import schedule
from digled.ui import downloads, session

user, t = session.page(__file__)
db = session.database()
lang = session.language()
prog = programme.programme(db)

st.title(t("Settings and backup"))
if message := st.session_state.pop("_settings_flash", None):
    st.success(message)


def flash(message: str) -> None:
    st.session_state["_settings_flash"] = message
    st.rerun()


st.subheader(t("Programme start"))
with st.form("kickoff"):
    kickoff = st.date_input(t("Kick-off date"), value=programme.kickoff_date(db, prog), key="kickoff_date",
                            min_value=date(2000, 1, 1), max_value=date(2100, 12, 31),
                            format=dates.picker_format(lang))
    if st.form_submit_button(t("Save"), type="primary"):
        schedule.set_kickoff(db, user.username, kickoff)  # the setting and the audit line
        st.success(t("Saved. Activities without dates set by hand follow the kick-off, on working days."))

st.subheader(t("Anonymity"))
frozen = organisation.frozen_round_k(db)
for rnd, fk in frozen.items():
    if rnd in answering.FOLLOWUP_ROUNDS:
        st.caption(t("The follow-up {round}: at least {k} leaders per group, fixed because the round has answers. Changing the limit for a round "
                     "with answers would let the figures before and after the change be subtracted.").format(round=t(results.ROUND_NAMES[rnd]), k=fk))
    else:
        st.caption(t("{round} round: at least {k} leaders per group, fixed because the round has answers. Changing the limit for a round "
                     "with answers would let the figures before and after the change be subtracted.").format(round=t(results.ROUND_NAMES[rnd]), k=fk))
with st.form("anonymity"):
    # no min_value/max_value: Streamlit's front end would answer a value outside them in English
    # before any Python runs; organisation.set_min_group_size checks it and the page says why
    k = st.number_input(
        t("Minimum group size (leaders)"), step=1, value=organisation.min_group_size(db), key="min_group_size",
        help=t("Management sees no figure about fewer respondents than this. Never below 3. It applies to rounds without "
               "answers and to participation counts."),
    )
    if st.form_submit_button(t("Save"), type="primary", key="save_min_group_size"):
        try:
            organisation.set_min_group_size(db, int(k), user.username)
        except organisation.InvalidMinGroupSize as e:
            st.error(e.text(t))
        else:
            if organisation.frozen_round_k(db):  # those rounds keep their k: do not claim the new one for them
                flash(t("Saved. From now on groups smaller than {k} are hidden in rounds without answers and in participation counts; rounds with answers keep their limit.").format(k=int(k)))
            else:
                flash(t("Saved. Groups smaller than {k} are hidden from management.").format(k=int(k)))

settings = session.context().settings
if settings.mail_domains:
    st.caption(t("Leaders count in the figures once they have activated their account from an address in {domains}, "
                 "through a link sent there by e-mail, or by single sign-on (the server operator's setting "
                 "DIGLED_MAIL_DOMAINS).").format(domains=", ".join(settings.mail_domains)))
else:
    st.warning(t("No mail domains are set (the server operator's setting DIGLED_MAIL_DOMAINS, e.g. albertslund.dk, "
                 "glostrup.dk): a leader counts in the figures once activated from any address. Then accounts made "
                 "with addresses outside the municipalities, which an administrator could read, would count too."))
st.caption(t("What leaders see of the cohort on their own wheel needs groups of {c} more leaders than management's "
             "figures (the server operator's setting DIGLED_COALITION): a leader knows her own answers, and colleagues "
             "may share theirs with her.").format(c=settings.coalition))

st.subheader(t("Municipalities, areas and leader levels"))
st.caption(t("Participants store the id; the Danish and English names are shown. An id that a participant "
             "still has cannot be removed. Related areas share a group (used for the workshop tables)."))
LISTS = {"municipalities": t("Municipalities"), "areas": t("Areas"), "levels": t("Leader levels")}
FIELD_NAMES = {"id": t("Id"), "da": t("Danish name"), "en": t("English name"), "group": t("Group")}
for tab, (kind, title) in zip(st.tabs(list(LISTS.values())), LISTS.items()):
    with tab, st.form(f"org_{kind}"):
        columns = ["id", "da", "en", "group"] if kind == "areas" else ["id", "da", "en"]
        edited = st.data_editor(
            pd.DataFrame(organisation.entries(db, kind), columns=columns), num_rows="dynamic", hide_index=True,
            width="stretch", key=f"org_editor_{kind}",
            column_config={c: st.column_config.TextColumn(FIELD_NAMES[c]) for c in columns},
        )
        save, reset = st.columns(2)
        saved = save.form_submit_button(t("Save the list"), type="primary", key=f"save_{kind}")
        reverted = reset.form_submit_button(t("Back to the defaults"), key=f"reset_{kind}")
    if saved or reverted:
        try:
            if saved:
                organisation.save_entries(db, kind, edited.to_dict("records"), user.username)
            else:
                organisation.reset_entries(db, kind, user.username)
        except organisation.InvalidList as e:
            for p in e.problems:
                where = t("{list}, row {row}") if p.row else t("{list}")
                st.error(t("{where}, {field}: {problem}").format(
                    where=where.format(list=title, row=p.row), field=FIELD_NAMES[p.field],
                    problem=t(p.message).format(**p.params)))
        else:
            flash(t("{list} saved.").format(list=title))

st.subheader(t("Follow-up rounds"))
with st.form("followup"):
    followup_on = st.toggle(
        t("Follow-up assessments 3 and 6 months after the programme"), value=answering.followup_enabled(db),
        key="followup_rounds",
        help=t("Leaders are invited by e-mail to take the assessment again and to look at their plan. "
               "Management sees whether the change held, through the same anonymity rules as start and end."))
    if st.form_submit_button(t("Save"), type="primary", key="save_followup"):
        answering.set_followup_enabled(db, followup_on, user.username)
        flash(t("Saved: follow-up rounds on.") if followup_on else t("Saved: follow-up rounds off."))
for w in answering.followup_windows(db, prog):
    st.caption(t("{round}: open from {opens} to {closes}.").format(
        round=t(results.ROUND_NAMES[w.round]), opens=dates.day(w.opens, lang), closes=dates.day(w.closes, lang)))

st.subheader(t("Audit log"))
log = pd.DataFrame(audit.recent(db, 200), columns=["at", "actor", "action", "detail"])
left, right = st.columns([2, 1])
needle = left.text_input(t("Filter by user, action or detail"), key="audit_filter")
action = right.selectbox(t("Action"), [None, *sorted(log["action"].unique())], key="audit_action",
                         format_func=lambda a: t("All") if a is None else a)
if needle:
    hay = log["actor"] + " " + log["action"] + " " + log["detail"]
    log = log[hay.str.contains(needle, case=False, regex=False)]
if action:
    log = log[log["action"] == action]
st.caption(t("The latest 200 administrative actions; {n} shown.").format(n=len(log)))
log = log.assign(at=pd.to_datetime(log["at"], utc=True, format="ISO8601"))
st.dataframe(log.rename(columns={"at": t("When (UTC)"), "actor": t("User"), "action": t("Action"),
                                 "detail": t("Detail")}), hide_index=True, width="stretch", key="audit_table",
             column_config={t("When (UTC)"): st.column_config.DatetimeColumn(
                 t("When (UTC)"), format=dates.picker_format(lang) + " HH:mm", timezone="UTC")})

st.subheader(t("Backup"))
st.write(t("A consistent copy of the database, made while the app keeps running, without the assessments, their "
           "answers and management's published figures (so no one can link answers to people with it); the full "
           "backup is made by the server operator with `python -m digled backup` on the server."))


def _backup(connection) -> bytes:
    """Made when the button is clicked (digled.ui.downloads: no lasting /media/ URL)."""
    with tempfile.TemporaryDirectory() as tmp:
        data = storage.admin_backup(connection, Path(tmp) / "digled-backup.db").read_bytes()
    audit.log(connection, user.username, "backup", "")
    return data


st.download_button(t("Download the backup"), downloads.with_database(_backup, user.username, "admin"),
                   file_name=f"digled-backup-{date.today().isoformat()}.db",
                   mime="application/vnd.sqlite3", key="download_backup", on_click="ignore", icon=":material/download:")
