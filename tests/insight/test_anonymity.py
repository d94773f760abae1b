"""The release rules one by one (anonymity.py), the demo publication (publications.py);
the figure rules are in test_assessment_figures.py. Random histories: test_anonymity_properties.py; attacks:
test_attacks_management.py."""

from __future__ import annotations

import json

import numpy as np

from digled.accounts import organisation
from digled.content import loader, programme
from digled.insight import anonymity, assessment_figures, publications
from digled.insight.anonymity import Candidate, Previous, Row
from digled.platform import pseudonyms


def cand(key, members, k=5, rank=None, kind="x"):
    members = frozenset(members)
    return Candidate(key, kind, Row(members), k, rank if rank is not None else (0, -len(members)))


def decide(cands, previous=None, history=(), fams=()):
    return anonymity.decide(cands, previous or {}, list(history), list(fams), lambda m: m).decisions


# --- the rules ----------------------------------------------------------------------------------


def test_k_is_never_below_three():
    assert anonymity.valid_k(2) == anonymity.DEFAULT_K
    assert anonymity.valid_k("x") == anonymity.DEFAULT_K
    assert anonymity.valid_k(3) == 3 and anonymity.valid_k("7") == 7


def test_pseudonym_depends_on_secret_and_user():
    a = pseudonyms.of_user("s" * 40, 1)
    assert a == pseudonyms.of_user("s" * 40, 1) and len(a) == 64
    assert a != pseudonyms.of_user("t" * 40, 1) and a != pseudonyms.of_user("s" * 40, 2)


def test_a_group_under_k_is_hidden():
    d = decide([cand("g", range(4))])
    assert d["g"].status == "hidden" and d["g"].reason == "small"


def test_a_group_grows_only_by_k_at_a_time():
    first = Row(frozenset(range(5)))
    prev = {"g": Previous(first, 1)}
    d = decide([cand("g", range(6))], prev, [("x", first)])
    assert d["g"].status == "held" and d["g"].row == first and d["g"].since == 1 and d["g"].reason == "difference"
    d = decide([cand("g", range(10))], prev, [("x", first)])
    assert d["g"].status == "new" and d["g"].row.plus == frozenset(range(10))


def test_an_unchanged_group_is_held_without_a_reason():
    first = Row(frozenset(range(5)))
    d = decide([cand("g", range(5))], {"g": Previous(first, 3)}, [("x", first)])
    assert d["g"].status == "held" and d["g"].reason == "" and d["g"].since == 3


def test_lowering_k_does_not_release_a_difference_under_the_old_k():
    first = Row(frozenset(range(5)))
    d = decide([cand("g", range(6), k=3)], {"g": Previous(first, 1)}, [("x", first)])
    assert d["g"].status == "held"  # 6 - 5 = 1 < 3 whatever k is now


def test_a_swap_is_a_difference_too():
    first = Row(frozenset(range(5)))
    d = decide([cand("g", [0, 1, 2, 3, 9])], {"g": Previous(first, 1)}, [("x", first)])
    assert d["g"].status == "held"


def test_groups_of_one_publication_differ_by_zero_or_k():
    d = decide([cand("all", range(12), rank=(0,)), cand("a", range(10), rank=(1,))])
    assert d["all"].status == "new" and d["a"].status == "hidden" and d["a"].reason == "overlap"


def test_a_parent_minus_two_visible_children_never_isolates_a_third():
    fams = [("all", ["a", "b", "c"])]
    cands = [cand("all", range(12), rank=(0,)), cand("a", range(5), rank=(1, -5)),
             cand("b", range(5, 11), rank=(1, -6)), cand("c", [11], rank=(1, -1))]
    d = decide(cands, fams=fams)
    shown = [g for g in "abc" if d[g].row is not None]
    residual = set(range(12)) - set().union(*(d[g].row.plus for g in shown))
    assert d["all"].status == "new" and (len(residual) == 0 or len(residual) >= 5)
    assert d["a"].reason == "breakdown" or d["b"].reason == "breakdown"


def test_the_audit_withdraws_what_only_a_combination_reveals():
    # all (8) and A-x (4) published at k=4; at k=3 G (3) would reveal member 4 = all - Ax - G
    everyone, ax, g = Row(frozenset(range(8))), Row(frozenset(range(4))), frozenset(range(5, 8))
    prev = {"all": Previous(everyone, 1), "ax": Previous(ax, 1)}
    d = decide([cand("all", range(8), 3), cand("ax", range(4), 3), cand("g", g, 3)], prev, [("x", everyone), ("x", ax)])
    assert d["g"].status == "hidden" and d["g"].reason == "audit"


