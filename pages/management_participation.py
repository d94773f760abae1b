"""Deltagelse: how far the cohort has come in the programme, from a stored publication
(counts only, never a person; see digled/insight/anonymity.py)."""

import json
import textwrap
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from digled.accounts import identities, organisation
from digled.content import programme
from digled.insight import audiences, participation, publications
from digled.platform import dates, exports
from digled.platform.i18n import text
from digled.ui import downloads, publication, session, widgets
from digled.ui.widgets import md

user, t = session.page(__file__)
db = session.database()
lang = session.language()
org = organisation.current(db)
audience = publication.reader(db, user)  # what this account may read (digled/insight/audiences.py)
prog = programme.programme(db)
steps = participation.shown_steps(prog)
ALL = publication.ALL
OPEN_COLOUR, CLOSED_COLOUR = "#1c5a9e", "#8a8f96"  # grey with 3:1 contrast on white
munis, areas = list(org.municipalities), list(org.areas)


def step_label(s) -> str:
    return text(s.label, lang) if isinstance(s.label, dict) else t(s.label)


st.title(t("Programme overview"))
for request in identities.pending(db):  # an administrator asked; only management confirms (identities.py)
    with st.container(border=True, key=f"role_request_{request['id']}"):
        st.markdown(t("**{name}** ({username}): {actor} asked for the management role on {date}. Management sees the "
                      "published figures about leaders. Confirm only if this person should see them.").format(
            name=md(request["name"]), username=md(request["username"]), actor=md(request["requested_by"]),
            date=dates.day(date.fromisoformat(request["requested_at"][:10]), lang, "long")))
        confirm, refuse = st.columns(2)
        decision = (True if confirm.button(t("Confirm the management role"), key=f"grant_{request['id']}") else
                    False if refuse.button(t("Refuse"), key=f"refuse_{request['id']}") else None)
        if decision is not None:
            try:
                identities.decide(db, request["id"], user.username, grant=decision)
            except identities.RoleRequestError as e:
                st.error(e.text(t))
            else:
                st.rerun()
for request in identities.pending_scopes(db):  # what a management account reads: confirmed like the role
    scope = (text(org.municipalities.get(request["scope"]), lang) or request["scope"]) if request["scope"] else t("every municipality")
    with st.container(border=True, key=f"scope_request_{request['id']}"):
        st.markdown(t("**{name}** ({username}): {actor} asked on {date} that this management account reads {scope}. "
                      "Confirm only if this person should see those figures.").format(
            name=md(request["name"]), username=md(request["username"]), actor=md(request["requested_by"]), scope=md(scope),
            date=dates.day(date.fromisoformat(request["requested_at"][:10]), lang, "long")))
        confirm, refuse = st.columns(2)
        decision = (True if confirm.button(t("Confirm what the account reads"), key=f"grant_scope_{request['id']}") else
                    False if refuse.button(t("Refuse"), key=f"refuse_scope_{request['id']}") else None)
        if decision is not None:
            try:
                identities.decide_scope(db, request["id"], user.username, grant=decision)
            except identities.RoleRequestError as e:
                st.error(e.text(t))
            else:
                st.rerun()
pub = publication.pick(db, user, t, lang)
if pub is None:
    st.stop()
k = publications.k_of(pub.summary, "participation")
st.caption(t("Published counts of leaders per step. A group is shown only when it holds at least {k} leaders, and its counts move only when at least {k} of its leaders have moved on, joined or left; no figure here is about one person.").format(
    k=publications.least_k(pub.summary, "participation")))
with st.container(border=True, key="evaluation_report"):
    st.markdown("**" + t("Evaluation report") + "**")
    st.caption(t("The whole run in one printable report from its latest publication: participation, start and end, the "
                 "purposes, the focus list, the workshops held and what was hidden and why, with the method in plain words."))
    r1, r2 = st.columns(2)
    # made on click: no lasting /media/ URL (digled/ui/downloads.py)
    r1.download_button(t("Download the evaluation report (PDF)"),
                       downloads.evaluation_report_download(user.username, lang, pub.cohort_id, "pdf"),
                       file_name=t("digled-evaluation-report") + ".pdf", mime="application/pdf", key="report_pdf",
                       on_click="ignore", type="primary")
    r2.download_button(t("Download the evaluation report (HTML)"),
                       downloads.evaluation_report_download(user.username, lang, pub.cohort_id, "html"),
                       file_name=t("digled-evaluation-report") + ".html", mime="text/html", key="report_html",
                       on_click="ignore")


def funnel(key: tuple) -> tuple[publications.Shown | None, int | None, dict, dict | None]:
    s = audiences.shown(db, audience, pub.id, "participation", key)
    figs = json.loads(s.figures) if s and s.figures else {}
    return s, figs.get("n"), figs.get("counts", {}), figs.get("funnel")


def answers(rnd: str, key: tuple) -> int | str:
    """The n of the same group's competence figures in the same publication (or Hidden)."""
    s = audiences.shown(db, audience, pub.id, "assessment", (rnd, *key, None))
    return s.n if s is not None and s.status != "hidden" and s.n is not None else t("Hidden")


publication.scope_note(org, audience, t, lang)
c1, c2 = st.columns(2)
with c1:
    mun = publication.group_picker(org, "municipalities", t("Municipality"), "part_municipality", t, lang,
                                   [audience.municipality, ALL] if audience.scoped else None)
with c2:
    area = publication.group_picker(org, "areas", t("Area"), "part_area", t, lang, disabled=not audience.breaks_down(mun))

