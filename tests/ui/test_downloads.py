"""digled.ui.downloads: a download is made at the click, on a connection of its own, and only for
an account that is still active and still holds the role. (The pages' downloads:
tests/content/test_uploaded_files.py, tests/security/test_demo_and_config.py.)"""

from types import SimpleNamespace

import pytest

from digled.accounts import auth
from digled.ui import downloads, session


@pytest.fixture
def lea(database, tmp_path, monkeypatch):
    monkeypatch.setattr(session, "context", lambda: SimpleNamespace(settings=SimpleNamespace(db_path=tmp_path / "digled.db")))
    auth.create_user(database, username="lea", name="Lea", email="lea@x.dk", roles=["leader"])
    database.conn.commit()
    return "lea"


def test_the_file_is_made_at_the_click_on_its_own_connection(database, lea):
    seen = []
    made = downloads.with_database(lambda d: seen.append(d) or b"file", lea, "leader")
    assert seen == []  # nothing made before the click
    assert made() == b"file"
    assert seen[0] is not database


def test_nothing_is_made_for_a_lost_role_a_deactivated_or_an_unknown_account(database, lea):
    with pytest.raises(downloads.NotAllowed):
        downloads.with_database(lambda d: b"x", lea, "admin")()
    made = downloads.with_database(lambda d: b"x", lea)
    database.execute("UPDATE users SET active = 0 WHERE username = 'lea'")
    database.conn.commit()
    with pytest.raises(downloads.NotAllowed):
        made()
    with pytest.raises(downloads.NotAllowed):
        downloads.with_database(lambda d: b"x", "ghost")()
