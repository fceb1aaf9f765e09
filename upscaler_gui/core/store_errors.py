"""SQLite's failures turned into one sentence a user can act on: what, where, what to do.

The store's file can be locked by another program, sit on a full disk, be damaged, or live in a folder
that cannot be written. Each says so with the file's path and the next step; the jobs already written
are kept either way.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from upscaler_gui.core.errors import StoreError
from upscaler_gui.core.i18n import tr

# (words in SQLite's message, what happened, what to do); English here, translated when raised.
_KINDS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("locked", "busy"),
        "The job store {path} is locked by another program ({cause}).",
        "Close other programs that use it (another copy of the app, a database browser), then run again.",
    ),
    (
        ("full",),
        "The disk that holds the job store {path} is full.",
        "Free some space on it, then run again: the jobs written so far are kept.",
    ),
    (
        ("malformed", "not a database", "corrupt", "encrypted"),
        "The job store {path} is damaged ({cause}).",
        "Move the file aside (the app then starts with an empty one), or choose another data folder "
        "with --data-dir.",
    ),
    (
        ("readonly", "read-only", "unable to open", "permission", "disk i/o", "access"),
        "The job store {path} cannot be written ({cause}).",
        "Check the data folder's permissions and the disk, or choose another data folder with --data-dir.",
    ),
)
_OTHER = (
    "The job store {path} cannot be used ({cause}).",
    "Check the data folder, or choose another with --data-dir.",
)


def store_error(exc: sqlite3.Error, path: Path) -> StoreError:
    """The StoreError for a SQLite failure on the store at `path`."""
    cause = str(exc).strip() or type(exc).__name__
    lowered = cause.lower()
    message, hint = next(((m, h) for words, m, h in _KINDS if any(w in lowered for w in words)), _OTHER)
    return StoreError(tr(message).format(path=path, cause=cause), hint=tr(hint))


def folder_error(exc: OSError, folder: Path) -> StoreError:
    """The StoreError for a data folder that cannot be made (a file in its place, no permission)."""
    return StoreError(
        tr("The data folder {folder} cannot be created ({cause}).").format(
            folder=folder, cause=exc.strerror or exc
        ),
        hint=tr("Choose another with --data-dir (or UPSCALER_GUI_DATA_DIR)."),
    )
