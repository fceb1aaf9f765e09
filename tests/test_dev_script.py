"""`./dev`'s check for Qt's system libraries, run by bash against a stand-in `ldconfig`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

DEV = Path(__file__).resolve().parents[1] / "dev"
QT_LIBS = ["libEGL.so.1", "libGL.so.1", "libxkbcommon.so.0", "libxkbcommon-x11.so.0", "libfontconfig.so.1"]
QT_LIBS += ["libglib-2.0.so.0", "libdbus-1.so.3", "libxcb-cursor.so.0", "libxcb-icccm.so.4"]

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="./dev is a bash script")


def verdicts(tmp_path: Path, listed: list[str], runs: int = 5) -> list[str]:
    """What `need_system_libs` says `runs` times over, with `ldconfig -p` listing `listed` first and then
    far more than a pipe holds, so a reader that stops at the first match leaves ldconfig writing."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "ldconfig"
    lines = "\n".join(f"\t{lib} (libc6,x86-64) => /usr/lib/{lib}" for lib in listed)
    filler = "\tlibfiller.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libfiller.so.1"
    fake.write_text(f"#!/bin/sh\nprintf '%s\\n' '{lines}'\nyes '{filler}' | head -n 5000\n")
    fake.chmod(0o755)
    script = f'source "$1"; for _ in $(seq {runs}); do need_system_libs && echo missing || echo present; done'
    result = subprocess.run(
        ["bash", "-c", script, "check", str(DEV)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
    )
    return result.stdout.split()


def test_libraries_that_are_there_are_never_reported_missing(tmp_path: Path) -> None:
    assert verdicts(tmp_path, QT_LIBS) == ["present"] * 5


def test_a_missing_library_is_reported(tmp_path: Path) -> None:
    assert (
        verdicts(tmp_path, [lib for lib in QT_LIBS if lib != "libxcb-cursor.so.0"], runs=2) == ["missing"] * 2
    )
