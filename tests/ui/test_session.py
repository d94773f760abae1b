"""digled.ui.session: the per-run plumbing. digled starts once per environment (or says only that
it cannot, the reason going to the server log), a session holds one database connection, the
language falls back to Danish, the current user is re-read from the database, every page checks
server-side who may open it, and account notices stay until read; in AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from digled.accounts import auth, impersonation, notices
from digled.ui import session
from tests.apptest import page_text


@pytest.fixture
def installed(database, monkeypatch):
    """An installation outside demo (so nothing is loaded into it) with a leader and an admin."""
    monkeypatch.setenv("DIGLED_DEMO", "0")
    auth.create_user(database, username="lea", name="Lea", roles=["leader"], language="en")
    auth.create_user(database, username="anne", name="Anne", roles=["admin"])
    database.conn.commit()
    return database


def _run(script, *args, **state) -> AppTest:
    at = AppTest.from_function(script, args=args, default_timeout=30)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def _as(username: str) -> dict:
    return {"authentication_status": True, "username": username, "lang": "en"}


# --- starting --------------------------------------------------------------------------------------


def _fresh_app():
    from tests.apptest import ROOT

    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)


def test_corrupt_database_stops_without_a_traceback_and_logs_the_path(tmp_path, monkeypatch, caplog):
    bad = tmp_path / "broken.db"
    bad.write_bytes(b"garbage" * 500)
    monkeypatch.setenv("DIGLED_DB", str(bad))
    at = _fresh_app().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["digled kan ikke starte."]
    assert str(bad) not in page_text(at) and not at.code  # anonymous visitors see no paths (issue 14)
    assert str(bad) in caplog.text  # the operator finds it in the server log


def test_missing_secrets_outside_demo_name_the_setting_in_the_log(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("DIGLED_DEMO", "0")
    monkeypatch.delenv("DIGLED_PSEUDONYM_SECRET")
    at = _fresh_app().run()
    assert not at.exception and at.error
    assert "DIGLED_PSEUDONYM_SECRET" in caplog.text and "pseudonym_secret" in caplog.text
    assert "DIGLED_PSEUDONYM_SECRET" not in page_text(at) and not at.code


def test_digled_starts_once_per_environment(installed, monkeypatch, tmp_path):
    first = session.context()
    assert session.context() is first  # not again for the next run or session
    assert first.settings.db_path == tmp_path / "digled.db" and not first.settings.demo
    monkeypatch.setenv("DIGLED_DB", str(tmp_path / "other.db"))  # another environment: started anew
    other = session.context()
    assert other is not first and other.settings.db_path == tmp_path / "other.db"


def test_the_demo_banner_shows_only_in_demo(installed, monkeypatch):
    def script():
        from digled.platform import i18n
        from digled.ui import session

        session.demo_banner(i18n.translator("da"))

    assert not _run(script).warning
    monkeypatch.setenv("DIGLED_DEMO", "1")  # a demo of its own (the database outside demo stays so)
    monkeypatch.setenv("DIGLED_DB", str(installed.execute("PRAGMA database_list").fetchone()[2]) + "-demo")
    (banner,) = _run(script).warning
    assert banner.value.startswith("DEMO: ")


# --- a session: its connection, language and user ----------------------------------------------------


def test_a_session_keeps_one_connection_to_the_configured_database(installed, tmp_path):
    def script():
        import streamlit as st

        from digled.ui import session

        st.session_state["seen"] = [*st.session_state.get("seen", []), id(session.database())]
        assert session.database() is session.database()

    at = _run(script)
    assert not at.exception, at.exception
    at.run()
    (first, second) = at.session_state["seen"]
    assert first == second  # the next run of the session reuses it
    assert at.session_state["_db"][0] == str(tmp_path / "digled.db")


@pytest.mark.parametrize(("chosen", "lang"), [(None, "da"), ("da", "da"), ("en", "en"), ("fr", "da")])
def test_the_language_falls_back_to_danish(installed, chosen, lang):
    def script():
        import streamlit as st

        from digled.ui import session

        st.text(session.language() + "|" + session.translator()("Log in"))

    at = _run(script, lang=chosen)
    assert at.text[0].value == lang + "|" + ("Log ind" if lang == "da" else "Log in")


def test_the_current_user_is_re_read_and_only_while_logged_in(installed):
    def script():
        import streamlit as st

        from digled.ui import session

        user = session.current_user()
        st.text("-" if user is None else f"{user.username}|{user.active}")

    assert _run(script).text[0].value == "-"
    assert _run(script, authentication_status=False, username="lea").text[0].value == "-"
    assert _run(script, authentication_status=True, username="ghost").text[0].value == "-"
    at = _run(script, **_as("lea"))
    assert at.text[0].value == "lea|True"
    installed.execute("UPDATE users SET active = 0 WHERE username = 'lea'")
    installed.conn.commit()
    assert at.run().text[0].value == "lea|False"  # the database's word, not the session's


# --- the top of every page -----------------------------------------------------------------------------


def _page_script(file):
    import streamlit as st

    from digled.ui import session

    user, t = session.page(file)
    st.text("opened by " + user.username)


def test_a_page_is_refused_server_side_to_the_logged_out_and_to_other_roles(installed):
    at = _run(_page_script, "pages/admin_participants.py", lang="en")
    assert [w.value for w in at.warning] == ["Please log in."] and not at.text
    at = _run(_page_script, "pages/admin_participants.py", **_as("lea"))
    assert [e.value for e in at.error] == ["You do not have access to this page."] and not at.text
    at = _run(_page_script, "pages/admin_participants.py", **_as("anne"))
    assert not at.error and [x.value for x in at.text] == ["opened by anne"]


def test_account_notices_stay_until_read(installed):
    lea = auth.get_user(installed, "lea")
    notices.add(installed, lea.id, impersonation.EMAIL_CHANGED, old="lea@x.dk", new="[klik](http://x)", date="2026-12-01")
    at = _run(_page_script, "pages/leader_home.py", **_as("lea"))
    assert "**About your account**" in at.markdown[0].value
    # plain text: an address is never markup
    assert at.text[0].value == "The e-mail address of your account was changed from lea@x.dk to [klik](http://x) on 1 December 2026."
    assert at.text[-1].value == "opened by lea"
    at.run()
    assert len(at.text) == 2  # still there on the next page
    at.button(key="notices_seen").click().run()
    assert not notices.unseen(installed, lea.id)
    assert [x.value for x in at.text] == ["opened by lea"]


def test_routed_marks_the_run_and_always_unmarks_it():
    assert not getattr(session._routed, "active", False)
    with session.routed():
        assert session._routed.active
    with pytest.raises(RuntimeError), session.routed():
        raise RuntimeError("a page failed")
    assert session._routed.active is False
