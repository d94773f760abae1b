"""The assessment and the wheel on a phone (390x844, touch) and a desktop (1366x900), in Danish
and English: answer options in scale order with 44 px targets (stacked on the phone, one row on
the desktop), Back and Next on one row, titles that never break inside a word, wheel labels that
never overlap each other or the centre score, nothing wider than the screen, and axe clean."""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import idle, login, open_app, open_assessment, open_part
from tests.e2e.test_quality_browser import serious_violations

PHONE = dict(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, device_scale_factor=2)
DESKTOP = dict(viewport={"width": 1366, "height": 900})
QUESTIONS = "[data-testid='stMainBlockContainer'] [class*='st-key-q-']"

OPTION_BOXES = """() => [...document.querySelectorAll("[data-testid='stMainBlockContainer'] [class*='st-key-q-']")]
  .map(q => [...q.querySelectorAll("[data-testid='stRadioOption']")].map(o => {
     const r = o.getBoundingClientRect();
     return {x: r.x, y: r.y, w: r.width, h: r.height, text: o.innerText.trim()}; }))"""

BUTTON_BOXES = """() => Object.fromEntries(['step_back', 'step_next'].map(k => {
  const r = document.querySelector('.st-key-' + k + ' button').getBoundingClientRect();
  return [k, {x: r.x, y: r.y, h: r.height, cy: r.y + r.height / 2}]; }))"""

# every word of every title is one box inside the title: a word broken over two lines gives two
# client rects, a word too long for the screen sticks out on the right
BROKEN_WORDS = """() => { const broken = [];
  for (const h of document.querySelectorAll("[data-testid='stMainBlockContainer'] h1, [data-testid='stMainBlockContainer'] h2, [data-testid='stMainBlockContainer'] h3")) {
    const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
    const right = h.getBoundingClientRect().right;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /\\S+/g; let m;
      while ((m = re.exec(node.textContent))) {
        const range = document.createRange();
        range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        const lines = new Set(rects.map(r => Math.round(r.top)));
        if (lines.size > 1 || rects.some(r => r.right > right + 1)) broken.push(m[0]);
      } } }
  return broken; }"""

OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"

# the wheel's angular labels and the centre score as boxes (plotly draws them as SVG text)
WHEEL_LABELS = """() => { const plot = document.querySelector('.st-key-wheel .js-plotly-plot');
  const box = e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height, text: e.textContent}; };
  return {ticks: [...plot.querySelectorAll('.angularaxistick text')].filter(e => e.getBoundingClientRect().width > 0).map(box),
          centre: [...plot.querySelectorAll('.annotation-text')].map(box),
          plot: box(plot)}; }"""


def overlaps(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]



def set_language(server, username: str, lang: str) -> None:
    """The language the leader chose earlier (the login restores it)."""
    con = sqlite3.connect(server.db_path, timeout=10)
    try:
        with con:
            con.execute("UPDATE users SET language = ? WHERE username = ?", [lang, username])
    finally:
        con.close()


