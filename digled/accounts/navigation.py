"""Who may see which page: the one table that app.py's menu and every page's own check read.

A page is reachable only when one of its roles is among the user's roles; `None` means every
logged-in user. Titles are message ids (translated in the UI).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from digled.platform.i18n import N_


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the project root
    title: str  # message id
    icon: str
    section: str  # message id
    roles: tuple[str, ...] | None
    public: bool = False  # also open to visitors who are not logged in
    in_menu: bool = True

    @property
    def url_path(self) -> str:
        """The file name with hyphens. Deliberately not the file name itself: until the first
        st.navigation call of a server process Streamlit still routes by pages/ file names
        (its v1 mode) and would run a page file without app.py's login gate."""
        return Path(self.path).stem.replace("_", "-")


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/leader_home.py", N_("My programme"), ":material/route:", N_("Leader"), ("leader",)),
    PageSpec("pages/assessment.py", N_("Competence assessment"), ":material/donut_large:", N_("Leader"), ("leader",)),
    PageSpec("pages/my_results.py", N_("My wheel and history"), ":material/history:", N_("Leader"), ("leader",)),
    PageSpec("pages/films.py", N_("Films and reflections"), ":material/movie:", N_("Leader"), ("leader",)),
    PageSpec("pages/meetings.py", N_("Meetings and workshops"), ":material/groups:", N_("Leader"), ("leader",)),
    PageSpec("pages/service_check.py", N_("Service check"), ":material/support_agent:", N_("Leader"), ("leader",)),
    PageSpec("pages/materials.py", N_("Kick-off and handbook"), ":material/menu_book:", N_("Leader"), ("leader",)),
    PageSpec("pages/management_participation.py", N_("Participation"), ":material/monitoring:", N_("Management"), ("management",)),
    PageSpec("pages/management_competences.py", N_("Competences"), ":material/radar:", N_("Management"), ("management",)),
    PageSpec("pages/management_cohorts.py", N_("Compare runs"), ":material/compare_arrows:", N_("Management"), ("management",)),
    PageSpec("pages/admin_setup.py", N_("Get started"), ":material/rocket_launch:", N_("Administration"), ("admin",)),
    PageSpec("pages/admin_participants.py", N_("Participants"), ":material/group:", N_("Administration"), ("admin",)),
    PageSpec("pages/admin_import.py", N_("Import participants"), ":material/upload_file:", N_("Administration"), ("admin",)),
    PageSpec("pages/admin_schedule.py", N_("Schedule and attendance"), ":material/calendar_month:", N_("Administration"), ("admin",)),
    PageSpec("pages/admin_groups.py", N_("Leader groups"), ":material/diversity_3:", N_("Administration"), ("admin",)),
    PageSpec("pages/admin_workshops.py", N_("Workshop tables"), ":material/table_restaurant:", N_("Administration"), ("admin",)),
    PageSpec("pages/admin_service.py", N_("Service check slots"), ":material/event_available:", N_("Administration"), ("admin",)),
    PageSpec("pages/admin_reminders.py", N_("Reminders and invitations"), ":material/mail:", N_("Administration"), ("admin",)),
    PageSpec("pages/admin_publications.py", N_("Publications"), ":material/publish:", N_("Administration"), ("admin",)),
    PageSpec("pages/admin_cohorts.py", N_("Runs"), ":material/event_repeat:", N_("Administration"), ("admin",)),
    PageSpec("pages/admin_settings.py", N_("Settings and backup"), ":material/settings:", N_("Administration"), ("admin",)),
    PageSpec("pages/admin_content.py", N_("Guides and videos"), ":material/smart_display:", N_("Administration"), ("admin",)),
    PageSpec("pages/admin_profiles.py", N_("Target profiles"), ":material/target:", N_("Administration"), ("admin",)),
    PageSpec("pages/admin_files.py", N_("Files and materials"), ":material/folder_open:", N_("Administration"), ("admin",)),
    PageSpec("pages/admin_data.py", N_("Data and retention"), ":material/delete_sweep:", N_("Administration"), ("admin",)),
    PageSpec("pages/account.py", N_("My account"), ":material/person:", N_("Account"), None),
    PageSpec("pages/accessibility.py", N_("Accessibility statement"), ":material/accessibility_new:", N_("Account"), None,
             public=True),
    PageSpec("pages/privacy.py", N_("Privacy"), ":material/policy:", N_("Account"), None, public=True),
    PageSpec("pages/accept_invitation.py", N_("Accept invitation"), ":material/key:", N_("Account"), None,
             public=True, in_menu=False),
)


def allowed(spec: PageSpec, roles: tuple[str, ...] | list[str]) -> bool:
    return spec.roles is None or any(r in roles for r in spec.roles)


def pages_for(roles: tuple[str, ...] | list[str]) -> list[PageSpec]:
    """The pages a user with these roles may open, in menu order."""
    return [p for p in PAGES if allowed(p, roles)]


def spec_for(path: str) -> PageSpec:
    """The PageSpec of a page file (by file name)."""
    name = Path(path).name
    for p in PAGES:
        if Path(p.path).name == name:
            return p
    raise KeyError(f"{name} is not in digled.accounts.navigation.PAGES")
