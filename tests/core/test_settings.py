"""Settings survive restarts, bad files never crash, and the key lives only in env or the keyring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from upscaler_gui.core import settings
from upscaler_gui.core.settings import Settings


def test_defaults_then_saved_values_come_back(isolated_dirs: dict[str, Path]) -> None:
    assert settings.load() == Settings()
    chosen = Settings(output_dir="/tmp/out", concurrency=4, on_conflict="skip", cost_per_image=0.7)
    settings.save(chosen)
    assert settings.load() == chosen
    assert settings.settings_path().parent == isolated_dirs["config"]


def test_wrong_types_fall_back_and_unknown_fields_are_ignored() -> None:
    settings.settings_path().write_text(
        json.dumps(
            {"concurrency": "many", "quality": 80, "cost_per_image": 1, "keep_metadata": 1, "future": 3}
        )
    )
    loaded = settings.load()
    assert loaded.concurrency == 10 and loaded.quality == 80
    assert loaded.cost_per_image == 1.0 and loaded.keep_metadata is True


@pytest.mark.allow_warning_logs
def test_damaged_file_is_set_aside_not_fatal() -> None:
    settings.settings_path().write_text("{not json")
    assert settings.load() == Settings()
    assert settings.settings_path().with_suffix(".damaged.json").exists()


def test_key_comes_from_env_and_is_never_in_the_settings_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIE_API_KEY", "env-key-98765")
    assert settings.api_key() == "env-key-98765"
    settings.save(Settings())
    assert "env-key-98765" not in settings.settings_path().read_text()


def test_no_key_anywhere_is_none_not_a_crash() -> None:
    assert settings.api_key() is None
