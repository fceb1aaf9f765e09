"""Moving a processed original into the "processed" folder, never over a file already there."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from upscaler_gui.core.output import ensure_folder, numbered, place, temp_file

_NO_LINKS = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK)


def move_into(source: Path, folder: Path) -> Path:
    """Move `source` into `folder` as its name, or name-1, name-2, ... when taken. Blocks."""
    ensure_folder(folder)
    for candidate in numbered(folder / source.name):
        try:
            os.link(source, candidate)  # fails if the name is taken: nothing is ever replaced
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise
            return _copy_into(source, folder)  # another disk, or no hard links (FAT, some shares)
        source.unlink()
        return candidate
    raise FileExistsError(errno.EEXIST, "no free name", str(folder / source.name))


def _copy_into(source: Path, folder: Path) -> Path:
    """Copy into a hidden temp file there, give it a free name, then remove the original."""
    with temp_file(folder) as (temp, stream), source.open("rb") as original:
        shutil.copyfileobj(original, stream)
        stream.flush()
        os.fsync(stream.fileno())
        stream.close()
        shutil.copystat(source, temp)
        placed = place(temp, folder, source.name, "rename")
    assert placed is not None  # "rename" always finds a name or raises
    source.unlink()
    return placed
