"""What the bundle's ELF files need from the system: sonames (for Depends) and glibc symbol versions.

Reads `objdump -p` (NEEDED) and `objdump -T` (versioned dynamic symbols), which PyInstaller itself
requires on Linux, and maps sonames to Debian packages with `ldconfig -p` and `dpkg -S`.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

# Debian 12 package of each soname the bundle may take from the system, for a build machine that does
# not have it installed (what is installed is asked of dpkg instead).
DEBIAN_PACKAGES: dict[str, str] = {
    "libc.so.6": "libc6",
    "libm.so.6": "libc6",
    "libdl.so.2": "libc6",
    "libpthread.so.0": "libc6",
    "librt.so.1": "libc6",
    "libutil.so.1": "libc6",
    "ld-linux-x86-64.so.2": "libc6",
    "ld-linux-aarch64.so.1": "libc6",
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libgtk-3.so.0": "libgtk-3-0",
    "libgdk-3.so.0": "libgtk-3-0",
    "libpangocairo-1.0.so.0": "libpangocairo-1.0-0",
    "libpango-1.0.so.0": "libpango-1.0-0",
    "libharfbuzz.so.0": "libharfbuzz0b",
    "libatk-1.0.so.0": "libatk1.0-0",
    "libcairo-gobject.so.2": "libcairo-gobject2",
    "libcairo.so.2": "libcairo2",
    "libgdk_pixbuf-2.0.so.0": "libgdk-pixbuf-2.0-0",
}

_GLIBC = re.compile(r"\*UND\*.*\((GLIBC_(\d+)\.(\d+)(?:\.(\d+))?)\)\s+(\S+)")


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(folder: Path) -> list[Path]:
    """Every ELF file under a folder (symlinks left out: their targets are listed themselves)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p))


def needed(path: Path) -> list[str]:
    out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split()[1] for line in out.splitlines() if line.strip().startswith("NEEDED")]


@dataclass(frozen=True)
class GlibcNeed:
    version: tuple[int, ...]
    file: str
    symbols: tuple[str, ...]

    @property
    def name(self) -> str:
        return "GLIBC_" + ".".join(map(str, self.version))


def glibc_needs(path: Path) -> dict[tuple[int, ...], list[str]]:
    """{glibc version: [symbols]} that an ELF file imports."""
    out = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True, check=True).stdout
    found: dict[tuple[int, ...], list[str]] = {}
    for match in _GLIBC.finditer(out):
        version = tuple(int(g) for g in match.groups()[1:4] if g is not None)
        found.setdefault(version, []).append(match[5])
    return found


@dataclass
class GlibcReport:
    highest: tuple[int, ...] = (2, 0)
    per_file: dict[str, tuple[int, ...]] = field(default_factory=dict)  # file -> its highest
    above: list[GlibcNeed] = field(default_factory=list)  # what needs more than the target

    @property
    def highest_name(self) -> str:
        return "GLIBC_" + ".".join(map(str, self.highest))


def glibc_report(folder: Path, target: tuple[int, ...] = (2, 34)) -> GlibcReport:
    report = GlibcReport()
    for path in elf_files(folder):
        needs = glibc_needs(path)
        if not needs:
            continue
        rel = str(path.relative_to(folder))
        report.per_file[rel] = max(needs)
        report.highest = max(report.highest, *needs)
        for version, symbols in sorted(needs.items()):
            if version > target:
                report.above.append(GlibcNeed(version, rel, tuple(sorted(set(symbols)))))
    return report


def system_sonames(folder: Path, optional: Iterable[str] = ()) -> tuple[dict[str, list[str]], set[str]]:
    """Sonames the bundle's ELF files need and do not carry: ({soname: [files]}, optional-only sonames).

    `optional` are bundle-relative suffixes of files Qt may fail to load without harm (plugins for
    other desktops); a soname only they need is reported apart (deb: Recommends).
    """
    files = elf_files(folder)
    carried = {p.name for p in folder.rglob("*")}
    wanted: dict[str, list[str]] = {}
    for path in files:
        rel = str(path.relative_to(folder))
        for soname in needed(path):
            if soname not in carried:
                wanted.setdefault(soname, []).append(rel)
    optional = tuple(optional)
    only_optional = {
        soname for soname, users in wanted.items() if all(u.endswith(optional) for u in users) and optional
    }
    return wanted, only_optional


@cache
def _ldconfig() -> dict[str, str]:
    """soname -> path for this machine's architecture, from the loader's cache."""
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False).stdout
    triplet = f"{platform.machine()}-linux-gnu"
    found: dict[str, str] = {}
    for line in out.splitlines()[1:]:
        name, _, path = line.strip().partition(" => ")
        soname = name.split(" (")[0]
        if soname not in found or (triplet in path and triplet not in found[soname]):
            found[soname] = path
    return found


def debian_package(soname: str) -> str | None:
    """The installed Debian package that ships a soname (dpkg -S), else the table above, else None."""
    path = _ldconfig().get(soname)
    if path:
        real = os.path.realpath(path)
        aliases = [path, real, *(p.replace("/usr/lib/", "/lib/", 1) for p in (path, real))]
        for candidate in dict.fromkeys(aliases):
            result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True, check=False)
            if result.returncode == 0 and result.stdout:
                package = result.stdout.splitlines()[0].split(":")[0].split(",")[0].strip()
                if package and not package.startswith("diversion by"):
                    return package
    return DEBIAN_PACKAGES.get(soname)
