"""digled.ui.publication's words: a publication's moment in Danish time and the reader's language,
a run's name, and released counts and shares as shown (the number, a band in words, or "–")."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digled.accounts.programme_runs import Cohort
from digled.insight.publications import Publication
from digled.platform import i18n
from digled.ui import publication

EN = i18n.translator("en")
DA = i18n.translator("da")


def test_a_publication_moment_is_danish_time_in_the_readers_language():
    winter = datetime(2026, 12, 1, 6, 5, tzinfo=UTC)
    assert publication.moment(winter, "da") == "1. dec. 2026 kl. 07.05"
    assert publication.moment(winter, "en") == "1 Dec 2026 07:05"
    assert publication.moment(datetime(2026, 7, 1, 6, 5), "da") == "1. jul. 2026 kl. 08.05"  # naive = UTC, summer time


def test_a_moment_near_midnight_falls_on_the_danish_day():
    assert publication.moment(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "da") == "1. jan. 2027 kl. 00.30"


def test_when_is_the_moment_the_publication_was_made():
    pub = Publication(id=1, made_at=datetime(2026, 12, 1, 6, 5, tzinfo=UTC), trigger="first", actor="system", summary={})
    assert publication.when(pub, "da") == publication.moment(pub.made_at, "da") == "1. dec. 2026 kl. 07.05"


def test_a_running_run_is_marked_in_the_readers_language():
    running = Cohort(id=2, name="Hold 2027", opened_at="2027-01-01", closed_at=None, kickoff="2027-02-01", members=40)
    closed = Cohort(id=1, name="Hold 2026", opened_at="2026-01-01", closed_at="2026-12-31", kickoff="2026-02-01", members=38)
    assert publication.run_label(running, DA) == "Hold 2027 (i gang)"
    assert publication.run_label(running, EN) == "Hold 2027 (running)"
    assert publication.run_label(closed, DA) == "Hold 2026"


@pytest.mark.parametrize(("value", "exact"), [
    (0, True), (7, True), (41.5, True),
    (True, False), (False, False),  # a bool is no count
    (None, False), ({"lo": 0, "hi": 4}, False), ("5", False),
])
def test_only_a_number_is_an_exact_release(value, exact):
    assert publication.is_exact(value) is exact


def test_a_band_says_fewer_than_or_at_least():
    assert publication.band_words({"lo": 0, "hi": 4}, EN) == "fewer than 5"  # 0..4
    assert publication.band_words({"lo": 0, "hi": 4}, DA) == "færre end 5"
    assert publication.band_words({"lo": 8, "hi": 12}, EN) == "at least 8"
    assert publication.band_words({"lo": 8, "hi": 12}, DA) == "mindst 8"


def test_a_count_is_its_number_its_band_or_a_dash():
    assert publication.count_words(12, EN) == "12"
    assert publication.count_words(12.0, EN) == "12"  # a count stored as a float reads as a whole number
    assert publication.count_words({"lo": 0, "hi": 4}, DA) == "færre end 5"
    assert publication.count_words(None, EN) == "–"  # withheld
    assert publication.count_words(True, EN) == "–"


def test_a_share_is_a_rounded_percent_a_band_of_leaders_or_a_dash():
    assert publication.share_words(41.6, EN, "en") == "42 %"
    assert publication.share_words(0, DA, "da") == "0 %"
    assert publication.share_words({"lo": 4, "hi": 6}, DA, "da") == "mindst 4 ledere"
    assert publication.share_words({"lo": 0, "hi": 2}, EN, "en") == "fewer than 3 leaders"
    assert publication.share_words(None, EN, "en") == "–"
