"""Guides and videos in a real browser: the administrator sets a guide's video on *Vejledninger og
videoer* (a bad address is refused in the user's language, naming the field, nothing typed
lost) and the preview shows the guide as leaders see it: the video above the text, a link for an
address that cannot be played, the text alone where none is set. Danish, then English."""

import sqlite3

from playwright.sync_api import expect

from tests.e2e.helpers import body, expect_text, idle, login, open_app, pick_option
from tests.e2e.test_quality_browser import serious_violations, set_language

MP4 = "https://video.albertslund.dk/vejledning-afklaring.mp4"
VIMEO = "https://vimeo.com/123456789"
YOUTUBE = "https://www.youtube.com/watch?v=_T8LGqJtuGc"


def _videos(server) -> dict:
    con = sqlite3.connect(server.db_path)
    try:
        return dict(con.execute("SELECT key, url FROM guide_videos"))
    finally:
        con.close()


def _field(page, key: str):
    return page.locator(f".st-key-video_{key} input")


def _save(page) -> None:
    page.locator(".st-key-save_videos button").click()
    idle(page)


def _preview(page, label: str) -> None:
    pick_option(page, "preview_guide", label)


def test_danish_admin_sets_a_video_and_the_guide_shows_it(page, server):
    open_app(page, server.url)
    login(page, "admin")
    page.goto(server.url + "/admin-content")
    idle(page)
    expect_text(page, "Vejledninger og videoer")
    assert serious_violations(page) == []

    _field(page, "assessment").fill(MP4)
    _field(page, "wheel").fill("http://vimeo.com/123456789")
    _save(page)
    expect_text(page, "Vejledning før kompetencehjulet: adressen skal begynde med https://")
    expect_text(page, "Intet blev gemt.")
    assert _videos(server) == {}
    expect(_field(page, "assessment")).to_have_value(MP4)  # nothing typed is lost
    expect(_field(page, "wheel")).to_have_value("http://vimeo.com/123456789")

    _field(page, "wheel").fill(VIMEO)
    _save(page)
    expect_text(page, "Gemt: 2 ændret.")
    assert _videos(server) == {"assessment": MP4, "wheel": VIMEO}

    guide = page.locator(".st-key-guide_assessment")  # the preview: the assessment guide by default
    expect(guide.locator("video")).to_have_attribute("src", MP4)
    expect(guide).to_contain_text("Digital kompetence er din evne til at bruge teknologi")
    expect(guide).to_contain_text("Center for Digital Dannelse")
    video_box = guide.locator("video").bounding_box()
    text_box = guide.get_by_text("Digital kompetence er din evne").bounding_box()
    assert video_box["y"] + video_box["height"] <= text_box["y"]  # the video above the text

    _preview(page, "Vejledning før kompetencehjulet")
    wheel = page.locator(".st-key-guide_wheel")
    expect(wheel.get_by_role("link", name="Åbn videoen")).to_have_attribute("href", VIMEO)
    assert wheel.locator("video, iframe").count() == 0


def test_english_guide_without_a_video_is_text_alone_then_plays_youtube(page, server):
    open_app(page, server.url)
    login(page, "admin")
    set_language(page, "English")
    page.goto(server.url + "/admin-content")
    idle(page)
    expect_text(page, "Guides and videos")
    assert "Vejledning" not in body(page)

    _preview(page, "Introduction to the films")
    films = page.locator(".st-key-guide_films")
    expect(films).to_contain_text("About the e-learning and the films")
    expect(films).to_contain_text("your own digital habits")
    assert films.locator("video, iframe, a[href^='https://']").count() == 0

    _field(page, "films").fill(YOUTUBE)
    _field(page, "kl1").fill("https://kl.dk/film 1")
    _save(page)
    expect_text(page, "the address must not contain spaces")
    expect(_field(page, "films")).to_have_value(YOUTUBE)
    _field(page, "kl1").fill("")
    _save(page)
    expect_text(page, "Saved: 1 changed.")
    assert _videos(server).get("films") == YOUTUBE
    expect(page.locator(".st-key-guide_films iframe")).to_have_attribute(
        "src", "https://www.youtube.com/embed/_T8LGqJtuGc")
