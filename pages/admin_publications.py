"""Offentliggørelser: when management's figures were published, what was held back and why;
the publication period and an explicit "publish now" (at most once a day)."""

import pandas as pd
import streamlit as st

from digled.accounts import organisation
from digled.content import loader, programme
from digled.insight import publications
from digled.ui import publication, session

user, t = session.page(__file__)
db = session.database()
lang = session.language()
prog = programme.programme(db)

st.title(t("Publications"))
st.markdown(t("Management sees only *publications*: figures computed at fixed moments and stored, never live answers. "
              "A publication is made when a round's answer window closes, at most once per period while rounds are open, "
              "and when you publish here (at most once a day). Every new publication is checked against all earlier ones, "
              "so that no combination of published figures singles anyone out; a group that would fail keeps its earlier "
              "figures or stays hidden."))
if message := st.session_state.pop("_publish_flash", None):
    st.success(message)

with st.form("publication_period"):
    # no min/max on the widget: an out-of-range value would be clamped silently and "Saved."
    # shown; set_period_days refuses it with the rule in words instead
    days = st.number_input(t("Days between scheduled publications"), step=1, value=publications.period_days(db),
                           key="publication_period_days")
    if st.form_submit_button(t("Save"), key="save_period"):
        try:
            publications.set_period_days(db, int(days), user.username)
        except publications.InvalidPeriod as e:
            st.error(e.text(t))
        else:
            st.success(t("Saved."))

nxt = publications.next_admin_publish(db)
if nxt is not None and publications.now_utc() < nxt:
    st.info(t("The next publication can be made from {when}.").format(when=publication.moment(nxt, lang)))
elif st.button(t("Publish now"), type="primary", key="publish_now"):
    try:
        made = publications.publish_by_admin(db, loader.framework(), organisation.current(db), prog, user.username)
    except publications.PublishRefused as e:
        st.error(e.text(t, when=publication.moment(e.next_at, lang)))
    else:
        st.session_state["_publish_flash"] = (
            t("Publication {id} made.").format(id=made.id) if made.id is not None
            else t("Nothing was published: every group would be hidden, so the new run has no figures yet."))
        st.rerun()

st.subheader(t("Earlier publications"))
KIND_NAMES = {"assessment": t("Assessment groups"), "paired": t("Start and end"), "effect": t("Effect by part"),
              "participation": t("Participation"), "overlay": t("Leaders' own comparison"),
              "followup": t("Did the change hold?")}
rows = []
for pub in publications.listing(db):
    row = {t("Made"): publication.when(pub, lang), t("Why"): t(publications.TRIGGERS[pub.trigger]),
           t("Newly counted leaders"): str(pub.summary.get("identities", {}).get("new", ""))}
    for kind, counts in pub.summary.get("counts", {}).items():
        if kind == "followup" and not any(counts.values()):
            continue  # a run without follow-up rounds has no such groups
        row[KIND_NAMES[kind]] = t("{new} new, {held} held, {hidden} hidden").format(**counts)
    rows.append(row)
if rows:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
else:
    st.info(t("Nothing has been published yet."))
