"""The .rpm, where rpmbuild exists: the same staged tree, Requires as sonames (distribution-neutral)."""

from __future__ import annotations

import shutil
from pathlib import Path

from upscaler_packaging import elf, linux_tree, project, prune
from upscaler_packaging.licences import Component


def available() -> bool:
    return shutil.which("rpmbuild") is not None


def _capability(soname: str) -> str:
    return f"{soname}()(64bit)" if project.machine() in {"x86_64", "aarch64"} else soname


def spec(root: Path, bundle: Path) -> str:
    wanted, only_optional = elf.system_sonames(bundle, prune.OPTIONAL_FILES)
    glibc = elf.glibc_report(bundle)
    requires = [_capability(s) for s in sorted(wanted) if s not in only_optional]
    suffix = "(64bit)" if project.machine() in {"x86_64", "aarch64"} else ""
    requires.append(f"libc.so.6({glibc.highest_name}){suffix}")
    recommends = [_capability(s) for s in sorted(only_optional)]
    lines = [
        f"Name: {project.NAME}",
        f"Version: {project.version()}",
        "Release: 1",
        f"Summary: {project.SUMMARY}",
        f"License: {project.LICENSE}",
        f"BuildArch: {project.machine()}",
        "AutoReqProv: no",  # the bundle carries its own libraries; Requires are listed below
        *(f"Requires: {r}" for r in requires),
        *(f"Recommends: {r}" for r in recommends),
        "%global __os_install_post %{nil}",  # already stripped; no byte-compiling of the bundle
        "%global debug_package %{nil}",
        "%global _build_id_links none",
        "",
        "%description",
        f"{project.DISPLAY_NAME}: {project.SUMMARY}. A window, a watch folder and a command line,",
        "with an offline demo. A self-contained build under /opt/upscaler-gui.",
        "",
        "%install",
        f"cp -a {root}/. %{{buildroot}}/",
        "",
        "%files",
        f"/{linux_tree.PREFIX}",
        f"/usr/bin/{project.NAME}",
        f"/usr/share/applications/{project.APP_ID}.desktop",
        f"/usr/share/icons/hicolor/*/apps/{project.APP_ID}.*",
        f"/usr/share/metainfo/{project.APP_ID}.metainfo.xml",
        f"/usr/share/doc/{project.NAME}",
        f"/usr/share/man/man1/{project.NAME}.1.gz",
        "",
    ]
    return "\n".join(lines)


def build_rpm(bundle: Path, out_dir: Path, work: Path, components: list[Component], man_page: Path) -> Path:
    top = work / "rpmbuild"
    root = work / "rpm-root"
    for folder in (top, root):
        if folder.exists():
            shutil.rmtree(folder)
    linux_tree.stage(bundle, root, components, man_page)
    spec_file = work / f"{project.NAME}.spec"
    spec_file.write_text(spec(root, bundle), encoding="utf-8")
    define = ["--define", f"_topdir {top}", "--define", "_rpmdir %{_topdir}/RPMS"]
    project.run_quiet(["rpmbuild", "-bb", *define, str(spec_file)])
    built = next((top / "RPMS").rglob("*.rpm"))
    out = out_dir / built.name
    shutil.move(built, out)
    shutil.rmtree(root)
    return out
