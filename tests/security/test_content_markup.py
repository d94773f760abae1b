"""Issue 21, item 1: Markdown in the content an administrator edits never reaches a browser as
markup. An activity's title, a reflection question or a place saved as
`![p](http://tracker.example/px.gif)` made every leader's browser fetch that address (35 external
images on the leader's home). Titles, questions and places are text: every page shows them
through one helper (`digled.ui.widgets.content`), escaped.

The attack is planted through the domain's own functions (content_overrides.save, as the page
*Vejledninger og videoer* saves; service.create_slot for a service check's place). Then:

- AppTest (cheap): every Markdown element and every widget label of the leader's pages and the
  administrator's content pages holds the planted text only escaped;
- Chromium (real): the leader's pages, an expanded film, a toast and the chair's questions make
  no request to the tracker's host, hold no <img> or link to it, and show the text as written.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from digled.accounts import auth
from digled.content import admin_edits, programme
from digled.programme import service
from tests.e2e.helpers import body, expect_text, idle, login, open_app

HOST = "tracker.example"
PAYLOAD = (f"Evil ![p](http://{HOST}/px.gif) [click](http://{HOST}/go) <img src='http://{HOST}/raw.gif'> "
           f"<b>bold</b> **strong** [j](javascript:alert(1))")


def plant(db, actor: str = "admin") -> int:
    """The attacker's content everywhere an administrator can write text a leader sees. Returns
    the number of values saved."""
    base = programme.programme()
    saved = 0
    for a in base.activities:
        fields = admin_edits.editable_fields(a)
        values = {"title": {"da": "T " + PAYLOAD, "en": "T " + PAYLOAD}}
        if "reflections" in fields:
            values["reflections"] = [{"id": r.id, "da": "Q " + PAYLOAD, "en": "Q " + PAYLOAD,
                                      "at_minute": None} for r in a.reflections] or [
                {"id": "", "da": "Q " + PAYLOAD, "en": "Q " + PAYLOAD, "at_minute": None}]
        if "place" in fields:
            values["place"] = {"da": "P " + PAYLOAD, "en": "P " + PAYLOAD}
        for field, value in values.items():
            saved += admin_edits.save(db, base, a.id, field, value, actor)
    service.create_slot(db, actor, datetime.now().replace(hour=10, minute=0) + timedelta(days=3),
                        place="S " + PAYLOAD[:190])
    return saved


# --- AppTest: what the pages hand to Streamlit's Markdown --------------------------------------

MARKDOWN_FIELDS = ("body", "label", "help", "caption")


def markdown_strings(at) -> list[str]:
    """Every string of the run that Streamlit renders as Markdown: element bodies (markdown,
    headings, captions, alerts, toasts) and labels (widgets, expanders, page links, tabs)."""
    found: list[str] = []

    def walk_message(message) -> None:
        for field, value in message.ListFields():
            repeated = not isinstance(value, (str, bytes)) and hasattr(value, "__len__") and not hasattr(value, "ListFields")
            items = list(value) if repeated else [value]
            for item in items:
                if hasattr(item, "ListFields"):
                    walk_message(item)
                elif isinstance(item, str) and field.name in (*MARKDOWN_FIELDS, "labels"):
                    found.append(item)

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(node, "type", "") not in ("html",):
            walk_message(proto)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


LEADER_PAGES = ["pages/leader_home.py", "pages/films.py", "pages/meetings.py", "pages/materials.py",
                "pages/service_check.py"]
ADMIN_PAGES = ["pages/admin_schedule.py", "pages/admin_content.py"]


@pytest.mark.parametrize("username, pages", [("leder", LEADER_PAGES), ("admin", ADMIN_PAGES)])
def test_no_page_hands_the_planted_markup_to_streamlits_markdown(demo_db, username, pages):
    from tests.apptest import app_as

    assert plant(demo_db) > 10
    for path in pages:
        at = app_as(username, lang="da").run()
        at.switch_page(path).run()
        assert not at.exception, (path, at.exception)
        strings = markdown_strings(at)
        raw = [s for s in strings if HOST in s]  # escaped, the host reads "tracker\.example"
        assert raw == [], (path, raw[:3])
        assert any("tracker\\.example" in s for s in strings), f"{path}: the planted text is not shown at all"


def test_the_helper_escapes_every_form_of_markup():
    import re

    from digled.ui.widgets import content

    shown = content({"da": PAYLOAD, "en": "x"}, "da")
    assert re.findall(r"(?<!\\)[!\[\]()<>*:`_]", shown) == []  # every markup character escaped
    assert content("S " + PAYLOAD, "en").startswith("S Evil \\!\\[p\\]")  # plain text (a service slot's place)


# --- the browser: what a leader's Chromium does with it ----------------------------------------


def shown(page) -> str:
    """The app's text as a reader sees it (without the invisible word joiners of escape_markdown)."""
    return body(page).replace("\u2060", "")


@pytest.mark.e2e
def test_a_leaders_browser_fetches_nothing_from_the_tracker(page, server):
    from playwright.sync_api import expect

    from digled.platform import db

    open_app(page, server.url)  # the first visit creates the demo database
    database = db.connect(server.db_path)
    try:
        plant(database)
        leder = auth.get_user(database, "leder")
    finally:
        database.close()
    assert leder is not None
    requests: list[str] = []
    page.on("request", lambda r: HOST in r.url and requests.append(r.url))

    def check(where: str) -> None:
        idle(page)
        assert page.locator(f"img[src*='{HOST}']").count() == 0, where
        assert page.locator(f"a[href*='{HOST}'], a[href^='javascript:'], a[href^='mailto:']").count() == 0, where
        assert page.locator("[data-testid='stApp'] b:text-is('bold')").count() == 0, where
        assert requests == [], (where, requests)

    open_app(page, server.url)
    login(page, "leder")
    expect(page.locator("[class*='st-key-timeline_']").first).to_be_visible()
    check("home")
    expect_text(page, "T Evil ![p](http")
    assert "T " + PAYLOAD in shown(page)  # as written: no backslash, no markup (an invisible joiner after http)
    for path in ("films", "meetings", "materials", "service-check"):
        page.goto(f"{server.url}/{path}")
        idle(page)
        expect(page.locator(".st-key-logout_button")).to_be_visible()
        check(path)
        if path == "films":  # the open film's expander, its questions; then a toast with its title
            expect_text(page, "Q Evil ![p](http")  # the label of a reflection field: plain text
            film = page.locator("[data-testid='stExpander']").filter(has=page.locator("[class*='st-key-seen_']")).first
            seen = film.locator("[class*='st-key-seen_'] button")
            if not seen.is_visible():
                film.locator("summary").click()  # its label is the film's escaped title
            toast = page.locator("[data-testid='stToast']").first
            for attempt in range(3):  # a click during a rerun (a loaded machine) can be lost: click until the toast
                seen.click()
                try:
                    expect(toast).to_contain_text("T Evil ![p]", timeout=8_000)
                    break
                except AssertionError:
                    idle(page)
                    if attempt == 2 or not seen.is_visible() or "Markér som set" not in (seen.text_content() or ""):
                        raise  # the click did land (or the page changed): the toast itself is what failed
            check("films: toast")
        if path == "meetings":  # the chair's box: the questions for the group's discussion
            expect_text(page, "Q Evil ![p](http")
            assert "Q " + PAYLOAD in shown(page) and "P " + PAYLOAD in shown(page)  # the questions, the place
        if path == "service-check":
            expect_text(page, "S Evil ![p]")
