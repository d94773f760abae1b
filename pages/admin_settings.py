"""Indstillinger og backup: programme start date and a consistent database backup."""

import tempfile
from datetime import date
from pathlib import Path

import streamlit as st

from digled import audit, db as storage, programme
from digled.ui import session

user, t = session.page(__file__)
db = session.database()
prog = programme.programme()

st.title(t("Settings and backup"))
st.subheader(t("Programme start"))
with st.form("kickoff"):
    kickoff = st.date_input(t("Kick-off date"), value=programme.kickoff_date(db, prog), key="kickoff_date",
                            min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
    if st.form_submit_button(t("Save"), type="primary"):
        storage.set_setting(db, "kickoff_date", kickoff.isoformat())
        audit.log(db, user.username, "set kickoff_date", kickoff.isoformat())
        st.success(t("Saved. All activity dates follow the kick-off date."))

st.subheader(t("Backup"))
st.write(t("A consistent copy of the whole database, made while the app keeps running."))
if st.button(t("Make a backup"), key="make_backup"):
    with tempfile.TemporaryDirectory() as tmp:
        path = storage.backup(db, Path(tmp) / "digled-backup.db")
        st.session_state["_backup"] = path.read_bytes()
    audit.log(db, user.username, "backup", "")
if "_backup" in st.session_state:
    st.download_button(t("Download the backup"), st.session_state["_backup"],
                       file_name=f"digled-backup-{date.today().isoformat()}.db",
                       mime="application/vnd.sqlite3", key="download_backup")
