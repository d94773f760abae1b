"""Who may see which page: the one table that app.py's menu and every page's own check read.

A page is reachable only when one of its roles is among the user's roles; `None` means every
logged-in user. Titles are message ids (translated in the UI).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .i18n import N_


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the project root
    title: str  # message id
    icon: str
    section: str  # message id
    roles: tuple[str, ...] | None

    @property
    def url_path(self) -> str:
        return Path(self.path).stem.replace("_", "-")


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/leader_home.py", N_("My programme"), ":material/route:", N_("Leader"), ("leader",)),
    PageSpec("pages/assessment.py", N_("Competence assessment"), ":material/donut_large:", N_("Leader"), ("leader",)),
    PageSpec("pages/my_results.py", N_("My wheel and history"), ":material/history:", N_("Leader"), ("leader",)),
    PageSpec("pages/management_overview.py", N_("Overview"), ":material/monitoring:", N_("Management"), ("management",)),
    PageSpec("pages/admin_participants.py", N_("Participants"), ":material/group:", N_("Administration"), ("admin",)),
    PageSpec("pages/admin_settings.py", N_("Settings and backup"), ":material/settings:", N_("Administration"), ("admin",)),
    PageSpec("pages/account.py", N_("My account"), ":material/person:", N_("Account"), None),
    PageSpec("pages/accessibility.py", N_("Accessibility statement"), ":material/accessibility_new:", N_("Account"), None),
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
    raise KeyError(f"{name} is not in digled.navigation.PAGES")
