"""Typed settings with a schema version, in a JSON file in the config dir; where the API key comes from.

The key is never in settings.json. `find_api_key` owns the order: `KIE_API_KEY`, then a key kept for
this session, then the OS keyring, then the 0600 key file the user chose where there is no keyring.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from upscaler_gui.core import key_file, log, paths
from upscaler_gui.core.constants import DEFAULT_CONFIRM_OVER_CREDITS, DEFAULT_COST_PER_IMAGE, ENV_API_KEY
from upscaler_gui.core.errors import KeyringUnavailableError, SettingsError
from upscaler_gui.core.i18n import tr
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
    fit_to_limit: bool = True  # re-encode a PNG/JPEG/WEBP over 10 MB to fit (upscale --no-fit: off)
    fit_pixels: bool = False  # scale an image over 16 MP or 4096 px a side down (upscale --fit-pixels)
    keep_tree: bool = False  # a dropped folder's subfolders mirrored in the output (upscale --keep-tree)
    concurrency: int = 10
    cost_per_image: float = DEFAULT_COST_PER_IMAGE
    batch_credits: float = 0.0  # the window's budget for one batch (0: none); the CLI has --max-credits
    daily_credits: float = 0.0  # what a day may spend across runs, window and command line (0: none)
    confirm_over_credits: float = DEFAULT_CONFIRM_OVER_CREDITS  # a batch costing more asks first
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


class KeySource(StrEnum):
    """Where the key in effect comes from, in the order they are asked (`find_api_key`)."""

    ENVIRONMENT = "environment"  # KIE_API_KEY
    SESSION = "session"  # typed in the window and kept for this run only (the user's choice)
    KEYRING = "keyring"  # the system's credential store
    FILE = "file"  # <config dir>/api-key, 0600: the user's choice where there is no keyring


@dataclass(frozen=True)
class FoundKey:
    key: str = field(repr=False)  # never in a log line or a traceback
    source: KeySource


_session_key = ""  # one process-wide value, as the keyring is one per user


def find_api_key() -> FoundKey | None:
    """The key in effect and where it comes from: KIE_API_KEY, then the key kept for this session,
    then the keyring, then the key file. The window and the command line both ask this (the command
    line never has a session key)."""
    readers = (
        (KeySource.ENVIRONMENT, lambda: os.environ.get(ENV_API_KEY, "").strip()),
        (KeySource.SESSION, lambda: _session_key),
        (KeySource.KEYRING, keyring_key),
        (KeySource.FILE, key_file.read_key_file),
    )
    for source, read in readers:
        key = read()
        if key:
            register_secret(key)
            return FoundKey(key, source)
    return None


def api_key() -> str | None:
    """The key in effect (see `find_api_key`), or None."""
    found = find_api_key()
    return found.key if found else None


def keyring_key() -> str | None:
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, KEYRING_USER) or None
    except Exception as exc:
        log.settings.info("no key from the OS keyring (%s)", type(exc).__name__)
        return None


def save_api_key(key: str) -> None:
    """Store the key in the OS credential store and check that it kept it; "" removes every saved key.

    KeyringUnavailableError when the keyring refuses, or says yes and keeps nothing (keyring's null
    backend): the caller then offers the key file or this session, and never drops a key."""
    if not key:
        remove_saved_keys()
        return
    register_secret(key)
    _keyring_set(key)
    if keyring_key() != key:
        log.settings.info("the OS keyring said yes and kept nothing (%s)", _backend_name())
        raise KeyringUnavailableError(tr("The system keyring did not keep the key."))
    key_file.delete_key_file()  # the keyring holds it now: no plaintext copy is left behind
    forget_session_key()
    log.settings.info("API key saved in the OS keyring")


def save_api_key_to_file(key: str) -> Path:
    """The user's choice without a keyring: the key in a file only they can read; where it went."""
    register_secret(key)
    path = key_file.write_key_file(key)
    forget_session_key()
    return path


def keep_api_key_for_session(key: str) -> None:
    """The user's choice without a keyring: the key is used until the app quits, and saved nowhere."""
    global _session_key  # noqa: PLW0603 - see _session_key
    register_secret(key)
    _session_key = key
    log.settings.info("API key kept for this session only")


def forget_session_key() -> None:
    global _session_key  # noqa: PLW0603 - see _session_key
    _session_key = ""


def remove_saved_keys() -> None:
    """ "Remove saved key": from the keyring, the key file and this session."""
    forget_session_key()
    key_file.delete_key_file()
    try:
        import keyring

        keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
    except Exception as exc:  # nothing saved there, or no keyring at all: nothing to remove
        log.settings.info("nothing removed from the OS keyring (%s)", type(exc).__name__)


def _keyring_set(key: str) -> None:
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, KEYRING_USER, key)
    except Exception as exc:  # NoKeyringError, a locked or absent Secret Service, D-Bus errors...
        log.settings.info("the OS keyring cannot keep the key (%s)", type(exc).__name__)
        raise KeyringUnavailableError(
            tr("The system keyring is not available ({cause}).").format(cause=type(exc).__name__)
        ) from exc


def _backend_name() -> str:
    import keyring

    return type(keyring.get_keyring()).__module__
