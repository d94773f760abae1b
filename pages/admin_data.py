"""Data og sletning: close the programme's data. Delete the leaders' raw answers now (with a
confirmation step) or from a date; the stored scores, wheels and publications stay.
The rules live in digled/assessment/retention.py."""

from datetime import date

import streamlit as st

from digled.assessment import retention
from digled.platform import dates
from digled.ui import session

user, t = session.page(__file__)
db = session.database()
lang = session.language()
today = date.today()
secret = session.context().settings.pseudonym_secret

st.title(t("Data and retention"))
if message := st.session_state.pop("_retention_flash", None):
    st.success(message)


def flash(message: str) -> None:
    st.session_state["_retention_flash"] = message
    st.session_state.pop("_retention_confirm", None)
    st.rerun()


def day_text(day: date) -> str:
    return dates.day(day, lang)


st.markdown(t(
    "A leader's individual answers (the raw answers) are needed only while the assessment is being "
    "answered. When it is submitted, the scores are computed and stored, and everything after that "
    "reads the scores: the leader's wheel, history and report, and the figures published to management. "
    "Deleting the raw answers keeps all of that."
))

try:
    day = retention.retention_date(db)
except retention.RetentionError as e:
    st.error(e.text(t))
    day = None

st.header(t("Stored now"))
now = retention.plan(db)
drafts, draft_answers = retention.open_drafts(db)
st.markdown(
    "- " + t("Submitted assessments that still hold their raw answers: {n} ({answers} answers).").format(
        n=now.assessments, answers=now.answers)
    + "\n- " + t("Submitted assessments whose raw answers are deleted (scores kept): {n}.").format(
        n=retention.scored_without_answers(db))
    + "\n- " + t("Unfinished drafts: {n} ({answers} answers).").format(n=drafts, answers=draft_answers)
)

st.header(t("Delete the raw answers now"))
st.markdown(t(
    "Deletes the raw answers of every submitted assessment at once. Unfinished drafts are left alone: "
    "their leaders still need them to finish. This cannot be undone. Backups made before still hold "
    "the answers: delete them according to your municipality's rules."
))
if now.empty:
    st.info(t("There are no raw answers of submitted assessments to delete."))
elif not st.session_state.get("_retention_confirm"):
    if st.button(t("Delete the raw answers now…"), key="retention_start", icon=":material/delete:"):
        st.session_state["_retention_confirm"] = True
        st.rerun()
else:
    with st.container(border=True):
        st.warning(t("Delete the raw answers of {n} submitted assessments ({answers} answers)? This cannot be undone.").format(
            n=now.assessments, answers=now.answers))
        yes, no = st.columns(2)
        if yes.button(t("Yes, delete the raw answers"), type="primary", key="retention_confirm"):
            done = retention.delete(db, user.username)
            flash(t("Deleted the raw answers of {n} submitted assessments ({answers} answers). The scores are kept.").format(
                n=done.assessments, answers=done.answers))
        if no.button(t("No, keep them"), key="retention_cancel"):
            st.session_state.pop("_retention_confirm", None)
            st.rerun()

st.header(t("Automatic deletion from a date"))
st.markdown(t(
    "From the date on, the daily run deletes the raw answers of every submitted assessment, so new "
    "answers are kept only until they are scored. On the date, unfinished drafts started before it are "
    "discarded too; drafts started on or after it are kept until their leader submits them."
))
st.markdown("**" + t("Now:") + "** " + retention.describe(day, today, day_text, t))
if retention.is_due(day, today):
    waiting = retention.plan(db, day, secret)
    if not waiting.empty:
        st.warning(t("Waiting for the next daily run: the raw answers of {n} submitted assessments and {drafts} unfinished drafts started before the date.").format(
            n=waiting.assessments, drafts=waiting.drafts))
elif day is not None:
    ahead = retention.plan(db, day, secret)
    st.caption(t("As things stand now, the date would delete the raw answers of {n} submitted assessments and {drafts} unfinished drafts started before it.").format(
        n=ahead.assessments, drafts=ahead.drafts))
with st.form("retention_date_form"):
    chosen = st.date_input(t("Deletion date"), value=day, min_value=date(2000, 1, 1), max_value=date(2100, 12, 31),
                           key="retention_date", format=dates.picker_format(lang))
    save, clear = st.columns(2)
    saved = save.form_submit_button(t("Save the date"), type="primary", key="save_retention_date")
    cleared = clear.form_submit_button(t("Remove the date"), key="clear_retention_date")
if saved and chosen is None:
    st.error(t("Choose a date first, or remove the date."))
elif saved or cleared:
    try:
        stored = retention.set_retention_date(db, None if cleared else chosen, user.username, today)
    except retention.RetentionError as e:
        st.error(e.text(t))
    else:
        flash(t("Saved: the raw answers are deleted from {date}.").format(date=day_text(stored)) if stored
              else t("The deletion date is removed."))
st.caption(t("The daily run is the command `python -m digled retention` on the server (cron or a systemd timer); "
             "`--dry-run` shows what it would delete."))
