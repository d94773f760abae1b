"""Property and fuzz tests of the parsers every bad input goes through (issue 6, "Bad input").

For any input, each parser either accepts it or refuses it with its own clear error (naming
the file, entry or setting): never another exception, never a partial write.

- content files: `content.load_framework` and `content.load_organisation` on mutated copies of
  the real files in data/: structural mutations (any value YAML can hold, at any place; keys
  and list entries removed or duplicated) and raw-text damage (truncation, junk bytes).
- answers: `assessment.save_answer` with any question id, any value and any assessment id.
- settings: `config.load_settings` with any environment values and any secrets file.

Other parsers (participant import, organisation lists, schedule) are fuzzed in their own tests.
"""

from __future__ import annotations

import copy
import math
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digled.assessment import answering
from digled.content import loader
from digled.platform import config, migrations

DATA = loader.DATA_DIR
FRAMEWORK_FILES = ("framework.yaml", "items.yaml", "profile.yaml", "feedback.yaml")
NAMED = re.compile(r"^\S*assessment/(framework|items|profile|feedback)\.yaml: \S.*")
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Values a YAML file can hold (safe_load): scalars incl. dates, lists and mappings.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", " ", "da", "en", "#000000", "#ffffff", "info_search", "knowledge", "https://x.dk", "1"]),
    st.dates(),
    st.datetimes(),
)
yaml_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=8), st.integers(), st.sampled_from(["id", "da", "en", "value"])), inner, max_size=4),
    ),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def parsed_content() -> dict[str, dict]:
    return {name: loader.read_yaml(DATA / "assessment" / name) for name in FRAMEWORK_FILES}


def _mutate(data, draw):
    """Apply one drawn mutation to a deep copy of `data` and return it.

    The place is found by a random walk from the top (stopping at each level with some
    chance), so every level of the structure is hit about as often as the next."""
    data = copy.deepcopy(data)
    target = data
    while True:
        keys = list(target.keys()) if isinstance(target, dict) else list(range(len(target)))
        deeper = [k for k in keys if isinstance(target[k], (dict, list))]
        if not deeper or draw(st.integers(0, 3)) == 0:
            break
        target = target[draw(st.sampled_from(deeper))]
    kind = draw(st.sampled_from(["replace", "replace", "delete", "duplicate", "add"] if keys else ["add"]))
    if kind == "add":
        if isinstance(target, dict):
            new_key = draw(st.one_of(st.text(max_size=8), st.integers(), st.sampled_from(["id", "da", "en", "extra"])))
            target[new_key] = draw(yaml_values)
        else:
            target.append(draw(yaml_values))
        return data
    key = draw(st.sampled_from(keys))
    if kind == "replace":
        target[key] = draw(yaml_values)
    elif kind == "delete":
        del target[key]
    elif isinstance(target, list):
        target.insert(key, copy.deepcopy(target[key]))
    else:  # a mapping cannot hold a key twice: give the entry's value to another key
        other = draw(st.sampled_from(keys))
        target[other] = copy.deepcopy(target[key])
    return data


@FUZZ
@given(st.data())
def test_framework_with_any_mutation_loads_or_names_the_problem(parsed_content, data):
    name = data.draw(st.sampled_from(FRAMEWORK_FILES), label="file")
    mutated = {**parsed_content}
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        mutated[name] = _mutate(mutated[name], data.draw)

    def read(path: Path) -> dict:
        document = mutated[path.name]
        if not isinstance(document, dict):
            raise loader.ContentError(f"{path}: the file must hold a mapping at the top level")
        return copy.deepcopy(document)

    original = loader.read_yaml
    loader.read_yaml = read  # the parsed documents, without writing and re-parsing YAML
    try:
        framework = loader.load_framework(DATA / "assessment")
    except loader.ContentError as e:
        # file: entry: problem (a change in one file may surface where another refers to it)
        assert NAMED.match(str(e)), str(e)
    else:
        assert len(framework.items) >= 2 * 3 * len(framework.competences)
    finally:
        loader.read_yaml = original


JUNK = (None, True, -1, 2**64, math.nan, "", "x", date(2025, 1, 1), [], [[1]], {}, {"da": 1, "en": []})


def _places(value, path=()):
    """Every place of a document, lists and large mappings sampled by their first entries."""
    if isinstance(value, dict):
        keys = list(value)[:2] if len(value) > 8 else list(value)
    elif isinstance(value, list):
        keys = sorted({0, len(value) - 1}) if value else []
    else:
        return
    for key in keys:
        yield path + (key,)
        yield from _places(value[key], path + (key,))


def _copy(container):
    return dict(container) if isinstance(container, dict) else list(container)


def _load_with(documents: dict) -> None:
    original = loader.read_yaml
    loader.read_yaml = lambda path: documents[path.name]  # the loaders never change what they read
    try:
        loader.load_framework(DATA / "assessment")
    finally:
        loader.read_yaml = original