def test_the_audit_sees_a_change_against_start_figures():
    start, end = frozenset(range(5)), frozenset(range(10, 15))
    rows = [Row(start), Row(end), Row(end - {14}, start - {4})]
    assert anonymity.exposed_classes(rows, lambda m: m % 10, 5)  # leader 4's own change


def test_quartiles_need_4k_and_bands_need_spread():
    assert not anonymity.quartiles_allowed(19, 5) and anonymity.quartiles_allowed(20, 5)
    assert not anonymity.bands_allowed([0, 10, 0, 0], 5)  # all in one band
    assert not anonymity.bands_allowed([1, 9, 0, 0], 5)  # all but one
    assert anonymity.bands_allowed([5, 5, 0, 0], 5)
    assert anonymity.mean_allowed(10, 10, 5) and not anonymity.mean_allowed(9, 10, 5) and anonymity.mean_allowed(5, 10, 5)


# --- the demo's first publication --------------------------------------------------------------------


def test_demo_publication_shows_figures_and_no_identity(demo_db):
    fw = loader.framework()
    made = publications.publish_if_due(demo_db, fw, organisation.current(demo_db), programme.programme())
    assert made is not None and made.trigger == "first"
    rows = publications.export_rows(demo_db, made.id)
    assert any(r["status"] == "new" for r in rows) and any(r["figure"] == "hidden" for r in rows)
    assert all(set(r) == set(assessment_figures.EXPORT_COLUMNS) for r in rows)
    text = json.dumps(rows, ensure_ascii=False, default=str).lower()
    for name, email in demo_db.execute("SELECT name, email FROM users"):
        assert name.lower() not in text and (not email or email.lower() not in text)
    # extra retakes never enter; every released n is at least k
    assert {r["round"] for r in rows} == {"start", "end", "followup_3", "followup_6"}
    assert all(r["n"] == "" or r["n"] >= 5 for r in rows)
    # mid-programme: the follow-up rounds (on in the demo) have groups, all hidden, none answered
    # yet (the demo's earlier run releases them: tests/test_demo.py)
    assert not any(r["round"].startswith("followup") and r["status"] == "new" for r in rows)
    # a second call the same day publishes nothing new
    assert publications.publish_if_due(demo_db, fw, organisation.current(demo_db), programme.programme()) is None


def test_a_group_whose_rest_is_under_k_is_hidden_with_its_reason():
    """A group chosen by what its members did (effect.py) tells, with its size, what the rest
    of its whole did: under k outside it (none included), it is hidden."""
    def one(rest, prev=None):
        c = Candidate("g", "effect", Row(frozenset(range(8))), 5, (0,), rest)
        return decide([c], prev).get("g")
    assert (one(0).status, one(0).reason) == ("hidden", "rest")
    assert (one(4).status, one(4).reason) == ("hidden", "rest")
    assert one(5).status == "new" and one(None).status == "new"
    earlier = Previous(Row(frozenset(range(7))), 1)
    assert (one(2, {"g": earlier}).status, one(2, {"g": earlier}).reason) == ("held", "rest")
    assert anonymity.reasons("effect")["rest"].startswith("fewer than {k} leaders are outside")


def test_a_row_two_groups_show_is_withdrawn_as_one_ranked_as_its_coarsest():
    """The effect view's whole cohort is the start->end total's row. The audit withdraws a row,
    not a group: withdrawing the finer of two groups showing one row would change nothing, so
    the row ranks as its coarsest group and another row gives way."""
    everyone = Row(frozenset(range(8)))
    prev = {"all": Previous(everyone, 1)}
    cands = [cand("all", range(8), 3, rank=(0,)), cand("ax", range(4), 3, rank=(1,)),
             cand("ax-again", range(4), 3, rank=(5,), kind="y"), cand("g", range(5, 8), 3, rank=(2,))]
    d = decide(cands, prev, [("x", everyone)])  # all - ax - g would be member 4
    assert d["ax"].status == "new" and d["ax-again"].status == "new"
    assert (d["g"].status, d["g"].reason) == ("hidden", "audit")


def test_the_row_space_of_a_wide_matrix_is_the_svds():
    """Many more classes than rows takes the QR route: the same projection as the plain SVD."""
    rng = np.random.default_rng(3)
    wide = (rng.random((40, 300)) < 0.3) * rng.choice([1.0, -1.0], size=(40, 300))
    wide[30:] = wide[:10] + wide[10:20]  # rank 30
    basis = anonymity._row_space(wide)
    _, s, vt = np.linalg.svd(wide, full_matrices=False)
    plain = vt[s > s.max() * 300 * np.finfo(float).eps]
    assert basis.shape == plain.shape == (30, 300)
    assert np.allclose(basis.T @ basis, plain.T @ plain, atol=1e-12)
