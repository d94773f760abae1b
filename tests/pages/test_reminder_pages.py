"""AppTest: the administrator's reminders page and the public accept-invitation page."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from digled.accounts import auth, invitations
from digled.platform import config
from tests.apptest import app_as, page_text


@pytest.fixture(autouse=True)
def _outbox(monkeypatch, tmp_path):
    for var in ("DIGLED_SMTP_HOST", "DIGLED_SMTP_USER", "DIGLED_SMTP_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DIGLED_OUTBOX", str(tmp_path / "outbox"))


def table(at, column: str):
    """The first table on the page that has `column` (AppTest does not expose table keys)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def admin_page():
    at = app_as("admin").run()
    return at.switch_page("pages/admin_reminders.py").run()


def films_online(database) -> int:
    """The administrator sets a video for every film (the seed has none); returns how many."""
    from digled.content import guides, programme
    from digled.programme import reminder_due

    prog = programme.programme()
    films = {a.id: f"https://www.youtube.com/watch?v=abcdefghij{i}"
             for i, a in enumerate(prog.activities) if a.kind in reminder_due.FILM_KINDS}
    guides.save(database, films, "admin", prog)
    return len(films)


def test_admin_previews_and_sends_one_email_per_leader(demo_db, tmp_path):
    from digled.programme import reminder_due, reminder_sending

    films_online(demo_db)
    due = reminder_due.due(demo_db, config.load_settings())
    at = admin_page()
    assert not at.exception and not at.error
    text = page_text(at)
    assert "Due reminders" in text
    assert "Each leader gets at most one reminder e-mail a day" in text  # the rule is stated
    due_table = table(at, "Subject")
    assert list(due_table.columns) == ["Recipient", "E-mail", "Kind", "Lists", "Subject"]
    emails = len(due_table)
    assert 0 < emails < len(due)  # several reminders share one e-mail
    assert due_table["E-mail"].is_unique  # one e-mail per leader
    assert {"Daily e-mail", "Invitation"} <= set(due_table["Kind"])
    assert all("@demo.digled.dk" in e for e in due_table["E-mail"])
    assert f"{emails} e-mails are due on this date and not sent yet, listing {len(due)} reminders." in text
    preview = at.code[0].value
    assert preview.startswith(f"To: {due_table['Recipient'][0]} <{due_table['E-mail'][0]}>")
    assert at.button(key="send_now").disabled  # needs the confirmation first

    at.checkbox(key="confirm_send").check().run()
    at.button(key="send_now").click().run()
    assert not at.exception
    assert f"Sent {emails}, failed 0, skipped 0." in [s.value for s in at.success]
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == emails
    log = table(at, "Attempts")
    assert len(log) == emails and set(log["Kind"]) >= {"Daily e-mail"}
    assert not any(re.match(r"\d{4}-\d{2}-\d{2}", str(v)) for v in log["Sent"])  # no ISO dates
    assert "0 e-mails are due on this date and not sent yet, listing 0 reminders." in page_text(at)
    # a second "Send now" the same day sends nothing
    assert reminder_sending.run(demo_db, config.load_settings()).sent == 0
    assert ("admin", "send reminders") in {
        (r[0], r[1]) for r in demo_db.execute("SELECT actor, action FROM audit_log").fetchall()
    }


def test_a_leader_cannot_open_the_reminders_page(demo_db):
    at = app_as("leder", page="pages/admin_reminders.py").run()
    assert "You do not have access to this page." in [e.value for e in at.error]
    assert not at.dataframe and not at.button


def test_admin_creates_and_mails_invitations(demo_db, tmp_path):
    at = admin_page()
    pending = invitations.pending(demo_db)
    assert pending
    at.multiselect(key="invite_users").set_value([pending[0].id])  # in a form: sent with the submit
    form_button = next(b for b in at.button if b.label == "Create invitations")
    form_button.click().run()
    assert not at.exception
    invited = table(at, "Link")
    assert list(invited["Name"]) == [pending[0].name]
    assert list(invited["Link"]) == ["–"]  # e-mailed (here: the outbox), so not shown in the app
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    msg = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["To"].addresses[0].addr_spec == pending[0].email
    token = msg.get_body(("plain",)).get_content().split("token=")[1].split()[0]
    assert invitations.verify(demo_db, token).user.id == pending[0].id


@pytest.fixture
def nina(database):
    uid = auth.create_user(database, username="nina", name="Nina Holm", email="nina@a.dk")
    return auth.get_user_by_id(database, uid)


def accept_page(token: str | None):
    at = app_as(None, page="pages/accept_invitation.py")
    if token is not None:
        at.query_params["token"] = token
    return at.run()


def test_a_valid_invitation_sets_the_password(database, nina):
    token = invitations.create(database, nina.id)
    at = accept_page(token)
    assert not at.exception
    assert "Welcome to the programme in digital leadership, Nina Holm." in page_text(at)
    at.text_input(key="invite_password").input("ny-kode-123")
    at.text_input(key="invite_repeat").input("ny-kode-123")
    at.button[0].click().run()
    assert not at.exception
    assert "Your password is saved, Nina Holm. You can now log in." in [s.value for s in at.success]
    assert auth.check_password("ny-kode-123", auth.get_user(database, "nina").password_hash)

    again = accept_page(token)
    assert "This invitation link has already been used. Log in with the password you chose." in [
        e.value for e in again.error
    ]
    assert not again.text_input


def test_password_rules_and_bad_links_are_explained(database, nina):
    token = invitations.create(database, nina.id)
    at = accept_page(token)
    at.text_input(key="invite_password").input("ny-kode-123")
    at.text_input(key="invite_repeat").input("ny-kode-124")
    at.button[0].click().run()
    assert "The two passwords are not the same." in [e.value for e in at.error]
    assert auth.get_user(database, "nina").password_hash is None
    assert "not valid" in accept_page("forged").error[0].value
    assert "Open the personal link" in accept_page(None).info[0].value
    invitations.create(database, nina.id)  # replaces the first link
    assert "expired or has been replaced" in accept_page(token).error[0].value


def test_a_logged_out_visitor_reaches_the_page_through_the_app(database, nina):
    token = invitations.create(database, nina.id)
    at = app_as(None).run()
    at.query_params["token"] = token
    at.switch_page("pages/accept_invitation.py").run()
    assert not at.exception
    assert "Nina Holm" in page_text(at)