def test_every_place_with_every_kind_of_junk_is_refused_by_name(parsed_content):
    """Systematic: each place of each file (sampled), replaced by each kind of value or removed."""
    crashes = []
    tried = 0
    for name, document in parsed_content.items():
        for place in _places(document):
            for junk in JUNK + ("<delete>",):
                mutated = target = _copy(document)  # copy along the path only
                for key in place[:-1]:
                    target[key] = _copy(target[key])
                    target = target[key]
                if junk == "<delete>":
                    del target[place[-1]]
                else:
                    target[place[-1]] = junk
                tried += 1
                try:
                    _load_with({**parsed_content, name: mutated})
                except loader.ContentError as e:
                    if not NAMED.match(str(e)):
                        crashes.append(f"{name} {place} = {junk!r}: unnamed error {e}")
                except Exception as e:  # noqa: BLE001 - the point of the test
                    crashes.append(f"{name} {place} = {junk!r}: {type(e).__name__}: {e}")
    assert tried > 1000
    assert crashes == [], "\n".join(crashes[:20]) + f"\n({len(crashes)} in all)"


def _damage(text: str, draw) -> bytes:
    raw = text.encode("utf-8")
    kind = draw(st.sampled_from(["truncate", "junk", "splice", "yaml"]))
    at = draw(st.integers(0, len(raw)))
    if kind == "truncate":
        return raw[:at]
    if kind == "junk":
        return raw[:at] + draw(st.binary(min_size=1, max_size=16)) + raw[at:]
    if kind == "splice":
        end = draw(st.integers(at, min(len(raw), at + 200)))
        return raw[:at] + raw[end:]
    snippet = draw(st.sampled_from(["\n- [", "\n  id: 7\n", "}: {", "\n\t", "&a *a", "!!python/object:os.system", "\n---\n", ": :"]))
    return raw[:at] + snippet.encode() + raw[at:]


@pytest.fixture(scope="module")
def content_copy(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("fuzz") / "assessment"
    shutil.copytree(DATA / "assessment", target)
    shutil.copy(DATA / "organisation.yaml", target.parent / "organisation.yaml")
    return target


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_content_files_load_or_name_the_file(content_copy, data):
    name = data.draw(st.sampled_from(FRAMEWORK_FILES), label="file")
    path = content_copy / name
    original = (DATA / "assessment" / name).read_text(encoding="utf-8")
    path.write_bytes(_damage(original, data.draw))
    try:
        loader.load_framework(content_copy)
    except loader.ContentError as e:
        assert name in str(e), str(e)
    finally:
        path.write_text(original, encoding="utf-8")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_organisation_file_loads_or_names_the_file(content_copy, data):
    path = content_copy.parent / "organisation.yaml"
    original = (DATA / "organisation.yaml").read_text(encoding="utf-8")
    if data.draw(st.booleans(), label="structural"):
        document = _mutate(yaml.safe_load(original), data.draw)
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    else:
        path.write_bytes(_damage(original, data.draw))
    try:
        org = loader.load_organisation(path)
    except loader.ContentError as e:
        assert "organisation.yaml" in str(e), str(e)
    else:
        assert org.municipalities and org.areas and org.levels
        assert all(set(name) == {"da", "en"} for name in org.areas.values())


# --- answers ----------------------------------------------------------------------------------

answer_values = st.one_of(
    st.none(),
    st.integers(min_value=-3, max_value=8),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=True),
    st.just(2.0),
    st.text(max_size=5),
    st.sampled_from(["2", b"2", [2], (2,), {"value": 2}]),
)


def _state(d) -> tuple:
    return (
        d.execute("SELECT * FROM answers ORDER BY assessment_id, item").fetchall(),
        d.execute("SELECT * FROM assessments ORDER BY id").fetchall(),
    )


