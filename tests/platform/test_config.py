import pytest

from digled.platform import config

COOKIE = "Kc7Lq2VzTm9XrB4nWf8HsJ3pGd6YaE1u"  # random enough (config.weakness)
PSEUDO = "Ps4Nq8TzRm2WvK7cLh5XjF9sYd3GbA6e"
URL = "https://digled.example.dk"


def test_strong_secrets_from_the_environment(tmp_path):
    s = config.load_settings({
        "DIGLED_DB": str(tmp_path / "a.db"), "DIGLED_DEMO": "0", "DIGLED_BASE_URL": URL,
        "DIGLED_COOKIE_KEY": COOKIE, "DIGLED_PSEUDONYM_SECRET": PSEUDO,
        "DIGLED_SECRETS_FILE": str(tmp_path / "none.toml"),
    })
    assert s.cookie_key == COOKIE and s.pseudonym_secret == PSEUDO and not s.demo and s.base_url == URL


def test_secrets_file_is_read(tmp_path):
    f = tmp_path / "secrets.toml"
    f.write_text(f'cookie_key = "{COOKIE}"\npseudonym_secret = "{PSEUDO}"\n')
    s = config.load_settings({"DIGLED_DB": str(tmp_path / "a.db"), "DIGLED_BASE_URL": URL, "DIGLED_SECRETS_FILE": str(f)})
    assert s.cookie_key == COOKIE and not s.demo  # secrets configured: demo is off by default


@pytest.mark.parametrize("value", [None, "", "some_key", "short", "a" * 40])
def test_outside_demo_missing_or_weak_secrets_refuse_to_start(tmp_path, value):
    env = {"DIGLED_DB": str(tmp_path / "a.db"), "DIGLED_DEMO": "0", "DIGLED_PSEUDONYM_SECRET": PSEUDO,
           "DIGLED_BASE_URL": URL,
           "DIGLED_SECRETS_FILE": str(tmp_path / "none.toml")}
    if value is not None:
        env["DIGLED_COOKIE_KEY"] = value
    with pytest.raises(config.ConfigError) as e:
        config.load_settings(env)
    assert "DIGLED_COOKIE_KEY" in str(e.value) and "cookie_key" in str(e.value)
    assert "DIGLED_PSEUDONYM_SECRET" not in str(e.value)


def test_demo_generates_secrets_once_beside_the_database(tmp_path):
    env = {"DIGLED_DB": str(tmp_path / "a.db"), "DIGLED_SECRETS_FILE": str(tmp_path / "none.toml")}
    first = config.load_settings(env)
    second = config.load_settings(env)
    assert first.cookie_key == second.cookie_key and len(first.cookie_key) >= 32
    assert first.pseudonym_secret == second.pseudonym_secret != first.cookie_key
    path = config.demo_secrets_path(tmp_path / "a.db")
    assert path.exists() and oct(path.stat().st_mode & 0o777) == "0o600"


def test_bad_demo_flag_is_named(tmp_path):
    with pytest.raises(config.ConfigError, match="DIGLED_DEMO"):
        config.load_settings({"DIGLED_DEMO": "maybe", "DIGLED_DB": str(tmp_path / "a.db")})


def test_broken_secrets_file_is_named(tmp_path):
    f = tmp_path / "secrets.toml"
    f.write_text("cookie_key = ")
    with pytest.raises(config.ConfigError, match="secrets.toml"):
        config.load_settings({"DIGLED_SECRETS_FILE": str(f), "DIGLED_DB": str(tmp_path / "a.db")})
