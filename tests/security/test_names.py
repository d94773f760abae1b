"""Issue 14, item 5 (and the name rule behind item 1): names are validated in one place for
every path (participant form, import, command line) and always shown as text, never as
Markdown: a name like `![i](//host/p.png)` loaded an external image in the sidebar, the
welcome title, the account page, the administrator's messages and the printable workshop list."""

from __future__ import annotations

import re

import pytest

from digled.accounts import auth, importer, participants
from digled.cli import main
from digled.platform.i18n import translator
from digled.platform.validation import NAME_CHARACTERS, NAME_START, WORD_JOINER, escape_markdown, name_problem
from tests.apptest import app_as

IMAGE = "![i](//host/p.png)"
LINK = "[x](http://evil)"
HOSTILE = f"{IMAGE} {LINK}"
ESCAPED_PAIR = re.compile(r"\\[!-/:-@\[-`{-~]")


def shown(body: str) -> str:
    """What CommonMark shows for text that holds no markup: backslash escapes resolved, and the
    invisible word joiner that keeps a web address from becoming a link (issue 21) left out."""
    return ESCAPED_PAIR.sub(lambda m: m.group(0)[1], body).replace(WORD_JOINER, "")


def assert_no_markup_from_the_name(bodies: list[str]) -> None:
    """Every Markdown body that shows the hostile name shows it literally: once the escaped
    characters are taken out, nothing is left that could start an image, a link, an autolink or
    an HTML tag."""
    hits = [b for b in bodies if "host" in b or "evil" in b]
    assert hits, "the name is not shown at all"
    for body in hits:
        bare = ESCAPED_PAIR.sub("", body)
        for markup in ("![", "](", "[x]", "<", "://"):
            assert markup not in bare, (markup, body)


def markdown_bodies(at) -> list[str]:
    """The bodies of every element Streamlit renders as Markdown, and every st.table cell."""
    bodies = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success"):
        bodies += [str(e.value) for e in getattr(at, kind)]
    for table in at.table:
        bodies += [str(v) for v in table.value.to_numpy().ravel()]
    return bodies


# --- the one rule ----------------------------------------------------------------------------

GOOD = ["Søren Ærø-Åberg", "Anne-Marie O'Brien Jr.", "Zoë Ólafsdóttir", "José María", "李小龙",
        "Łukasz Żółć", "Ægir D’Arcy", "Åse", "A. P. Møller"]
BAD = [IMAGE, LINK, "Ep <attacker@probe.invalid>", "lea@kommune.dk", "Fp;=1+2;", "=1+2", "-Lea", "'Lea",
       "Lea_Dam", "Lea *Dam*", "Lea\u202eDam", "Lea (Dam)", "Lea, Dam", "Lea #1", "x" * 101, "", "   "]


@pytest.mark.parametrize("name", GOOD)
def test_names_of_any_script_pass(name):
    assert name_problem(name) is None


@pytest.mark.parametrize("name", BAD)
def test_other_characters_are_refused(name):
    assert name_problem(name) is not None


def test_the_problem_names_the_character_in_danish_and_english():
    message, params = name_problem(IMAGE)
    assert (message, params) == (NAME_CHARACTERS, {"char": "!"})
    assert translator("da")(message).format(**params) == (
        "må kun indeholde bogstaver, mellemrum, bindestreger (-), apostroffer (') og punktummer (.), ikke “!”")
    assert name_problem("'Lea")[0] == NAME_START
    assert translator("da")(NAME_START) == "skal begynde med et bogstav"


def test_the_participant_form_refuses_the_name(demo_db):
    raw = {"name": HOSTILE, "email": "ny@glostrup.dk", "municipality": "Glostrup", "area": "skole",
           "level": "mellemleder", "roles": "leder"}
    with pytest.raises(participants.InvalidParticipant) as e:
        participants.add(demo_db, raw, "admin")
    assert [(p.field, p.message) for p in e.value.problems] == [("name", NAME_CHARACTERS)]
    lea = auth.get_user(demo_db, "leder")
    with pytest.raises(participants.InvalidParticipant):  # editing too
        participants.update(demo_db, lea.id, {**raw, "name": "Ep <attacker@probe.invalid>", "email": lea.email}, "admin")
    assert auth.get_user(demo_db, "leder").name == "Lea Dam"
    # a decomposed å is stored composed
    participants.add(demo_db, {**raw, "name": "Sa\u030ara Ny"}, "admin")
    assert demo_db.execute("SELECT name FROM users WHERE email = 'ny@glostrup.dk'").fetchone()[0] == "S\u00e5ra Ny"


