"""digled.content.mail_texts: the texts of digled's e-mails (data/reminders.yaml), checked when
loaded: every kind of reminder, the digest, the service check's messages and the shared greeting,
sign-off and footer, in Danish and English, with only known placeholders. A broken file is named
with its entry. (The reminders' own test of a broken text is in tests/programme/test_reminder_sending.py.)"""

import pytest

from digled.content import mail_texts
from digled.content.loader import ContentError
from digled.platform.config import DATA_DIR

SOURCE = (DATA_DIR / "reminders.yaml").read_text(encoding="utf-8")


def _load(tmp_path, text):
    path = tmp_path / "reminders.yaml"
    path.write_text(text, encoding="utf-8")
    return mail_texts.load_texts(path)


def test_every_text_is_there_in_both_languages():
    t = mail_texts.load_texts()
    assert set(t.kinds) == set(mail_texts.KINDS)
    assert all(set(fields) == {"subject", "body", "button"} for fields in t.kinds.values())
    assert set(t.common) == {"programme", "extra_assessment", "followup_3", "followup_6", "greeting", "sign_off", "footer",
                             "footer_general"}
    assert set(t.digest) == {"subject", "intro"}
    assert {"summary", "no_place", "booked", "cancelled"} == set(t.service)
    for text in [*t.common.values(), *t.digest.values(), *(f for k in t.kinds.values() for f in k.values())]:
        assert set(text) == {"da", "en"} and all(text.values())


def test_every_placeholder_is_a_known_one():
    sample = {p: "x" for p in mail_texts.PLACEHOLDERS}
    t = mail_texts.load_texts()
    for kind in t.kinds.values():
        for text in kind.values():
            for s in text.values():
                s.format(**sample)


def test_the_texts_are_read_once():
    mail_texts.texts.cache_clear()
    assert mail_texts.texts() is mail_texts.texts()


def test_an_unknown_placeholder_is_named_with_its_entry_and_language(tmp_path):
    with pytest.raises(ContentError, match=r"reminders.yaml: kinds: film: subject: the da text has an unknown or broken placeholder"):
        _load(tmp_path, SOURCE.replace("Ny film i forløbet: {activity}", "Ny film: {film}"))


def test_a_broken_placeholder_is_named(tmp_path):
    with pytest.raises(ContentError, match="broken placeholder"):
        _load(tmp_path, SOURCE.replace("Ny film i forløbet: {activity}", "Ny film i forløbet: {activity"))


def test_a_missing_kind_is_named(tmp_path):
    text = SOURCE.replace("\n  workshop:", "\n  workshop_renamed:", 1)
    assert text != SOURCE
    with pytest.raises(ContentError, match="kinds: workshop"):
        _load(tmp_path, text)


from digled.platform import config


def test_a_broken_text_file_is_named(tmp_path):
    source = (config.DATA_DIR / "reminders.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "reminders.yaml"
    broken.write_text(source.replace("Ny film i forløbet: {activity}", "Ny film: {film}"), encoding="utf-8")
    with pytest.raises(ContentError, match=r"reminders.yaml: kinds: film: subject: the da text has an unknown"):
        mail_texts.load_texts(broken)
    assert mail_texts.load_texts().kinds.keys() == set(mail_texts.KINDS)