def open_second_step(page, server) -> None:
    """The assessment on a step with both Back and Next (starts the draft if there is none)."""
    open_assessment(page, server.url)
    if not page.locator(".st-key-step_back button").count():
        page.locator(".st-key-step_next button").click()
        idle(page)
    page.locator(QUESTIONS).first.wait_for()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_assessment_and_wheel_fit_the_screen(browser, server, leader, device):
    context = browser.new_context(**(PHONE if device == "phone" else DESKTOP), locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        # the longest Danish title word ("Tilgængelighedserklæring") fits the screen, unbroken
        page.goto(server.url + "/accessibility")
        idle(page)
        assert page.locator("h1").first.inner_text().strip() == "Tilgængelighedserklæring"
        assert page.evaluate(BROKEN_WORDS) == [] and page.evaluate(OVERFLOW) <= 0
        open_app(page, server.url)
        login(page, leader)
        problems = {}
        for lang in ("da", "en"):
            # the leader's language, chosen earlier: set after the login form, whose own picker
            # (Danish) is written back to the account on the first run after login (see the report);
            # each page load below is a new session that restores it
            set_language(server, leader, lang)
            problems.update(check_assessment(page, server, device, lang))
            problems.update(check_wheel(page, server, device, lang))
        assert {k: v for k, v in problems.items() if v} == {}
    finally:
        context.close()


def check_assessment(page, server, device: str, lang: str) -> dict:
    open_second_step(page, server)
    assert page.locator(".st-key-step_next button").inner_text().strip().endswith("Næste" if lang == "da" else "Next")

    # answer options: scale order, 44 px targets; one column on the phone, one row on the desktop
    questions = page.evaluate(OPTION_BOXES)
    assert len(questions) >= 4
    for options in questions:
        assert len(options) == 5 and all(o["h"] >= 44 for o in options), options
        if device == "phone":
            assert all(o["w"] >= 300 for o in options), options  # the whole line is the target
            assert all(b["y"] >= a["y"] + a["h"] - 1 for a, b in zip(options, options[1:])), options
            assert len({round(o["x"]) for o in options}) == 1
        else:
            assert len({round(o["y"]) for o in options}) == 1, options  # one row, never 3 + 2
            assert all(b["x"] > a["x"] + a["w"] - 1 for a, b in zip(options, options[1:])), options
    first = [o["text"] for o in questions[0]]
    assert first[-1] == ("Ved ikke / ikke relevant" if lang == "da" else "Don't know / not relevant")

    # Back and Next on one row: Back left, Next (primary) right
    page.locator(".st-key-step_nav").scroll_into_view_if_needed()
    buttons = page.evaluate(BUTTON_BOXES)
    assert abs(buttons["step_back"]["cy"] - buttons["step_next"]["cy"]) <= 4, buttons
    assert buttons["step_back"]["x"] < buttons["step_next"]["x"]
    assert buttons["step_next"]["h"] >= 44
    assert page.locator(".st-key-step_next button").get_attribute("kind") == "primary"
    assert page.evaluate(BROKEN_WORDS) == []
    assert page.evaluate(OVERFLOW) <= 0
    return {f"assessment ({lang})": serious_violations(page)}


def check_wheel(page, server, device: str, lang: str) -> dict:
    # numbered labels that overlap neither each other nor the centre score; the list beside/under
    page.goto(server.url + "/my-results")
    idle(page)
    page.wait_for_function(  # all 16 labels drawn (plotly draws after the script run)
        "() => [...document.querySelectorAll('.st-key-wheel .angularaxistick text')]"
        ".filter(e => e.getBoundingClientRect().width > 0).length === 16")
    wheel = page.evaluate(WHEEL_LABELS)
    ticks, centre = wheel["ticks"], wheel["centre"]
    assert [t["text"] for t in ticks] == [str(n) for n in range(1, 17)]
    assert len(centre) == 1 and "%" in centre[0]["text"]
    labels = ticks + centre
    clashes = [(a["text"], b["text"]) for i, a in enumerate(labels) for b in labels[i + 1:] if overlaps(a, b)]
    assert clashes == []
    assert all(wheel["plot"]["x"] <= t["x"] and t["x"] + t["w"] <= wheel["plot"]["x"] + wheel["plot"]["w"] for t in ticks)
    listing = page.locator(".st-key-wheel_list li")
    assert listing.count() == 16
    assert listing.nth(0).is_visible() and listing.nth(15).is_visible()
    heading = "De 16 kompetencer" if lang == "da" else "The 16 competences"
    assert page.locator(".st-key-wheel_list").get_by_text(heading).is_visible()
    list_box = page.locator(".st-key-wheel_list").bounding_box()
    plot_box = page.locator(".st-key-wheel").bounding_box()
    if device == "phone":
        assert list_box["y"] >= plot_box["y"] + plot_box["height"] - 1  # under the wheel
    else:
        assert list_box["x"] >= plot_box["x"] + plot_box["width"] - 1  # beside the wheel

    # the first part holds the wheel and the three competences to develop, and is a page one can
    # move in (all of it in one column was about 9,500 px on a phone)
    expect(page.locator(".st-key-recommendations [class*='st-key-recommendation_']")).to_have_count(3)
    assert page.locator(".st-key-recommendations").is_visible()
    assert not page.locator(".st-key-importance").is_visible() and not page.locator(".st-key-purposes").is_visible()

    # the purposes table wraps inside the screen; nothing makes the page wider than the screen
    open_part(page, "purposes")
    table = page.locator(".st-key-purposes table")
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    assert page.evaluate(OVERFLOW) <= 0
    assert page.evaluate(BROKEN_WORDS) == []
    return {f"wheel ({lang})": serious_violations(page)}
