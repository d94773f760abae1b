"""Issue 14, item 1: a participant's name can never change who an e-mail goes to.

Python's e-mail policy drops the quotes when it folds a long display name, so a name like
`Ep <attacker@probe.invalid>` + 55 letters used to yield an .eml addressed only to the attacker.
Every mail digled writes now builds its addresses with `email.headerregistry.Address` from a
validated address, with the name reduced to a safe display form, and the mailer refuses a
message whose written-out recipients differ from the intended ones."""

from __future__ import annotations

from datetime import date
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formataddr, getaddresses

import pytest

from digled.accounts import auth, impersonation
from digled.platform import mailer
from digled.platform.validation import display_name
from digled.programme import invitation_sending, reminder_messages

VICTIM = "victim@kommune.dk"
ATTACK = "Ep <attacker@probe.invalid>" + "a" * 55  # the exact probe


@pytest.fixture(autouse=True)
def _outbox(monkeypatch, tmp_path):
    """Outbox mode (no SMTP from the surroundings): every message becomes an .eml file."""
    for var in ("DIGLED_SMTP_HOST", "DIGLED_SMTP_PORT", "DIGLED_SMTP_USER", "DIGLED_SMTP_PASSWORD",
                "DIGLED_SMTP_FROM", "DIGLED_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DIGLED_OUTBOX", str(tmp_path / "outbox"))


def recipients(raw: bytes) -> list[str]:
    """The addresses a mail program reads from the To, Cc and Bcc headers of an .eml."""
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    values = [str(v) for h in ("To", "Cc", "Bcc") for v in msg.get_all(h, [])]
    return [addr for _, addr in getaddresses(values)]


def structured(raw: bytes) -> list[str]:
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    return [a.addr_spec for h in ("To", "Cc", "Bcc") for v in msg.get_all(h, []) for a in v.addresses]


def the_eml(tmp_path) -> bytes:
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1, files
    return files[0].read_bytes()


def test_the_probe_really_rewrote_the_recipient_before():
    """The attack as it worked: the old way (formataddr) is addressed to the attacker only."""
    msg = EmailMessage()
    msg["To"] = formataddr((ATTACK, VICTIM))
    msg.set_content("x")
    assert recipients(msg.as_bytes()) == ["attacker@probe.invalid"]
    with pytest.raises(mailer.MailError):  # the mailer's last check refuses such a message
        mailer.check_recipients(msg)


def test_the_invitation_of_a_participant_named_as_the_probe_goes_only_to_the_victim(database, settings, tmp_path):
    # stored directly, as a name from before the name rule would be (the form and import refuse it now)
    uid = auth.create_user(database, username="ep", name=ATTACK, email=VICTIM)
    [done] = invitation_sending.invite(database, settings, [uid], "admin", today=date(2026, 12, 1))
    assert done.error is None, done.error
    raw = the_eml(tmp_path)
    assert recipients(raw) == [VICTIM]
    assert structured(raw) == [VICTIM]
    assert b"attacker@probe.invalid" not in raw.split(b"\n\n", 1)[0]  # not in any header
    # the mailer's own reading agrees, and the display name is the reduced one
    to = BytesParser(policy=policy.default).parsebytes(raw)["To"].addresses[0]
    assert to.display_name == "Ep attackerprobe.invalid" + "a" * 55
    assert to.addr_spec == VICTIM


def test_a_reminder_and_a_password_reset_go_only_to_the_victim(database, settings, tmp_path):
    uid = auth.create_user(database, username="ep", name=ATTACK, email=VICTIM, password_hash="x",
                           activated_at="2026-11-01")
    user = auth.get_user_by_id(database, uid)
    reminder = reminder_messages.Reminder("film:ep:film1", user, "film", "film1", "s", "https://x.dk/films",
                                  {"name": user.name, "activity": "Film"})
    with mailer.Mailer(mailer.load(settings)) as m:
        m.send(reminder_messages.compose(reminder), name="reminder")
    assert recipients(the_eml(tmp_path)) == [VICTIM]
    for f in (tmp_path / "outbox").glob("*.eml"):
        f.unlink()
    sent = impersonation.request_reset(database, settings, uid, "admin")
    assert sent.email == VICTIM
    assert recipients(the_eml(tmp_path)) == [VICTIM]
    assert "attacker@probe.invalid" not in reminder_messages.preview(reminder).split("\n", 1)[0]


HOSTILE = [
    ATTACK,
    "Ep <attacker@probe.invalid>",
    '"Ep" <attacker@probe.invalid>, ' + "b" * 60,
    "a" * 70 + " <attacker@probe.invalid>",
    "x, attacker@probe.invalid",
    "Ep\r\nBcc: attacker@probe.invalid",
    "=?utf-8?q?attacker=40probe.invalid?= " + "c" * 60,
    "Æblegård Østergaard-Jørgensen <attacker@probe.invalid>" + "ø" * 60,
    "attacker@probe.invalid",
    "(comment) <attacker@probe.invalid>;" + "d" * 80,
    "<>@,;:\\\".[]",
    "",
]


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("header", ["To", "Cc"])
def test_no_name_changes_the_recipient(name, header):
    msg = EmailMessage()
    msg["Subject"] = "Invitation"
    msg[header] = mailer.address(name, VICTIM)
    msg.set_content("x")
    mailer.check_recipients(msg)
    assert recipients(msg.as_bytes()) == [VICTIM] == structured(msg.as_bytes())


def test_the_display_name_keeps_danish_letters_and_allowed_punctuation():
    assert display_name("Søren O'Brien-Æbelø Jr.") == "Søren O'Brien-Æbelø Jr."
    assert display_name("Ep <attacker@probe.invalid>") == "Ep attackerprobe.invalid"
    assert display_name("<>@") == ""
    addr = mailer.address("Søren Ærø", VICTIM)
    assert (addr.display_name, addr.addr_spec) == ("Søren Ærø", VICTIM)


def test_only_a_valid_address_becomes_a_recipient():
    for bad in ("", "no-at-sign", "a@b", "victim@kommune.dk>, attacker@probe.invalid", "a b@c.dk"):
        with pytest.raises(mailer.MailError):
            mailer.address("Lea", bad)


def test_the_configured_sender_is_an_address_too():
    assert str(mailer.sender_address("Digital ledelse <forloeb@test.digled.dk>")) == (
        "Digital ledelse <forloeb@test.digled.dk>")
    assert mailer.sender_address("noreply@localhost").addr_spec == "noreply@localhost"
    with pytest.raises(mailer.MailError):
        mailer.sender_address("not an address")


LONG_GOOD = ["Anne-Marie O'Brien Jr. " * 4, "J. " * 30, "Søren Ærø-Åberg " * 6 + "P.", "李小龙 " * 30]


@pytest.mark.parametrize("name", LONG_GOOD)
def test_long_allowed_names_fold_without_changing_the_recipient(name):
    msg = EmailMessage()
    msg["To"] = mailer.address(name, VICTIM)
    msg.set_content("x")
    assert recipients(msg.as_bytes()) == [VICTIM] == structured(msg.as_bytes())


def test_any_text_as_a_name_keeps_the_recipient():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    alphabet = st.sampled_from(list('<>@,;:"\\()[]. \'-=?_\t\r\naæøÅ李é') + ["attacker@probe.invalid"])

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(alphabet, max_size=60).map("".join))
    def check(name):
        msg = EmailMessage()
        msg["To"] = mailer.address(name, VICTIM)
        msg.set_content("x")
        mailer.check_recipients(msg)
        assert recipients(msg.as_bytes()) == [VICTIM]

    check()
