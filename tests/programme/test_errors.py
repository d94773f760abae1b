"""digled.programme.errors: the one base class of the programme's refusals, a translatable message."""

from __future__ import annotations

from digled.platform.i18n import MessageError, translator
from digled.programme import attendance, first_run, journey, kickoff, leader_groups, schedule, service, workshops
from digled.programme.errors import ProgrammeError


def test_every_programme_refusal_a_page_shows_is_a_programme_error():
    refusals = [cls for module in (journey, attendance, schedule, service, leader_groups, workshops, first_run, kickoff)
                for cls in vars(module).values()
                if isinstance(cls, type) and issubclass(cls, MessageError) and cls.__module__ == module.__name__]
    assert refusals, "the programme modules define their refusals"
    assert all(issubclass(cls, ProgrammeError) for cls in refusals), refusals
    assert issubclass(ProgrammeError, MessageError)


def test_a_refusal_reads_in_the_users_language_and_in_english():
    e = ProgrammeError("you cannot deactivate your own account")
    assert str(e) == "you cannot deactivate your own account"
    assert e.text(translator("da")) == translator("da")("you cannot deactivate your own account")
    assert e.text(translator("da")) != str(e)
