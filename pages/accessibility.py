"""Tilgængelighedserklæring: the accessibility statement (public, linked from every menu)."""

import streamlit as st

from digled.ui import session

t = session.translator()
st.title(t("Accessibility statement"))
st.markdown(
    t(
        "Albertslund and Glostrup municipalities want everyone to be able to use this website. "
        "It aims to meet the Web Content Accessibility Guidelines (WCAG) 2.1 at level AA, as "
        "required of Danish public-sector websites."
    )
)
st.subheader(t("What we do"))
st.markdown(
    "- " + t("Every chart has a table with the same numbers.")
    + "\n- " + t("The whole assessment can be completed with the keyboard alone.")
    + "\n- " + t("Colours are chosen with enough contrast, and colour is never the only way information is shown.")
    + "\n- " + t("The site is available in Danish and English.")
    + "\n- " + t("Automated accessibility checks (axe-core) run on the main pages with every change.")
)
st.subheader(t("Known limitations"))
st.markdown(t("Videos embedded from external providers may lack captions. Tell us, and we will send a transcript."))
st.subheader(t("Feedback and contact"))
st.markdown(
    t(
        "If you meet a barrier, write to the programme administrator in your municipality. "
        "You can also complain to the Danish Agency for Digital Government (Digitaliseringsstyrelsen), "
        "which supervises the accessibility of public websites."
    )
)
