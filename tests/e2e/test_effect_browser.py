"""Effect by part of the programme in a real browser (issue 23): management opens the effect
view of the demo's publication on a desktop screen in Danish: each comparison with its n and
interval, the dose view, the wording (an association, not proof of cause), a hidden group with
its reason; no exception, no sideways scrolling, axe clean (WCAG 2.1 AA, serious or critical)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.helpers import idle, login, open_app, publish_first_figures
from tests.e2e.test_quality_browser import serious_violations


def test_management_sees_effect_by_part_in_danish(browser, server):
    context = browser.new_context(locale="da-DK", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_app(page, server.url)
        login(page, "ledelse")
        page.goto(server.url + "/management-competences")
        idle(page)
        publish_first_figures(page)
        page.locator(".st-key-cohort_view").get_by_text("Effekt pr. del", exact=True).click()
        idle(page)
        main = page.locator("[data-testid='stMainBlockContainer']")
        expect(main).to_contain_text("ikke bevis for, at delen skabte ændringen")
        for heading in ("Sete film", "Deltaget i ledermøder", "Deltaget i workshops", "Servicetjek",
                        "Ændring efter antal gennemførte dele"):
            expect(main.get_by_role("heading", name=heading)).to_be_visible()
        expect(main.locator("[data-testid='stDataFrame']").first).to_be_visible()
        # the demo's run is mid-programme: nobody has completed every part, so the dose view
        # says why its groups are hidden (the chart is drawn where a group is shown: AppTest)
        expect(main).to_contain_text("Endnu kan intet antal gennemførte dele vises")
        expect(main).to_contain_text("færre end 5 ledere er uden for gruppen")
        assert page.locator("[data-testid='stException']").count() == 0
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"the effect view scrolls sideways by {overflow}px"
        assert serious_violations(page) == []
    finally:
        context.close()
