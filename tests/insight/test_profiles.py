"""Target profiles per leader level (digled/insight/profiles.py) and the administrator's page."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from digled.accounts import navigation, organisation
from digled.assessment import answering
from digled.insight import assessment_figures, profiles, publications
from tests.apptest import app_as, page_text
from tests.conftest import SECRET

PAGE = "pages/admin_profiles.py"


def _levels(framework, value=5):
    return {c.id: value for c in framework.competences}


def test_a_level_without_a_stored_profile_uses_the_default_not_approved(database, framework):
    p = profiles.profile_for(database, framework, "mellemleder")
    assert p == profiles.Profile("mellemleder", dict(framework.target_levels), False, "default")
    assert p.levels["info_needs"] == 6 and p.levels["prod_content"] == 4  # profile.yaml


def test_save_stores_the_levels_unapproved_and_audits(database, framework):
    wanted = _levels(framework, 5) | {"info_search": 7, "safe_data": 2}
    assert profiles.save(database, "topleder", wanted, "admin", framework) is True
    p = profiles.profile_for(database, framework, "topleder")
    assert (p.levels, p.approved, p.source, p.changed_by) == (wanted, False, "stored", "admin")
    assert profiles.profile_for(database, framework, "mellemleder").source == "default"  # per level
    (action, detail), = database.execute(
        "SELECT action, detail FROM audit_log WHERE action LIKE '%target profile%'").fetchall()
    assert action == "edit target profile"
    # only what differs from the default (info_search 5, safe_data 6, info_needs 6, ...) is named
    assert "info_search=7" in detail and "safe_data=2" in detail and "info_evaluate" not in detail


def test_approve_then_changed_levels_withdraw_the_approval_and_unchanged_keep_it(database, framework):
    profiles.approve(database, "foersteleder", "admin", framework)  # the default, confirmed as it is
    p = profiles.profile_for(database, framework, "foersteleder")
    assert p.approved and p.source == "stored" and p.levels == framework.target_levels
    assert profiles.save(database, "foersteleder", dict(framework.target_levels), "admin", framework) is False
    assert profiles.profile_for(database, framework, "foersteleder").approved
    assert profiles.save(database, "foersteleder", dict(framework.target_levels) | {"comm_share": 3}, "admin2", framework)
    p = profiles.profile_for(database, framework, "foersteleder")
    assert not p.approved and p.levels["comm_share"] == 3 and p.changed_by == "admin2"
    actions = [a for (a,) in database.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["approve target profile", "edit target profile"]


@pytest.mark.parametrize("bad, message", [
    (9, "{value} is outside the levels 1 to 8"),
    (0, "{value} is outside the levels 1 to 8"),
    (4.5, "{value} is not a whole number"),
    ("x", "{value} is not a whole number"),
    (None, "a level is missing"),
    (True, "{value} is not a whole number"),
])
def test_validation_names_the_competence_and_saves_nothing(database, framework, bad, message):
    wanted = _levels(framework) | {"comm_citizens": bad}
    with pytest.raises(profiles.InvalidProfile) as e:
        profiles.save(database, "topleder", wanted, "admin", framework)
    assert [(p.competence, p.message) for p in e.value.problems] == [("comm_citizens", message)]
    assert database.execute("SELECT COUNT(*) FROM target_profiles").fetchone()[0] == 0
    assert database.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == 0


def test_whole_floats_and_digit_strings_are_accepted_unknown_and_missing_refused(database, framework):
    cleaned, problems = profiles.validate(framework, _levels(framework) | {"info_search": 3.0, "info_manage": " 8"})
    assert not problems and cleaned["info_search"] == 3 and cleaned["info_manage"] == 8
    partial = {k: v for k, v in _levels(framework).items() if k != "safe_health"} | {"bogus": 4}
    _, problems = profiles.validate(framework, partial)
    assert [(p.competence, p.message) for p in problems] == [
        ("safe_health", "a level is missing"), ("bogus", "not a competence of the framework")]


def test_unknown_level_is_refused(database, framework):
    with pytest.raises(profiles.InvalidProfile) as e:
        profiles.save(database, "direktoer", _levels(framework), "admin", framework)
    assert e.value.problems[0].params == {"level": "direktoer"}
    with pytest.raises(profiles.InvalidProfile):
        profiles.approve(database, "direktoer", "admin", framework)


def test_label_says_which_profile_and_whether_it_is_provisional(database, framework):
    t = lambda m: m  # noqa: E731
    p = profiles.profile_for(database, framework, "mellemleder")
    assert profiles.label(database, framework, p, t, "en") == "Target profile: Middle manager (provisional)"
    profiles.approve(database, "mellemleder", "admin", framework)
    p = profiles.profile_for(database, framework, "mellemleder")
    assert profiles.label(database, framework, p, t, "da") == "Target profile: Mellemleder"
    none = profiles.profile_for(database, framework, "")
    assert profiles.label(database, framework, none, t, "da") == "Target profile: Den digitale leder (provisional)"


def test_with_targets_changes_what_recommendations_and_the_wheel_use(database, framework):
    profiles.save(database, "topleder", _levels(framework, 1) | {"safe_environment": 8}, "admin", framework)
    p = profiles.profile_for(database, framework, "topleder")
    assert profiles.with_targets(framework, p).target_levels["safe_environment"] == 8
    assert framework.target_levels["safe_environment"] == 4  # the shared framework is untouched


def test_attempt_level_is_read_from_the_attempt(database, framework):
    a = answering.start(database, "r" * 64, "start", level="topleder", secret=SECRET)
    assert profiles.attempt_level(database, a) == "topleder"
    b = answering.start(database, "s" * 64, "start", secret=SECRET)
    assert profiles.attempt_level(database, b) == ""


# --- the cohort overlay reads publications only ---------------------------------------------------


def _publish(db, framework):
    from digled.content import programme

    made = publications.make(db, framework, organisation.current(db), programme.programme(), "admin",
                             now=datetime.now(UTC) + timedelta(days=1))
    return made


def test_overlays_read_the_latest_publication(demo_db, framework):
    none = profiles.cohort_overlays(demo_db, "start", "dagtilbud", "foersteleder")
    assert all(not o.available and o.publication is None for o in none.values())
    _publish(demo_db, framework)
    pub = publications.latest(demo_db)
    got = profiles.cohort_overlays(demo_db, "extra", "dagtilbud", "foersteleder")
    assert got["all"].key == ("start", None, None, None)
    assert got["area"].key == ("start", None, "dagtilbud", None)
    assert got["level"].key == ("start", None, None, "foersteleder")
    for o in got.values():
        s = publications.shown(demo_db, pub.id, "overlay", o.key)  # the leaders' own release, at k + c
        assert o.available == (s is not None and s.status in ("new", "held"))
        if o.available:
            assert o.figures.competences == assessment_figures.Figures.from_json(s.figures).competences
            # as management's figures of the same group, but rounded as the wheel's table shows them
            managed = assessment_figures.Figures.from_json(publications.shown(demo_db, pub.id, "assessment", o.key).figures)
            assert o.figures.competences == {c: None if v is None else float(round(v)) for c, v in managed.competences.items()}
    assert got["all"].available  # the demo cohort has ~50 start answers
    # the overlay is the published mean, not a live one: a new answer changes nothing
    before = got["all"].figures.competences
    r = answering.start(demo_db, "z" * 64, "start", level="foersteleder", secret=SECRET)
    fw = framework
    for q in answering.question_ids(fw):
        answering.save_answer(demo_db, fw, r.id, q, 4)
    answering.submit(demo_db, fw, r.id, secret=SECRET)
    assert profiles.cohort_overlays(demo_db, "start", "", "")["all"].figures.competences == before
    empty = profiles.cohort_overlays(demo_db, "start", "", "")
    assert empty["area"].key == () and not empty["area"].available


def test_a_hidden_group_has_no_figures(demo_db, framework):
    _publish(demo_db, framework)
    pub = publications.latest(demo_db)
    demo_db.execute("UPDATE released_groups SET status = 'hidden' WHERE publication_id = ? AND kind = 'overlay' "
                    "AND grp = ?", [pub.id, json.dumps(["start", None, None, None])])
    demo_db.conn.commit()
    o = profiles.cohort_overlays(demo_db, "start", "", "")["all"]
    assert o.shown.status == "hidden" and not o.available


# --- the administrator's page --------------------------------------------------------------------


def _page(lang="en"):
    at = app_as("admin", lang=lang).run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def test_page_is_in_the_admin_menu_after_guides_and_only_for_admins():
    paths = [p.path for p in navigation.PAGES]
    assert paths[paths.index("pages/admin_content.py") + 1] == PAGE
    spec = navigation.spec_for(PAGE)
    assert spec.roles == ("admin",) and spec.title == "Target profiles"


@pytest.mark.parametrize("username", ["leder", "ledelse"])
def test_leaders_and_management_cannot_open_the_page(demo_db, username):
    at = app_as(username, page=PAGE).run()
    assert "You do not have access to this page." in [e.value for e in at.error]
    assert not at.number_input and not any(b.key == "approve_profile" for b in at.button)
    menu = app_as(username).run()
    with pytest.raises(ValueError):  # not even registered in their menu
        menu.switch_page(PAGE)


def test_admin_saves_a_profile_and_it_is_provisional(demo_db, framework):
    at = _page("da")
    assert "Målprofiler" in page_text(at)
    assert "foreslag" in page_text(at).lower() or "forslag" in page_text(at).lower()
    at.selectbox(key="profile_level").set_value("mellemleder").run()
    at.number_input(key="target_mellemleder_safe_data").set_value(7)  # in a form: sent on submit
    at.button(key="save_profile").click().run()
    assert not at.exception and not at.error
    p = profiles.profile_for(demo_db, framework, "mellemleder")
    assert p.levels["safe_data"] == 7 and p.source == "stored" and not p.approved
    assert "Målprofil: Mellemleder (foreløbig)" in page_text(at)


def test_a_bad_value_is_refused_naming_the_competence_and_kept(demo_db, framework):
    at = _page("en")
    at.selectbox(key="profile_level").set_value("topleder").run()
    at.number_input(key="target_topleder_comm_citizens").set_value(9)
    at.number_input(key="target_topleder_info_search").set_value(6)
    at.button(key="save_profile").click().run()
    errors = " ".join(e.value for e in at.error)
    name = framework.competence_index["comm_citizens"].name["en"]
    assert "Nothing was saved" in errors and f"{name}: 9 is outside the levels 1 to 8" in errors
    assert framework.competence_index["info_search"].name["en"] not in errors
    assert profiles.profile_for(demo_db, framework, "topleder").source == "default"
    assert at.number_input(key="target_topleder_comm_citizens").value == 9  # nothing typed is lost
    assert at.number_input(key="target_topleder_info_search").value == 6


def test_admin_approves_a_profile(demo_db, framework):
    at = _page("en")
    at.selectbox(key="profile_level").set_value("foersteleder").run()
    assert "Provisional: this level uses the default profile" in page_text(at)
    at.button(key="approve_profile").click().run()
    assert not at.exception
    p = profiles.profile_for(demo_db, framework, "foersteleder")
    assert p.approved and p.changed_by == "admin"
    text = page_text(at)
    assert "Approved by admin" in text and "Target profile: First-line leader" in text
    assert "(provisional)" not in text
    assert not any(b.key == "approve_profile" for b in at.button)


def test_a_leader_sees_no_group_mean_where_the_others_would_be_fewer_than_k(database, framework):
    """The attacker is the leader: she knows her own scores, so a group mean of n = k released
    for management would give her the mean of k-1 others. What leaders see is its own release,
    decided at k + c (c = 1 by default): a group of k is shown to management, not to leaders;
    one of k + 1 is shown to both."""
    from tests.insight.test_attacks_management import World

    world = World(database, framework)
    k = organisation.round_k(database, "start")
    for i in range(k):
        world.submit(f"l{i}", "start", "Albertslund", "skole", "topleder")
    first = world.publish()
    shown = publications.shown(database, first.id, "assessment", ("start", None, None, None))
    assert shown.status == "new" and shown.n == k
    o = profiles.cohort_overlays(database, "start", "", "")["all"]
    assert not o.available and o.shown.status == "hidden" and o.shown.reason == "small"
    for i in range(k, 2 * k + 1):  # grows by k + 1: management's k and the leaders' k + c both pass
        world.submit(f"l{i}", "start", "Albertslund", "skole", "topleder")
    world.publish()
    o = profiles.cohort_overlays(database, "start", "", "")["all"]
    assert o.available and o.figures.n == 2 * k + 1
