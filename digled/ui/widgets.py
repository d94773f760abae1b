"""Small shared widgets: a chart with its accessible table, content text, errors."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

from digled.content import uploaded_files
from digled.platform import dates, exports, numbers
from digled.platform.i18n import text
from digled.platform.validation import escape_markdown
from digled.programme import journey, leader_groups, reflections
from digled.ui import autosave, downloads, scripts, session, web

if TYPE_CHECKING:
    import plotly.graph_objects as go


def chart(fig, key: str) -> None:
    """A plotly chart whose hover and axis numbers follow the page's language (digled.platform.numbers:
    a decimal comma in Danish)."""
    separators = numbers.separators(session.language())
    if fig.layout.separators != separators:  # a kept figure has them already (and is not changed)
        fig.update_layout(separators=separators)
    st.plotly_chart(fig, width="stretch", key=key, config={"displayModeBar": False})


FIGURES_KEPT = 64  # the newest figures kept by kept_figure
_figures: OrderedDict[tuple, go.Figure] = OrderedDict()
_figures_lock = threading.Lock()


def kept_figure(key: tuple, build: Callable[[], go.Figure]) -> go.Figure:
    """The figure `build` draws, built once per server process for `key` and then shared by every
    session: building a plotly figure is most of a filter change's work on the server (a cohort
    wheel takes about 17 ms). `key` names everything the figure is drawn from (its figures, the
    language, the words); a kept figure is never changed after (chart() finds its number format
    set). The newest FIGURES_KEPT are kept."""
    with _figures_lock:
        if key in _figures:
            _figures.move_to_end(key)
            return _figures[key]
    fig = build()
    fig.update_layout(separators=numbers.separators(session.language()))
    with _figures_lock:
        _figures[key] = fig
        while len(_figures) > FIGURES_KEPT:
            _figures.popitem(last=False)
    return fig


FIT_WIDTH = 860  # px a table may take on a 1366 px screen (the main block is about 900 px wide)
FIT_FIRST = 200  # px of the first column (the row's name) in a fitted table
FIT_COLUMNS = 5  # a table with more columns than this is fitted


def fitted_widths(columns) -> dict[str, int]:
    """Column widths (px) that fit a table of more than FIT_COLUMNS columns into FIT_WIDTH:
    the first column FIT_FIRST, the others sharing the rest ({} for a narrower table)."""
    columns = list(columns)
    if len(columns) <= FIT_COLUMNS:
        return {}
    rest = max(70, (FIT_WIDTH - FIT_FIRST) // (len(columns) - 1))
    return {c: (FIT_FIRST if i == 0 else rest) for i, c in enumerate(columns)}


def table(df: pd.DataFrame, column_help: dict[str, str] | None = None, widths: dict[str, str | int] | None = None) -> None:
    """A table whose fractions are written in the page's language (digled.platform.numbers.frame).

    `column_help`: a column's explanation, shown when the reader points at (or focuses) its header:
    how a figure is computed, one step away from the number. `widths`: a column's width ("small",
    "medium", "large" or pixels); without them a table of many columns is fitted (`fitted_widths`),
    so that it fits the page at 1366 px without sideways scrolling (issue 20, point 6). A header
    cut short by its width is whole in its help."""
    column_help = column_help or {}
    widths = widths if widths is not None else fitted_widths(df.columns)
    config = {c: st.column_config.Column(help=column_help.get(c) or (str(c) if c in widths else None), width=widths.get(c))
              for c in df.columns if c in column_help or c in widths}
    st.dataframe(numbers.frame(df, session.language()), hide_index=True, width="stretch", column_config=config or None)


def chart_with_table(fig, df: pd.DataFrame, table_label: str, key: str) -> None:
    """A plotly chart and, right under it, the same numbers as a table (WCAG alternative)."""
    chart(fig, key)
    with st.expander(table_label, expanded=False):
        table(df)


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_downloads(columns, frame: pd.DataFrame, labels: tuple[str, str], stem: str, sheet: str, key: str) -> None:
    """The table `frame` as two download buttons in `columns` (a pair from st.columns): CSV
    (`KEY_csv`), then Excel of one sheet named `sheet` (`KEY_xlsx`), files `stem`.csv and
    `stem`.xlsx, each made on click: no lasting /media/ URL (digled/ui/downloads.py)."""
    csv_column, excel_column = columns
    csv_column.download_button(labels[0], lambda: exports.csv_bytes(frame), file_name=stem + ".csv", mime="text/csv",
                               key=key + "_csv", on_click="ignore")
    excel_column.download_button(labels[1], lambda: exports.excel_bytes(frame, sheet), file_name=stem + ".xlsx",
                                 mime=XLSX_MIME, key=key + "_xlsx", on_click="ignore")


def scroll_to_top() -> None:
    """Bring the top of the main area into view (after a step change at the bottom of a page)."""

    scripts.run("scroll_top")


def material_links(activity, lang: str, t, files: dict[str, uploaded_files.StoredFile], username: str) -> None:
    """An activity's materials: a link where data/programme.yaml gives an address, else a
    download of the newest file the administrator uploaded (`files`: uploaded_files.latest_all),
    made on click; "link follows" only while neither exists."""

    for m in activity.materials:
        label = text(m.title, lang)
        meta = files.get(uploaded_files.material_slot(activity.id, m.id))
        if m.url:
            st.markdown("- [" + label + "](" + m.url + ")")
        elif meta is not None:
            st.download_button(
                label, downloads.with_database(lambda d, s=meta.slot: uploaded_files.read(d, s)[0], username, "leader"),
                file_name=meta.filename, mime=meta.mime, key=f"material_{activity.id}_{m.id}", on_click="ignore",
                icon=":material/download:")
        else:
            st.markdown("- " + label + " (" + t("link follows") + ")")


def saved_status(when: datetime | None, lang: str, t, now: datetime | None = None) -> str:
    """'Gemt kl. 10.42.' for a save today, 'Gemt 1. dec. 2026.' for an earlier one ('' for none)."""
    if when is None:
        return ""
    local = when.astimezone() if when.tzinfo else when
    today = (now or datetime.now(local.tzinfo)).date()
    if local.date() == today:
        return t("Saved at {time}.").format(time=dates.clock(local, lang))
    return t("Saved on {date}.").format(date=dates.day(local.date(), lang, "medium"))


def reflection_field(db, user_id: int, prog, reflection, saved: str, label: str, t, error_key: str,
                     height: int = 100, saved_at: datetime | None = None) -> None:
    """A private reflection note, saved while the leader types (debounced in the browser) with a
    visible "Gemt kl. 10.42"; a refusal goes to `st.session_state[error_key]` and the status."""

    lang = session.language()

    def save(note: str) -> str:
        try:
            reflections.save(db, user_id, reflection.id, note, prog)
        except journey.JourneyError as e:
            st.session_state[error_key] = e.text(t)
            return e.text(t)
        return saved_status(datetime.now().astimezone(), lang, t)

    autosave.autosave_text_area(
        label, saved, f"refl_{reflection.id}", save, status=saved_status(saved_at, lang, t),
        pending=t("Saving when you pause…"), max_chars=reflections.MAX_CHARS, height=height,
        flush={"path": web.REFLECTION_PATH, "header": web.HEADER, "question": reflection.id},
    )


def group_summary_field(db, chair, prog, activity_id: str, group_id: int, t, error_key: str) -> None:
    """The chair's summary of what the group discussed at a leader meeting, saved while typing
    (and sent when the page is left, as the reflections are); a refusal goes to
    `st.session_state[error_key]` and the status, and the text typed stays in the field."""

    lang = session.language()
    saved, saved_at = leader_groups.own_summary(db, group_id, activity_id)

    def save(body: str) -> str:
        try:
            leader_groups.save_summary(db, chair, activity_id, body, prog)
        except leader_groups.GroupError as e:
            st.session_state[error_key] = e.text(t)
            return e.text(t)
        return saved_status(datetime.now().astimezone(), lang, t)

    autosave.autosave_text_area(
        t("What did the group discuss? (no names)"), saved, f"summary_{activity_id}", save,
        status=saved_status(datetime.fromisoformat(saved_at) if saved_at else None, lang, t),
        pending=t("Saving when you pause…"), max_chars=leader_groups.MAX_SUMMARY, height=120,
        flush={"path": web.REFLECTION_PATH, "header": web.HEADER, "question": web.SUMMARY_PREFIX + activity_id},
    )


def scroll_to_item(key: str) -> None:
    """Bring the element with widget key `key` (class st-key-<key>) into view once it renders
    (the target of a "Go to" link)."""

    scripts.run("scroll_to", selector=".st-key-" + key)


def target_item(page_key: str) -> tuple[str | None, bool]:
    """The item a "Go to" link asked for (`?item=<activity id>`) and whether it just arrived.

    On arrival the query parameter is dropped (later reruns keep the user's scroll position) and
    the item is remembered for the session, so the page keeps the same tab and expander open."""
    item = st.query_params.get("item")
    if item:
        del st.query_params["item"]
        st.session_state[f"_target_{page_key}"] = item
        return item, True
    return st.session_state.get(f"_target_{page_key}"), False


def md(value) -> str:
    """User text (a name, an address, a file name) for a Markdown element (st.markdown, st.title,
    st.caption, st.success, st.table, ...): shown literally, never as a link, image or markup."""

    return escape_markdown(value)


def content(value, lang: str) -> str:
    """Programme content an administrator edits in the app (an activity's title, a reflection
    question, a place; a {da, en} pair or a plain text) for anything Streamlit renders as
    Markdown: st.markdown, st.subheader, st.caption, st.toast, st.error and the labels of
    expanders, buttons, checkboxes, page links, text and date inputs. The text in the page's
    language, escaped (`md`): shown as written, never as an image, a link, HTML or emphasis, so
    `![p](http://tracker.example/px.gif)` in a title makes no leader's browser fetch anything
    (issue 21). The one way content text reaches a Markdown element; where Streamlit shows plain
    text (selectbox options, st.text, tables, file names, the autosave field's label) the text
    goes as it is (`i18n.text`)."""

    return md(text(value, lang))


def message_md(message: str, params: dict, t) -> str:
    """A translated message id filled with escaped params (names stay text), for Markdown elements."""
    return t(message).format(**{k: md(v) if isinstance(v, str) else v for k, v in params.items()})


MB = 1024 * 1024


def file_upload(label: str, types: list[str], limit_bytes: int, key: str, t):
    """A file uploader whose words are all ours (issue 25): `label` says in the user's language
    what to upload and the real limit (one line); the widget's own limit is set to match
    (`limit_bytes` rounded up to whole MB, Streamlit's unit), and its English "Upload" and
    "<N>MB per file • <TYPES>" give way to digled/ui/style.py's rules (the one place that
    covers Streamlit's own words of this widget). Each page still checks size and content."""

    scripts.run("uploader", word=t("Choose a file"))  # the same word as the button's accessible name
    return st.file_uploader(label, type=types, key=key, max_upload_size=max(1, -(-limit_bytes // MB)))


def limit_mb(limit_bytes: int) -> str:
    """A byte limit as people read it in a label: '5' (for 5,000,000 bytes), '20' (whole MB)."""
    return str(max(1, round(limit_bytes / MB)))


NOTHING = "–"


def filled(df: pd.DataFrame) -> pd.DataFrame:
    """A table for st.dataframe with every missing or empty cell saying "–": Streamlit's data
    grid draws a missing value as "None" (in English, on its canvas) and an empty one as
    nothing at all. Columns of numbers or booleans keep their type where nothing is missing."""
    out = df.copy()
    for column in out.columns:
        values = out[column]
        blank = values.isna() | values.map(lambda v: isinstance(v, str) and not v.strip())
        if blank.any():
            out[column] = values.astype(object).where(~blank, NOTHING)
    return out


def fragments_slot():
    """An st.empty that the fragments nested in the running one may each write (the last write
    shows), also when the running fragment is a fragment's rerun of its own.

    Streamlit 1.67 lets a fragment write a container outside it only when that container was
    created by a fragment running in the same run; it records that for blocks (st.container)
    but not for st.empty, an element (delta_generator.py, `_block` sets `_creating_fragment_id`,
    `_enqueue` does not), so a nested fragment writing an st.empty of its parent fails when the
    parent fragment reruns alone. The slot is given the creating fragment a block would have.
    tests/test_load_sessions.py::test_an_answer_is_one_script_run_drawing_its_radio_and_the_progress_line
    holds this to the pinned version (Next reruns the step alone, its answers writing the slot)."""
    slot = st.empty()
    slot._creating_fragment_id = ThreadState.get().fragment_id if get_script_run_ctx() else None
    return slot
