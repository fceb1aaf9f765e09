"""The .deb: the staged tree, a control file whose Depends come from the bundle's ELF files, dpkg-deb."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from upscaler_packaging import elf, linux_tree, project, prune

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


@dataclass(frozen=True)
class Relations:
    depends: list[str]
    recommends: list[str]
    unmapped: list[str]  # sonames no package was found for
    glibc: elf.GlibcReport


def relations(bundle: Path) -> Relations:
    """Depends for what the program needs; Recommends for what only optional Qt plugins need."""
    wanted, only_optional = elf.system_sonames(bundle, prune.OPTIONAL_FILES)
    glibc = elf.glibc_report(bundle)
    depends: dict[str, str] = {}
    recommends: dict[str, str] = {}
    unmapped = []
    for soname in sorted(wanted):
        package = elf.debian_package(soname)
        if package is None:
            unmapped.append(soname)
            continue
        (recommends if soname in only_optional else depends)[package] = package
    if "libc6" in depends:
        depends["libc6"] = f"libc6 (>= {'.'.join(map(str, glibc.highest))})"
    for package in list(recommends):
        if package in depends:
            del recommends[package]
    return Relations(sorted(depends.values()), sorted(recommends.values()), unmapped, glibc)


def control(root: Path, rel: Relations) -> str:
    fields = {
        "Package": project.NAME,
        "Version": project.version(),
        "Architecture": project.deb_arch(),
        "Maintainer": project.MAINTAINER,
        "Installed-Size": str(linux_tree.installed_size_kib(root)),
        "Depends": ", ".join(rel.depends),
        "Recommends": ", ".join(rel.recommends),
        "Section": "graphics",
        "Priority": "optional",
        "Description": f"{project.SUMMARY}\n{DESCRIPTION}",
    }
    return "".join(f"{key}: {value}\n" for key, value in fields.items() if value)


def build_deb(bundle: Path, out_dir: Path, work: Path) -> tuple[Path, Relations]:
    """dist/upscaler-gui_<version>_<arch>.deb from the one-folder build."""
    rel = relations(bundle)
    if rel.unmapped:
        raise RuntimeError(
            f"no Debian package known for {', '.join(rel.unmapped)}: add it to elf.DEBIAN_PACKAGES"
        )
    root = work / "deb-root"
    if root.exists():
        shutil.rmtree(root)
    linux_tree.stage(bundle, root)
    (root / "DEBIAN").mkdir(mode=0o755)
    (root / "DEBIAN" / "control").write_text(control(root, rel), encoding="utf-8")
    (root / "DEBIAN" / "control").chmod(0o644)
    out = out_dir / f"{project.NAME}_{project.version()}_{project.deb_arch()}.deb"
    project.run_quiet(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(out)])
    shutil.rmtree(root)
    return out, rel