def test_the_import_refuses_the_name_and_names_the_line_and_column(demo_db):
    data = ("navn;e-mail;kommune;område;lederniveau\n"
            "Nina Ny;nina@glostrup.dk;Glostrup;skole;mellemleder\n"
            f"{IMAGE};ole@glostrup.dk;Glostrup;skole;mellemleder\n").encode()
    result = importer.parse(demo_db, data, "x.csv")
    assert [(e.line, e.column, e.message, e.params) for e in result.errors] == [(3, "name", NAME_CHARACTERS, {"char": "!"})]
    table = importer.error_table(result.errors, translator("da"))
    assert table.to_dict("records")[0]["column"] == "navn"


def test_the_command_line_refuses_the_name(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DIGLED_DB", str(tmp_path / "x.db"))
    monkeypatch.setenv("DIGLED_DEMO", "0")
    monkeypatch.setenv("DIGLED_BASE_URL", "https://digled.kommune.dk")  # required outside demo
    assert main(["add-admin", "hanne", "--name", LINK, "--email", "hh@kommune.dk"]) == 2
    assert "--name: may only contain letters" in capsys.readouterr().err
    assert main(["add-admin", "hanne", "--name", "Hanne Holm", "--email", "Hanne <evil@x.dk>"]) == 2
    assert "--email: not a valid e-mail address" in capsys.readouterr().err


# --- shown as text ---------------------------------------------------------------------------


def test_escaped_markdown_shows_every_character_literally():
    for text in (HOSTILE, "<img src=x onerror=alert(1)>", "**bold** _it_ `code` # h ~~s~~ $x$ :red[r] www.evil.dk",
                 "Anne-Marie O'Brien Jr.", "Søren Ærø"):
        escaped = escape_markdown(text)
        assert shown(escaped) == text
        assert not re.search(r"[!-/:-@\[-`{-~]", ESCAPED_PAIR.sub("", escaped)), escaped  # nothing unescaped
    assert escape_markdown("a\nb\rc") == "a b c"


@pytest.fixture
def hostile_lea(demo_db):
    """The demo leader `leder` (seated at workshop 1) stored with a Markdown name, as a name from
    before the name rule would be."""
    from digled.platform.db import write

    with write(demo_db):
        demo_db.execute("UPDATE users SET name = ? WHERE username = 'leder'", [HOSTILE])
    return auth.get_user(demo_db, "leder")


def test_the_welcome_title_and_the_sidebar_show_the_name_as_text(hostile_lea):
    at = app_as("leder").run()
    assert not at.exception
    assert f"Welcome, {IMAGE}" in [shown(e.value) for e in at.title]
    assert f"Logged in as {HOSTILE}" in [e.value for e in at.sidebar.text]  # st.text: never Markdown
    assert_no_markup_from_the_name(markdown_bodies(at))


def test_the_account_page_shows_the_name_as_text(hostile_lea):
    at = app_as("leder").run()
    at.switch_page("pages/account.py").run()
    assert not at.exception
    assert any(HOSTILE in shown(e.value) for e in at.markdown)
    assert_no_markup_from_the_name(markdown_bodies(at))


def test_the_administrators_messages_show_the_name_as_text(hostile_lea):
    at = app_as("admin").run()
    at.switch_page("pages/admin_participants.py").run()
    at.selectbox(key="participant_pick").set_value(hostile_lea.id).run()
    at.button(key="deactivate").click().run()
    assert not at.exception
    assert f"{HOSTILE} was deactivated and logged out everywhere." in [shown(e.value) for e in at.success]
    assert_no_markup_from_the_name(markdown_bodies(at))


def test_the_printable_workshop_list_shows_the_name_as_text(hostile_lea):
    at = app_as("admin").run()
    at.switch_page("pages/admin_workshops.py").run()
    at.toggle(key="ws_print").set_value(True).run()
    assert not at.exception
    cells = [shown(str(v)) for table in at.table for v in table.value.to_numpy().ravel()]  # st.table: Markdown cells
    assert HOSTILE in cells
    assert_no_markup_from_the_name(markdown_bodies(at))


def test_the_invitation_page_shows_the_name_as_text(demo_db):
    from digled.accounts import invitations

    uid = auth.create_user(demo_db, username="ny", name=HOSTILE, email="ny@glostrup.dk")
    token = invitations.create(demo_db, uid, actor="admin")
    at = app_as(None, page="pages/accept_invitation.py")
    at.query_params["token"] = token
    at.run()
    assert not at.exception
    assert f"Welcome to the programme in digital leadership, {HOSTILE}." in [shown(m.value) for m in at.markdown]
    assert_no_markup_from_the_name(markdown_bodies(at))
