"""Oplysning om behandling af personoplysninger: the privacy statement (GDPR art. 13).

Public: app.py registers it for visitors who are not logged in (linked from the login screen)
and in every role's menu. The text is data/privacy.yaml (digled/accounts/privacy.py loads and checks
it); this page fills in the minimum group size and the deletion date.
"""

from datetime import date

import streamlit as st

from digled.accounts import privacy
from digled.assessment import retention
from digled.platform import dates
from digled.platform.i18n import text
from digled.ui import session

t = session.public_page()
lang = session.language()
db = session.database()

st.title(t("Privacy statement"))
statement = privacy.statement()  # validated at start-up (session._freeze_startup_objects)


def day_text(day: date) -> str:
    return dates.day(day, lang)


try:
    deletion_day = retention.retention_date(db)
except retention.RetentionError:
    deletion_day = None  # unreadable: the administrator's page Data and retention says so
deletion = retention.describe(deletion_day, date.today(), day_text, t)

st.caption(t("Last updated {date}").format(date=day_text(statement.updated)))
st.markdown(text(statement.intro, lang))
for section in privacy.render(statement, lang, t, privacy.smallest_k(db), deletion, session.context().settings.coalition):
    st.header(section.heading, anchor=section.id)
    st.markdown(section.body)
    if section.to_confirm:
        st.caption(":material/info: " + t(privacy.TO_CONFIRM))
