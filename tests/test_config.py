"""Settings: flags over environment over the config file over defaults; `trialsum config` shows
each value and where it came from, with the API key masked; a bad file is one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.config import ConfigError, Settings, config_path, origins

KEY = "sk-test-abcdefghijklmnopqrstu-9876"


@pytest.fixture
def config_file(tmp_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config.toml in the test's home folder, read by default; no TRIALSUM_* leaks in."""
    for name in ("TRIALSUM_CONFIG", "TRIALSUM_ENGINE", "TRIALSUM_MODEL", "TRIALSUM_EMBED_BATCH"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_home / "config.toml"
    path.write_text('engine = "llm"\nmodel = "from-file"\nembed_batch = 8\n', encoding="utf-8")
    return path


def test_the_file_sets_what_env_and_flags_do_not(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert config_path() == config_file
    monkeypatch.setenv("TRIALSUM_MODEL", "from-env")
    settings = Settings(embed_batch=4)
    assert settings.engine == "llm"  # file over default
    assert settings.model == "from-env"  # env over file
    assert settings.embed_batch == 4  # flag over file
    assert settings.collection == "trialsum"  # default where nothing sets it
    where = origins({"embed_batch": 4})
    assert (where["engine"], where["model"], where["embed_batch"], where["collection"]) == (
        "file",
        "env",
        "flag",
        "default",
    )


def test_without_a_file_the_defaults_hold(tmp_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRIALSUM_CONFIG", raising=False)
    monkeypatch.delenv("TRIALSUM_ENGINE", raising=False)
    assert not config_path().exists()
    assert Settings().engine == "extractive"
    assert origins()["engine"] == "default"


def test_trialsum_config_env_names_another_file(
    config_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "team.toml"
    other.write_text('collection = "team"\n', encoding="utf-8")
    monkeypatch.setenv("TRIALSUM_CONFIG", str(other))
    settings = Settings()
    assert settings.collection == "team"
    assert settings.engine == "extractive"  # the home folder's file is not read then


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('engin = "llm"\n', "unknown setting(s) engin"),
        ("engine = \n", "not a readable TOML file"),
    ],
)
def test_a_bad_file_is_one_line_naming_it(config_file: Path, content: str, message: str) -> None:
    config_file.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Settings()
    assert str(caught.value).startswith(f"{config_file}: ") and message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_named_file_that_is_missing_is_an_error(
    tmp_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIALSUM_CONFIG", str(tmp_home / "nope.toml"))
    with pytest.raises(ConfigError, match="config file not found"):
        Settings()


def test_config_command_shows_values_origins_and_masks_the_key(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIALSUM_MODEL", "from-env")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://user:pw@127.0.0.1:9/v1")
    result = CliRunner().invoke(app, ["config", "--json", "--set", "embed_batch=2"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["config_file"] == str(config_file) and payload["config_file_exists"]
    rows = {r["name"]: r for r in payload["settings"]}
    assert set(Settings.model_fields) <= set(rows)
    assert (rows["engine"]["value"], rows["engine"]["origin"]) == ("llm", "file")
    assert (rows["model"]["value"], rows["model"]["origin"]) == ("from-env", "env")
    assert (rows["embed_batch"]["value"], rows["embed_batch"]["origin"]) == (2, "flag")
    assert rows["collection"]["origin"] == "default"
    assert rows["engine"]["env"] == "TRIALSUM_ENGINE"
    assert rows["openai_api_key"]["origin"] == "env"
    assert rows["openai_api_key"]["value"].endswith(KEY[-4:])
    assert KEY not in result.output and "pw@" not in result.output
    assert rows["openai_base_url"]["value"].endswith("127.0.0.1:9/v1")


def test_config_command_as_a_table(config_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    result = CliRunner().invoke(app, ["config"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert str(config_file) in result.output
    line = next(ln for ln in result.output.splitlines() if " engine " in ln)
    assert "llm" in line and "file" in line
    key_line = next(ln for ln in result.output.splitlines() if "openai_api_key" in ln)
    assert "unset" in key_line


def test_config_command_refuses_a_bad_file_and_an_unknown_flag(config_file: Path) -> None:
    config_file.write_text("engine = \n", encoding="utf-8")
    bad_file = CliRunner().invoke(app, ["config"])
    assert bad_file.exit_code == 78
    config_file.write_text('engine = "llm"\n', encoding="utf-8")
    bad_flag = CliRunner().invoke(app, ["config", "--set", "colour=blue"])
    assert bad_flag.exit_code == 2
    good = CliRunner().invoke(app, ["config", "--set", "collection=blue"])
    assert good.exit_code == 0
