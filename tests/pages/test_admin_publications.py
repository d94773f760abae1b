"""AppTest: the administrator's publications page (period, "publish now" once a day, the list)
and the frozen k per round on the settings page."""

from __future__ import annotations

import pytest

from digled.accounts import organisation
from digled.insight import publications
from digled.platform import audit
from digled.ui import publication as pub_ui
from tests.apptest import app_as, page_text
from tests.conftest import with_follow_up

PUBLICATIONS = "pages/admin_publications.py"
SETTINGS = "pages/admin_settings.py"


def _open(page: str, lang: str = "en", username: str = "admin"):
    at = app_as(username, page=page, lang=lang).run()
    assert not at.exception, at.exception
    return at


def _save_period(at, days: int):
    at.number_input(key="publication_period_days").set_value(days)
    at.button(key="save_period").click().run()
    assert not at.exception, at.exception
    return [e.value for e in at.error], [s.value for s in at.success]


@pytest.mark.parametrize("lang, refused", [
    ("en", "The publication period must be a whole number of days from 1 to 90."),
    ("da", "Perioden mellem offentliggørelser skal være et helt antal dage fra 1 til 90."),
])
def test_the_period_is_validated_and_saved(demo_db, lang, refused):
    at = _open(PUBLICATIONS, lang=lang)
    assert at.number_input(key="publication_period_days").value == publications.DEFAULT_PERIOD_DAYS
    for bad in (0, 91):
        errors, successes = _save_period(at, bad)
        assert errors == [refused] and not successes, bad
        assert publications.period_days(demo_db) == publications.DEFAULT_PERIOD_DAYS
    errors, successes = _save_period(at, 14)
    assert not errors and len(successes) == 1
    assert publications.period_days(demo_db) == 14
    assert audit.recent(demo_db, 1)[0]["action"] == "set publication period"
    at = _open(PUBLICATIONS, lang=lang)  # a new visit shows the stored period
    assert at.number_input(key="publication_period_days").value == 14


def test_publish_now_makes_one_and_then_waits_a_day(demo_db):
    at = _open(PUBLICATIONS)
    assert "Nothing has been published yet." in [i.value for i in at.info]
    at.button(key="publish_now").click().run()
    assert not at.exception, at.exception
    pubs = publications.listing(demo_db)
    assert len(pubs) == 1 and pubs[0].trigger == "admin" and pubs[0].actor == "admin"
    assert f"Publication {pubs[0].id} made." in [s.value for s in at.success]
    # for a day the button is replaced by when the next one can be made
    nxt = pub_ui.moment(publications.next_admin_publish(demo_db), "en")
    assert f"The next publication can be made from {nxt}." in [i.value for i in at.info]
    assert not [b for b in at.button if b.key == "publish_now"]
    listing = at.dataframe[-1].value
    assert list(listing["Why"]) == ["published by an administrator"]
    assert list(listing["Made"]) == [pub_ui.when(pubs[0], "en")]
    assert listing["Assessment groups"][0].endswith("hidden")
    counts = pubs[0].summary["counts"]["effect"]
    assert listing["Effect by part"][0] == "{new} new, {held} held, {hidden} hidden".format(**counts) and counts["new"] >= 1
    # a new visit the same day: still no button, still one publication
    at = _open(PUBLICATIONS)
    assert not [b for b in at.button if b.key == "publish_now"]
    assert len(publications.listing(demo_db)) == 1


def test_publish_now_after_another_admin_published_makes_none(demo_db):
    """Two administrators on the page at once: the second click finds the day's publication made
    and gets the time of the next instead of a second publication."""
    from digled.content import loader, programme

    at = _open(PUBLICATIONS)
    publications.publish_by_admin(demo_db, loader.framework(), organisation.current(demo_db), programme.programme(), "other")
    at.button(key="publish_now").click().run()
    assert not at.exception, at.exception
    nxt = pub_ui.moment(publications.next_admin_publish(demo_db), "en")
    assert f"The next publication can be made from {nxt}." in [i.value for i in at.info]
    assert len(publications.listing(demo_db)) == 1
    with pytest.raises(publications.PublishRefused):
        publications.publish_by_admin(demo_db, loader.framework(), organisation.current(demo_db), programme.programme(), "admin")


def test_settings_show_the_frozen_k_and_keep_it(demo_db):
    before = {r: organisation.round_k(demo_db, r) for r in ("start", "end")}
    answered = [r for r in ("start", "end")
                if demo_db.execute("SELECT 1 FROM assessments WHERE round = ? AND status = 'submitted'", [r]).fetchone()]
    assert "start" in answered  # the demo has start answers
    at = _open(SETTINGS)
    captions = [c.value for c in at.caption]
    for rnd in answered:
        label = {"start": "Start", "end": "End"}[rnd]
        assert (f"{label} round: at least {before[rnd]} leaders per group, fixed because the round has answers. "
                "Changing the limit for a round with answers would let the figures before and after the change be "
                "subtracted.") in captions
    at.number_input(key="min_group_size").set_value(8)
    at.button(key="save_min_group_size").click().run()
    assert not at.exception, at.exception
    assert organisation.min_group_size(demo_db) == 8
    for rnd in answered:
        assert organisation.round_k(demo_db, rnd) == before[rnd]  # frozen: unchanged
    assert any("rounds with answers keep their limit" in s.value for s in at.success)
    assert any(f"at least {before['start']} leaders per group, fixed" in c.value for c in at.caption)


def test_settings_k_caption_in_danish(demo_db):
    at = _open(SETTINGS, lang="da")
    assert any(c.value.startswith("Start-runden: mindst 5 ledere pr. gruppe ligger fast") for c in at.caption)


def test_leaders_and_management_cannot_open_the_publications_page(demo_db):
    for username in ("leder", "ledelse"):
        at = app_as(username, page=PUBLICATIONS).run()
        assert "You do not have access to this page." in [e.value for e in at.error]
        assert not [b for b in at.button if b.key == "publish_now"]
    assert publications.listing(demo_db) == []
    assert "Publish now" not in page_text(at)


def test_settings_freeze_the_follow_up_rounds_k_too(demo_db):
    """A follow-up 3 months after with answers: its k is listed and kept (da, en)."""
    with_follow_up(demo_db)
    before = organisation.round_k(demo_db, "followup_3")
    at = _open(SETTINGS)
    assert (f"The follow-up 3 months after: at least {before} leaders per group, fixed because the round has answers. "
            "Changing the limit for a round with answers would let the figures before and after the change be "
            "subtracted.") in [c.value for c in at.caption]
    assert not any(c.value.startswith("The follow-up 6 months after:") for c in at.caption)  # no answers
    at.number_input(key="min_group_size").set_value(9)
    at.button(key="save_min_group_size").click().run()
    assert not at.exception, at.exception
    assert organisation.round_k(demo_db, "followup_3") == before
    assert organisation.round_k(demo_db, "followup_6") == 9
    da = _open(SETTINGS, lang="da")
    assert any(c.value.startswith(f"Opfølgningen 3 måneder efter: mindst {before} ledere pr. gruppe ligger fast") for c in da.caption)
