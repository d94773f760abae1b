"""Participants: add, edit, deactivate, roles, invitations, the list with its filters."""

import re
import time

import pytest

from digled.accounts import auth, identities, invitations, participants
from digled.platform import audit, config
from digled.programme import invitation_sending

LEA = {"name": "Lea Dam", "email": "Lea.Dam@albertslund.dk", "municipality": "Albertslund",
       "area": "dagtilbud", "level": "foersteleder", "roles": ["leader"]}


def _count(db) -> int:
    return db.execute("SELECT COUNT(*) FROM users").fetchone()[0]


@pytest.fixture
def admin(database):
    auth.create_user(database, username="anne", name="Anne Krogh", email="anne@glostrup.dk",
                     municipality="Glostrup", area="administration", level="mellemleder", roles=["admin"])
    return auth.get_user(database, "anne")


def test_add_stores_ids_derives_the_username_and_is_audited(database, admin):
    raw = dict(LEA, municipality="albertslund kommune", area="Day care", level="Førstelinjeleder",
               roles=["leder", "admin"])
    user_id = participants.add(database, raw, admin.username)
    lea = auth.get_user_by_id(database, user_id)
    assert (lea.username, lea.name, lea.email) == ("lea.dam", "Lea Dam", "Lea.Dam@albertslund.dk")
    assert (lea.municipality, lea.area, lea.level, lea.roles) == ("Albertslund", "dagtilbud", "foersteleder",
                                                                  ("leader", "admin"))
    assert lea.active and lea.password_hash is None
    entry = audit.recent(database, 1)[0]
    assert (entry["actor"], entry["action"], entry["detail"]) == ("anne", "add participant", "lea.dam (leader,admin)")


def test_usernames_stay_unique_and_plain(database, admin):
    first = participants.add(database, LEA, "anne")
    second = participants.add(database, dict(LEA, email="lea.dam@glostrup.dk"), "anne")
    third = participants.add(database, dict(LEA, email="Soeren.Aeroe+x@glostrup.dk"), "anne")
    names = [auth.get_user_by_id(database, i).username for i in (first, second, third)]
    assert names == ["lea.dam", "lea.dam2", "soeren.aeroex"]
    for name in names:
        assert auth.USERNAME_RE.match(name)
    assert participants.derive_username("x@y.dk", set()) == "xuser"
    assert participants.derive_username("Søren.Ærø@y.dk", {"soeren.aeroe"}) == "soeren.aeroe2"
    assert participants.derive_username("._-+@y.dk", set()) == "user"


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"name": "  "}, "name", "missing value"),
        ({"name": "\t=cmd|' /C calc'!A0"}, "name", "looks like a spreadsheet formula (starts with = + - or @)"),
        ({"name": "x" * 101}, "name", "too long (at most {limit} characters)"),
        ({"name": "Lea\x00Dam"}, "name", "contains control characters"),
        ({"email": "lea.dam"}, "email", "not a valid e-mail address"),
        ({"email": "lea@dam@x.dk"}, "email", "not a valid e-mail address"),
        ({"email": "ANNE@glostrup.dk"}, "email", "an account with this e-mail address already exists"),
        ({"municipality": "Ballerup"}, "municipality", "unknown municipality “{value}”"),
        ({"area": None}, "area", "missing value"),
        ({"level": "chef"}, "level", "unknown leader level “{value}”"),
        ({"roles": []}, "roles", "choose at least one role"),
        ({"roles": ["leader", "king"]}, "roles", "unknown role “{value}”"),
    ],
)
def test_add_refuses_a_bad_field_and_changes_nothing(database, admin, change, field, message):
    before = _count(database)
    with pytest.raises(participants.InvalidParticipant) as e:
        participants.add(database, dict(LEA, **change), "anne")
    assert [(p.field, p.message) for p in e.value.problems] == [(field, message)]
    assert _count(database) == before
    assert audit.recent(database) == []


def test_update_changes_fields_keeps_own_email_and_refuses_anothers(database, admin):
    user_id = participants.add(database, LEA, "anne")
    assert participants.update(database, user_id, dict(LEA, area="skole", roles=["leader", "management"]), "anne") == [
        "area", "roles"]
    lea = auth.get_user_by_id(database, user_id)
    # the management role is asked for, not given: a management user or the operator grants it
    assert (lea.area, lea.roles) == ("skole", ("leader",)) and identities.pending_for(database, user_id)
    assert [(e["action"], e["detail"]) for e in audit.recent(database, 2)] == [
        ("request management role", "lea.dam"), ("edit participant", "lea.dam: area, roles (roles leader,management)")]
    with pytest.raises(participants.InvalidParticipant) as e:
        participants.update(database, user_id, dict(LEA, email="anne@glostrup.dk"), "anne")
    assert e.value.problems[0].field == "email"
    assert auth.get_user_by_id(database, user_id).email == LEA["email"]
    assert participants.update(database, user_id, dict(LEA, area="skole", roles=["leader", "management"]), "anne") == []