def test_any_answer_is_stored_exactly_or_refused_without_a_write(tmp_path, framework):
    d = migrations.open_and_migrate(tmp_path / "answers.db")
    secret = "fuzz-secret-" + "f" * 32
    open_draft = answering.start(d, "fuzz-open", "start", today=date(2025, 1, 6), secret=secret)
    closed = answering.start(d, "fuzz-closed", "start", today=date(2025, 1, 6), secret=secret)
    answering.save_answer(d, framework, closed.id, framework.items[0].id, 3)
    answering.submit(d, framework, closed.id, today=date(2025, 1, 7), secret=secret)
    questions = answering.question_ids(framework)
    outcomes = {"stored": 0, "refused": 0}

    any_id = st.one_of(
        st.sampled_from([open_draft.id, closed.id, 0, -1, 10**6]),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),  # ids come from SQLite: int64
    )
    any_item = st.one_of(
        st.sampled_from(questions), st.text(max_size=30),
        st.sampled_from([q.upper() for q in questions[:3]] + [" " + questions[0], questions[0] + "\x00"]),
    )
    plausible = st.tuples(st.just(open_draft.id), st.sampled_from(questions), st.one_of(st.none(), st.integers(0, 4)))

    @settings(max_examples=400, deadline=None)
    @given(st.one_of(plausible, st.tuples(any_id, any_item, answer_values)))
    def check(case):
        assessment_id, item, value = case
        before = _state(d)
        valid = (
            assessment_id == open_draft.id
            and item in questions
            and (value is None or (type(value) is int and 0 <= value <= 4))
        )
        try:
            answering.save_answer(d, framework, assessment_id, item, value)
        except answering.AnswerError as e:
            assert not valid, f"refused a valid answer: {e}"
            assert _state(d) == before, "a refused answer changed the database"
            assert str(e) in {
                "Unknown question.", "The answer is outside the scale.", "This assessment is already submitted."
            }
            outcomes["refused"] += 1
            return
        assert valid, f"accepted {item!r}={value!r} for assessment {assessment_id}"
        stored = answering.answers(d, open_draft.id)
        assert stored.get(item) == value
        assert _state(d)[1] == before[1], "saving an answer touches no assessment row"
        outcomes["stored"] += 1

    try:
        check()
    finally:
        d.close()
    assert outcomes["stored"] >= 10 and outcomes["refused"] >= 100, outcomes


# --- settings -----------------------------------------------------------------------------------

env_text = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=60)
toml_documents = st.one_of(
    st.text(max_size=80),
    st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
    st.builds(
        lambda key, value: f"{key} = {value}\n",
        st.sampled_from(["cookie_key", "pseudonym_secret"]),
        st.sampled_from(['"' + "x" * 40 + '"', '"short"', "12345678901234567890123456789012345", "true", "[1, 2]",
                         "{a = 1}", "2025-01-01", "1979-05-27T07:32:00Z", "3.14", '""', "'" + "y" * 40 + "'", "nan"]),
    ),
)


STRONG_COOKIE = "fuzz-cookie-Kq8TzLm3RvX7cNf2HsJ9pGb4YaE6uWd5"  # passes config.weakness
STRONG_SECRET = "fuzz-secret-Nb6Tq2XzLm9RvK4cWf7HsJ3pGd8YaE5u"


def test_any_settings_give_settings_or_one_clear_config_error(tmp_path):
    import tempfile

    outcomes = {"settings": 0, "refused": 0}

    @settings(max_examples=200, deadline=None, derandomize=True)  # the same 200 every run: a stable count
    @given(
        demo=st.one_of(st.none(), env_text, st.sampled_from(["1", "0", "ja", "nej", "TRUE", " 0 ", "2"])),
        cookie=st.one_of(st.just(STRONG_COOKIE), st.just(STRONG_COOKIE), st.just("k" * 40), st.none(), env_text),
        secret=st.one_of(st.just(STRONG_SECRET), st.just(STRONG_SECRET), st.just("p" * 40), st.none(), env_text),
        secrets_file=st.one_of(st.none(), toml_documents, st.just("<directory>")),
        db_name=st.one_of(st.none(), st.sampled_from(["a.db", "sub/dir/a.db", "<file>/a.db", "æøå .db", "a.db/"])),
        base_url=st.one_of(st.just("https://digled.kommune.dk"), st.just("https://digled.kommune.dk"),
                           st.just("http://localhost:8501"), st.none(), env_text),
    )
    def check(demo, cookie, secret, secrets_file, db_name, base_url):
        work = Path(tempfile.mkdtemp(dir=tmp_path))
        env = {}
        if demo is not None:
            env["DIGLED_DEMO"] = demo
        if cookie is not None:
            env["DIGLED_COOKIE_KEY"] = cookie
        if secret is not None:
            env["DIGLED_PSEUDONYM_SECRET"] = secret
        if base_url is not None:
            env["DIGLED_BASE_URL"] = base_url
        secrets_path = work / "secrets.toml"
        if secrets_file == "<directory>":
            secrets_path.mkdir()
        elif secrets_file is not None:
            secrets_path.write_text(secrets_file, encoding="utf-8", errors="surrogateescape")
        env["DIGLED_SECRETS_FILE"] = str(secrets_path)
        (work / "<file>").write_text("not a directory")
        env["DIGLED_DB"] = str(work / (db_name or "default.db"))
        try:
            s = config.load_settings(env)
        except config.ConfigError as e:
            # the message names what to fix: a variable, the secrets file or the database path
            assert "DIGLED_" in str(e) or str(work) in str(e), str(e)
            outcomes["refused"] += 1
            return
        assert isinstance(s.db_path, Path) and isinstance(s.demo, bool)
        for value in (s.cookie_key, s.pseudonym_secret):
            assert isinstance(value, str) and config.weakness(value) is None, "never runs with a weak secret"
        outcomes["settings"] += 1

    check()
    assert outcomes["settings"] >= 10 and outcomes["refused"] >= 10, outcomes  # both paths exercised
