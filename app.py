"""digled: the router. Page config, language, login gate, then the menu built from the roles."""

import base64

import streamlit as st

from digled.accounts import auth
from digled.platform import config, i18n
from digled.ui import login, router, scripts, session, streamlit_words, style


def _language_chosen(user) -> None:
    choice = st.session_state["lang_picker"]
    st.session_state["lang"] = choice
    if user is not None:

        auth.set_language(session.database(), user.username, choice)


def language_picker(user=None) -> None:
    """Dansk / English; remembered for the user (also used for their e-mails). The session's
    language is the truth: the picker shows it (after a login it is the account's language, not
    whatever the login page's picker showed) and only a choice in the picker changes it."""
    st.session_state["lang_picker"] = session.language()
    st.sidebar.selectbox(
        "Sprog / Language",
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.get,
        key="lang_picker",
        on_change=_language_chosen,
        args=(user,),
    )


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


# Material Symbols' "hub" (Apache-2.0, the font Streamlit ships), drawn in the theme's blue; as a
# data: address (a file would become a /media/ URL of the session, like a download's)
FAVICON = "data:image/png;base64," + base64.b64encode((config.DATA_DIR / "favicon.png").read_bytes()).decode("ascii")
PHONE_WIDTH = 768  # below this Streamlit draws the sidebar over the page


def close_menu_on_phones(page) -> None:
    """On a phone the opened menu covers the page: close it once the user chose another page.
    (Streamlit leaves it open; a narrow screen gets no other menu.)"""
    if st.session_state.get("_shown_page") == page.url_path:
        return
    first = "_shown_page" not in st.session_state
    st.session_state["_shown_page"] = page.url_path
    if not first:
        scripts.run("close_menu", width=PHONE_WIDTH, page=page.url_path)  # digled/ui/js/close_menu.js


def run() -> None:
    # the icon as a file of our own: a ":material/...:" icon makes every browser fetch it from
    # fonts.gstatic.com (Google), which the Content-Security-Policy (deploy/Caddyfile) refuses
    st.set_page_config(page_title="Digital ledelse", page_icon=FAVICON, layout="wide")
    session.bootstrap()
    user = login.current()
    t = session.translator()
    style.apply(t)
    session.demo_banner(t)
    found = router.routes(user, t)
    nav = st.navigation(found.pages, position="hidden")
    menu(found.menu)
    if user is None:
        language_picker()
    else:
        language_picker(user)
        st.sidebar.text(t("Logged in as {name}").format(name=user.name))  # plain text: a name is never Markdown
        if st.sidebar.button(t("Log out"), key="logout_button", icon=":material/logout:"):
            login.logout(user)
            st.rerun()
    close_menu_on_phones(nav)
    streamlit_words.apply(session.language())  # Streamlit's own English words, in the reader's language
    with session.routed():
        nav.run()


if __name__ == "__main__":
    run()
elif __name__ == "app":
    # `streamlit run app.py` imports this file as "app", finds this ASGI app and serves it:
    # Streamlit, plus digled's own HTTP routes that set and delete the HttpOnly session cookie
    # (digled/ui/web.py; a script talking over the websocket cannot set an HttpOnly cookie).
    from streamlit.runtime.pages_manager import PagesManager

    from digled.ui import web

    # Streamlit routes the very first script run of a process by the pages/ folder's file names
    # (its multipage v1 mode) until the first st.navigation call turns that off: the first
    # visitor after a restart to /my-results or /login would get its English "Page not found"
    # box. Turn it off before anyone connects, as st.navigation itself does (digled/ui/router.py
    # answers every address).
    PagesManager.uses_pages_directory = False
    # X-Forwarded-For only from the proxies FORWARDED_ALLOW_IPS names, from nobody when unset
    # (uvicorn's own default trusts any local process): see web.trust_forwarded_for_only_when_named.
    web.trust_forwarded_for_only_when_named()
    app = st.App(__file__, routes=web.routes())
