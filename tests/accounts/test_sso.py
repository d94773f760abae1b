"""digled.accounts.sso: mapping a verified identity from the municipality's provider to an
account. A clean, verified e-mail claim and a usable issuer and subject are needed; a known
identity logs in only its bound account; a new identity binds to the one active account with that
address that is bound to no other; administrators are kept off unless the operator allows them;
every refusal is audited; nothing is created but the binding. (The attacks are in
tests/security/test_sso.py and test_sso_identity.py.)"""

import pytest

from digled.accounts import auth, identities, sso
from digled.platform import audit

ISS = "https://login.kommune.dk"
STRONG = "Qm7ZkP2vXc9LrT4wNf8BhJ3sGd6YaE1u-sso-cookie-secret"


def _claims(email="lea@albertslund.dk", sub="sub-lea", **kw):
    return {"email": email, "email_verified": True, "iss": ISS, "sub": sub} | kw


@pytest.fixture
def lea(database):
    return auth.get_user_by_id(database, auth.create_user(database, username="lea", name="Lea Dam", email="Lea@Albertslund.dk"))


def test_a_first_login_binds_the_account_with_that_address_and_counts_it(database, lea):
    out = sso.map_identity(database, _claims())
    assert out.user.id == lea.id and out.error is None and out.reason == "ok"
    assert sso.identity_of(database, lea.id) == (ISS, "sub-lea") and sso.bound_account(database, ISS, "sub-lea") == lea.id
    assert identities.counted(database, lea.id) and out.user.activated_at is not None
    assert [r["action"] for r in audit.recent(database)][:2] == ["log in with single sign-on", "single sign-on identity bound"]


def test_a_known_identity_logs_in_its_account_whatever_address_it_sends_now(database, lea):
    sso.map_identity(database, _claims())
    auth.create_user(database, username="ole", name="Ole", email="ole@albertslund.dk")
    out = sso.map_identity(database, _claims(email="ole@albertslund.dk"))
    assert out.user.id == lea.id
    assert "(the account's address is Lea@Albertslund.dk)" in audit.recent(database)[0]["detail"]


@pytest.mark.parametrize("claims, error, reason", [
    ({"email": ""}, sso.NOT_VERIFIED, "no e-mail address"),
    ({"email": " lea@albertslund.dk"}, sso.NOT_USABLE, "e-mail claim is not a clean address"),
    ({"email_verified": False}, sso.NOT_VERIFIED, "e-mail address not verified"),
    ({"email_verified": "yes"}, sso.NOT_VERIFIED, "e-mail address not verified"),
    ({"sub": ""}, sso.NOT_USABLE, "no usable issuer and subject"),
    ({"iss": " " + ISS}, sso.NOT_USABLE, "no usable issuer and subject"),
    ({"sub": "x" * 256}, sso.NOT_USABLE, "no usable issuer and subject"),
    ({"email": "nobody@albertslund.dk"}, sso.NOT_REGISTERED, "no account with this e-mail address"),
])
def test_a_refusal_says_why_and_is_audited(database, lea, claims, error, reason):
    out = sso.map_identity(database, _claims() | claims)
    assert out == sso.Outcome(None, error, reason)
    assert audit.recent(database)[0]["action"] == "single sign-on refused" and reason in audit.recent(database)[0]["detail"]
    assert sso.identity_of(database, lea.id) is None


def test_email_verified_as_the_string_true_counts(database, lea):
    assert sso.map_identity(database, _claims(email_verified=" TRUE ")).user.id == lea.id


def test_an_account_bound_elsewhere_a_deactivated_one_and_shared_addresses_are_refused(database, lea):
    sso.map_identity(database, _claims())
    assert sso.map_identity(database, _claims(sub="someone-else")).error == sso.LINKED_ELSEWHERE
    database.execute("UPDATE users SET active = 0 WHERE id = ?", [lea.id])
    assert sso.map_identity(database, _claims()).reason == "account deactivated"
    for name in ("a", "b"):
        auth.create_user(database, username=name, name=name.upper(), email="shared@albertslund.dk")
    assert sso.map_identity(database, _claims(email="shared@albertslund.dk", sub="s")).reason == \
        "several accounts with this e-mail address"


def test_administrators_are_kept_off_unless_allowed(database):
    auth.create_user(database, username="anne", name="Anne", email="anne@albertslund.dk", roles=["admin"])
    assert sso.map_identity(database, _claims(email="anne@albertslund.dk", sub="a")).error == sso.ADMINS_OFF
    assert sso.map_identity(database, _claims(email="anne@albertslund.dk", sub="a"), exclude_admins=False).user.username == "anne"


def test_unbinding_lets_the_next_login_bind_afresh(database, lea):
    sso.map_identity(database, _claims())
    assert sso.unbind(database, "lea", "operator") is True
    assert sso.identity_of(database, lea.id) is None and audit.recent(database)[0]["action"] == "single sign-on identity unbound"
    assert sso.unbind(database, "lea", "operator") is False and sso.unbind(database, "ghost", "operator") is False
    assert sso.map_identity(database, _claims(sub="new-sub")).user.id == lea.id


def test_the_auth_section_switches_sso_on_only_when_complete_and_strong():
    full = {"redirect_uri": "https://digled.dk/oauth2callback", "cookie_secret": STRONG, "client_id": "digled",
            "client_secret": "x", "server_metadata_url": ISS + "/.well-known/openid-configuration"}
    assert sso.problem(full) is None and sso.missing_settings(full) == []
    assert sso.problem(None) == "no [auth] section in secrets.toml"
    assert sso.missing_settings({}) == ["redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"]
    assert sso.problem(full | {"client_id": ""}) == "[auth] in secrets.toml lacks client_id"
    assert sso.problem(full | {"cookie_secret": "secret"}).startswith("[auth] cookie_secret is too weak (")
