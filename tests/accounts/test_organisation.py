"""The configurable organisation lists and the minimum group size k."""

import json

import pytest

from digled.accounts import auth, organisation
from digled.assessment import answering
from digled.content import loader
from digled.platform import audit
from digled.platform.db import get_setting, set_setting


def test_defaults_are_the_lists_in_data(database):
    org = organisation.current(database)
    defaults = loader.organisation()
    assert org == defaults
    assert list(org.municipalities) == ["Albertslund", "Glostrup"]
    assert organisation.entries(database, "areas")[0] == {"id": "dagtilbud", "da": "Dagtilbud", "en": "Day care", "group": "born"}


def test_a_saved_list_replaces_the_default_and_is_audited(database):
    rows = [{"id": " Ballerup ", "da": "Ballerup Kommune", "en": "Ballerup Municipality"},
            {"id": "Glostrup", "da": "Glostrup  Kommune", "en": "Glostrup Municipality"},
            {"id": None, "da": None, "en": float("nan")}]  # a blank row from the editor is dropped
    organisation.save_entries(database, "municipalities", rows, "admin")
    org = organisation.current(database)
    assert org.municipalities == {"Ballerup": {"da": "Ballerup Kommune", "en": "Ballerup Municipality"},
                                  "Glostrup": {"da": "Glostrup Kommune", "en": "Glostrup Municipality"}}
    assert org.areas == loader.organisation().areas  # the other lists keep their defaults
    entry = audit.recent(database, 1)[0]
    assert (entry["actor"], entry["action"], entry["detail"]) == ("admin", "edit municipalities", "Ballerup, Glostrup")


def test_an_area_without_group_is_its_own_group(database):
    organisation.save_entries(database, "areas", [{"id": "it", "da": "IT", "en": "IT", "group": ""}], "admin")
    assert organisation.current(database).area_groups == {"it": "it"}


@pytest.mark.parametrize(
    "rows, problem",
    [
        ([{"id": "a", "da": "A", "en": "A"}, {"id": "A", "da": "B", "en": "B"}], (2, "id", "the id {id} is already used in row {row}")),
        ([{"id": "a", "da": "", "en": "A"}], (1, "da", "missing value")),
        ([{"id": "", "da": "A", "en": "A"}], (1, "id", "missing value")),
        ([{"id": "a", "da": "A", "en": "=HYPERLINK()"}], (1, "en", "looks like a spreadsheet formula (starts with = + - or @)")),
        ([{"id": "a" * 41, "da": "A", "en": "A"}], (1, "id", "too long (at most {limit} characters)")),
        ([], (0, "id", "the list must have at least one entry")),
    ],
)
def test_invalid_lists_are_refused_naming_row_and_field(database, rows, problem):
    with pytest.raises(organisation.InvalidList) as e:
        organisation.save_entries(database, "levels", rows, "admin")
    assert (e.value.problems[0].row, e.value.problems[0].field, e.value.problems[0].message) == problem
    assert get_setting(database, "org_levels") is None
    assert audit.recent(database) == []


def test_an_id_a_participant_has_cannot_be_removed(database):
    auth.create_user(database, username="bo", name="Bo", municipality="Glostrup", area="skole", level="topleder")
    with pytest.raises(organisation.InvalidList) as e:
        organisation.save_entries(database, "municipalities", [{"id": "Albertslund", "da": "A", "en": "A"}], "admin")
    assert e.value.problems[0].params == {"id": "Glostrup", "n": 1}
    organisation.save_entries(database, "municipalities", [{"id": "Glostrup", "da": "G", "en": "G"}], "admin")
    assert list(organisation.current(database).municipalities) == ["Glostrup"]


def test_reset_goes_back_to_the_defaults(database):
    organisation.save_entries(database, "levels", [{"id": "chef", "da": "Chef", "en": "Head"}], "admin")
    organisation.reset_entries(database, "levels", "admin")
    assert organisation.current(database).levels == loader.organisation().levels
    assert audit.recent(database, 1)[0]["action"] == "reset levels"


def test_match_by_id_or_either_name_ignoring_case_and_spaces(database):
    org = organisation.current(database)
    for value in ("dagtilbud", "DAGTILBUD", " Dagtilbud ", "day   care", "Day Care"):
        assert organisation.match(org, "areas", value) == "dagtilbud"
    assert organisation.match(org, "municipalities", "glostrup kommune") == "Glostrup"
    assert organisation.match(org, "levels", "Førstelinjeleder") == "foersteleder"
    assert organisation.match(org, "areas", "Dagtilbu") is None


def test_min_group_size_defaults_to_5_and_is_stored(database):
    assert organisation.min_group_size(database) == 5
    organisation.set_min_group_size(database, 3, "admin")
    assert organisation.min_group_size(database) == 3
    assert json.loads(get_setting(database, "min_group_size")) == 3
    assert audit.recent(database, 1)[0]["action"] == "set min_group_size"


@pytest.mark.parametrize("k", [2, 0, -5, 101, True, 4.5, "5"])
def test_min_group_size_outside_3_to_100_is_refused(database, k):
    organisation.set_min_group_size(database, 7, "admin")
    with pytest.raises(organisation.InvalidMinGroupSize):
        organisation.set_min_group_size(database, k, "admin")
    assert organisation.min_group_size(database) == 7


@pytest.mark.parametrize("stored, k", [("1", 3), ("2", 3), ("not json", 5), ("[]", 5), ("12", 12)])
def test_min_group_size_is_never_below_3_whatever_is_stored(database, stored, k):
    set_setting(database, "min_group_size", stored)
    assert organisation.min_group_size(database) == k


def test_every_round_of_a_run_has_its_k_frozen_once_answered(database):
    """The follow-up rounds too (issue 23): changing k later never changes a round with answers."""
    assert organisation.ASSESSMENT_ROUNDS == answering.RUN_ROUNDS
    database.conn.execute("INSERT INTO assessments (respondent, round, status, started) "
                          "VALUES ('r', 'followup_6', 'submitted', '2026-01-01')")
    database.conn.commit()
    assert organisation.frozen_round_k(database) == {"followup_6": 5}
    organisation.set_min_group_size(database, 7, "admin")
    assert organisation.round_k(database, "followup_6") == 5
    assert organisation.round_k(database, "followup_3") == 7
