"""AppTest: management dashboards show aggregates only, hide small groups, export what is shown."""



from tests.apptest import app_as, page_text


def _open(page):
    at = app_as("ledelse").run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _identities(demo_db):
    return [r for row in demo_db.execute("SELECT name, email FROM users WHERE username NOT IN ('ledelse')") for r in row]


def test_competence_dashboard_shows_cohort_figures_without_names(demo_db):
    at = _open("pages/management_competences.py")
    assert "Competences in the cohort" in page_text(at) and "Answers in the figures" in page_text(at)
    everything = ""
    for view in ("wheel", "dims", "bands", "purposes", "change", "breakdown"):
        at.radio(key="cohort_view").set_value(view).run()
        assert not at.exception, view
        if view != "breakdown":
            assert len(at.get("plotly_chart")) == 1, view  # only the chosen view is drawn
        everything += page_text(at) + "\n".join(str(df.value) for df in at.dataframe)
    for ident in _identities(demo_db):
        assert ident not in everything


def test_a_small_group_is_hidden_with_the_reason_not_the_count(demo_db):
    at = _open("pages/management_competences.py")
    at.selectbox(key="filter_municipality").set_value("Glostrup").run()
    at.selectbox(key="filter_area").set_value("kultur").run()
    at.selectbox(key="filter_level").set_value("topleder").run()
    assert "Hidden: fewer than 5 answers" in [i.value for i in at.info]
    assert not at.metric  # no count, no mean


def test_changing_a_filter_changes_the_figures(demo_db):
    at = _open("pages/management_competences.py")
    n_all = next(m.value for m in at.metric if m.label == "Answers in the figures")
    at.selectbox(key="filter_municipality").set_value("Albertslund").run()
    n_alb = next(m.value for m in at.metric if m.label == "Answers in the figures")
    assert int(n_alb) < int(n_all) and int(n_alb) % 5 == 0


def test_export_is_exactly_the_shown_anonymised_rows(demo_db):
    at = _open("pages/management_competences.py")
    data = at.get("download_button")
    csv = next(d for d in data if d.proto.label.endswith("(CSV)"))
    assert csv is not None
    # the export is built from cohort.figure_rows of the same figures the page shows
    from digled import cohort, content, organisation

    fw = content.framework()
    df = cohort.frame(demo_db, fw)
    org = organisation.current(demo_db)
    hidden = cohort.hidden_groups(df, "start", cohort.dimension_values(org), 5)
    f = cohort.figures(df, fw, cohort.Filters("start"), hidden, 5)
    rows = cohort.dataframe(cohort.figure_rows(f, fw))
    assert rows.iloc[0]["figure"] == "total" and rows.iloc[0]["n"] == f.n


def test_participation_dashboard_counts_only(demo_db):
    at = _open("pages/management_participation.py")
    text = page_text(at)
    assert "Leaders in the group" in text and "Programme overview" in text
    everything = text + "\n".join(str(df.value) for df in at.dataframe)
    for ident in _identities(demo_db):
        assert ident not in everything
    at.selectbox(key="part_municipality").set_value("Glostrup").run()
    at.selectbox(key="part_area").set_value("kultur").run()
    assert any("Hidden: fewer than 5 leaders" in i.value for i in at.info)


def test_leader_and_admin_cannot_open_management_pages(demo_db):
    for username in ("leder", "admin"):
        for page in ("pages/management_competences.py", "pages/management_participation.py"):
            at = app_as(username, page=page).run()
            assert "You do not have access to this page." in [e.value for e in at.error]
            assert not at.get("plotly_chart")
