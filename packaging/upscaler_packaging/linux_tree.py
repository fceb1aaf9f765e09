"""The installed file tree shared by the .deb and the .rpm: /opt, /usr/bin, menu entry, icons, metainfo."""

from __future__ import annotations

import gzip
import os
import re
import shutil
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from upscaler_packaging import copyright_file, debian_changelog, project
from upscaler_packaging.licences import Component

PREFIX = Path("opt") / project.NAME  # the one-folder build, as it is
BIN_LINK_TARGET = f"/{PREFIX}/{project.NAME}"  # /usr/bin/upscaler-gui points here (absolute, per Policy 10.5)
DESKTOP_FILE = project.RESOURCES / f"{project.APP_ID}.desktop"
METAINFO_FILE = project.RESOURCES / f"{project.APP_ID}.metainfo.xml"
LINTIAN_OVERRIDES = Path(__file__).resolve().parents[1] / "debian" / "lintian-overrides"
RELEASES_MARKER = "<!-- @RELEASES@ -->"


def releases_xml(releases: list[project.Release], indent: str = "  ") -> str:
    """AppStream <releases> from CHANGELOG.md entries (markdown `code` marks dropped)."""
    lines = [f"{indent}<releases>"]
    for release in releases:
        lines.append(
            f"{indent * 2}<release version={quoteattr(release.version)} date={quoteattr(release.date)}>"
        )
        lines.append(f"{indent * 3}<description>")
        for heading, items in release.sections:
            lines.append(f"{indent * 4}<p>{escape(heading)}:</p>")
            lines.append(f"{indent * 4}<ul>")
            lines += [f"{indent * 5}<li>{escape(item.replace('`', ''))}</li>" for item in items]
            lines.append(f"{indent * 4}</ul>")
        lines.append(f"{indent * 3}</description>")
        lines.append(f"{indent * 2}</release>")
    lines.append(f"{indent}</releases>")
    return "\n".join(lines)


def metainfo() -> str:
    """The metainfo file with its releases; refuses a version CHANGELOG.md does not describe."""
    project.current_release()
    text = METAINFO_FILE.read_text(encoding="utf-8")
    if RELEASES_MARKER not in text:
        raise RuntimeError(f"{METAINFO_FILE.name} lost its {RELEASES_MARKER} line")
    return text.replace(f"  {RELEASES_MARKER}", releases_xml(project.releases()))


def icon_sizes() -> list[tuple[int, Path]]:
    found = []
    for png in project.ICONS.glob(f"{project.NAME}-*.png"):
        match = re.fullmatch(rf"{re.escape(project.NAME)}-(\d+)\.png", png.name)
        if match:
            found.append((int(match[1]), png))
    return sorted(found)


def stage(bundle: Path, root: Path, components: list[Component], man_page: Path) -> None:
    """Lay out the installed files under `root` (which must not exist yet)."""
    shutil.copytree(bundle, root / PREFIX, symlinks=True)
    usr_bin = root / "usr" / "bin"
    usr_bin.mkdir(parents=True)
    (usr_bin / project.NAME).symlink_to(BIN_LINK_TARGET)
    share = root / "usr" / "share"
    install_share(share, man_page)
    doc = share / "doc" / project.NAME
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        copyright_file.render(components, str(PREFIX), debian=True), encoding="utf-8"
    )
    _gzip(debian_changelog.text().encode("utf-8"), doc / "changelog.Debian.gz")
    _gzip(project.CHANGELOG.read_bytes(), doc / "changelog.gz")  # upstream's, as Policy 12.7 names it
    _install(LINTIAN_OVERRIDES, share / "lintian" / "overrides" / project.NAME)
    normalise_modes(root)


def install_share(share: Path, man_page: Path) -> None:
    """What a desktop needs under a share/ folder (/usr/share, or ~/.local/share from the tarball):
    the menu entry, hicolor icons, AppStream metainfo and the man page, all named by the app id."""
    _install(DESKTOP_FILE, share / "applications" / f"{project.APP_ID}.desktop")
    for size, png in icon_sizes():
        _install(png, share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{project.APP_ID}.png")
    svg = project.ICONS / f"{project.NAME}.svg"
    if svg.is_file():
        _install(svg, share / "icons" / "hicolor" / "scalable" / "apps" / f"{project.APP_ID}.svg")
    metainfo_path = share / "metainfo" / f"{project.APP_ID}.metainfo.xml"
    metainfo_path.parent.mkdir(parents=True, exist_ok=True)
    metainfo_path.write_text(metainfo(), encoding="utf-8")
    _install(man_page, share / "man" / "man1" / man_page.name)


def _gzip(data: bytes, dest: Path) -> None:
    """gzip -9n: no file name or time inside, so the bytes depend on the content only."""
    with (
        dest.open("wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=9, mtime=0) as f,
    ):
        f.write(data)


def _install(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)


def normalise_modes(root: Path) -> None:
    """0755 for folders and executables (ELF or #!), 0644 for everything else; every time the
    release's (SOURCE_DATE_EPOCH), so two builds of the same files give the same package."""
    when = project.source_date_epoch()
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or _executable(path) else 0o644)
        os.utime(path, (when, when), follow_symlinks=False)


def _executable(path: Path) -> bool:
    with path.open("rb") as f:
        head = f.read(4)
    if head[:2] == b"#!":
        return True
    return head == b"\x7fELF" and path.suffix != ".so" and ".so." not in path.name  # libraries: 0644


def installed_size_kib(root: Path) -> int:
    """dpkg's Installed-Size: KiB per file rounded up, one per symlink and folder."""
    total = 0
    for path in root.rglob("*"):
        if path.is_symlink() or path.is_dir():
            total += 1
        else:
            total += -(-path.stat().st_size // 1024)
    return total
