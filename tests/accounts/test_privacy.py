"""The privacy statement: content checked when loaded (errors name the file and the entry), the
page readable without login and from every role's menu, in Danish and English, and the leader's
introduction saying the same about who sees what."""

from pathlib import Path

import pytest
import yaml

from digled.accounts import navigation, privacy
from digled.content.loader import ContentError
from digled.platform import i18n
from tests.apptest import ROOT, app_as, page_text

SOURCE = ROOT / "data" / "privacy.yaml"


def test_the_shipped_statement_is_valid_and_complete():
    st = privacy.load_statement()
    ids = [s.id for s in st.sections]
    assert set(privacy.REQUIRED_SECTIONS) <= set(ids)
    assert {c.municipality for c in st.controllers} == {"Albertslund", "Glostrup"}
    for lang in ("da", "en"):
        rendered = privacy.render(st, lang, i18n.translator(lang), 5, "SENTENCE")
        body = "\n".join(s.body for s in rendered)
        assert "{" not in body and "}" not in body
        assert "SENTENCE" in body and "Datatilsynet" in body


def test_who_sees_what_names_every_role_and_k():
    en = "\n".join(privacy.who_sees(privacy.statement(), "en", 7))
    assert "**The programme administrator** sees whether you have taken the start and the end assessment" in en
    assert "not your answers" in en
    assert "published figures for groups of at least 7 leaders" in en
    assert "**No one in the app** can see your answers" in en
    assert "**The server operator**" in en and "holds the key" in en
    assert "Extra assessments" in en and "only for you" in en
    da = "\n".join(privacy.who_sees(privacy.statement(), "da", 7))
    assert "grupper på mindst 7 ledere" in da and "Ingen i appen" in da and "nøgle" in da


def test_controllers_without_addresses_point_to_the_administrator():
    st = privacy.statement()
    t = i18n.translator("da")
    assert "skriv til den forløbsansvarlige i kommunen" in privacy.controllers_markdown(st, "da", t)
    with_addresses = privacy.Statement(
        st.updated,
        (privacy.Controller("Glostrup", {"da": "Glostrup Kommune", "en": "Glostrup"}, "hr@example.dk", "dpo@example.dk"),),
        st.intro, st.who_sees, st.sections,
    )
    assert privacy.controllers_markdown(with_addresses, "da", t) == (
        "- **Glostrup Kommune**: e-mail hr@example.dk, databeskyttelsesrådgiver dpo@example.dk"
    )


