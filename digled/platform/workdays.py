"""Danish working days: which days a municipality is open for the programme's activities.

A working day is Monday to Friday and not a day off. The days off are the Danish public
holidays of the `holidays` package (Nytårsdag, Skærtorsdag, Langfredag, Påskedag, Anden
påskedag, Kristi himmelfartsdag, Pinsedag, Anden pinsedag, Juledag, Anden juledag) plus three
of its "optional" days:

- Grundlovsdag (5 June): most municipal staff have the day (or the afternoon) off under
  their collective agreements, and town halls are closed;
- Juleaftensdag (24 December) and Nytårsaften (31 December): municipalities are closed, so
  no workshop or deadline is generated on them.

Arbejdernes kampdag (1 May), also "optional" in the package, is left out on purpose: it is an
ordinary working day in most municipalities (some agreements give the afternoon off only).
Store bededag was abolished from 2024; the package knows that.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays
from babel.dates import format_date

from digled.platform.i18n import normalise

# the package's own names of the optional days that are days off (Danish names, its default)
OPTIONAL_DAYS_OFF = frozenset({"Grundlovsdag", "Juleaftensdag", "Nytårsaften"})
_PACKAGE_LANGUAGE = {"da": "da", "en": "en_US"}
_BABEL_LOCALE = {"da": "da_DK", "en": "en_GB"}


@cache
def days_off(year: int, lang: str = "da") -> dict[date, str]:
    """The Danish days off (not weekends) of `year`: {day: its name in `lang`}."""
    lang = normalise(lang)
    public = holidays.country_holidays("DK", years=year, categories=("public",), language=_PACKAGE_LANGUAGE[lang])
    optional_da = holidays.country_holidays("DK", years=year, categories=("optional",), language="da")
    optional = holidays.country_holidays("DK", years=year, categories=("optional",), language=_PACKAGE_LANGUAGE[lang])
    out = dict(public.items())
    for day, name_da in optional_da.items():
        if name_da in OPTIONAL_DAYS_OFF:
            out[day] = optional[day]
    return dict(sorted(out.items()))


def holiday(d: date, lang: str = "da") -> str | None:
    """The name of the day off `d` is (in `lang`), or None."""
    return days_off(d.year, normalise(lang)).get(d)


def is_working_day(d: date) -> bool:
    """True for Monday to Friday that is not a Danish day off."""
    return d.weekday() < 5 and d not in days_off(d.year)


def next_working_day(d: date) -> date:
    """`d` itself if it is a working day, else the first working day after it."""
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def why_not_working(d: date, lang: str = "da") -> str | None:
    """Why `d` is not a working day, in `lang`: the holiday's name ("Grundlovsdag",
    "Kristi himmelfartsdag") or the weekday ("lørdag", "Saturday"); None on a working day."""
    lang = normalise(lang)
    name = holiday(d, lang)
    if name:
        return name
    if d.weekday() >= 5:
        return format_date(d, format="EEEE", locale=_BABEL_LOCALE[lang])
    return None
