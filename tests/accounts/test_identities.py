"""digled.accounts.identities: identities an administrator cannot invent.

Counted leaders: an account counts in figures once activated from the municipalities' mail
domains through a link that reached the address by e-mail (an invitation never shown, or a reset)
or by single sign-on; counted once, the first moment kept. Management from management: an
administrator only asks; an active management user other than the account asked for confirms;
the operator grants on the command line; never to an administrator. (The attacks on these rules
are in tests/insight/test_attacks_release_gate.py.)"""

import pytest

from digled.accounts import auth, identities, notices
from digled.platform import audit, pseudonyms

SECRET = "s" * 40
DOMAINS = ("albertslund.dk", "glostrup.dk")


def _user(database, username, roles=("leader",), email=None):
    uid = auth.create_user(database, username=username, name=username.title(), email=email or f"{username}@albertslund.dk",
                           roles=list(roles))
    return auth.get_user_by_id(database, uid)


@pytest.mark.parametrize("email, allowed", [
    ("lea@albertslund.dk", True), ("lea@ALBERTSLUND.DK", True), ("lea@skole.glostrup.dk", True),
    ("lea@glostrup.dk.example.com", False), ("lea@notalbertslund.dk", False), ("lea", False), ("", False),
])
def test_an_address_is_in_the_municipalities_domains_or_a_subdomain(email, allowed):
    assert identities.domain_allowed(email, DOMAINS) is allowed
    assert identities.domain_allowed(email, ()) is True  # no domain set: every address


def test_the_domain_of_an_address():
    assert identities.domain_of("Lea@Sub.Albertslund.DK ") == "sub.albertslund.dk"
    assert identities.domain_of("no address") == "" and identities.domain_of(None) == ""


def test_an_account_is_counted_once_and_keeps_the_first_moment(database):
    lea = _user(database, "lea")
    assert not identities.counted(database, lea.id)
    assert identities.count(database, lea.id, "sso") is True
    first = database.execute("SELECT counted_at FROM users WHERE id = ?", [lea.id]).fetchone()[0]
    assert identities.count(database, lea.id, "reset") is False
    assert database.execute("SELECT counted_at FROM users WHERE id = ?", [lea.id]).fetchone()[0] == first
    assert identities.counted(database, lea.id) and not identities.counted(database, 999)
    with pytest.raises(ValueError, match="unknown way of counting 'guess'"):
        identities.count(database, lea.id, "guess")


def test_activation_counts_only_a_link_that_reached_the_address_in_the_domains(database):
    lea, ole, nina = _user(database, "lea"), _user(database, "ole", email="ole@gmail.com"), _user(database, "nina")
    assert identities.on_activation(database, lea, "invitation", link_shown=True, domains=DOMAINS) is False
    assert identities.on_activation(database, ole, "invitation", link_shown=False, domains=DOMAINS) is False
    assert not identities.counted(database, lea.id) and not identities.counted(database, ole.id)
    assert identities.on_activation(database, lea, "reset", link_shown=True, domains=DOMAINS) is True  # a reset is e-mailed
    assert identities.on_activation(database, nina, "invitation", link_shown=False, domains=DOMAINS) is True
    assert identities.counted(database, lea.id) and identities.counted(database, nina.id)


def test_uncounted_leaders_answers_are_left_out_and_counted_leaders_are_stated(database):
    lea, ole, _ = _user(database, "lea"), _user(database, "ole"), _user(database, "boss", roles=("management",))
    assert identities.uncounted_respondents(database, SECRET) == {pseudonyms.of_user(SECRET, lea.id),
                                                                   pseudonyms.of_user(SECRET, ole.id)}
    identities.count(database, lea.id, "invitation")
    assert identities.uncounted_respondents(database, SECRET) == {pseudonyms.of_user(SECRET, ole.id)}
    at = database.execute("SELECT counted_at FROM users WHERE id = ?", [lea.id]).fetchone()[0]
    assert identities.counted_between(database, None, at) == 1
    assert identities.counted_between(database, at, "9999") == 0
    assert identities.counted_between(database, None, "0000") == 0


# --- the management role ---------------------------------------------------------------------


def test_an_administrator_asks_and_a_management_user_confirms(database):
    hr = _user(database, "hr", roles=("leader",))
    identities.grant_by_operator(database, "hr")
    ole = _user(database, "ole")
    rid = identities.request_management(database, ole.id, "anne")
    assert identities.request_management(database, ole.id, "anne") == rid  # one open request per account
    assert identities.pending_for(database, ole.id) and [r["username"] for r in identities.pending(database)] == ["ole"]
    [told] = notices.unseen(database, hr.id)
    assert "anne asked on" in told.text() and "Ole (ole)" in told.text()
    identities.decide(database, rid, "hr", grant=True)
    assert auth.get_user_by_id(database, ole.id).roles == ("leader", "management")
    assert identities.pending(database) == [] and not identities.pending_for(database, ole.id)
    assert [r["action"] for r in audit.recent(database)][:2] == ["grant management role", "request management role"]


