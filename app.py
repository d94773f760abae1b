"""digled: the router. Page config, language, login gate, then the menu built from the roles."""

import streamlit as st

from digled import i18n, navigation
from digled.ui import login, session


def language_picker(user=None) -> None:
    """Dansk / English; remembered for the user (also used for their e-mails)."""
    current = session.language()
    choice = st.sidebar.selectbox(
        "Sprog / Language",
        list(i18n.LANGUAGES),
        index=list(i18n.LANGUAGES).index(current),
        format_func=i18n.LANGUAGES.get,
        key="lang_picker",
    )
    if choice != current:
        st.session_state["lang"] = choice
        if user is not None:
            from digled import auth

            auth.set_language(session.database(), user.username, choice)
        st.rerun()


def run() -> None:
    st.set_page_config(page_title="Digital ledelse", page_icon=":material/hub:", layout="wide")
    session.bootstrap()
    user = login.current()
    t = session.translator()
    if user is None:
        pages = [
            st.Page(login.page, title=t("Log in"), icon=":material/login:", url_path="login", default=True),
            st.Page("pages/accessibility.py", title=t("Accessibility statement"), icon=":material/accessibility_new:"),
        ]
        nav = st.navigation(pages)
        language_picker()
    else:
        sections: dict[str, list] = {}
        for spec in navigation.pages_for(user.roles):
            sections.setdefault(t(spec.section), []).append(
                st.Page(spec.path, title=t(spec.title), icon=spec.icon, url_path=spec.url_path)
            )
        nav = st.navigation(sections)
        language_picker(user)
        st.sidebar.caption(t("Logged in as {name}").format(name=user.name))
        if st.sidebar.button(t("Log out"), key="logout_button", icon=":material/logout:"):
            login.logout(user)
            st.rerun()
    nav.run()


if __name__ == "__main__":
    run()
