"""digled.ui.guides: a guide's video (played where it can be embedded, else a link that opens
it) above its text guide, in AppTest."""

from streamlit.testing.v1 import AppTest

from digled.content import guides, programme
from tests.content.test_guides import SEED_DEFINITION


def _widget_run(key: str, lang: str, url: str | None = None):
    def script(key, lang, url):
        import os

        from digled.platform import db
        from digled.platform.i18n import translator
        from digled.ui import guides as widget

        widget.show(key, translator(lang), lang, db=db.connect(os.environ["DIGLED_DB"]), url=url)

    at = AppTest.from_function(script, args=(key, lang, url), default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def test_the_widget_plays_a_youtube_video_above_the_text(database):
    guides.save(database, {"assessment": "https://www.youtube.com/watch?v=_T8LGqJtuGc"}, "admin", programme.programme())
    at = _widget_run("assessment", "da")
    assert [v.proto.url for v in at.get("video")] == ["https://www.youtube.com/embed/_T8LGqJtuGc"]
    assert at.subheader[0].value == "Før du besvarer kompetenceafklaringen"
    assert any(SEED_DEFINITION in m.value for m in at.markdown)


def test_the_widget_links_an_address_it_cannot_play(database):
    guides.save(database, {"wheel": "https://vimeo.com/123456"}, "admin", programme.programme())
    at = _widget_run("wheel", "en")
    assert not at.get("video")
    (button,) = at.get("link_button")
    assert button.proto.url == "https://vimeo.com/123456" and button.proto.label == "Open the video"
    assert at.subheader[0].value == "Before you see your competence wheel"


def test_without_a_video_the_widget_shows_the_text_alone(database):
    at = _widget_run("films", "da")
    assert not at.get("video") and not at.get("link_button")
    assert any("egne digitale vaner" in m.value for m in at.markdown)


def test_the_administrators_preview_address_overrides_the_stored_video(database):
    """`url` is the preview of an address not yet saved: it is shown instead of the stored one,
    and an empty preview shows the text alone."""
    guides.save(database, {"assessment": "https://www.youtube.com/watch?v=_T8LGqJtuGc"}, "admin", programme.programme())
    at = _widget_run("assessment", "en", url="https://example.org/media/intro.mp4")
    assert [v.proto.url for v in at.get("video")] == ["https://example.org/media/intro.mp4"]
    at = _widget_run("assessment", "en", url="")
    assert not at.get("video") and not at.get("link_button")
    assert at.subheader[0].value == "Before you answer the competence assessment"