shown, n, counts, stages = funnel((mun, area))
if publication.explain(shown, k, t, lang, db, kind="participation"):
    m = st.columns(3)
    m[0].metric(t("Leaders in the group"), n,
                help=t("Participants in the group: every active leader in it, whether or not they have answered an assessment."))
    m[1].metric(t("Start answers in the competence figures"), answers("start", (mun, area)),
                help=t("The number of answers the competence pages show for this group's start round in the same publication: submitted start assessments."))
    m[2].metric(t("End answers in the competence figures"), answers("end", (mun, area)),
                help=t("The number of answers the competence pages show for this group's end round in the same publication: submitted end assessments."))
    st.caption(t("Why the numbers differ: the participants are every leader in the group; the answers are the assessments they have submitted. A leader who left the programme no longer counts as a participant, but an assessment they submitted stays in the competence figures."))

    st.header(t("The funnel"))
    if stages is None:
        st.info(t("This publication was made before the funnel was introduced: the table shows each step's own count. The next publication shows the funnel."))
    else:
        funnel_stages = participation.stages_of(stages)  # the follow-up stage when the publication holds it
        is_open = participation.run_open_stages(db, prog, pub.cohort_id)  # a closed run: by its own days
        labels = [t(s.label) for s in funnel_stages]
        values = [stages.get(s.id) for s in funnel_stages]
        NOT_OPEN = t("not yet open")
        # a stage not open yet that has leaders anyway (a moved schedule): its count, and that it is not open
        shares = [round(v / n * 100) if publication.is_exact(v) and n else None for v in values]
        amounts = [t("{count} ({share} %)").format(count=v, share=p) if p is not None else publication.count_words(v, t)
                   for v, p in zip(values, shares)]
        bar_text = [a if is_open[s.id] else (NOT_OPEN if v == 0 else a + " · " + NOT_OPEN)
                    for s, v, a in zip(funnel_stages, values, amounts)]
        fig = go.Figure(go.Bar(
            y=["<br>".join(textwrap.wrap(label, 24)) for label in labels],
            x=[v if publication.is_exact(v) else 0 for v in values], orientation="h",
            marker_color=[OPEN_COLOUR if is_open[s.id] else CLOSED_COLOUR for s in funnel_stages],
            text=bar_text, textposition="outside", textfont=dict(size=15, color="#1f2328"), cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        ))
        fig.update_layout(height=110 + 62 * len(labels), margin=dict(t=10, l=10, r=10, b=30), bargap=0.3,
                          xaxis=dict(range=[0, max(n or 1, 1) * 1.3], title=t("Leaders"), tickfont=dict(size=13)),
                          yaxis=dict(autorange="reversed", automargin=True, tickfont=dict(size=14)),
                          font=dict(size=14))
        table = pd.DataFrame({
            t("Stage"): labels,
            t("Leaders through every stage so far"): [publication.count_words(v, t) for v in values],
            t("Share (%)"): ["" if p is None else str(p) for p in shares],
            t("Status"): [t("open") if is_open[s.id] else NOT_OPEN for s in funnel_stages],
        }).map(exports.safe_cell)
        widgets.chart_with_table(fig, table, t("The funnel as a table"), key="funnel")
        st.caption(t("A stage counts a leader only when they also passed every earlier stage, so the bars never widen. A film stage is passed by one film seen, a meeting or workshop stage by one attended. Grey: the stage has not opened yet."))
        if not all(publication.is_exact(v) for v in values):
            st.caption(t("A count in words (fewer than {k}, at least ...) would, as a number, tell individual leaders' steps; a dash: the count is held back in this publication, because together with an earlier one it would tell the steps of fewer than {k} leaders.").format(k=k))

    with st.expander(t("Every step on its own"), expanded=stages is None):
        widgets.table(pd.DataFrame({
            t("Step"): [step_label(s) for s in steps],
            t("Leaders who took this step"): [publication.count_words(counts.get(s.id), t) for s in steps],
            t("Share (%)"): [str(round(counts[s.id] / n * 100)) if publication.is_exact(counts.get(s.id)) and n else ""
                             for s in steps],
        }).map(exports.safe_cell))

st.header(t("By municipality and area"))
by = st.radio(t("Break down by"), ["municipality", "area"], horizontal=True, key="part_by",
              format_func={"municipality": t("Municipality"), "area": t("Area")}.get)
values = munis if by == "municipality" else areas
names = org.municipalities if by == "municipality" else org.areas
# one column per group and one row per step: eight areas fit beside each other at 1366 px, where
# one column per step (twenty and more) did not (issue 20, point 6)
labels = [t("Leaders in the group"), t("Start answers in the competence figures"), *[step_label(s) for s in steps]]
columns = {t("Number of leaders"): labels}
for v in values:
    gkey = (v, area) if by == "municipality" else (mun, v)
    if not audience.may_read("participation", gkey):
        continue  # another municipality's group, or a joint one this account may not break down
    _, size, cts, _ = funnel(gkey)
    if size is None:
        cells = [t("Hidden"), *[""] * (len(labels) - 1)]
    else:
        cells = [str(size), str(answers("start", gkey)), *[publication.count_words(cts.get(s.id), t) for s in steps]]
    columns[text(names[v], lang)] = cells
breakdown = pd.DataFrame(columns).map(exports.safe_cell)
widgets.table(breakdown)


# made on click: no lasting /media/ URL (digled/ui/downloads.py)
widgets.table_downloads(st.columns(2), breakdown, (t("Download what is shown (CSV)"), t("Download what is shown (Excel)")),
                        t("digled-participation"), "deltagelse", key="part")
