"""The names of downloaded files are in the reader's language (issue 20, point 9): a Danish
leader saves "mine-refleksioner-….md", an English one "my-reflections-….md"."""

import pytest

from tests.apptest import app_as, publish_first_figures

PAGES = [
    ("hanne.mortensen", "pages/films.py"), ("hanne.mortensen", "pages/my_results.py"),
    ("ledelse", "pages/management_competences.py"), ("ledelse", "pages/management_participation.py"),
    ("admin", "pages/admin_workshops.py"),
]
ENGLISH = ("reflections", "tables", "publication", "competence-wheel", "development-plan", "focus-list",
           "participation", "competences", "evaluation-report")
DANISH = ("refleksioner", "borde", "offentliggoerelse", "kompetencehjul", "udviklingsplan", "fokusliste",
          "deltagelse", "kompetencer", "evalueringsrapport")


def _file_names(monkeypatch, lang: str) -> list[str]:
    from streamlit.runtime.media_file_manager import MediaFileManager

    names: list[str] = []
    for method in ("add", "add_deferred"):
        original = getattr(MediaFileManager, method)

        def recording(self, data, mimetype, coordinates, file_name=None, *args, _original=original, **kwargs):
            names.append(file_name or "")
            return _original(self, data, mimetype, coordinates, file_name, *args, **kwargs)

        monkeypatch.setattr(MediaFileManager, method, recording)
    for username, page in PAGES:
        at = app_as(username, lang=lang).run()
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        publish_first_figures(at)  # the management user's explicit step: the figures to download
    return names


@pytest.mark.parametrize("lang, other", [("da", ENGLISH), ("en", DANISH)])
def test_downloaded_files_are_named_in_the_readers_language(demo_db, monkeypatch, lang, other):
    from digled.accounts import auth
    from digled.programme import reflections

    reflections.save(demo_db, auth.get_user(demo_db, "hanne.mortensen").id, "film1-r1", "En tanke.")
    names = _file_names(monkeypatch, lang)
    stems = {name.rsplit(".", 1)[0] for name in names}
    assert len(names) >= 8, names  # reflections, report, plan x2, focus x2, figures, participation, tables
    assert [n for n in names if any(word in n for word in other)] == [], names
    if lang == "da":
        assert any(s.startswith("mine-refleksioner-") for s in stems) and "udviklingsplan" in stems
    else:
        assert any(s.startswith("my-reflections-") for s in stems) and "development-plan" in stems
