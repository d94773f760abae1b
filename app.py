"""digled: the router. Page config, language, login gate, then the menu built from the roles."""

import streamlit as st

from digled import i18n, navigation
from digled.ui import login, session, style


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


def menu(sections: dict[str, list]) -> None:
    """Our own sidebar menu of page links, grouped under headings. Streamlit's built-in menu is
    hidden (client.showSidebarNavigation = false): it would list the pages/ files to the first
    visitor of a fresh server, and its grouped form fails WCAG (headings inside <ul>)."""
    with st.sidebar:
        for heading, pages in sections.items():
            if heading:
                st.markdown(f"**{heading}**")
            for page in pages:
                st.page_link(page)


def run() -> None:
    st.set_page_config(page_title="Digital ledelse", page_icon=":material/hub:", layout="wide")
    session.bootstrap()
    style.apply()
    user = login.current()
    t = session.translator()
    session.demo_banner(t)
    if user is None:
        visible = [
            st.Page(login.page, title=t("Log in"), icon=":material/login:", url_path="login", default=True),
            st.Page("pages/accessibility.py", title=t("Accessibility statement"), icon=":material/accessibility_new:",
                    url_path="accessibility"),
            st.Page("pages/privacy.py", title=t("Privacy"), icon=":material/policy:", url_path="privacy"),
        ]
        invitation = st.Page("pages/accept_invitation.py", title=t("Accept invitation"), icon=":material/key:",
                             url_path="accept-invitation")
        nav = st.navigation([*visible, invitation], position="hidden")
        menu({"": visible})
        language_picker()
    else:
        sections: dict[str, list] = {}
        for spec in navigation.pages_for(user.roles):
            sections.setdefault(t(spec.section), []).append(
                st.Page(spec.path, title=t(spec.title), icon=spec.icon, url_path=spec.url_path)
            )
        nav = st.navigation([p for pages in sections.values() for p in pages], position="hidden")
        menu(sections)
        language_picker(user)
        st.sidebar.text(t("Logged in as {name}").format(name=user.name))  # plain text: a name is never Markdown
        if st.sidebar.button(t("Log out"), key="logout_button", icon=":material/logout:"):
            login.logout(user)
            st.rerun()
    with session.routed():
        nav.run()


if __name__ == "__main__":
    run()
elif __name__ == "app":
    # `streamlit run app.py` imports this file as "app", finds this ASGI app and serves it:
    # Streamlit, plus digled's own HTTP routes that set and delete the HttpOnly session cookie
    # (digled/ui/web.py; a script talking over the websocket cannot set an HttpOnly cookie).
    from digled.ui import web

    app = st.App(__file__, routes=web.routes())
