"""The tarball: the one-folder build plus what a desktop needs, to unpack anywhere or install per user.

    upscaler-gui-<version>/
      upscaler-gui, _internal/      the program (run ./upscaler-gui where it is)
      share/                        menu entry, hicolor icons, metainfo, man page (linux_tree.install_share)
      install.sh, uninstall.sh      into ~/.local: lib/upscaler-gui, bin/upscaler-gui, share/...
      COPYRIGHT, LICENSE            every component's licence (machine-readable), the project's own

Written byte for byte the same from the same files: sorted entries, owner root, every time
SOURCE_DATE_EPOCH, and a gzip header without name or time.
"""

from __future__ import annotations

import gzip
import shutil
import tarfile
from pathlib import Path

from upscaler_packaging import copyright_file, linux_tree, project
from upscaler_packaging.licences import Component

SCRIPTS = Path(__file__).resolve().parents[1] / "tarball"


def write(folder: Path, out: Path, arcname: str) -> Path:
    """`folder` as `arcname/` in a reproducible .tar.gz."""
    when = project.source_date_epoch()

    def normalise(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        info.mtime = when
        if not info.issym():
            info.mode = 0o755 if info.isdir() or info.mode & 0o111 else 0o644
        return info

    with (
        out.open("wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=6, mtime=when) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        tar.add(folder, arcname=arcname, filter=normalise)  # tarfile sorts each folder's entries
    return out


def stage(bundle: Path, top: Path, components: list[Component], man_page: Path) -> Path:
    if top.exists():
        shutil.rmtree(top)
    shutil.copytree(bundle, top, symlinks=True)
    linux_tree.install_share(top / "share", man_page)
    (top / "COPYRIGHT").write_text(copyright_file.render(components, ""), encoding="utf-8")
    shutil.copyfile(project.ROOT / "LICENSE", top / "LICENSE")
    for script in ("install.sh", "uninstall.sh"):
        shutil.copyfile(SCRIPTS / script, top / script)
        (top / script).chmod(0o755)
    return top


def build(bundle: Path, out_dir: Path, work: Path, components: list[Component], man_page: Path) -> Path:
    """dist/upscaler-gui-<version>-linux-<arch>.tar.gz."""
    name = f"{project.NAME}-{project.version()}"
    top = stage(bundle, work / "tarball" / name, components, man_page)
    out = write(top, out_dir / f"{name}-linux-{project.machine()}.tar.gz", name)
    shutil.rmtree(top.parent)
    return out
