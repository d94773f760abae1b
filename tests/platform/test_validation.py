"""digled.platform.validation: one set of checks and message ids for the text an administrator
types or imports. Every check gives None or (message id, params); the first problem wins: missing,
formula-like, too long, control characters. Names: letters of any script, spaces, hyphens,
apostrophes and periods, starting with a letter. (The hostile inputs are in
tests/security/test_names.py and test_mail_headers.py.)"""

import pytest

from digled.platform import validation as v


def test_the_first_text_problem_wins():
    assert v.text_problem("  ", 10) == ("missing value", {})
    assert v.text_problem("", 10, required=False) is None
    assert v.text_problem(" =1+1" + "x" * 20, 10) == ("looks like a spreadsheet formula (starts with = + - or @)", {})
    assert v.text_problem("x" * 11, 10) == ("too long (at most {limit} characters)", {"limit": 10})
    assert v.text_problem("a\tb", 10) == ("contains control characters", {})
    assert v.text_problem("Skole", 10) is None


@pytest.mark.parametrize("value", ["=SUM(A1)", "+45", "-1", "@x", "  =x"])
def test_formula_like_text(value):
    assert v.looks_like_formula(value)


def test_an_email_address_is_checked_after_the_text_rules():
    assert v.email_problem("lea@albertslund.dk") is None
    assert v.email_problem(" lea@albertslund.dk ") is None  # typed: blanks around are forgiven
    assert v.email_problem("lea@albertslund") == ("not a valid e-mail address", {})
    assert v.email_problem("lea albertslund.dk") == ("not a valid e-mail address", {})
    assert v.email_problem("") == ("missing value", {})
    assert v.email_problem("a" * 250 + "@x.dk") == ("too long (at most {limit} characters)", {"limit": 254})


def test_an_exact_email_is_taken_only_as_it_is():
    assert v.exact_email_problem("lea@albertslund.dk") is None
    for value in (" lea@albertslund.dk", "lea@albertslund.dk\n", "lea@albertslund.\tdk"):
        assert v.exact_email_problem(value) is not None, repr(value)
    assert v.exact_email_problem(None) == ("missing value", {})
    assert v.exact_email_problem(["lea@albertslund.dk"]) == ("missing value", {})
    assert v.exact_email_problem("lea@albertslund.dk" + "\u0430") == ("not a valid e-mail address", {})  # Cyrillic a


def test_clean_collapses_whitespace_and_blanks_missing_cells():
    assert v.clean("  Lea \n  Dam\t") == "Lea Dam"
    assert v.clean(None) == "" and v.clean(float("nan")) == "" and v.clean(12) == "12"


def test_a_name_is_cleaned_and_composed():
    assert v.clean_name(" Søren   A\u030angstrøm ") == "Søren Ångstrøm"


@pytest.mark.parametrize("name, problem", [
    ("Anne-Marie O'Neil", None),
    ("Jürgen Øster Jr.", None),
    ("", ("missing value", {})),
    ("Lea <lea@x.dk>", (v.NAME_CHARACTERS, {"char": "<"})),
    ("'Lea", (v.NAME_START, {})),
    ("x" * 101, ("too long (at most {limit} characters)", {"limit": 100})),
])
def test_name_problem(name, problem):
    assert v.name_problem(name) == problem


def test_the_display_name_keeps_only_what_a_name_may_hold():
    assert v.display_name('"Lea" <x@evil.dk>, Dam') == "Lea xevil.dk Dam"  # no <, >, @, comma or quote
    assert v.display_name("  -'Lea") == "Lea"
    assert v.display_name("Lea Dam", limit=3) == "Lea"
    assert v.display_name(None) == ""


def test_escaped_markdown_has_no_link_and_no_line_break():
    out = v.escape_markdown("[a](https://x.dk)\n**b**")
    assert "\n" not in out and out.startswith("\\[a\\]\\(https" + v.WORD_JOINER)
    assert "\\*\\*b\\*\\*" in out
    assert v.escape_markdown("www.x.dk") == "www" + v.WORD_JOINER + "\\.x\\.dk"
    assert v.escape_markdown(None) == "" and v.escape_markdown("Søren") == "Søren"
