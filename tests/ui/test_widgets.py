"""digled.ui.widgets: a table of many columns is given widths that fit the page at 1366 px
(issue 20, point 6); the browser test is tests/e2e/test_management_tables_browser.py."""

from __future__ import annotations

from digled.ui import widgets


def test_a_narrow_table_keeps_its_own_widths():
    assert widgets.fitted_widths(["Gruppe", "Ledere", "Andel (%)"]) == {}


def test_a_wide_table_fits_the_main_block():
    columns = ["Antal ledere", *[f"Område {i}" for i in range(8)]]
    widths = widgets.fitted_widths(columns)
    assert widths["Antal ledere"] == widgets.FIT_FIRST
    assert sum(widths.values()) <= widgets.FIT_WIDTH
    assert len(set(list(widths.values())[1:])) == 1  # the others share the rest alike


def test_many_columns_keep_a_readable_width():
    widths = widgets.fitted_widths([f"Trin {i}" for i in range(30)])
    assert min(widths.values()) >= 70
