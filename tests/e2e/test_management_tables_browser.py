"""Every table on the management pages fits at 1366 x 900 (issue 20, point 6): in a real
browser, every view of "Kompetencer i holdet" (each table, the ones in expanders opened), the
participation page's funnel, steps and breakdowns, and the run comparison, in Danish: each
data grid's content is no wider than the grid itself (no sideways scrolling inside a table, no
column cut off) and the grid no wider than the main block."""

from __future__ import annotations

from digled.platform import db as dbmod
from tests.e2e.helpers import idle, login, open_app, publish_first_figures
from tests.e2e.test_focus_browser import _ensure_marks
from tests.pages.test_management_cohorts import _second_run

DESKTOP = {"viewport": {"width": 1366, "height": 900}}
VIEWS = ("wheel", "dims", "bands", "purposes", "change", "breakdown", "focus")  # the radio's order

# each visible data grid: its scroller's content width and its own width, and its box against
# the main block's
MEASURE = """
() => {
  const main = document.querySelector("[data-testid='stMainBlockContainer']").getBoundingClientRect();
  return [...document.querySelectorAll("[data-testid='stMainBlockContainer'] [data-testid='stDataFrame']")]
    .filter(grid => grid.getBoundingClientRect().width > 0)
    .map(grid => {
      const scroller = grid.querySelector(".dvn-scroller");
      const box = grid.getBoundingClientRect();
      return {
        headers: [...grid.querySelectorAll("[role='columnheader']")].map(h => h.textContent.trim()).join(" | "),
        scroll: scroller ? scroller.scrollWidth : -1, client: scroller ? scroller.clientWidth : -1,
        right: box.right - main.right, left: main.left - box.left,
      };
    });
}
"""


def _open_expanders(page) -> None:
    """Open every closed expander of the main block (a table in one is drawn only when open)."""
    main = page.locator("[data-testid='stMainBlockContainer']")
    closed = main.locator("[data-testid='stExpander'] details:not([open]) > summary")
    for _ in range(10):
        if not closed.count():
            break
        closed.first.click()
    idle(page)


def _too_wide(page, where: str) -> list[str]:
    _open_expanders(page)
    grids = page.evaluate(MEASURE)
    assert grids, f"no table in {where}"
    assert all(g["scroll"] > 0 for g in grids), f"a table of {where} has no scroller: {grids}"
    return [f"{where}: {g['headers']} ({g['scroll']} px wide in {g['client']} px)" for g in grids
            if g["scroll"] > g["client"] + 1 or g["right"] > 1 or g["left"] > 1]


def _pick(page, key: str, index: int) -> None:
    page.locator(f".st-key-{key} [role='radiogroup'] label").nth(index).click()
    idle(page)


def test_every_management_table_fits_at_1366(browser, server):
    context = browser.new_context(locale="da-DK", **DESKTOP)
    page = context.new_page()
    page.set_default_timeout(30_000)
    wide: list[str] = []
    try:
        open_app(page, server.url)
        _ensure_marks(server.db_path)
        login(page, "ledelse")
        page.goto(server.url + "/management-competences")
        idle(page)
        publish_first_figures(page)
        for i, view in enumerate(VIEWS):
            _pick(page, "cohort_view", i)
            if view == "breakdown":
                for j, by in enumerate(("municipalities", "areas", "levels")):
                    _pick(page, "breakdown_by", j)
                    wide += _too_wide(page, f"competences, breakdown by {by}")
            else:
                wide += _too_wide(page, f"competences, {view}")
        page.goto(server.url + "/management-participation")
        idle(page)
        for j, by in enumerate(("municipality", "area")):
            _pick(page, "part_by", j)
            wide += _too_wide(page, f"participation, by {by}")

        d = dbmod.connect(server.db_path)
        try:
            _second_run(d, server.env["DIGLED_PSEUDONYM_SECRET"])
        finally:
            d.close()
        page.goto(server.url + "/management-cohorts")
        idle(page)
        wide += _too_wide(page, "the run comparison")
    finally:
        context.close()
    assert not wide, "\n".join(wide)
