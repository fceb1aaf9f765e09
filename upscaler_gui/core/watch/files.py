"""Looking at files without reading them: stat records, a stat-only folder scan, and the settle probe.

Everything here blocks (a network share can take seconds to answer): call it from a worker thread.
"""

from __future__ import annotations

import os
import stat as stat_module
from dataclasses import dataclass
from pathlib import Path

from upscaler_gui.core.images import HEAD_BYTES
from upscaler_gui.core.watch.scope import Scope, ignored_name


@dataclass(frozen=True)
class FileStat:
    """What says a file changed: its size and its mtime in nanoseconds (exact, unlike a float)."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, result: os.stat_result) -> FileStat:
        return cls(result.st_size, result.st_mtime_ns)


@dataclass(frozen=True)
class Probe:
    """A file as the settle check saw it: its stat and first bytes, or why it could not be read."""

    stat: FileStat
    head: bytes = b""
    error: str | None = None


def probe(path: Path) -> Probe | None:
    """Stat, open and read the first bytes; None when the path is gone or is not a regular file."""
    try:
        result = os.stat(path)
    except OSError:
        return None
    if not stat_module.S_ISREG(result.st_mode):
        return None
    found = FileStat.of(result)
    try:
        with path.open("rb") as stream:  # a writer holding a lock (Windows) makes this fail: not yet
            return Probe(found, stream.read(HEAD_BYTES))
    except FileNotFoundError:
        return None
    except OSError as exc:
        return Probe(found, error=exc.strerror or str(exc))


def current_stat(path: Path) -> FileStat | None:
    try:
        return FileStat.of(os.stat(path))
    except OSError:
        return None


def scan(scope: Scope, top: Path | None = None) -> dict[str, FileStat]:
    """Every candidate file under `top` (default: the whole scope) and its stat. Nothing is opened.

    `OSError` when the watched folder itself cannot be listed (gone, unmounted); a subfolder that
    cannot be listed is passed over. Runs every minute on folders of 10,000 files: per file it costs
    a name check and one stat, nothing more (paths stay strings: pathlib would double the cost).
    """
    top = top or scope.folder
    found: dict[str, FileStat] = {}
    if top == scope.folder or scope.wants_dir(top):
        _walk(scope, top, found)
    return found


def _walk(scope: Scope, folder: Path, found: dict[str, FileStat]) -> None:
    try:
        with os.scandir(folder) as entries:
            listed = list(entries)
    except OSError:
        if folder == scope.folder:
            raise
        return
    for entry in listed:
        try:
            if entry.is_file(follow_symlinks=False):
                if not ignored_name(entry.name):  # the folder is in scope: only the name can say no
                    found[entry.path] = FileStat.of(entry.stat(follow_symlinks=False))
            elif entry.is_dir(follow_symlinks=False) and scope.wants_dir(path := Path(entry.path)):
                _walk(scope, path, found)
        except OSError:
            continue  # removed while we looked
