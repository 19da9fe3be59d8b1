from __future__ import annotations

from pathlib import Path

import pytest

from storyline.errors import SettingsError
from storyline.settings import SETTINGS, load_settings


def test_defaults() -> None:
    settings = load_settings(environ={})
    assert settings["db"] == "storyline.db"
    assert settings["dedupe.threshold"] == 0.8


def test_precedence_file_env_cli(tmp_path: Path) -> None:
    config = tmp_path / "storyline.toml"
    config.write_text('db = "file.db"\n[dedupe]\nthreshold = 0.7\nnum_perm = 64\n')
    env = {"STORYLINE_DEDUPE_THRESHOLD": "0.75", "STORYLINE_DB": "env.db"}
    settings = load_settings({"db": "cli.db"}, environ=env, config=config)
    assert settings["db"] == "cli.db"
    assert settings["dedupe.threshold"] == 0.75
    assert settings["dedupe.num_perm"] == 64


def test_bad_values_name_the_setting() -> None:
    with pytest.raises(SettingsError, match=r"dedupe.threshold.*<= 1.0.*'3'"):
        load_settings({"dedupe.threshold": "3"}, environ={})
    with pytest.raises(SettingsError, match=r"ingest\.workers.*int.*'many'"):
        load_settings(environ={"STORYLINE_INGEST_WORKERS": "many"})
    with pytest.raises(SettingsError, match=r"unknown setting 'dedup\.threshold'"):
        load_settings({"dedup.threshold": 1}, environ={})


def test_bool_setting_parses_words() -> None:
    assert load_settings({"fetch.allow_private": "yes"}, environ={})["fetch.allow_private"] is True
    with pytest.raises(SettingsError):
        load_settings({"fetch.allow_private": "maybe"}, environ={})


def test_broken_config_file(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("db = ")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(environ={}, config=config)


def test_every_setting_is_documented() -> None:
    docs = (Path(__file__).parents[1] / "docs" / "settings.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.name}`" in docs, f"docs/settings.md does not document {setting.name}"
        assert setting.env in docs


def test_settings_doc_is_generated_from_the_table() -> None:
    from storyline.settings import settings_markdown

    docs = (Path(__file__).parents[1] / "docs" / "settings.md").read_text(encoding="utf-8")
    assert docs == settings_markdown(), "run: storyline settings --markdown > docs/settings.md"
