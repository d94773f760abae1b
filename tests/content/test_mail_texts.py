"""The e-mail texts (data/reminders.yaml, mail_texts.load_texts): checked when loaded, a broken
placeholder named with its file and entry."""

from __future__ import annotations

import pytest

from digled.content import mail_texts
from digled.content.loader import ContentError
from digled.platform import config


def test_a_broken_text_file_is_named(tmp_path):
    source = (config.DATA_DIR / "reminders.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "reminders.yaml"
    broken.write_text(source.replace("Ny film i forløbet: {activity}", "Ny film: {film}"), encoding="utf-8")
    with pytest.raises(ContentError, match=r"reminders.yaml: kinds: film: subject: the da text has an unknown"):
        mail_texts.load_texts(broken)
    assert mail_texts.load_texts().kinds.keys() == set(mail_texts.KINDS)
