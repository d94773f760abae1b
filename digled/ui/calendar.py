"""'Add to calendar (.ics)' download buttons for programme activities and the service check.

The file is made when it is clicked (a callable passed to st.download_button), by the pure
digled.programme.calendar_files. Usage on a page (a journey Step has .activity, .opens and .due):

    from digled.ui import calendar
    calendar.ics_download(step.activity, step, t, lang, key=f"ics_{step.activity.id}")
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from digled.accounts import invitations, navigation
from digled.platform.i18n import N_, text
from digled.programme import calendar_files, journey

LABEL = N_("Add to calendar (.ics)")
HELP = N_("A calendar file for Outlook, Google Calendar or Apple Calendar. Open it to add the event.")


def item_link(activity) -> str:
    """The deep link to the activity's page, landing on the activity."""
    try:
        path = navigation.spec_for(journey.PAGE_FOR_KIND[activity.kind]).url_path
    except KeyError:
        return invitations.base_url()
    return f"{invitations.base_url()}/{path}?item={activity.id}"


def ics_download(activity, dates, t, lang: str, key: str, *, url: str | None = None,
                 width: str = "content") -> None:
    """A download button for an activity's calendar file; `dates` is anything with `.opens`
    and `.due` (a journey Step or programme.Dates)."""
    link = item_link(activity) if url is None else url
    opens, due = dates.opens, dates.due

    def make() -> bytes:
        return calendar_files.for_activity(activity, opens, due, lang, url=link)

    st.download_button(
        t(LABEL), make, file_name=calendar_files.file_name(text(activity.title, lang)),
        mime=calendar_files.MIME, key=key, icon=":material/event:", on_click="ignore",
        help=t(HELP), width=width,
    )


def service_download(booking, user_id: int, summary: str, t, lang: str, key: str) -> None:
    """A download button for the leader's booked service check (the same event, UID and
    SEQUENCE as the confirmation e-mail's attachment)."""
    slot = booking.slot
    changed = datetime.fromisoformat(booking.booked_at)

    def make() -> bytes:
        return calendar_files.service_ics(
            user_id, slot.starts_at, slot.minutes, summary, location=slot.place,
            url=invitations.base_url() + "/" + navigation.spec_for("pages/service_check.py").url_path,
            changed_at=changed, method="PUBLISH",
        )

    st.download_button(
        t(LABEL), make, file_name=calendar_files.file_name(summary), mime=calendar_files.MIME, key=key,
        icon=":material/event:", on_click="ignore", help=t(HELP),
    )
