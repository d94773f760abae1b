"""The management pages' publication picker (digled/ui/publication.py) reads and never writes
(issue 19): opening a management page publishes nothing, starts no thread; the first
publication of a run is made only by a management user's explicit step, through the release
gate, and audited; a due later publication is left to the daily job, and the page says when.

Its words too: a publication's moment in Danish time and the reader's language, runs, bands,
counts and shares (moved with the module's own tests)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from digled.accounts import organisation
from digled.accounts.programme_runs import Cohort
from digled.content import loader, programme
from digled.insight import publications
from digled.insight.publications import Publication
from digled.platform import i18n
from digled.ui import publication
from digled.ui import publication as pub_ui
from tests.apptest import app_as

PAGES = ("pages/management_competences.py", "pages/management_participation.py", "pages/management_cohorts.py")
FIRST_BUTTON = "publish_first"


def _open(page: str, lang: str = "en", username: str = "ledelse"):
    at = app_as(username, lang=lang).run()
    assert not at.exception, at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _everything(db) -> dict[str, list]:
    """Every row of every table: what a read must leave as it was."""
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {name: sorted(db.execute(f"SELECT * FROM [{name}]").fetchall(), key=repr) for name in tables}


def _publication_threads() -> list[str]:
    return [th.name for th in threading.enumerate() if "publish" in th.name]


def _make(db, trigger: str, now):
    return publications.make(db, loader.framework(), organisation.current(db), programme.programme(), trigger, now=now)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_opening_a_management_page_with_the_first_publication_due_writes_nothing(demo_db, lang):
    assert publications.due(demo_db, programme.programme(demo_db)) == "first"
    before = _everything(demo_db)
    for page in PAGES:
        at = _open(page, lang)
        at.run()  # a second run of the same page (a widget changed) writes nothing either
        assert not at.exception, (page, at.exception)
    assert _everything(demo_db) == before
    assert publications.listing(demo_db) == [] and _publication_threads() == []


def test_opening_a_management_page_with_a_later_publication_due_writes_nothing(demo_db):
    first = _make(demo_db, "first", publications.now_utc() - timedelta(days=8))
    assert publications.due(demo_db, programme.programme(demo_db)) == "schedule"
    before = _everything(demo_db)
    for page in PAGES:
        at = _open(page)
        assert not at.exception, (page, at.exception)
    assert _everything(demo_db) == before
    assert [p.id for p in publications.listing(demo_db)] == [first.id] and _publication_threads() == []


def test_a_due_publication_is_left_to_the_daily_job_and_the_page_says_when(demo_db):
    first = _make(demo_db, "first", publications.now_utc() - timedelta(days=8))
    at = _open("pages/management_competences.py")
    assert at.selectbox(key="publication").value == first.id  # the latest is shown meanwhile
    assert not [b for b in at.button if b.key == FIRST_BUTTON]
    nxt = pub_ui.next_daily_job(publications.now_utc())
    assert (f"A new publication is due (scheduled). The daily run makes it at {pub_ui.moment(nxt, 'en')}; "
            "until then you see the latest.") in [c.value for c in at.caption]


def test_the_next_daily_job_is_at_six_danish_time():
    at = publications.at_date(publications.now_utc().date())  # midnight UTC: 01:00 or 02:00 in Denmark
    nxt = pub_ui.next_daily_job(at)
    local = nxt.astimezone(pub_ui.TIMEZONE)
    assert (local.hour, local.minute) == pub_ui.DAILY_JOB_AT and local.date() == at.astimezone(pub_ui.TIMEZONE).date()
    later = pub_ui.next_daily_job(nxt)  # at 06:00 itself: the job has run, the next is tomorrow's
    assert later.astimezone(pub_ui.TIMEZONE).date() == local.date() + timedelta(days=1)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_first_figures_are_published_by_an_explicit_step_through_the_gate(demo_db, lang, monkeypatch):
    words = {"da": ("Offentliggør de første tal", "Der er endnu ikke offentliggjort tal for dette forløb"),
             "en": ("Publish the first figures", "No figures have been published for this run yet")}
    at = _open("pages/management_competences.py", lang)
    button = at.button(key=FIRST_BUTTON)
    assert button.label == words[lang][0]
    assert any(i.value.startswith(words[lang][1]) for i in at.info), [i.value for i in at.info]
    assert not at.get("plotly_chart") and publications.listing(demo_db) == []

    gate = []
    real = publications.make

    def through_the_gate(*args, **kwargs):
        gate.append(args[4])
        return real(*args, **kwargs)

    monkeypatch.setattr(publications, "make", through_the_gate)
    button.click().run()
    assert not at.exception, at.exception
    made = publications.listing(demo_db)
    assert gate == ["first"] and len(made) == 1
    assert (made[0].trigger, made[0].actor) == ("first", "ledelse")
    audited = demo_db.execute("SELECT actor, action, detail FROM audit_log WHERE action = 'publish'").fetchall()
    assert audited == [("ledelse", "publish", str(made[0].id))]
    # then the page shows it: the picker, the figures, and no step any more
    assert at.selectbox(key="publication").value == made[0].id
    assert not [b for b in at.button if b.key == FIRST_BUTTON]
    assert at.get("plotly_chart")
    at.run()  # reading it again makes nothing more
    assert len(publications.listing(demo_db)) == 1 and gate == ["first"]


def test_the_first_step_makes_nothing_when_another_made_it_meanwhile(demo_db):
    at = _open("pages/management_participation.py")
    other = _make(demo_db, "first", publications.now_utc())  # the daily job, or another management user
    at.button(key=FIRST_BUTTON).click().run()
    assert not at.exception, at.exception
    assert [p.id for p in publications.listing(demo_db)] == [other.id]
    assert demo_db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'publish'").fetchone()[0] == 0
    assert at.selectbox(key="publication").value == other.id


def test_publish_first_goes_through_make_only_while_the_first_is_due(demo_db):
    fw, org, prog = loader.framework(), organisation.current(demo_db), programme.programme(demo_db)
    made = publications.publish_first(demo_db, fw, org, prog, "ledelse")
    assert made.id is not None and made.trigger == "first"
    assert publications.publish_first(demo_db, fw, org, prog, "ledelse") is None  # not due: one exists
    assert len(publications.listing(demo_db)) == 1


def test_no_publishing_thread_and_no_module_state_for_one():
    assert not hasattr(publications, "publish_in_background")
    assert not hasattr(publications, "running_in_background")
    assert not [name for name in vars(publications) if name.startswith("_running")]


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
