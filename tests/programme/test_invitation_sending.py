"""Invitations: `python -m digled invite` prints a working personal link."""

from __future__ import annotations

import pytest

from digled import cli
from digled.accounts import invitations

pytestmark = pytest.mark.usefixtures("films_online", "no_real_mail")


def test_cli_invite_prints_a_working_link(database, cohort, capsys):
    assert cli.main(["invite", "nina"]) == 0
    link = capsys.readouterr().out.strip()
    assert link.startswith("http://localhost:8501/accept-invitation?token=")
    assert invitations.verify(database, link.split("token=")[1]).user.username == "nina"
    assert cli.main(["invite", "nobody"]) == 1
