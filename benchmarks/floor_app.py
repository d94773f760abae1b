"""Streamlit's floor for an answer: one fragment holding one st.radio whose callback writes one
row to SQLite, durably (what an answer costs at least in any Streamlit app that saves it), and a
caption counting the answers saved (the line a browser sees change, as digled's progress line).

The capacity benchmark (benchmarks/run.py: capacity, benchmarks/sessions.run_floor) drives it
with the same load generator as digled, so digled's server CPU per answer and p95 read as
ratios over this floor; the browser's `answer` benchmark clicks it beside digled. The database is DIGLED_DB (tests/servers.Server sets it), in WAL mode
with synchronous = FULL, one connection per session: as digled/platform/db.py.
"""

import os
import sqlite3

import streamlit as st

DB = os.environ.get("DIGLED_DB", "floor.db")
KEY = "floor_answer"
OPTIONS = [1, 2, 3, 4, 0]
SCHEMA = "CREATE TABLE IF NOT EXISTS answers (session TEXT, n INTEGER, value INTEGER, PRIMARY KEY (session, n))"


def _connection() -> sqlite3.Connection:
    if "floor_db" not in st.session_state:
        con = sqlite3.connect(DB, timeout=30, check_same_thread=False, isolation_level=None)
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = FULL")
        con.execute(SCHEMA)
        st.session_state["floor_db"] = con
    return st.session_state["floor_db"]


def _save() -> None:
    con = _connection()
    n = st.session_state.get("floor_n", 0) + 1
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT INTO answers VALUES (?, ?, ?)", [st.session_state["floor_id"], n, st.session_state[KEY]])
    con.execute("COMMIT")
    st.session_state["floor_n"] = n


@st.fragment
def question() -> None:
    st.radio("Svar", OPTIONS, index=None, horizontal=True, key=KEY, on_change=_save)
    # what the browser benchmark waits for, as it waits for digled's progress line (benchmarks/run.py: answer)
    st.caption(f"{st.session_state.get('floor_n', 0)} besvaret")


st.session_state.setdefault("floor_id", os.urandom(8).hex())
_connection()
question()
