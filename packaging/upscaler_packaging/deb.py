"""The .deb: the staged tree, a control file whose Depends come from the bundle's ELF files, dpkg-deb."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from upscaler_packaging import elf, linux_tree, project, prune
from upscaler_packaging.licences import Component

DESCRIPTION = """\
 Crisp Upscaler sends images to KIE AI's recraft/crisp-upscale model and saves
 results twice as large and sharper, in the folder you choose, never over a
 file of yours. Drop or paste images, folders or links into the window, open
 images with it from the file manager, or watch a folder: each image that
 arrives is upscaled exactly once. The same program has a command line
 (upscaler-gui upscale, upscaler-gui watch) and an offline demo (--demo) that
 needs no account, network or money.
 .
 The program is a self-contained build (Python, Qt for Python) under
 /opt/upscaler-gui; it uses the system's graphics, font and D-Bus libraries."""


# Relations that no ELF file shows. The session bus carries the keyring (Secret Service), where the
# API key is kept, and the dock's progress; without a Secret Service the key must come from KIE_API_KEY.
RECOMMENDS = ("default-dbus-session-bus | dbus-session-bus",)
SUGGESTS = ("gnome-keyring | keepassxc",)
# What libgtk-3-0 depends on itself: named only through it (Suggests: libgtk-3-0, not its whole stack).
PULLED_IN_BY_GTK = frozenset(
    {
        "libatk1.0-0",
        "libcairo-gobject2",
        "libcairo2",
        "libgdk-pixbuf-2.0-0",
        "libharfbuzz0b",
        "libpango-1.0-0",
        "libpangocairo-1.0-0",
    }
)


@dataclass(frozen=True)
class Relations:
    depends: list[str]
    recommends: list[str]
    suggests: list[str]
    unmapped: list[str]  # sonames no package was found for
    glibc: elf.GlibcReport


def relations(bundle: Path) -> Relations:
    """Depends: what the program needs to start. Recommends: what the Wayland plugins need (native
    Wayland windows instead of XWayland). Suggests: what the GTK platform theme needs (GTK dialogs and
    colours on GNOME, where GTK is installed anyway). Qt skips a plugin it cannot load."""
    wanted, only_optional = elf.system_sonames(bundle, prune.OPTIONAL_FILES)
    glibc = elf.glibc_report(bundle)
    found: dict[str, dict[str, str]] = {"depends": {}, "recommends": {}, "suggests": {}}
    unmapped = []
    for soname, users in sorted(wanted.items()):
        package = elf.debian_package(soname)
        if package is None:
            unmapped.append(soname)
            continue
        if soname not in only_optional:
            kind = "depends"
        elif all(user.endswith(prune.GTK_THEME_FILES) for user in users):
            kind = "suggests"
        else:
            kind = "recommends"
        found[kind][package] = package
    depends, recommends, suggests = found["depends"], found["recommends"], found["suggests"]
    if "libc6" in depends:
        depends["libc6"] = f"libc6 (>= {'.'.join(map(str, glibc.highest))})"
    if "libgtk-3-0" in suggests:
        suggests = {p: p for p in suggests if p not in PULLED_IN_BY_GTK}
    recommends = {p: p for p in recommends if p not in depends}
    suggests = {p: p for p in suggests if p not in depends and p not in recommends}
    return Relations(
        sorted(depends.values()),
        [*sorted(recommends.values()), *RECOMMENDS],
        [*sorted(suggests.values()), *SUGGESTS],
        unmapped,
        glibc,
    )


def control(root: Path, rel: Relations) -> str:
    fields = {
        "Package": project.NAME,
        "Version": project.deb_version(),
        "Architecture": project.deb_arch(),
        "Maintainer": project.MAINTAINER,
        "Installed-Size": str(linux_tree.installed_size_kib(root)),
        "Depends": ", ".join(rel.depends),
        "Recommends": ", ".join(rel.recommends),
        "Suggests": ", ".join(rel.suggests),
        "Homepage": project.HOMEPAGE,
        "Section": "graphics",
        "Priority": "optional",
        "Description": f"{project.SUMMARY}\n{DESCRIPTION}",
    }
    return "".join(f"{key}: {value}\n" for key, value in fields.items() if value)


def md5sums(root: Path) -> str:
    """DEBIAN/md5sums as dh_md5sums writes it: every regular file but DEBIAN's, sorted (`debsums`)."""
    lines = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = path.relative_to(root)
        if rel.parts[0] != "DEBIAN":
            lines.append(f"{hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()}  {rel}\n")
    return "".join(lines)


def build_deb(
    bundle: Path, out_dir: Path, work: Path, components: list[Component], man_page: Path
) -> tuple[Path, Relations]:
    """dist/upscaler-gui_<version>-<revision>_<arch>.deb from the one-folder build."""
    rel = relations(bundle)
    if rel.unmapped:
        raise RuntimeError(
            f"no Debian package known for {', '.join(rel.unmapped)}: add it to elf.DEBIAN_PACKAGES"
        )
    root = work / "deb-root"
    if root.exists():
        shutil.rmtree(root)
    linux_tree.stage(bundle, root, components, man_page)
    (root / "DEBIAN").mkdir(mode=0o755)
    (root / "DEBIAN" / "control").write_text(control(root, rel), encoding="utf-8")
    (root / "DEBIAN" / "control").chmod(0o644)
    (root / "DEBIAN" / "md5sums").write_text(md5sums(root), encoding="utf-8")
    (root / "DEBIAN" / "md5sums").chmod(0o644)
    out = out_dir / f"{project.NAME}_{project.deb_version()}_{project.deb_arch()}.deb"
    project.run_quiet(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(out)])
    shutil.rmtree(root)
    return out, rel
