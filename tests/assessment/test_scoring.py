import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from digled.assessment import scoring


def test_item_scores_on_the_four_step_scale():
    assert [scoring.item_score(v) for v in (1, 2, 3, 4)] == [0, pytest.approx(100 / 3), pytest.approx(200 / 3), 100]
    assert scoring.item_score(scoring.DONT_KNOW) is None
    with pytest.raises(ValueError):
        scoring.item_score(5)


@pytest.mark.parametrize(
    "percent, level",
    [(0, 1), (12.49, 1), (12.5, 2), (25, 3), (49.9, 4), (50, 5), (74.9, 6), (75, 7), (87.5, 8), (100, 8)],
)
def test_levels_follow_digcomp_bands(percent, level):
    assert scoring.level(percent) == level


def test_bands():
    assert [scoring.band(l) for l in range(1, 9)] == [
        "foundation", "foundation", "intermediate", "intermediate",
        "advanced", "advanced", "highly_specialised", "highly_specialised",
    ]
    with pytest.raises(ValueError):
        scoring.level(101)


def test_hand_computed_example(framework):
    """info_search: knowledge 4 and 2 -> (100 + 33.3) / 2 = 66.7; skills 3 and don't know -> 66.7;
    attitude unanswered -> None; competence = mean(66.7, 66.7) = 66.7 -> level 6.
    info_evaluate: every item 1 -> 0 % -> level 1. Area information = mean(66.7, 0) = 33.3;
    total = the same (only two competences answered)."""
    answers = {
        "info_search-k1": 4, "info_search-k2": 2, "info_search-s1": 3, "info_search-s2": 0,
        **{i.id: 1 for i in framework.items if i.competence == "info_evaluate"},
        "purpose1": 4, "purpose2": 0,
    }
    s = scoring.score(framework, answers)
    c = s["competences"]["info_search"]
    assert c["knowledge"] == pytest.approx(200 / 3)
    assert c["skills"] == pytest.approx(200 / 3)
    assert c["attitude"] is None
    assert c["score"] == pytest.approx(200 / 3) and c["level"] == 6
    assert s["competences"]["info_evaluate"]["score"] == 0 and s["competences"]["info_evaluate"]["level"] == 1
    assert s["competences"]["safe_data"]["score"] is None and s["competences"]["safe_data"]["level"] is None
    assert s["areas"]["information"] == pytest.approx(100 / 3)
    assert s["areas"]["safety"] is None
    assert s["total"] == pytest.approx(100 / 3) and s["total_level"] == 3
    assert s["purposes"]["purpose1"] == 100 and s["purposes"]["purpose2"] is None
    assert s["answered"] == 3 + 6 and s["dont_know"] == 1


def test_all_top_answers_give_100_and_level_8(framework):
    s = scoring.score(framework, {i.id: 4 for i in framework.items})
    assert s["total"] == 100 and s["total_level"] == 8
    assert all(c["score"] == 100 for c in s["competences"].values())




@st.composite
def answer_sets(draw, framework_):
    ids = [i.id for i in framework_.items]
    chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
    return {i: draw(st.integers(0, 4)) for i in chosen}


@pytest.fixture(scope="module")
def fw():
    from digled.content import loader

    return loader.framework()


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_property_scores_stay_in_range(fw, data):
    s = scoring.score(fw, data.draw(answer_sets(fw)))
    for c in s["competences"].values():
        for key in ("knowledge", "skills", "attitude", "score"):
            assert c[key] is None or 0 <= c[key] <= 100
        assert c["level"] is None or 1 <= c["level"] <= 8
    assert s["total"] is None or 0 <= s["total"] <= 100


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_property_raising_one_answer_never_lowers_a_score(fw, data):
    answers = data.draw(answer_sets(fw))
    raisable = [k for k, v in answers.items() if 1 <= v < 4]
    assume(raisable)
    k = data.draw(st.sampled_from(raisable))
    before = scoring.score(fw, answers)
    after = scoring.score(fw, {**answers, k: answers[k] + 1})
    comp = next(i.competence for i in fw.items if i.id == k)
    assert after["competences"][comp]["score"] > before["competences"][comp]["score"]
    assert after["total"] > before["total"]
    for cid, c in before["competences"].items():
        assert after["competences"][cid]["score"] == c["score"] or cid == comp


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_property_dont_know_is_left_out_not_scored_zero(fw, data):
    answers = data.draw(answer_sets(fw))
    missing = [i.id for i in fw.items if i.id not in answers]
    assume(missing)
    k = data.draw(st.sampled_from(missing))
    assert scoring.score(fw, {**answers, k: 0})["competences"] == scoring.score(fw, answers)["competences"]


def test_strongest_and_recommended(framework):
    answers = {i.id: 1 for i in framework.items}
    answers.update({i.id: 4 for i in framework.items if i.competence in ("comm_share", "prod_rights", "safe_health")})
    s = scoring.score(framework, answers)
    assert set(scoring.strongest(s)) == {"comm_share", "prod_rights", "safe_health"}
    rec = scoring.recommended(s, framework.target_levels)
    assert len(rec) == 3 and not set(rec) & {"comm_share", "prod_rights", "safe_health"}
    # the largest gaps are the competences with the highest target level
    top_target = max(framework.target_levels.values())
    assert all(framework.target_levels[c] == top_target for c in rec)


def test_target_percent_is_the_middle_of_the_band():
    assert scoring.target_percent(1) == 6.25 and scoring.target_percent(8) == 93.75
    assert all(scoring.level(scoring.target_percent(l)) == l for l in range(1, 9))
    assert not math.isnan(scoring.target_percent(5))
