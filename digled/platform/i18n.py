"""The one translation layer for UI strings: standard gettext catalogues.

English is the source language (the msgids in code); Danish, the default UI language, lives in
`data/locale/da/LC_MESSAGES/digled.po`. The .po file is compiled in memory with Babel at first
use, so there is no build step and no .mo file to forget. Code marks strings with `_()` where it
translates at once and with `N_()` where it only marks a message id to translate later (domain
code returns message ids; pages translate them). Extraction: `pybabel extract -F babel.cfg
-k N_ -o data/locale/digled.pot .` then `pybabel update -i data/locale/digled.pot -d
data/locale -D digled`.

Content (items, films, feedback) is not UI text: it carries its own `{da, en}` pairs in data/.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[2] / "data" / "locale"
DOMAIN = "digled"
LANGUAGES = {"da": "Dansk", "en": "English"}
DEFAULT_LANGUAGE = "da"


def N_(message: str) -> str:
    """Mark a message id for extraction without translating it (translated where shown)."""
    return message


class MessageError(ValueError):
    """A refusal a page shows to the user: the one base class of the domain's user-facing errors
    (tests/platform/test_i18n.py lists them). `msg` is a message id (translated by the page with
    `t`), `params` fill its placeholders; str(e) is the English text (CLI, logs)."""

    def __init__(self, msg: str, **params):
        self.msg = msg
        self.params = params
        super().__init__(msg.format(**params))

    def text(self, t: Callable[[str], str] = str, **shown) -> str:
        """The message in the language of `t` (English without one); `shown` replaces params by
        their form on the page (a moment in the page's language)."""
        return t(self.msg).format(**{**self.params, **shown})


class ProblemsError(MessageError):
    """A refusal of several problems at once (a form, a list, a file): nothing was saved. Each
    problem names where it is and carries a message id with its params; a page may lay them out
    one by one. str(e) lists them in English, text(t) in the page's language."""

    SUMMARY = N_("Nothing was saved: {problems}")

    def __init__(self, problems):
        self.problems = problems
        super().__init__(self.SUMMARY, problems=self._listed(lambda s: s))

    def _each(self, t: Callable[[str], str]) -> list[str]:
        """Each problem as "where: what" in the language of `t` (a subclass says where)."""
        raise NotImplementedError

    def _listed(self, t: Callable[[str], str]) -> str:
        return "; ".join(self._each(t))

    def text(self, t: Callable[[str], str] = str, **shown) -> str:
        return t(self.msg).format(problems=self._listed(t))


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """gettext translations for `lang`; English (the source language) translates to itself."""
    path = po_path(lang)
    if lang not in LANGUAGES or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def translator(lang: str) -> Callable[[str], str]:
    """The `_` function for a language."""
    return translations(normalise(lang)).gettext


def normalise(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def text(value: dict | str | None, lang: str) -> str:
    """Pick the language from a content field `{da: ..., en: ...}` (falling back to Danish)."""
    if isinstance(value, dict):
        return value.get(normalise(lang)) or value.get(DEFAULT_LANGUAGE) or ""
    return value or ""