def _broken(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "privacy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _section(data, sid):
    return next(s for s in data["sections"] if s["id"] == sid)


BROKEN = {
    "missing english heading": (
        lambda d: _section(d, "purpose")["heading"].pop("en"),
        "section purpose: heading: the en text is missing or empty",
    ),
    "unknown placeholder": (
        lambda d: _section(d, "contact")["body"].update(da="Skriv til {name}", en="Write to {name}"),
        "section contact: body: the da text has an unknown placeholder {name}",
    ),
    "placeholders differ": (
        lambda d: _section(d, "retention")["body"].update(en="Kept. No date sentence."),
        "section retention: body: the da and en texts must use the same placeholders",
    ),
    "stray brace": (
        lambda d: _section(d, "rights")["body"].update(da="Ret {", en="Right {"),
        "section rights: body: the da text has a stray brace",
    ),
    "missing section": (
        lambda d: d.update(sections=[s for s in d["sections"] if s["id"] != "rights"]),
        "sections: the section 'rights' is missing",
    ),
    "duplicate section": (
        lambda d: d["sections"].append(dict(_section(d, "purpose"))),
        "section purpose: id is used twice",
    ),
    "bad e-mail": (
        lambda d: d["controllers"][0].update(email="hr at albertslund"),
        "controller Albertslund: email: not a valid e-mail address",
    ),
    "to_confirm not a flag": (
        lambda d: _section(d, "legal_basis").update(to_confirm="yes"),
        "section legal_basis: to_confirm: must be true or false",
    ),
    "who_sees with a section placeholder": (
        lambda d: d["who_sees"][0].update(da="{controllers}", en="{controllers}"),
        "who_sees[0]: the da text has an unknown placeholder {controllers}",
    ),
    "bad date": (lambda d: d.update(updated="soon"), "updated: must be a date like 2026-12-01"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_a_bad_entry_is_an_error_naming_the_file_and_the_entry(tmp_path, name):
    change, expected = BROKEN[name]
    path = _broken(tmp_path, change)
    with pytest.raises(ContentError) as e:
        privacy.load_statement(path)
    assert str(path) in str(e.value)
    assert expected in str(e.value)


def test_malformed_yaml_names_the_file(tmp_path):
    path = tmp_path / "privacy.yaml"
    path.write_text("sections: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError, match="privacy.yaml: not valid YAML"):
        privacy.load_statement(path)


def test_check_content_validates_the_statement(capsys, monkeypatch, tmp_path):
    from digled.cli import main

    assert main(["check-content"]) == 0
    path = _broken(tmp_path, lambda d: d.pop("who_sees"))
    monkeypatch.setattr(privacy, "PRIVACY_FILE", path)
    assert main(["check-content"]) == 1
    assert "who_sees: must be a non-empty list" in capsys.readouterr().err


# --- the page ---------------------------------------------------------------------------------------

HEADINGS = {
    "da": ["Dataansvarlig", "Formål", "Retsgrundlag", "Hvem ser hvad", "Dine rettigheder", "Kontakt"],
    "en": ["Data controller", "Purpose", "Legal basis", "Who sees what", "Your rights", "Contact"],
}
TITLE = {"da": "Oplysning om behandling af personoplysninger", "en": "Privacy statement"}
MENU = {"da": "Personoplysninger", "en": "Privacy"}
K_LINE = {"da": "grupper på mindst 5 ledere", "en": "groups of at least 5 leaders"}


def _assert_statement(at, lang):
    assert not at.exception
    assert at.title[0].value == TITLE[lang]
    headings = [h.value for h in at.header]
    assert all(h in headings for h in HEADINGS[lang]), headings
    text = page_text(at)
    assert K_LINE[lang] in text and "Datatilsynet" in text


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_page_is_reachable_logged_out_from_the_login_screen(demo_db, lang):
    at = app_as(None, lang=lang).run()
    links = [(link.proto.page, link.proto.label) for link in at.get("page_link")]
    assert ("privacy", {"da": "Sådan behandler vi dine personoplysninger",
                        "en": "How your personal data is processed (privacy statement)"}[lang]) in links  # main area
    assert ("privacy", MENU[lang]) in links  # the logged-out menu
    at.switch_page("pages/privacy.py").run()
    _assert_statement(at, lang)
    assert at.session_state["authentication_status"] is not True


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_page_is_in_every_roles_menu(demo_db, lang):
    assert all(any(p.path == "pages/privacy.py" for p in navigation.pages_for((r,)))
               for r in ("leader", "management", "admin"))
    at = app_as("leder", lang=lang).run()
    assert MENU[lang] in [link.proto.label for link in at.get("page_link")]
    at.switch_page("pages/privacy.py").run()
    _assert_statement(at, lang)


def test_the_page_file_run_on_its_own_needs_no_login(demo_db):
    at = app_as(None, page="pages/privacy.py", lang="da").run()
    _assert_statement(at, "da")


def test_the_page_shows_the_deletion_date(demo_db):
    from datetime import date, timedelta

    from digled.assessment import retention

    day = date.today() + timedelta(days=30)
    retention.set_retention_date(demo_db, day, "admin")
    at = app_as(None, page="pages/privacy.py", lang="en").run()
    assert f"The raw answers are set to be deleted on {day.day} " in page_text(at)


def test_the_leader_intro_says_who_sees_what_and_links_the_statement(demo_db):
    at = app_as("leder", lang="da").run()
    at.switch_page("pages/assessment.py").run()
    assert not at.exception
    assert "Hvem ser dine svar" in [h.value for h in at.header]
    text = page_text(at)
    assert "grupper på mindst 5 ledere" in text and "Ingen i appen" in text and "nøgle" in text
    assert "anonym" not in text.lower()
    assert "Læs oplysningen om behandling af personoplysninger" in [l.proto.label for l in at.get("page_link")]
