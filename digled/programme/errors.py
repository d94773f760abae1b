"""The programme's refusals: the one base class every programme module raises for what a page
shows to the user (journey, service check, attendance, leader groups)."""

from __future__ import annotations

from digled.platform.i18n import MessageError


class ProgrammeError(MessageError):
    """A refusal about the programme a page shows to the user (see i18n.MessageError)."""
