"""digled.accounts.notices: short messages a user is told at their next login until they confirm
them; a message id with its parameters, shown in the reader's language, a `date` as the reader's day."""

import pytest

from digled.accounts import auth, notices
from digled.platform import i18n


@pytest.fixture
def lea(database):
    return auth.get_user_by_id(database, auth.create_user(database, username="lea", name="Lea Dam", email="lea@x.dk"))


@pytest.fixture
def anne(database):
    return auth.get_user_by_id(database, auth.create_user(database, username="anne", name="Anne Holm", email="anne@x.dk"))


# moved from tests/accounts/test_impersonation.py (the account there was activated; a notice does not ask)
def test_notices_are_the_users_own_and_are_marked_seen(database, lea, anne):
    notices.add(database, lea.id, "Hello {name}", name="Lea")
    [n] = notices.unseen(database, lea.id)
    assert n.text() == "Hello Lea" and notices.unseen(database, anne.id) == []
    notices.mark_seen(database, anne.id, [n.id])  # not anne's: nothing happens
    assert notices.unseen(database, lea.id) == [n]
    notices.mark_seen(database, lea.id, [n.id])
    assert notices.unseen(database, lea.id) == []


def test_unseen_notices_come_oldest_first_with_their_parameters(database, lea):
    notices.add(database, lea.id, "first")
    notices.add(database, lea.id, "Your e-mail address is now {email}.", email="lea@nyt.dk")
    first, second = notices.unseen(database, lea.id)
    assert (first.message, first.params) == ("first", {})
    assert second.params == {"email": "lea@nyt.dk"} and second.id > first.id
    assert second.created_at.endswith("+00:00")


def test_a_notice_is_translated_and_its_date_written_as_the_readers_day(database, lea):
    notices.add(database, lea.id, "Your password was changed on {date}.", date="2026-12-07T10:00:00")
    [n] = notices.unseen(database, lea.id)
    assert n.text() == "Your password was changed on 2026-12-07T10:00:00."  # no language: as stored
    assert n.text(lang="en") == "Your password was changed on 7 December 2026."
    assert n.text(lambda m: m.replace("Your password", "Din adgangskode"), "da").endswith("7. december 2026.")
    assert n.text(i18n.translator("en"), "en") == "Your password was changed on 7 December 2026."


def test_a_date_that_is_no_day_is_shown_as_it_is(database, lea):
    notices.add(database, lea.id, "On {date}.", date="soon")
    assert notices.unseen(database, lea.id)[0].text(lang="da") == "On soon."


def test_marking_seen_twice_keeps_the_first_time(database, lea):
    notices.add(database, lea.id, "x")
    [n] = notices.unseen(database, lea.id)
    notices.mark_seen(database, lea.id, [n.id])
    first = database.execute("SELECT seen_at FROM notices").fetchone()[0]
    notices.mark_seen(database, lea.id, [n.id, 999])
    assert database.execute("SELECT seen_at FROM notices").fetchone()[0] == first
