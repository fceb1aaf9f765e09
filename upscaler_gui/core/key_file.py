"""The API key in a file readable only by the user: where there is no system keyring to keep it.

Like `gh` on a machine without a keyring: the user chose this, knowing the key is stored unencrypted.
The file is created with mode 0600 (never written first and narrowed after), replaced atomically,
and a copy found readable by others is narrowed to 0600 before it is read.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from upscaler_gui.core import log, paths
from upscaler_gui.core.errors import SettingsError
from upscaler_gui.core.i18n import tr

FILE_NAME = "api-key"
MODE = 0o600  # read and write for the user; nothing for the group or others


def key_file_path() -> Path:
    """`<config dir>/api-key`, next to settings.json (which never holds the key)."""
    return paths.config_dir() / FILE_NAME


def read_key_file(path: Path | None = None) -> str | None:
    """The key kept in the file, or None when there is none (or it cannot be read: said in the log)."""
    path = path or key_file_path()
    try:
        _narrow_if_open_to_others(path)
        key = path.read_text("utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        log.settings.info("the key file %s cannot be read (%s)", path, type(exc).__name__)
        return None
    return key or None


def write_key_file(key: str, path: Path | None = None) -> Path:
    """Keep `key` in the file, readable only by the user; where it went. SettingsError when it cannot."""
    path = path or key_file_path()
    tmp = path.with_name(f".{path.name}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()  # a crashed write's leftover: O_EXCL below must make the file itself
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(key + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        message = tr("The key could not be saved to {path} ({cause}).")
        raise SettingsError(message.format(path=path, cause=exc.strerror or type(exc).__name__)) from exc
    log.settings.info("API key saved in %s (mode 600)", path)
    return path


def delete_key_file(path: Path | None = None) -> bool:
    """Remove the file; whether there was one."""
    path = path or key_file_path()
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    log.settings.info("key file %s removed", path)
    return True


def _narrow_if_open_to_others(path: Path) -> None:
    """A copy restored from a backup or edited by hand may be readable by others: make it 0600 again."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if os.name == "posix" and mode & 0o077:
        os.chmod(path, MODE)
        log.settings.info("the key file %s was readable by others (%o): now 600", path, mode)
