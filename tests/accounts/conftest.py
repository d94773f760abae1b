"""Fixtures the accounts tests share: an administrator-leader `ole` with a known password (a cheap
bcrypt cost, so the tests stay fast)."""

from __future__ import annotations

import pytest

from digled.accounts import auth


@pytest.fixture(scope="module")
def demo_hash():
    return auth.hash_password("correct horse", rounds=4)


@pytest.fixture
def ole(database, demo_hash):
    auth.create_user(database, username="Ole", name="Ole Olsen", email="ole@x.dk", roles=["leader", "admin"],
                     password_hash=demo_hash)
    return auth.get_user(database, "ole")
