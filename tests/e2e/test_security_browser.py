"""Issue 14, item 8 in a real browser: the DEMO banner shows on every page while demo mode is on
(e2e servers run in demo mode), and the administrator's backup leaves no lasting /media/ URL:
no URL exists before the click, and the one the click made answers 404 once the admin logged out."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

from tests.e2e.helpers import body, idle, login, logout, nav, open_app

BANNER = "DEMO: opdigtede personer"


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_demo_banner_and_a_backup_download_without_a_lasting_url(page, server):
    open_app(page, server.url)
    assert BANNER in body(page)  # anonymous login page
    login(page, "admin")
    assert BANNER in body(page)
    nav(page, "Indstillinger og backup")
    assert BANNER in body(page)

    button = page.locator(".st-key-download_backup button")
    assert not re.search(r"/media/[0-9a-f]{20}", page.content())  # nothing made, no URL, before the click
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert "/media/" in download.url
    with open(download.path(), "rb") as f:
        assert f.read(16) == b"SQLite format 3\x00"
    idle(page)
    nav(page, "Deltagere")  # the admin works on: two script runs later the file is gone
    nav(page, "Indstillinger og backup")
    assert status(download.url) == 404

    logout(page)
    assert status(download.url) == 404
    assert status(server.url + "/_stcore/health") == 200  # the server answers, the file is gone
