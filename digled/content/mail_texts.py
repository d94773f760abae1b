"""The texts of digled's e-mails (data/reminders.yaml), checked when loaded: every kind of
reminder, the daily digest, the service check's messages, and the greeting, sign-off and footer
every e-mail shares. Programme e-mails (digled.programme.reminder_messages) and account e-mails
(digled.accounts.impersonation) both write with them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from digled.content.loader import _Checker, read_yaml
from digled.platform.config import DATA_DIR

KINDS = ("invitation", "assessment", "followup", "draft", "film", "film_due", "meeting", "workshop", "service_check",
         "service_check_soon")
PLACEHOLDERS = ("name", "activity", "opens", "due", "date", "when", "place", "programme", "expires", "count")


@dataclass(frozen=True)
class Texts:
    """The validated contents of data/reminders.yaml."""

    common: dict[str, dict[str, str]]  # programme, extra_assessment, followup_3/_6, greeting, sign_off, footer, footer_general
    kinds: dict[str, dict[str, dict[str, str]]]  # kind -> subject/body/button -> lang -> text
    digest: dict[str, dict[str, str]]  # subject, intro
    service: dict[str, dict]  # summary, no_place, booked/cancelled -> subject/body/button


def load_texts(path: Path | None = None) -> Texts:
    """Read and check data/reminders.yaml; raise ContentError naming the file and entry."""
    path = path or DATA_DIR / "reminders.yaml"
    c = _Checker(path)
    data = read_yaml(path)
    sample = {p: "x" for p in PLACEHOLDERS}

    def checked(value, entry: str) -> dict[str, str]:
        text = c.text(value, entry)
        for lang, s in text.items():
            try:
                s.format(**sample)
            except (KeyError, IndexError, ValueError) as e:
                c.fail(entry, f"the {lang} text has an unknown or broken placeholder: {e}")
        return text

    common = {k: checked(data.get(k), k) for k in
              ("programme", "extra_assessment", "followup_3", "followup_6", "greeting", "sign_off", "footer", "footer_general")}
    kinds_data = c.mapping(data.get("kinds"), "kinds")
    kinds = {}
    for kind in KINDS:
        entry = c.mapping(kinds_data.get(kind), f"kinds: {kind}")
        kinds[kind] = {f: checked(entry.get(f), f"kinds: {kind}: {f}") for f in ("subject", "body", "button")}
    digest_data = c.mapping(data.get("digest"), "digest")
    digest = {f: checked(digest_data.get(f), f"digest: {f}") for f in ("subject", "intro")}
    service_data = c.mapping(data.get("service"), "service")
    service = {f: checked(service_data.get(f), f"service: {f}") for f in ("summary", "no_place")}
    for action in ("booked", "cancelled"):
        entry = c.mapping(service_data.get(action), f"service: {action}")
        service[action] = {f: checked(entry.get(f), f"service: {action}: {f}") for f in ("subject", "body", "button")}
    return Texts(common, kinds, digest, service)


@lru_cache(maxsize=1)
def texts() -> Texts:
    """data/reminders.yaml, read once per process."""
    return load_texts()
