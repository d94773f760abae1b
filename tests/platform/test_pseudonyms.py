"""digled.platform.pseudonyms: an assessment row holds HMAC-SHA256(secret, user id), never the id."""

import hashlib
import hmac

import pytest

from digled.platform import pseudonyms

SECRET = "s" * 40


def test_the_pseudonym_is_the_hex_hmac_of_the_user_id():
    expected = hmac.new(SECRET.encode(), b"42", hashlib.sha256).hexdigest()
    assert pseudonyms.of_user(SECRET, 42) == expected
    assert len(expected) == 64 and "42" != expected


def test_the_same_user_gets_the_same_pseudonym_and_others_another():
    assert pseudonyms.of_user(SECRET, 7) == pseudonyms.of_user(SECRET, "7")  # an id read as text
    assert pseudonyms.of_user(SECRET, 7) != pseudonyms.of_user(SECRET, 8)
    assert pseudonyms.of_user(SECRET, 7) != pseudonyms.of_user("t" * 40, 7)  # without the secret: no link


def test_an_empty_secret_is_refused():
    for secret in ("", None):
        with pytest.raises(ValueError, match="the pseudonym secret is empty"):
            pseudonyms.of_user(secret, 1)
