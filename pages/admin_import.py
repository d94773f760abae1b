"""Importér deltagere: upload a CSV or Excel file, read the preview and every problem (line,
column, what is wrong), then import all participants at once, or none."""

import streamlit as st

from digled.accounts import importer, organisation
from digled.ui import session, widgets

user, t = session.page(__file__)
db = session.database()
lang = session.language()
org = organisation.current(db)

st.title(t("Import participants"))
if message := st.session_state.pop("_import_flash", None):
    st.success(message)
st.markdown(t(
    "Upload a list of participants, one per line: a CSV file (UTF-8, comma or semicolon) or an "
    "Excel workbook (.xlsx). The first line names the columns: **name, e-mail, municipality, area, "
    "leader level** and optionally **roles** (Danish headers work too: navn, e-mail, kommune, "
    "fagområde, lederniveau, roller). Nothing is imported until every line is right."
))
with st.expander(t("Accepted values"), icon=":material/list:"):
    for label, kind in ((t("Municipality"), "municipalities"), (t("Area"), "areas"), (t("Leader level"), "levels")):
        names = [f"{i} ({organisation.label(org, kind, i, lang)})" for i in getattr(org, kind)]
        st.markdown(f"**{label}:** " + ", ".join(names))
    st.markdown(t("**Roles:** leader, management, admin (empty: leader)"))
st.download_button(t("Download an empty list"), importer.template_csv(), file_name="deltagere.csv",
                   mime="text/csv", key="import_template", icon=":material/download:")

generation = st.session_state.setdefault("_import_generation", 0)
upload = widgets.file_upload(
    t("Participant list: a CSV file or an Excel workbook (.xlsx), at most {limit} MB").format(
        limit=widgets.limit_mb(importer.MAX_BYTES)),
    ["csv", "xlsx"], importer.MAX_BYTES, f"import_file_{generation}", t)
if upload is None:
    st.session_state.pop("_import_read", None)
    st.stop()

data = upload.getvalue()
# read (unzip, parse) each upload once: every rerun of this page (the confirm button too) reuses it
read = st.session_state.get("_import_read")
if read is None or read.digest != importer.digest(data):
    read = st.session_state["_import_read"] = importer.read_lines(data, upload.name)
result = importer.parse(db, read, upload.name, org)
COLUMNS = {
    "line": t("Line"), "name": t("Name"), "email": t("E-mail"), "municipality": t("Municipality"),
    "area": t("Area"), "level": t("Leader level"), "roles": t("Roles"), "leader_group": t("Leader group"),
    "username": t("Username"),
    "column": t("Column"), "problem": t("Problem"),
}
if result.errors:
    st.error(t("{file} cannot be imported: {n} to fix. Nothing is imported until every line is right. Fix the "
               "file and upload it again.").format(n=len(result.errors), file=upload.name))
    with st.container(key="import_errors"):
        st.dataframe(widgets.filled(importer.error_table(result.errors, t).rename(columns=COLUMNS)), hide_index=True,
                     width="stretch")
if result.rows:
    st.subheader(t("Preview"))
    with st.container(key="import_preview"):
        st.dataframe(widgets.filled(importer.preview_table(result, org, lang, t).rename(columns=COLUMNS)),
                     hide_index=True,
                     width="stretch")
if result.ok and st.button(t("Import {n} participants").format(n=len(result.rows)), type="primary",
                           key="import_confirm"):
    try:
        count = importer.import_file(db, read, upload.name, user.username)
    except importer.ImportRejected:
        st.error(t("The participants changed while you were looking: upload the file again."))
    else:
        st.session_state["_import_generation"] = generation + 1
        st.session_state.pop("_import_read", None)
        st.session_state["_import_flash"] = t("{n} participants were imported.").format(n=count)
        st.rerun()
