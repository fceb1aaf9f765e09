"""Facts about the app that every package states: name, ids, the one version, releases from CHANGELOG.md."""

from __future__ import annotations

import ast
import datetime
import os
import platform
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The executable, Debian package and desktop file id (the app calls setDesktopFileName with it).
NAME = "upscaler-gui"
APP_ID = "io.github.crispupscaler.upscaler_gui"  # AppStream id, desktop file and icon name (reverse DNS)
# Apple's bundle ids allow letters, digits, '-' and '.' only: the same id with '-' for '_'.
MACOS_BUNDLE_ID = APP_ID.replace("_", "-")
DISPLAY_NAME = "Crisp Upscaler"
SUMMARY = "Make images sharper and larger with KIE AI's Crisp Upscale"
HOMEPAGE = "https://github.com/crispupscaler/upscaler-gui"
DEB_REVISION = "1"  # the packaging's own revision of an upstream version (Debian Policy 5.6.12)
MAINTAINER = "Crisp Upscaler developers <upscaler-gui@users.noreply.github.com>"
LICENSE = "MIT"
# What "Open with" offers the app for: KIE's three formats, and those converted before upload (issue 12).
IMAGE_TYPES = (
    "image/png",
    "image/jpeg",
    "image/webp",
    *"image/heic image/heif image/avif image/tiff image/bmp image/gif".split(),
)
RESOURCES = ROOT / "resources"
ICONS = RESOURCES / "icons"
CHANGELOG = ROOT / "CHANGELOG.md"


def run_quiet(command: list[str], env: dict[str, str] | None = None) -> None:
    """Run a packaging tool; its output is shown only when it fails."""
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()[-30:]
        raise RuntimeError(f"{command[0]} failed ({result.returncode}):\n" + "\n".join(output))


def version() -> str:
    """`__version__` from upscaler_gui/__init__.py, read without importing the package."""
    tree = ast.parse((ROOT / "upscaler_gui" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            if isinstance(value, str):
                return value
    raise RuntimeError("upscaler_gui/__init__.py has no __version__ = '...'")


def deb_version() -> str:
    return f"{version()}-{DEB_REVISION}"


def release_epoch() -> int:
    """Midnight UTC of the current release's date: the packages' timestamps (SOURCE_DATE_EPOCH)."""
    day = datetime.date.fromisoformat(current_release().date)
    return int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC).timestamp())


def source_date_epoch() -> int:
    """SOURCE_DATE_EPOCH when set (reproducible-builds.org), else the release's date."""
    return int(os.environ.get("SOURCE_DATE_EPOCH") or release_epoch())


def machine() -> str:
    """The tarball's architecture word (x86_64, aarch64), as `uname -m` says it."""
    return platform.machine().lower() or "unknown"


DEB_ARCHES = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "armhf", "i686": "i386"}


def deb_arch() -> str:
    return DEB_ARCHES.get(machine(), machine())


@dataclass(frozen=True)
class Release:
    version: str
    date: str  # YYYY-MM-DD
    sections: tuple[tuple[str, tuple[str, ...]], ...]  # ("Added", ("item", ...)), ...


_RELEASE = re.compile(r"^## \[(?P<version>[^\]]+)\] - (?P<date>\d{4}-\d{2}-\d{2})\s*$")


def releases(changelog: Path = CHANGELOG) -> list[Release]:
    """The released versions of a Keep-a-Changelog file, newest first ("Unreleased" is left out)."""
    found: list[Release] = []
    head: tuple[str, str] | None = None  # (version, date) of the release being read
    sections: list[tuple[str, list[str]]] = []
    for line in [*changelog.read_text(encoding="utf-8").splitlines(), "## end"]:
        if line.startswith("## "):
            if head:
                found.append(Release(*head, tuple((h, tuple(items)) for h, items in sections if items)))
            match = _RELEASE.match(line)
            head, sections = ((match["version"], match["date"]) if match else None), []
        elif line.startswith("### ") and head:
            sections.append((line[4:].strip(), []))
        elif line.startswith("- ") and sections:
            sections[-1][1].append(line[2:].strip())
        elif line.startswith("  ") and sections and sections[-1][1]:  # an item's continuation line
            sections[-1][1][-1] += " " + line.strip()
    return found


def current_release() -> Release:
    """The CHANGELOG entry for `version()`: no package ships a version the changelog does not describe."""
    wanted = version()
    for release in releases():
        if release.version == wanted:
            return release
    raise RuntimeError(f"CHANGELOG.md has no '## [{wanted}] - YYYY-MM-DD' entry for the version being built")
