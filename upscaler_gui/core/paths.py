"""The one place that asks platformdirs where things live.

Each folder can be moved with an environment variable (tests point them all at tmp_path); the data
dir also with `--data-dir` on the command line, which sets `UPSCALER_GUI_DATA_DIR`.
"""

from __future__ import annotations

import os
import stat
import warnings
from pathlib import Path

import platformdirs

from upscaler_gui.core.constants import ENV_DATA_DIR

APP_NAME = "upscaler-gui"
ENV_CONFIG_DIR = "UPSCALER_GUI_CONFIG_DIR"
ENV_CACHE_DIR = "UPSCALER_GUI_CACHE_DIR"
ENV_RUNTIME_DIR = "UPSCALER_GUI_RUNTIME_DIR"


def _from_env_or(env: str, default: Path) -> Path:
    value = os.environ.get(env, "").strip()
    path = Path(value).expanduser() if value else default
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """Job store, ledger, pasted images: what must survive a restart. StoreError when it cannot be made."""
    from upscaler_gui.core.store_errors import folder_error

    default = platformdirs.user_data_path(APP_NAME, appauthor=False)
    try:
        return _from_env_or(ENV_DATA_DIR, default)
    except OSError as exc:
        raise folder_error(exc, Path(os.environ.get(ENV_DATA_DIR, "") or default)) from exc


def config_dir() -> Path:
    """Settings file (never the API key: that lives in the OS keyring)."""
    return _from_env_or(ENV_CONFIG_DIR, platformdirs.user_config_path(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Thumbnails and other things that can be made again."""
    return _from_env_or(ENV_CACHE_DIR, platformdirs.user_cache_path(APP_NAME, appauthor=False))


def log_file() -> Path:
    """The app's log file, in the platform's log folder."""
    folder = _from_env_or(ENV_CACHE_DIR, platformdirs.user_log_path(APP_NAME, appauthor=False))
    return folder / "upscaler-gui.log"


def runtime_dir() -> Path:
    """The open window's socket and lock: a folder only this user can enter (0700), emptied at logout
    ($XDG_RUNTIME_DIR). OSError when it cannot be made private, or belongs to someone else."""
    value = os.environ.get(ENV_RUNTIME_DIR, "").strip()
    with warnings.catch_warnings():  # no XDG_RUNTIME_DIR: platformdirs warns, then uses /tmp/runtime-<uid>
        warnings.simplefilter("ignore")
        default = platformdirs.user_runtime_path(APP_NAME, appauthor=False)
    folder = Path(value).expanduser() if value else default
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        info = folder.stat()
        if info.st_uid != os.getuid():
            raise PermissionError(f"{folder} belongs to another user")
        if stat.S_IMODE(info.st_mode) & 0o077:
            folder.chmod(0o700)
    return folder