def test_an_admin_cannot_remove_their_own_admin_role(database, admin):
    raw = {"name": admin.name, "email": admin.email, "municipality": "Glostrup", "area": "administration",
           "level": "mellemleder", "roles": ["leader"]}
    with pytest.raises(participants.InvalidParticipant) as e:
        participants.update(database, admin.id, raw, "anne")
    assert e.value.problems[0].message == "you cannot remove your own administrator role"
    assert auth.get_user(database, "anne").roles == ("admin",)
    other = participants.add(database, dict(LEA, roles=["admin"]), "anne")
    participants.update(database, other, dict(LEA, roles=["leader"]), "anne")  # another admin's role: fine
    assert auth.get_user_by_id(database, other).roles == ("leader",)


def test_deactivation_ends_every_session_and_reactivation_restores_login(database, admin):
    user_id = participants.add(database, LEA, "anne")
    lea = auth.get_user_by_id(database, user_id)
    from digled.accounts import sessions

    session_id, ticket = sessions.begin(database, lea.id, "k" * 40)  # a login a moment ago
    sessions.redeem(database, ticket, "k" * 40)
    assert sessions.get(database, session_id).problem(lea, config.SessionPolicy()) is None
    participants.set_active(database, user_id, False, "anne")
    lea = auth.get_user_by_id(database, user_id)
    assert not lea.active and lea.sessions_valid_after > time.time() - 5
    assert sessions.get(database, session_id).problem(lea, config.SessionPolicy()) == "ended"
    assert auth.attempt_login(database, "lea.dam", "any password", None, 30).user is None
    assert audit.recent(database, 1)[0]["action"] == "deactivate participant"
    participants.set_active(database, user_id, True, "anne")
    assert auth.get_user_by_id(database, user_id).active
    assert audit.recent(database, 1)[0]["action"] == "reactivate participant"


def test_an_admin_cannot_deactivate_themselves(database, admin):
    with pytest.raises(participants.InvalidParticipant):
        participants.set_active(database, admin.id, False, "anne")
    assert auth.get_user(database, "anne").active


def test_resend_invitation_mails_a_fresh_link_and_retires_the_old(database, admin, settings, smtp_server):
    user_id = participants.add(database, LEA, "anne")
    shown, error = invitation_sending.resend_invitation(database, settings, user_id, "anne")
    assert shown == "" and error is None  # e-mailed: the link is not shown in the app
    shown, error = invitation_sending.resend_invitation(database, settings, user_id, "anne")
    assert shown == "" and error is None
    assert len(smtp_server.messages) == 2
    assert all("Lea.Dam@albertslund.dk" in m["To"] for m in smtp_server.messages)
    first, second = (re.search(r"https?://\S+token=\S+", m.get_body(("plain",)).get_content()).group(0)
                     for m in smtp_server.messages)
    assert first != second
    assert not invitations.link_was_shown(database, user_id)
    assert not invitations.verify(database, first.split("token=")[1]).ok
    assert invitations.verify(database, second.split("token=")[1]).ok
    assert "create invitation" in [e["action"] for e in audit.recent(database)]
    participants.set_active(database, user_id, False, "anne")
    with pytest.raises(participants.InvalidParticipant):
        invitation_sending.resend_invitation(database, settings, user_id, "anne")


def test_the_list_filters_and_shows_participation_per_person(demo_db):
    df = participants.participant_table(demo_db)
    assert len(df) == demo_db.execute("SELECT COUNT(*) FROM users").fetchone()[0]
    glostrup = participants.participant_table(demo_db, municipality="Glostrup")
    assert len(glostrup) and set(glostrup["municipality"]) == {"Glostrup"}
    combined = participants.participant_table(demo_db, municipality="Glostrup", area="skole", level="foersteleder")
    assert set(zip(combined["municipality"], combined["area"], combined["level"])) <= {("Glostrup", "skole", "foersteleder")}
    assert len(combined) == demo_db.execute(
        "SELECT COUNT(*) FROM users WHERE municipality='Glostrup' AND area='skole' AND level='foersteleder'").fetchone()[0]
    assert list(participants.participant_table(demo_db, role="admin")["username"]) == ["admin"]
    assert list(participants.participant_table(demo_db, search="LEA D")["username"]) == ["leder"]
    started = demo_db.execute("SELECT COUNT(*) FROM participation WHERE round='start'").fetchone()[0]
    assert df["start_taken"].notna().sum() == started > 0
    lea_id = auth.get_user(demo_db, "leder").id
    participants.set_active(demo_db, lea_id, False, "admin")
    inactive = participants.participant_table(demo_db, active=False)
    assert list(inactive["username"]) == ["leder"]
    assert "leder" not in set(participants.participant_table(demo_db, active=True)["username"])
