"""No impersonation and separation of duties: invitations only for never-activated accounts,
password resets by e-mail only, notices at next login, the holder's own e-mail address, and
never admin and management on one account (functions, the command line and the pages)."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from digled.accounts import auth, identities, impersonation, importer, invitations, notices, participants
from digled.platform import audit
from digled.programme import invitation_sending
from tests.apptest import app_as, page_text

LEA = {"name": "Lea Dam", "email": "lea.dam@albertslund.dk", "municipality": "Albertslund",
       "area": "dagtilbud", "level": "foersteleder", "roles": ["leader"]}


@pytest.fixture
def anne(database):
    auth.create_user(database, username="anne", name="Anne Krogh", email="anne@glostrup.dk",
                     municipality="Glostrup", area="administration", level="mellemleder", roles=["admin"],
                     password_hash=auth.hash_password("anne-password", rounds=4), activated_at="2015-11-01")
    return auth.get_user(database, "anne")


def _activated_lea(database) -> auth.User:
    user_id = participants.add(database, LEA, "anne")
    token = invitations.create(database, user_id)
    assert invitations.accept(database, token, "lea-password", "lea-password") is None
    return auth.get_user_by_id(database, user_id)


def _link_in(text: str) -> str:
    return re.search(r"https?://\S+token=\S+", text).group(0)


@pytest.fixture
def outbox(monkeypatch, tmp_path):
    for var in ("DIGLED_SMTP_HOST", "DIGLED_SMTP_USER", "DIGLED_SMTP_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DIGLED_OUTBOX", str(tmp_path / "outbox"))
    return tmp_path / "outbox"


def _mails(folder):
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("*.eml"))]


# --- invitations ---------------------------------------------------------------------------------


def test_no_invitation_for_an_activated_account(database, anne):
    lea = _activated_lea(database)
    before = database.execute("SELECT COUNT(*) FROM invitations").fetchone()[0]
    with pytest.raises(invitations.InvitationRefused, match="already activated"):
        invitations.create(database, lea.id)
    with pytest.raises(invitations.InvitationRefused):
        invitations.create(database, anne.id)  # a password set on the command line counts too
    assert database.execute("SELECT COUNT(*) FROM invitations").fetchone()[0] == before
    assert lea.id not in {u.id for u in invitations.pending(database)}


def test_an_invitation_made_before_activation_stops_working(database, anne):
    user_id = participants.add(database, LEA, "anne")
    token = invitations.create(database, user_id)
    auth.set_password(database, "lea.dam", "lea-password")  # activated another way
    assert invitations.verify(database, token).reason == "activated"
    assert invitations.accept(database, token, "taken-over-1", "taken-over-1") == invitations.REASONS["activated"]
    assert auth.check_password("lea-password", auth.get_user_by_id(database, user_id).password_hash)


def test_a_reset_token_exists_only_for_an_activated_account(database, anne):
    user_id = participants.add(database, LEA, "anne")
    with pytest.raises(invitations.InvitationRefused, match="not activated"):
        invitations.create(database, user_id, purpose="reset")


def test_a_reset_sets_a_new_password_and_leaves_a_notice(database, anne):
    lea = _activated_lea(database)
    token = invitations.create(database, lea.id, purpose="reset", actor="anne")
    assert invitations.verify(database, token).purpose == "reset"
    assert invitations.accept(database, token, "new-password-1", "new-password-1") is None
    assert auth.check_password("new-password-1", auth.get_user_by_id(database, lea.id).password_hash)
    [notice] = notices.unseen(database, lea.id)
    assert notice.message == invitations.PASSWORD_CHANGED and "was changed on" in notice.text()
    actions = [(e["actor"], e["action"]) for e in audit.recent(database)]
    assert ("anne", "send password reset") in actions and ("lea.dam", "reset password") in actions


def test_reminders_invite_refuses_activated_accounts_and_shows_links_only_when_not_mailed(database, anne, settings, outbox):
    lea = _activated_lea(database)
    nina = participants.add(database, dict(LEA, name="Nina Holm", email="nina@a.dk"), "anne")
    boss = participants.add(database, dict(LEA, name="Bo Boss", email="bo@a.dk", roles=["management"]), "anne")
    mailed = {i.user.username: i for i in invitation_sending.invite(database, settings, [lea.id, nina, boss], "anne")}
    assert mailed["lea.dam"] == invitation_sending.Invited(mailed["lea.dam"].user, "", invitations.ACTIVATED)
    assert mailed["nina"].link == "" and mailed["nina"].error is None
    assert mailed["bo"].link == "" and mailed["bo"].error is None
    assert {m["To"].addresses[0].addr_spec for m in _mails(outbox)} == {"nina@a.dk", "bo@a.dk"}
    by_hand = {i.user.username: i for i in invitation_sending.invite(database, settings, [nina, boss], "anne", send=False)}
    assert "token=" in by_hand["nina"].link and invitations.link_was_shown(database, nina)
    assert by_hand["bo"].link == "" and by_hand["bo"].error == invitation_sending.BY_EMAIL_ONLY
    assert not invitations.link_was_shown(database, boss)


# --- password resets and notices --------------------------------------------------------------------


def test_a_password_reset_goes_only_to_the_leaders_address(database, anne, settings, smtp_server):
    lea = _activated_lea(database)
    sent = participants.send_password_reset(database, settings, lea.id, "anne")
    assert sent.via_smtp and sent.email == LEA["email"] and "token" not in repr(sent)
    [msg] = smtp_server.messages
    assert msg["To"].addresses[0].addr_spec == LEA["email"]
    link = _link_in(msg.get_body(("plain",)).get_content())
    assert link not in str(audit.recent(database))
    assert invitations.verify(database, link.split("token=")[1]).purpose == "reset"
    assert "sent a link to choose a new password" in notices.unseen(database, lea.id)[0].text()


def test_without_smtp_the_reset_goes_to_the_outbox_and_the_leader_is_told(database, anne, settings, outbox):
    lea = _activated_lea(database)
    sent = participants.send_password_reset(database, settings, lea.id, "anne")
    assert not sent.via_smtp and sent.delivered_to.startswith(str(outbox))
    [msg] = _mails(outbox)
    assert msg["To"].addresses[0].addr_spec == LEA["email"]
    assert "No mail server is set up" in notices.unseen(database, lea.id)[0].text()


def test_a_reset_is_refused_for_a_new_or_deactivated_account_or_one_without_address(database, anne, settings, outbox):
    new = participants.add(database, dict(LEA, email="new@a.dk"), "anne")
    with pytest.raises(participants.InvalidParticipant) as e:
        participants.send_password_reset(database, settings, new, "anne")
    assert e.value.problems[0].message == invitations.NOT_ACTIVATED
    lea = _activated_lea(database)
    participants.set_active(database, lea.id, False, "anne")
    with pytest.raises(participants.InvalidParticipant) as e:
        participants.send_password_reset(database, settings, lea.id, "anne")
    assert e.value.problems[0].field == "active"
    auth.create_user(database, username="noaddr", name="No Address", password_hash="x")
    with pytest.raises(participants.InvalidParticipant) as e:
        participants.send_password_reset(database, settings, auth.get_user(database, "noaddr").id, "anne")
    assert e.value.problems[0].message == impersonation.NO_EMAIL
    assert _mails(outbox) == []


def test_the_leader_is_mailed_when_the_password_changes(database, anne, settings, smtp_server):
    lea = _activated_lea(database)
    assert impersonation.tell_password_changed(database, settings, lea.id) is None
    [msg] = smtp_server.messages
    assert msg["To"].addresses[0].addr_spec == LEA["email"]
    assert "blev ændret den" in msg.get_body(("plain",)).get_content()  # in the leader's language


# --- the holder's e-mail address ---------------------------------------------------------------------


def test_only_the_holder_changes_the_address_of_an_activated_account(database, anne, settings, outbox):
    lea = _activated_lea(database)
    with pytest.raises(participants.InvalidParticipant) as e:
        participants.update(database, lea.id, dict(LEA, email="anne.private@x.dk"), "anne")
    assert e.value.problems == [participants.FieldProblem("email", participants.EMAIL_IS_THE_HOLDERS)]
    with pytest.raises(impersonation.AccountError, match="current password"):
        impersonation.change_email(database, settings, "lea.dam", "wrong", "lea@new.dk")
    with pytest.raises(impersonation.AccountError) as bad:
        impersonation.change_email(database, settings, "lea.dam", "lea-password", "not-an-address")
    assert bad.value.text() == "not a valid e-mail address"
    with pytest.raises(impersonation.AccountError, match="already exists"):
        impersonation.change_email(database, settings, "lea.dam", "lea-password", "ANNE@glostrup.dk")
    assert impersonation.change_email(database, settings, "lea.dam", "lea-password", "lea@new.dk") is None
    assert auth.get_user(database, "lea.dam").email == "lea@new.dk"
    [msg] = _mails(outbox)
    assert msg["To"].addresses[0].addr_spec == LEA["email"]  # the old address is told
    assert "lea@new.dk" in notices.unseen(database, lea.id)[0].text()
    # a never-activated account's address is still the administrator's to fix
    nina = participants.add(database, dict(LEA, name="Nina", email="nina@a.dk"), "anne")
    assert participants.update(database, nina, dict(LEA, name="Nina", email="nina@b.dk"), "anne") == ["email"]


# --- separation of duties -------------------------------------------------------------------------------


def test_no_account_is_both_admin_and_management_in_any_path(database, anne, tmp_path):
    both = dict(LEA, roles=["admin", "management"])
    with pytest.raises(participants.InvalidParticipant) as e:
        participants.add(database, both, "anne")
    assert e.value.problems == [participants.FieldProblem("roles", auth.BOTH_DUTIES)]
    with pytest.raises(participants.InvalidParticipant):
        participants.update(database, anne.id, dict(LEA, email=anne.email, roles=["admin", "management"]), "anne")
    with pytest.raises(ValueError, match="both administrator and management"):
        auth.create_user(database, username="x", name="X", roles=["management", "admin"])
    data = ("navn;e-mail;kommune;fagområde;lederniveau;roller\n"
            "Ole Øst;ole@a.dk;Albertslund;skole;topleder;leder\n"
            "Bo Boss;bo@a.dk;Albertslund;skole;topleder;ledelse, admin\n").encode()
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_file(database, data, "liste.csv", "anne")
    assert [(x.line, x.column, x.message) for x in rejected.value.errors] == [(3, "roles", auth.BOTH_DUTIES)]
    assert rejected.value.errors[0].describe() == "line 3, roles: an account cannot be both administrator and management"
    assert auth.get_user(database, "ole") is None


def test_an_account_keeps_its_one_duty_for_life(database, anne):
    other = participants.add(database, dict(LEA, email="other@a.dk", roles=["admin"]), "anne")
    participants.update(database, other, dict(LEA, email="other@a.dk", roles=["leader"]), "anne")
    with pytest.raises(participants.InvalidParticipant) as e:
        participants.update(database, other, dict(LEA, email="other@a.dk", roles=["leader", "management"]), "anne")
    assert e.value.problems[0].message == auth.OTHER_DUTY["management"]
    boss = participants.add(database, dict(LEA, email="boss@a.dk", roles=["management"]), "anne")
    # asked for, not yet given: the account has the management duty already
    with pytest.raises(participants.InvalidParticipant) as e:
        participants.update(database, boss, dict(LEA, email="boss@a.dk", roles=["admin"]), "anne")
    assert e.value.problems[0].message == auth.OTHER_DUTY["admin"]
    identities.grant_by_operator(database, auth.get_user_by_id(database, boss).username)
    assert auth.get_user_by_id(database, boss).duty == "management"
    with pytest.raises(participants.InvalidParticipant) as e:
        participants.update(database, boss, dict(LEA, email="boss@a.dk", roles=["admin"]), "anne")
    assert e.value.problems[0].message == auth.OTHER_DUTY["admin"]


def test_an_account_whose_link_was_shown_never_gets_management(database, anne, settings, outbox):
    nina = participants.add(database, dict(LEA, name="Nina", email="nina@a.dk"), "anne")
    [shown] = invitation_sending.invite(database, settings, [nina], "anne", send=False)
    assert shown.link
    with pytest.raises(participants.InvalidParticipant) as e:
        participants.update(database, nina, dict(LEA, name="Nina", email="nina@a.dk", roles=["leader", "management"]), "anne")
    assert e.value.problems[0].message == participants.LINK_WAS_SHOWN
    # a leader invited by e-mail only may become management later, when a management user
    # confirms the administrator's request; the others are told of the request and of the grant
    ole = participants.add(database, dict(LEA, name="Ole", email="ole@a.dk"), "anne")
    invitation_sending.invite(database, settings, [ole], "anne")
    hr = participants.add(database, dict(LEA, name="Hanne HR", email="hr@a.dk", roles=["management"]), "anne")
    identities.grant_by_operator(database, "hr")  # the first management user: by the operator
    participants.update(database, ole, dict(LEA, name="Ole", email="ole@a.dk", roles=["leader", "management"]), "anne")
    assert auth.get_user_by_id(database, ole).roles == ("leader",)
    [asked] = notices.unseen(database, hr)
    assert "anne asked on" in asked.text() and "for Ole (ole) to get the management role" in asked.text()
    [request] = identities.pending(database)
    identities.decide(database, request["id"], "hr", grant=True)
    assert auth.get_user_by_id(database, ole).roles == ("leader", "management")


def test_the_command_line_refuses_an_invitation_for_an_activated_account(database, anne, capsys):
    from digled.cli import main

    assert main(["invite", "anne"]) == 1
    assert "already activated" in capsys.readouterr().err


# --- pages -------------------------------------------------------------------------------------------------


def _participants_page(demo_db, username: str):
    at = app_as("admin", page="pages/admin_participants.py").run()
    at.selectbox(key="participant_pick").set_value(auth.get_user(demo_db, username).id).run()
    assert not at.exception, at.exception
    return at


def test_the_participants_page_sends_a_reset_and_never_shows_a_link(demo_db, smtp_server):
    at = _participants_page(demo_db, "leder")
    assert not [b for b in at.button if b.key == "resend_invitation"]
    assert at.text_input(key=f"edit_{auth.get_user(demo_db, 'leder').id}_email").disabled
    at.button(key="send_reset").click().run()
    assert not at.exception
    assert "A link to choose a new password was e-mailed to leder\\@demo\\.digled\\.dk. The link is not shown here." in [  # escaped Markdown
        s.value for s in at.success]
    assert not at.code and "token=" not in page_text(at)
    [msg] = smtp_server.messages
    assert msg["To"].addresses[0].addr_spec == "leder@demo.digled.dk"


def test_the_participants_page_says_when_the_reset_went_to_the_outbox(demo_db, outbox):
    at = _participants_page(demo_db, "leder")
    at.button(key="send_reset").click().run()
    assert any("No SMTP server is set" in w.value and "told at next login" in w.value for w in at.warning)
    assert len(_mails(outbox)) == 1 and "token=" not in page_text(at)


def test_the_participants_page_refuses_admin_and_management_together(demo_db):
    at = app_as("admin", page="pages/admin_participants.py").run()
    at.selectbox(key="participant_pick").set_value(auth.get_user(demo_db, "admin").id).run()
    admin_id = auth.get_user(demo_db, "admin").id
    at.multiselect(key=f"edit_{admin_id}_roles").set_value(["admin", "management"])
    at.button(key="edit_submit").click().run()
    assert "roles: an account cannot be both administrator and management" in [e.value for e in at.error]
    assert auth.get_user(demo_db, "admin").roles == ("admin",)


def test_the_settings_page_downloads_a_backup_without_answers(demo_db, tmp_path, monkeypatch):
    import sqlite3

    from tests.apptest import click_download, deferred_downloads

    made = deferred_downloads(monkeypatch)
    at = app_as("admin", page="pages/admin_settings.py").run()
    assert "without the assessments, their answers" in page_text(at)
    assert "python -m digled backup" in page_text(at)
    assert not at.exception
    data = click_download(at, made, "download_backup")  # made on click (issue 14)
    path = tmp_path / "downloaded.db"
    path.write_bytes(data)
    copy = sqlite3.connect(path)
    assert copy.execute("SELECT COUNT(*) FROM assessments").fetchone()[0] == 0
    assert copy.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0
    assert copy.execute("SELECT COUNT(*) FROM users").fetchone()[0] > 0
    copy.close()


def test_notices_show_after_login_until_read(demo_db):
    lea = auth.get_user(demo_db, "leder")
    notices.add(demo_db, lea.id, invitations.PASSWORD_CHANGED, date="2026-01-02")
    at = app_as("leder").run()
    assert any("Your password was changed on 2 January 2026" in x.value for x in at.text)  # the reader's day, no ISO date
    at.button(key="notices_seen").click().run()
    assert not at.exception and not [x for x in at.text if "password was changed" in x.value]
    assert notices.unseen(demo_db, lea.id) == []


def test_the_account_page_changes_the_own_address(demo_db, outbox):
    at = app_as("leder").run()
    at.switch_page("pages/account.py").run()
    at.text_input(key="email_new").input("lea.dam@new.dk")
    at.text_input(key="email_password").input("demo")
    next(b for b in at.button if b.label == "Change e-mail address").click().run()
    assert not at.exception
    assert "Your e-mail address is changed to lea\\.dam\\@new\\.dk. Your old address was told." in [s.value for s in at.success]  # escaped Markdown
    assert auth.get_user(demo_db, "leder").email == "lea.dam@new.dk"
    assert _mails(outbox)[0]["To"].addresses[0].addr_spec == "leder@demo.digled.dk"


def test_the_accept_page_takes_a_reset_link_and_mails_the_change(demo_db, outbox):
    lea = auth.get_user(demo_db, "leder")
    token = invitations.create(demo_db, lea.id, purpose="reset")
    at = app_as(None, page="pages/accept_invitation.py")
    at.query_params["token"] = token
    at.run()
    assert "Choose a new password for your account, Lea Dam (username: leder)." in page_text(at)
    at.text_input(key="invite_password").input("ny-kode-123")
    at.text_input(key="invite_repeat").input("ny-kode-123")
    at.button[0].click().run()
    assert not at.exception
    assert auth.check_password("ny-kode-123", auth.get_user(demo_db, "leder").password_hash)
    [msg] = _mails(outbox)
    assert "blev ændret den" in msg.get_body(("plain",)).get_content()  # in the leader's language
