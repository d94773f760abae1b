"""The anonymity promise, proved over every filter combination: on the demo data and on
random cohorts (hypothesis, including tiny and lopsided groups)."""

from __future__ import annotations

import json
import random

from hypothesis import HealthCheck, given, settings, strategies as st

from digled import anonymity, cohort, content, db, scoring
from digled.content import Organisation

# --- the rules themselves ----------------------------------------------------------------------


def test_released_in_batches_of_k():
    assert anonymity.released(list(range(4)), 5) == []
    assert anonymity.released(list(range(9)), 5) == list(range(5))
    assert anonymity.released(list(range(10)), 5) == list(range(10))


def test_k_is_never_below_three():
    assert anonymity.valid_k(2) == anonymity.DEFAULT_K
    assert anonymity.valid_k("x") == anonymity.DEFAULT_K
    assert anonymity.valid_k(3) == 3 and anonymity.valid_k("7") == 7


def test_single_hidden_cell_hides_the_next_smallest():
    values = [["a", "b", "c"]]
    counts = {(None,): 20, ("a",): 10, ("b",): 7, ("c",): 3}
    assert anonymity.suppress(counts, values, 5) == {("b",), ("c",)}


def test_empty_cells_need_no_partner():
    values = [["a", "b", "c"]]
    counts = {(None,): 17, ("a",): 10, ("b",): 7, ("c",): 0}
    assert anonymity.suppress(counts, values, 5) == {("c",)}


def test_two_small_hidden_cells_still_below_k_hide_a_third():
    values = [["a", "b", "c", "d"]]
    counts = {(None,): 25, ("a",): 2, ("b",): 1, ("c",): 12, ("d",): 10}
    assert anonymity.suppress(counts, values, 5) == {("a",), ("b",), ("d",)}


def test_pseudonym_depends_on_secret_and_user():
    a = anonymity.pseudonym("s" * 40, 1)
    assert a == anonymity.pseudonym("s" * 40, 1) and len(a) == 64
    assert a != anonymity.pseudonym("t" * 40, 1) and a != anonymity.pseudonym("s" * 40, 2)


# --- checking every group of a cohort -----------------------------------------------------------


def check_all_groups(df, framework, org, k):
    """Assert the promise for every round and filter combination; return the visible count."""
    values = cohort.dimension_values(org)
    visible = 0
    for rnd in cohort.ROUNDS:
        hidden = cohort.hidden_groups(df, rnd, values, k)
        raw = {key: len(cohort.members(df, cohort.Filters(rnd, *key))) for key in anonymity.lattice(values)}
        released = {}
        for key in anonymity.lattice(values):
            f = cohort.figures(df, framework, cohort.Filters(rnd, *key), hidden, k)
            if f.hidden:
                assert not f.competences and f.total is None and f.n is None
                continue
            visible += 1
            # rule 2: no figure about fewer than k respondents
            assert f.n >= k and raw[key] >= k
            # rule 3: released in batches of k, so any two figures differ by 0 or >= k people
            assert f.n % k == 0
            released[key] = set(anonymity.released(cohort.members(df, cohort.Filters(rnd, *key)), k)["id"])
        # rule 3 for nested groups: where one released set contains another, 0 or >= k apart
        for x, rx in released.items():
            for y, ry in released.items():
                if x != y and ry <= rx:
                    assert len(rx) - len(ry) == 0 or len(rx) - len(ry) >= k
        # rule 4 (complementary): "parent minus the visible children" never isolates 1..k-1
        for fam in anonymity.families(values):
            hidden_n = sum(raw[g] for g in fam if g in hidden)
            if 0 < hidden_n < k:  # only possible when the whole breakdown, and its parent, is hidden
                parent = tuple(None if len({g[i] for g in fam}) > 1 else fam[0][i] for i in range(len(values)))
                assert all(g in hidden for g in fam) and parent in hidden, (rnd, fam)
    return visible


def test_demo_cohort_every_filter_combination(demo_db):
    framework = content.framework()
    from digled import organisation

    org = organisation.current(demo_db)
    df = cohort.frame(demo_db, framework)
    for k in (3, 5, 8):
        visible = check_all_groups(df, framework, org, k)
        assert visible > 0  # the dashboards are not simply empty


