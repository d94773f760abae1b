"""digled.ui.scripts: the page's scripts are files served from the app's own address, never
inline; their data go in escaped `data-` attributes."""

import pytest

from digled.ui import scripts


def test_a_script_is_a_file_with_its_data_as_escaped_attributes():
    tag = scripts.tag("scroll_to", then_path="/a?b=1&c=\"x\"", target=None)
    assert tag == ('<script src="/api/digled/js/scroll_to.js" data-then-path="/a?b=1&amp;c=&quot;x&quot;" '
                   'data-target=""></script>')
    assert scripts.tag("close_menu") == '<script src="/api/digled/js/close_menu.js"></script>'


def test_an_unknown_script_is_refused():
    with pytest.raises(KeyError):
        scripts.tag("../secrets")
    with pytest.raises(KeyError):
        scripts.tag("nothing")


def test_every_script_file_is_javascript_in_the_directory():
    assert {p.suffix for p in scripts.DIRECTORY.iterdir() if p.is_file()} == {".js"}
