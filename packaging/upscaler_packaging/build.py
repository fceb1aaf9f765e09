"""`./dev package`: the PyInstaller bundle, then the tarball, the .deb and (where rpmbuild is) the .rpm.

Everything lands in dist/ (PyInstaller's work files in build/); the figures are printed at the end.
The packaging smoke tests call `build_all()` itself, into a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from upscaler_packaging import deb, elf, licences, manpage, project, prune, rpm, runpath, symver, tarball

SPEC = Path(__file__).resolve().parents[1] / "upscaler-gui.spec"
NEEDED_TOOLS = {"objdump": "binutils", "strip": "binutils"}


@dataclass
class Artifacts:
    bundle: Path  # the one-folder build: bundle/upscaler-gui is the program
    tarball: Path
    deb: Path | None = None
    rpm: Path | None = None
    components: list[licences.Component] = field(default_factory=list)
    man_page: Path | None = None
    relations: deb.Relations | None = None
    glibc: elf.GlibcReport | None = None
    pruned: list[tuple[str, int, int]] = field(default_factory=list)  # (reason, files, bytes)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def executable(self) -> Path:
        return self.bundle / project.NAME


def check_tools() -> None:
    runpath.patchelf()
    missing = sorted({pkg for tool, pkg in NEEDED_TOOLS.items() if shutil.which(tool) is None})
    if missing:
        raise SystemExit(f"package: PyInstaller needs objdump and strip: apt-get install {' '.join(missing)}")


def run_pyinstaller(dist: Path, work: Path, *, pruned: bool = True, quiet: bool = True) -> Path:
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN" if quiet else "INFO",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
        str(SPEC),
    ]
    if not pruned:
        command += ["--", "--no-prune"]
    # A fixed hash seed: PyInstaller writes base_library.zip in set order, which differed between runs.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    subprocess.run(command, check=True, cwd=project.ROOT, env=env)
    return dist / project.NAME


def make_tarball(bundle: Path, out_dir: Path) -> Path:
    """The bundle alone as a tarball (the unpruned measurement; the real one is tarball.build)."""
    top = f"{project.NAME}-{project.version()}"
    return tarball.write(bundle, out_dir / f"{top}-linux-{project.machine()}.tar.gz", top)


def pruned_summary(work: Path) -> list[tuple[str, int, int]]:
    report = work / project.NAME / "prune-report.json"
    if not report.is_file():
        return []
    items = [prune.Dropped(**d) for d in json.loads(report.read_text(encoding="utf-8"))]
    return prune.summary(items)


GLIBC_TARGET = (2, 34)  # the promise: runs anywhere with glibc 2.34 or newer


def lower_glibc_needs(bundle: Path) -> list[symver.Lowered]:
    """Files the build machine's newer glibc marked as needing more than GLIBC_TARGET, where the same
    functions exist at an older version (libpython's hypot@GLIBC_2.35): point them at the older one."""
    lowered: list[symver.Lowered] = []
    for need in elf.glibc_report(bundle, GLIBC_TARGET).above:
        for library in ("libm.so.6", "libc.so.6"):
            system = system_library(library)
            if system is not None:
                lowered += symver.lower_needs(bundle / need.file, library, system, GLIBC_TARGET)
    return lowered


def system_library(soname: str) -> Path | None:
    """Where the build machine's dynamic loader finds `soname` (ldconfig's cache)."""
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False).stdout
    for line in out.splitlines():
        native = "x86-64" in line or "AArch64" in line  # not a 32-bit multiarch copy
        if line.strip().startswith(soname + " ") and native:
            return Path(line.rsplit("=>", 1)[1].strip())
    return None


def build_all(dist: Path, work: Path, *, quiet: bool = True) -> Artifacts:
    """The whole build; `dist` gets the bundle folder and the packages."""
    started = time.monotonic()
    # Every timestamp the tools write (dpkg-deb, PyInstaller, gzip, tar, the man page): the release's date.
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(project.release_epoch()))
    check_tools()
    project.current_release()  # fail early when CHANGELOG.md does not describe this version
    dist.mkdir(parents=True, exist_ok=True)
    bundle = run_pyinstaller(dist, work, quiet=quiet)
    lowered = lower_glibc_needs(bundle)
    cleaned = runpath.clean(bundle)
    components = licences.load(work / project.NAME / "components.json")
    man_page = manpage.build(work)
    art = Artifacts(bundle=bundle, tarball=tarball.build(bundle, dist, work, components, man_page))
    art.pruned, art.components, art.man_page = pruned_summary(work), components, man_page
    art.glibc = elf.glibc_report(bundle)
    art.notes += [
        f"{x.file.name}: {', '.join(x.symbols)} now asks for {x.now} (was {x.was})" for x in lowered
    ]
    dropped = sorted({entry for done in cleaned for entry in done.removed})
    if cleaned:
        art.notes.append(f"RUNPATH {':'.join(dropped)} removed from {len(cleaned)} files")
    if shutil.which("dpkg-deb"):
        art.deb, art.relations = deb.build_deb(bundle, dist, work, components, man_page)
    else:
        art.notes.append("no .deb: dpkg-deb is not installed (Debian and Ubuntu have it in their base)")
    if rpm.available():
        art.rpm = rpm.build_rpm(bundle, dist, work, components, man_page)
    else:
        art.notes.append("no .rpm: rpmbuild is not installed (on Debian: apt-get install rpm)")
    art.seconds = time.monotonic() - started
    return art


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def report(art: Artifacts) -> str:
    lines = [f"built in {art.seconds:.0f} s", f"  {art.bundle}/  {mib(folder_size(art.bundle))} unpacked"]
    for path in (art.tarball, art.deb, art.rpm):
        if path:
            lines.append(f"  {path}  {mib(path.stat().st_size)}")
    lines += [f"  note: {note}" for note in art.notes]
    if art.pruned:
        total = sum(size for _r, _f, size in art.pruned)
        lines.append(f"left out of the bundle ({mib(total)} before stripping):")
        lines += [f"  {reason}: {files} files, {mib(size)}" for reason, files, size in art.pruned]
    if art.relations:
        lines.append(f"Depends: {', '.join(art.relations.depends)}")
        lines.append(f"Recommends: {', '.join(art.relations.recommends)}")
        lines.append(f"Suggests: {', '.join(art.relations.suggests)}")
    if art.glibc:
        lines.append(f"glibc: the bundle needs {art.glibc.highest_name} at most")
        lines += [
            f"  above GLIBC_2.34: {need.file} needs {need.name} for {', '.join(need.symbols)}"
            for need in art.glibc.above
        ]
    return "\n".join(lines)


def measure_unpruned(work: Path) -> str:
    """The same spec without pruning, for the size comparison in README (not a shipped build)."""
    dist = work / "unpruned-dist"
    bundle = run_pyinstaller(dist, work / "unpruned", pruned=False)
    tarball = make_tarball(bundle, dist)
    return f"unpruned: {mib(folder_size(bundle))} unpacked, {tarball.name} {mib(tarball.stat().st_size)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev package", description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=project.ROOT / "dist", help="output folder (dist/)")
    parser.add_argument("--work", type=Path, default=project.ROOT / "build", help="work folder (build/)")
    parser.add_argument("--unpruned", action="store_true", help="also build unpruned, to compare sizes")
    parser.add_argument("-v", "--verbose", action="store_true", help="PyInstaller's full log")
    args = parser.parse_args(argv)
    art = build_all(args.dist.resolve(), args.work.resolve(), quiet=not args.verbose)
    print(report(art))
    if args.unpruned:
        check_tools()
        print(measure_unpruned(args.work.resolve()))
    return 0