def test_no_identity_in_the_export(demo_db):
    framework = content.framework()
    from digled import organisation

    rows = cohort.export_rows(demo_db, framework, organisation.current(demo_db), 5)
    text = json.dumps(rows, ensure_ascii=False, default=str).lower()
    for name, username, email in demo_db.execute("SELECT name, username, email FROM users"):
        for ident in (name, email, username if "." in username else name):
            assert ident.lower() not in text
    assert all(set(r) == set(cohort.EXPORT_COLUMNS) for r in rows)
    assert any(r["figure"] == "hidden" and r["n"] == "" for r in rows)


def test_export_cells_are_neutralised_against_formulas():
    assert cohort.safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert cohort.safe_cell(" +1") == "' +1" and cohort.safe_cell("@x") == "'@x" and cohort.safe_cell("-2") == "'-2"
    assert cohort.safe_cell("Albertslund") == "Albertslund" and cohort.safe_cell(-2.5) == -2.5


# --- random cohorts -------------------------------------------------------------------------------

ORG = Organisation(
    municipalities={"A": {"da": "A", "en": "A"}, "G": {"da": "G", "en": "G"}},
    areas={x: {"da": x, "en": x} for x in ("x", "y", "z")},
    area_groups={"x": "x", "y": "y", "z": "z"},
    levels={"top": {"da": "t", "en": "t"}, "mid": {"da": "m", "en": "m"}},
)


def _scores(framework, rng):
    answers = {i.id: rng.randint(0, 4) for i in framework.items}
    answers.update({p.id: rng.randint(1, 4) for p in framework.purposes})
    return scoring.score(framework, answers)


def build(framework, people, seed=0):
    """An in-memory database with one submitted assessment per (respondent, round, attrs)."""
    d = db.open_and_migrate(":memory:")
    rng = random.Random(seed)
    templates = [json.dumps(_scores(framework, rng)) for _ in range(6)]
    with db.write(d):
        for i, (rnd, m, a, l) in enumerate(people):
            d.execute(
                "INSERT INTO assessments (respondent, round, status, started, submitted, municipality, area, level, scores) "
                "VALUES (?, ?, 'submitted', '2016-01-01', '2016-01-01', ?, ?, ?, ?)",
                [f"r{i % 997}" if rnd == "end" else f"r{i}", rnd, m, a, l, templates[i % len(templates)]],
            )
    return d


person = st.tuples(
    st.sampled_from(["start", "start", "end", "extra"]),
    st.sampled_from(["A", "A", "A", "G"]),  # lopsided on purpose
    st.sampled_from(["x", "x", "y", "z"]),
    st.sampled_from(["top", "mid", "mid"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(person, min_size=0, max_size=45), k=st.integers(3, 6))
def test_random_cohorts_keep_the_promise(framework, people, k):
    d = build(framework, people)
    df = cohort.frame(d, framework)
    check_all_groups(df, framework, ORG, k)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(person, min_size=5, max_size=40), extra=st.lists(person, min_size=1, max_size=5), k=st.integers(3, 6))
def test_figures_change_only_with_k_new_respondents(framework, people, extra, k):
    """Adding fewer than k new respondents to a group never changes a figure it shows."""
    extra = [p for p in extra][: k - 1]
    before_db = build(framework, people)
    after_db = build(framework, people + extra)
    values = cohort.dimension_values(ORG)
    before_df, after_df = cohort.frame(before_db, framework), cohort.frame(after_db, framework)
    for rnd in cohort.ROUNDS:
        hb = cohort.hidden_groups(before_df, rnd, values, k)
        ha = cohort.hidden_groups(after_df, rnd, values, k)
        for key in anonymity.lattice(values):
            fb = cohort.figures(before_df, framework, cohort.Filters(rnd, *key), hb, k)
            fa = cohort.figures(after_df, framework, cohort.Filters(rnd, *key), ha, k)
            if fb.hidden or fa.hidden:
                continue
            if fa.n == fb.n:
                assert fa.competences == fb.competences and fa.total == fb.total and fa.bands == fb.bands
            else:
                assert fa.n - fb.n >= k


def test_paired_change_uses_only_people_with_both_rounds(framework):
    people = [("start", "A", "x", "mid")] * 7 + [("end", "A", "x", "mid")] * 7
    d = build(framework, people)
    df = cohort.frame(d, framework)
    values = cohort.dimension_values(ORG)
    ch = cohort.paired_change(df, framework, cohort.Filters("end"), cohort.hidden_groups(df, "end", values, 5), 5)
    # respondents r0..r6 started; end rows are r7..r13 -> r7 % 997 = 7...: no pairs at all
    assert ch.hidden
