import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from digled.platform import i18n

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "t": None}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def used_messages() -> set[str]:
    found = set()
    method_map = [("app.py", "python"), ("pages/**.py", "python"), ("digled/**.py", "python")]
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue() -> dict[str, str]:
    with i18n.po_path("da").open("rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id}


def test_every_ui_string_has_a_danish_translation():
    da = catalogue()
    missing = sorted(m for m in used_messages() if not da.get(m))
    assert missing == [], f"run pybabel extract/update and translate: {missing}"


def test_translations_keep_their_placeholders():
    for msgid, msgstr in catalogue().items():
        if msgstr:
            assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(msgstr)), msgid


def test_danish_is_the_default_and_english_is_the_source():
    assert i18n.DEFAULT_LANGUAGE == "da"
    assert i18n.translator("da")("Log in") == "Log ind"
    assert i18n.translator("en")("Log in") == "Log in"
    assert i18n.translator("xx")("Log in") == "Log ind"  # unknown language falls back to Danish


def test_content_text_picks_the_language():
    assert i18n.text({"da": "Viden", "en": "Knowledge"}, "en") == "Knowledge"
    assert i18n.text({"da": "Viden", "en": ""}, "en") == "Viden"
    assert i18n.text(None, "da") == ""


def test_no_translation_call_inside_an_f_string():
    """pybabel cannot see t("...") inside an f-string: translate first, then format."""
    import ast

    found = []
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "digled").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if (isinstance(inner, ast.Call) and getattr(inner.func, "id", None) in {*KEYWORDS, "ngettext"}
                            and inner.args and isinstance(inner.args[0], ast.Constant)):
                        found.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert found == [], found
