"""Uploaded files and results on disk (never in memory: tests upload many 10 MB files at once)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

_MAX_NAME = 255


class StorageError(ValueError):
    """A path or name the upload host refuses (answered as code 400)."""


def check_upload_path(upload_path: str) -> list[str]:
    """The folder segments of `uploadPath`, refusing what KIE refuses and anything that escapes the root."""
    if not upload_path:
        raise StorageError("uploadPath is required")
    if upload_path.startswith("/") or upload_path.endswith("/"):
        raise StorageError("uploadPath must not start or end with a slash")
    segments = upload_path.split("/")
    for segment in segments:
        _check_segment(segment, "uploadPath")
    return segments


def check_file_name(file_name: str) -> str:
    if "/" in file_name:
        raise StorageError("fileName must not contain a slash")
    _check_segment(file_name, "fileName")
    return file_name


def _check_segment(segment: str, what: str) -> None:
    if segment in ("", ".", "..") or "\\" in segment or "\x00" in segment or len(segment) > _MAX_NAME:
        raise StorageError(f"{what} has an invalid part: {segment!r}")


class Storage:
    """A private folder: `files/<uploadPath>/<fileName>` for uploads, `results/<name>` for results.

    By default a fresh temp folder (inside `parent` when given) so that removing it on stop never touches
    anything the sim did not create. `Storage.kept_in(folder)` is the persistent demo's: the folder
    outlives the sim, and the next sim on it serves what this one stored.
    """

    def __init__(self, parent: Path | None = None, *, kept: Path | None = None) -> None:
        if kept is not None:
            self.root, self.persistent = kept, True
        else:
            if parent is not None:
                parent.mkdir(parents=True, exist_ok=True)
            self.root, self.persistent = Path(tempfile.mkdtemp(prefix="kie-sim-", dir=parent)), False
        self.files_dir = self.root / "files"
        self.results_dir = self.root / "results"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self.results_dir.mkdir(exist_ok=True)

    @classmethod
    def kept_in(cls, folder: Path) -> Storage:
        return cls(kept=folder)

    def save_upload(self, upload_path: str, file_name: str, data: bytes) -> Path:
        """Write atomically; the same uploadPath + fileName overwrites, as on KIE."""
        segments = check_upload_path(upload_path)
        target = self.files_dir.joinpath(*segments, check_file_name(file_name))
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
        return target

    def file_path(self, rest: str) -> Path | None:
        """The stored upload for the URL path after `/files/`, or None if there is none."""
        segments = rest.split("/")
        try:
            for segment in segments:
                _check_segment(segment, "path")
        except StorageError:
            return None
        path = self.files_dir.joinpath(*segments)
        return path if path.is_file() else None

    def result_path(self, name: str) -> Path:
        return self.results_dir / check_file_name(name)

    def upload_key(self, path: Path) -> str:
        """How the journal names a stored upload: its path under `files/`, with forward slashes."""
        return path.relative_to(self.files_dir).as_posix()

    def remove(self) -> None:
        """Delete the temp folder; a persistent one is kept for the next sim."""
        if not self.persistent:
            shutil.rmtree(self.root, ignore_errors=True)


def write_atomic(target: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never a half-written one."""
    fd, tmp = tempfile.mkstemp(prefix=".part-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
