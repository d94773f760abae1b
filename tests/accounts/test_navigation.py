"""digled.accounts.navigation: who may see which page. A page is reachable only when one of its
roles is among the user's; None means every logged-in user; every page file has one spec."""

from pathlib import Path

import pytest

from digled.accounts import navigation

ROOT = Path(__file__).resolve().parents[2]


def test_every_page_file_has_one_spec_and_every_spec_a_file():
    files = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    specs = [p.path for p in navigation.PAGES]
    assert len(specs) == len(set(specs)) and set(specs) == files


@pytest.mark.parametrize("roles, some, none", [
    (("leader",), "pages/my_results.py", "pages/admin_setup.py"),
    (("management",), "pages/management_participation.py", "pages/assessment.py"),
    (("admin",), "pages/admin_data.py", "pages/management_competences.py"),
])
def test_a_role_sees_its_own_pages_and_the_common_ones_only(roles, some, none):
    paths = [p.path for p in navigation.pages_for(roles)]
    assert some in paths and none not in paths
    assert {"pages/account.py", "pages/privacy.py"} <= set(paths)


def test_no_role_sees_only_the_pages_for_everyone():
    assert {p.path for p in navigation.pages_for(())} == {p.path for p in navigation.PAGES if p.roles is None}


def test_two_roles_see_both_in_menu_order():
    both = navigation.pages_for(["leader", "admin"])
    order = [p.path for p in navigation.PAGES]
    assert [order.index(p.path) for p in both] == sorted(order.index(p.path) for p in both)
    assert navigation.allowed(navigation.spec_for("pages/admin_setup.py"), ["leader", "admin"])
    assert not navigation.allowed(navigation.spec_for("pages/admin_setup.py"), ["leader", "management"])


def test_the_url_path_is_not_the_file_name():
    spec = navigation.spec_for("/anywhere/pages/admin_setup.py")  # by file name
    assert spec.url_path == "admin-setup" and spec.title == "Get started"


def test_an_unknown_page_is_named_in_the_error():
    with pytest.raises(KeyError, match="nothing.py is not in digled.accounts.navigation.PAGES"):
        navigation.spec_for("pages/nothing.py")


def test_only_the_public_pages_open_to_visitors_and_the_invitation_is_not_in_the_menu():
    assert {p.path for p in navigation.PAGES if p.public} == {
        "pages/accessibility.py", "pages/privacy.py", "pages/accept_invitation.py"}
    assert [p.path for p in navigation.PAGES if not p.in_menu] == ["pages/accept_invitation.py"]
