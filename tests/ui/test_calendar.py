"""digled.ui.calendar: the calendar file's link lands on the activity's own page. (The download
widget itself: tests/programme/test_calendar_files.py.)"""

from dataclasses import replace

from digled.content import programme
from digled.ui import calendar

PROG = programme.programme()


def test_the_link_lands_on_the_activity(monkeypatch):
    monkeypatch.setenv("DIGLED_BASE_URL", "https://digled.kommune.dk/")
    assert calendar.item_link(PROG.activity("film1")) == "https://digled.kommune.dk/films?item=film1"
    assert calendar.item_link(PROG.activity("meeting1")) == "https://digled.kommune.dk/meetings?item=meeting1"
    assert calendar.item_link(PROG.activity("kickoff")) == "https://digled.kommune.dk/materials?item=kickoff"


def test_an_activity_of_no_known_page_links_to_the_front_page(monkeypatch):
    monkeypatch.setenv("DIGLED_BASE_URL", "https://digled.kommune.dk")
    assert calendar.item_link(replace(PROG.activity("film1"), kind="podcast")) == "https://digled.kommune.dk"
