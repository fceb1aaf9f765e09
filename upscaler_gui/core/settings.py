"""Typed settings with a schema version, in a JSON file in the config dir; the API key in the OS keyring.

The key is never written to our files: `KIE_API_KEY` wins, then the keyring entry.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from upscaler_gui.core import log, paths
from upscaler_gui.core.constants import DEFAULT_COST_PER_IMAGE, ENV_API_KEY
from upscaler_gui.core.errors import SettingsError
from upscaler_gui.core.redact import register_secret

SCHEMA_VERSION = 1
FILE_NAME = "settings.json"
KEYRING_SERVICE = "upscaler-gui"
KEYRING_USER = "kie-api-key"


@dataclass
class Settings:
    """Everything a user can choose; defaults are what a first run gets."""

    output_dir: str = ""  # "" = ~/Pictures/Crisp Upscaler (see default_output_dir)
    template: str = "{stem}_crisp.{ext}"
    on_conflict: str = "rename"  # rename | skip | overwrite
    output_format: str = "keep"  # keep | png | jpeg | webp
    quality: int = 92
    keep_metadata: bool = True
    concurrency: int = 10
    cost_per_image: float = DEFAULT_COST_PER_IMAGE
    language: str = ""  # "" follows the system; en | ru
    auto_start: bool = True
    callback_url: str = ""
    api_base: str = ""  # "" = KIE_API_BASE or the default
    upload_base: str = ""
    watch_enabled: bool = False
    watch_dir: str = ""
    watch_recursive: bool = False
    watch_settle_s: float = 2.0
    watch_move_processed_dir: str = ""
    start_minimized: bool = False
    # Window state as Qt saves it (base64 of saveGeometry()/saveState()), restored at the next start.
    ui_geometry: str = ""
    ui_splitter: str = ""
    ui_header: str = ""
    schema_version: int = field(default=SCHEMA_VERSION)


def default_output_dir() -> Path:
    pictures = Path.home() / "Pictures"
    return (pictures if pictures.is_dir() else Path.home()) / "Crisp Upscaler"


def settings_path() -> Path:
    return paths.config_dir() / FILE_NAME


def migrate(raw: dict[str, Any]) -> dict[str, Any]:
    """Bring an older file up to SCHEMA_VERSION (version 1 is the first; later ones add steps here)."""
    version = int(raw.get("schema_version", 1))
    if version > SCHEMA_VERSION:
        log.settings.info("settings file is from a newer version (%s); unknown fields ignored", version)
    raw["schema_version"] = SCHEMA_VERSION
    return raw


def load(path: Path | None = None) -> Settings:
    """The saved settings, or the defaults when there is no file; a damaged file is set aside."""
    path = path or settings_path()
    try:
        raw = json.loads(path.read_text("utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("not an object")
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        backup = path.with_suffix(".damaged.json")
        log.settings.warning("settings file unreadable (%s); defaults used, old file kept as %s", exc, backup)
        path.replace(backup)
        return Settings()
    known = {f.name for f in fields(Settings)}
    values = {k: v for k, v in migrate(raw).items() if k in known}
    return _typed(values)


def _typed(values: dict[str, Any]) -> Settings:
    """Keep only values of the right type; a wrong one falls back to its default."""
    defaults = Settings()
    clean: dict[str, Any] = {}
    for name, value in values.items():
        default = getattr(defaults, name)
        typed = float(value) if isinstance(default, float) and type(value) is int else value
        if type(typed) is type(default):
            clean[name] = typed
    return Settings(**clean)


def save(settings: Settings, path: Path | None = None) -> None:
    """Write atomically: a crash mid-save leaves the previous file."""
    path = path or settings_path()
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps(asdict(settings), indent=2, sort_keys=True), "utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise SettingsError(f"Settings could not be saved to {path} ({exc.strerror or exc}).") from exc


# --- the API key ------------------------------------------------------------------------------


def api_key() -> str | None:
    """KIE_API_KEY, else the key saved in the OS keyring, else None."""
    key = os.environ.get(ENV_API_KEY, "").strip() or keyring_key()
    register_secret(key)
    return key or None


def keyring_key() -> str | None:
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, KEYRING_USER) or None
    except Exception as exc:
        log.settings.info("no key from the OS keyring (%s)", type(exc).__name__)
        return None


def save_api_key(key: str) -> None:
    """Store the key in the OS credential store; an empty key deletes it."""
    import keyring
    import keyring.errors

    register_secret(key)
    try:
        if key:
            keyring.set_password(KEYRING_SERVICE, KEYRING_USER, key)
        else:
            keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
    except keyring.errors.PasswordDeleteError:
        pass
    except keyring.errors.KeyringError as exc:
        raise SettingsError(
            "The key could not be saved in the system's credential store.",
            hint="Set KIE_API_KEY in the environment instead.",
        ) from exc