def test_a_refused_request_gives_no_role(database):
    _user(database, "hr")
    identities.grant_by_operator(database, "hr")
    ole = _user(database, "ole")
    rid = identities.request_management(database, ole.id, "anne")
    identities.decide(database, rid, "hr", grant=False)
    assert auth.get_user_by_id(database, ole.id).roles == ("leader",)
    assert audit.recent(database)[0]["action"] == "refuse management role"


def test_who_may_not_confirm_is_told_why(database):
    _user(database, "anne", roles=("admin",))
    _user(database, "hr")
    identities.grant_by_operator(database, "hr")
    ole = _user(database, "ole")
    rid = identities.request_management(database, ole.id, "anne")
    with pytest.raises(identities.RoleRequestError, match="Only a management user can confirm"):
        identities.decide(database, rid, "anne", grant=True)
    with pytest.raises(identities.RoleRequestError, match="Only a management user can confirm"):
        identities.decide(database, rid, "nobody", grant=True)
    identities.grant_by_operator(database, "ole")  # closes the open request as granted
    assert identities.pending(database) == []
    with pytest.raises(identities.RoleRequestError, match="already been decided"):
        identities.decide(database, rid, "hr", grant=True)
    rid = identities.request_management(database, _user(database, "kim").id, "anne")
    database.execute("UPDATE users SET roles = 'leader,management' WHERE username = 'kim'")
    with pytest.raises(identities.RoleRequestError, match="cannot confirm your own management role"):
        identities.decide(database, rid, "kim", grant=True)


def test_the_operator_grants_but_never_to_an_administrator_or_an_unknown_account(database):
    _user(database, "anne", roles=("admin",))
    with pytest.raises(identities.RoleRequestError, match="both administrator and management"):
        identities.grant_by_operator(database, "anne")
    assert "management" not in auth.get_user(database, "anne").roles
    with pytest.raises(identities.RoleRequestError, match="There is no account called ghost"):
        identities.grant_by_operator(database, "ghost")
    with pytest.raises(KeyError):
        identities.request_management(database, 999, "anne")


# --- a management account's municipality (issue 23) -------------------------------------------------


def test_the_operator_scopes_a_management_account_and_closes_an_open_request(database):
    boss = _user(database, "boss", roles=("management",))
    assert identities.scope_of(database, boss.id) is None
    identities.request_scope(database, boss.id, "Albertslund", "anne")
    identities.scope_by_operator(database, "boss", "Glostrup")
    assert identities.scope_of(database, boss.id) == "Glostrup"
    assert identities.pending_scopes(database) == []
    assert ("operator", "set management scope", "boss: Glostrup") in [(r["actor"], r["action"], r["detail"]) for r in audit.recent(database)]
    identities.scope_by_operator(database, "boss", None)
    assert identities.scope_of(database, boss.id) is None


def test_a_scope_request_names_a_known_municipality_and_replaces_the_open_one(database):
    boss = _user(database, "boss", roles=("management",))
    with pytest.raises(identities.RoleRequestError):
        identities.request_scope(database, boss.id, "Ballerup", "anne")
    with pytest.raises(identities.RoleRequestError):
        identities.scope_by_operator(database, "boss", "Ballerup")
    identities.request_scope(database, boss.id, "Albertslund", "anne")
    identities.request_scope(database, boss.id, "Glostrup", "anne")
    assert [r["scope"] for r in identities.pending_scopes(database)] == ["Glostrup"]
    assert identities.request_scope(database, boss.id, None, "anne") == 0  # it reads every municipality already
    assert identities.pending_scopes(database) == []
    assert not identities.pending_for(database, boss.id)  # a scope request is no management request


def test_a_scoped_confirmer_confirms_its_own_municipality_and_any_refusal(database):
    boss = _user(database, "boss", roles=("management",))
    _user(database, "other", roles=("management",))
    identities.scope_by_operator(database, "other", "Glostrup")
    rid = identities.request_scope(database, boss.id, "Glostrup", "anne")
    identities.decide_scope(database, rid, "other", grant=True)
    assert identities.scope_of(database, boss.id) == "Glostrup"
    rid = identities.request_scope(database, boss.id, None, "anne")
    with pytest.raises(identities.RoleRequestError):
        identities.decide_scope(database, rid, "other", grant=True)
    identities.decide_scope(database, rid, "other", grant=False)
    assert identities.scope_of(database, boss.id) == "Glostrup" and identities.pending_scopes(database) == []
