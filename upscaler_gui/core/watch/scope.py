"""Which paths under the watched folder are candidates at all, decided from names and places only.

The bytes decide later whether a candidate is an image; here go the cheap rules: hidden, partial and
temp names, subfolders without `recursive`, and the output and "processed" folders (even inside the
watched one, so results and moved originals are never taken as new arrivals).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from upscaler_gui.core.output import is_temp_name
from upscaler_gui.core.sources import is_hidden_or_partial

# Beyond core.sources' list: editors' backups, Chrome's in-place saves, WinSCP's uploads.
EXTRA_PARTIAL_SUFFIXES = ("~", ".crswap", ".filepart", ".temp", ".swp")


def ignored_name(name: str) -> bool:
    """A name that is never a finished file of the user's (ours or another program's work in progress)."""
    return is_hidden_or_partial(name) or is_temp_name(name) or name.lower().endswith(EXTRA_PARTIAL_SUFFIXES)


@dataclass(frozen=True)
class Scope:
    """The watched folder's rules. Paths given here are under the (resolved) folder, as watchdog reports."""

    folder: Path
    recursive: bool
    excluded: tuple[Path, ...] = ()

    @classmethod
    def build(cls, folder: Path, recursive: bool, others: tuple[Path | None, ...]) -> Scope:
        """Exclude the other folders (output, processed) inside the watched one (never the folder itself)."""
        inside = tuple(
            other
            for other in others
            if other is not None and other != folder and other.is_relative_to(folder)
        )
        return cls(folder, recursive, inside)

    def wants_file(self, path: Path) -> bool:
        parts = self._parts(path)
        return bool(parts) and not ignored_name(parts[-1]) and self._place_ok(path, parts[:-1])

    def wants_dir(self, path: Path) -> bool:
        """A folder whose files may be candidates (only with `recursive`)."""
        parts = self._parts(path)
        return self.recursive and bool(parts) and self._place_ok(path, parts)

    def _parts(self, path: Path) -> tuple[str, ...]:
        try:
            return path.relative_to(self.folder).parts
        except ValueError:
            return ()

    def _place_ok(self, path: Path, dirs: tuple[str, ...]) -> bool:
        if dirs and not self.recursive:
            return False
        if any(name.startswith(".") or ignored_name(name) for name in dirs):
            return False  # .git, .stfolder, a sync tool's temp folder
        return not any(path.is_relative_to(other) for other in self.excluded)
