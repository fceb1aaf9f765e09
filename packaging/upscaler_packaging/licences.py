"""Who made each file of the bundle, under which licence: gathered by the spec from what it bundles.

Every entry PyInstaller keeps (after pruning) is traced to its origin: this project, the Python that
builds it, the installed Python distribution whose RECORD lists the file (its dist-info licence files
and licence metadata), or, for a system library PyInstaller took from the build machine, the Debian
package that ships it (`dpkg -S`, its /usr/share/doc/<package>/copyright, plus the common-licenses
file it points to). A few parts carry no licence text of their own and get one from `LICENSE_TEXTS`
(packaging/licenses/) or a note: see `EXTRA`. An entry that cannot be traced stops the build, so a new
dependency cannot ship unattributed.
"""

from __future__ import annotations

import fnmatch
import json
import platform
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

from upscaler_packaging import project

LICENSE_TEXTS = Path(__file__).resolve().parents[1] / "licenses"
_LICENCE_FILE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE)", re.IGNORECASE)
_COMMON = re.compile(r"/usr/share/common-licenses/([A-Za-z0-9.+-]+)")


@dataclass
class Component:
    key: str  # folder name under licenses/ in the bundle
    name: str
    version: str
    licence: str  # SPDX expression (or the Debian copyright file's own short name)
    copyright: str
    texts: list[tuple[str, str]] = field(default_factory=list)  # (file name, text)
    files: set[str] = field(default_factory=set)  # bundle paths (dest) it owns
    comment: str = ""


# Parts of a distribution that are other projects, with their own licence (matched on the bundle path).
# Qt's wheel carries ICU as separate libraries and no licence text of its own for either.
@dataclass(frozen=True)
class Part:
    key: str
    name: str
    pattern: str
    licence: str
    debian_doc: str  # a glob under /usr/share/doc for the same project's Debian copyright text


PARTS = (
    Part(
        "icu",
        "ICU (International Components for Unicode)",
        "PySide6/Qt/lib/libicu*",
        "Unicode-DFS-2016 AND ICU",
        "libicu[0-9]*",
    ),
)
QT_NOTE = (
    "Qt's libraries contain third-party code (among others PCRE2, double-conversion, zlib, TinyCBOR, libpng, "
    "HarfBuzz, md4c, and libjpeg-turbo and libwebp in the image plugins), listed with their licences at "
    "https://doc.qt.io/qt-6/licenses-used-in-qt.html. Qt is used under the LGPL-3.0: its libraries are "
    "separate files under PySide6/Qt/lib and can be replaced by other builds of the same version."
)
NOTES = {
    "pyside6-essentials": QT_NOTE,
    "cryptography": "Its _rust module contains OpenSSL 3, under the Apache-2.0 licence whose text is here.",
}
# Distributions whose wheel has no licence file: the licence chosen from their expression, its texts
# (the LGPL-3.0 builds on the GPL-3.0, so both) and the holder their sources name.
FALLBACK_TEXTS = {
    "pyside6-essentials": ("LGPL-3.0-only", ("LGPL-3.0-only.txt", "GPL-3.0-only.txt"), "The Qt Company Ltd."),
    "shiboken6": ("LGPL-3.0-only", ("LGPL-3.0-only.txt", "GPL-3.0-only.txt"), "The Qt Company Ltd."),
}
# Metadata that says less than the licence texts do.
LICENCE_OVERRIDES = {
    "pyinstaller": (
        "GPL-2.0-or-later WITH Bootloader-exception",
        "PyInstaller's bootloader and run-time modules are in the program; its licence's exception "
        "allows distributing them with programs under any licence.",
    ),
}
CLASSIFIERS = {"MIT License": "MIT", "Apache Software License": "Apache-2.0", "BSD License": "BSD-3-Clause"}
# Lines of licence templates that look like notices and are not ("Copyright <YEAR> <copyright holders>").
NOT_A_HOLDER = re.compile(
    r"<copyright holders>|\[name of copyright owner\]|license to|owner or entity|notice|liable|holders and",
    re.IGNORECASE,
)


# The project's own files; a work folder inside the tree (build/) holds other people's.
OWN_FOLDERS = tuple(project.ROOT / name for name in ("upscaler_gui", "resources", "packaging"))
# Made by PyInstaller in its work folder from the Python that builds the bundle (the stdlib's .pyc).
MADE_FROM_PYTHON = frozenset({"base_library.zip"})


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@cache
def _installed_files() -> dict[Path, metadata.Distribution]:
    """Each file of each installed distribution (RECORD), resolved, to its distribution."""
    owners: dict[Path, metadata.Distribution] = {}
    for dist in metadata.distributions():
        for file in dist.files or ():
            owners[Path(str(dist.locate_file(file))).resolve()] = dist
    return owners


def dist_component(dist: metadata.Distribution) -> Component:
    meta = dist.metadata
    key = normalise(meta["Name"])
    licence = meta.get("License-Expression") or (meta.get("License") or "").strip()
    if not licence or "\n" in licence or len(licence) > 80:
        found = [
            c.rsplit(" :: ", 1)[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")
        ]
        licence = " AND ".join(CLASSIFIERS.get(c, c) for c in found) or "LicenseRef-see-text"
    texts = []
    for file in dist.files or ():
        if ".dist-info" in str(file) and _LICENCE_FILE.search(file.name):
            texts.append(
                (file.name, Path(str(dist.locate_file(file))).read_text(encoding="utf-8", errors="replace"))
            )
    comment, holder = "", copyright_lines(texts, meta)
    if not texts and key in FALLBACK_TEXTS:
        chosen, names, holder = FALLBACK_TEXTS[key]
        comment = f"Offered under {licence}; distributed here under {chosen}."
        licence = chosen
        texts = [(n, (LICENSE_TEXTS / n).read_text(encoding="utf-8")) for n in names]
    if key in LICENCE_OVERRIDES:
        licence, comment = LICENCE_OVERRIDES[key]
    comment = f"{comment} {NOTES.get(key, '')}".strip()
    return Component(key, meta["Name"], dist.version, licence, holder, texts, comment=comment.strip())


def copyright_lines(texts: Iterable[tuple[str, str]], meta: object = None) -> str:
    """The `Copyright ...` lines of the licence texts, else the authors named in the metadata."""
    lines: list[str] = []
    for _name, text in texts:
        for raw in text.splitlines():
            line = raw.strip(" #*\t")
            if re.match(r"(Copyright\b|©|\(c\)\s*\d)", line, re.IGNORECASE) and not NOT_A_HOLDER.search(line):
                lines.append(re.sub(r"^Copyright\s*(\(c\)|©)?\s*", "", line, flags=re.IGNORECASE))
    if not lines and meta is not None:
        author = getattr(meta, "get", lambda _k: None)("Author") or getattr(meta, "get", lambda _k: None)(
            "Author-email"
        )
        lines.append(f"the {author} authors" if author else "its authors")
    return "\n".join(dict.fromkeys(lines)) or "its authors"


def python_component() -> Component:
    text = (
        Path(sys.base_prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "LICENSE.txt"
    )
    if not text.is_file():
        text = Path(sys.base_prefix) / "LICENSE.txt"  # Windows' layout
    texts = [("LICENSE.txt", text.read_text(encoding="utf-8"))]
    return Component(
        "python",
        "Python",
        platform.python_version(),
        "PSF-2.0",
        "2001-2024 Python Software Foundation",
        texts,
    )


def project_component() -> Component:
    text = (project.ROOT / "LICENSE").read_text(encoding="utf-8")
    return Component(
        project.NAME,
        project.DISPLAY_NAME,
        project.version(),
        project.LICENSE,
        copyright_lines([("LICENSE", text)]),
        [("LICENSE", text)],
    )


def debian_component(package: str) -> Component:
    doc = Path("/usr/share/doc") / package / "copyright"
    text = doc.read_text(encoding="utf-8", errors="replace")
    texts = [("copyright", text)]
    for common in dict.fromkeys(_COMMON.findall(text)):
        path = Path("/usr/share/common-licenses") / common
        if path.is_file():
            texts.append((common, path.read_text(encoding="utf-8")))
    version = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, check=False
    )
    licence = dep5_field(text, "License") or f"LicenseRef-Debian-{package}"
    holder = dep5_field(text, "Copyright", whole=True) or copyright_lines(texts[:1])
    name = f"{package} (Debian package)"
    return Component(f"debian-{package}", name, version.stdout.strip(), licence, holder, texts)


def dep5_field(text: str, name: str, *, whole: bool = False) -> str:
    """A field of the `Files: *` paragraph of a Debian copyright file ('' when it has none); `whole`
    keeps its continuation lines (Copyright), else only the first line (License's short name)."""
    paragraphs = re.split(r"\n[ \t]*\n", text)
    paragraph = next((p for p in paragraphs if re.search(r"^Files:\s*\*\s*$", p, re.MULTILINE)), "")
    found = re.search(rf"^{name}:[ \t]*(.*(?:\n[ \t].*)*)", paragraph, re.MULTILINE)
    if not found:
        return ""
    lines = [line.strip() for line in found[1].splitlines() if line.strip() not in {"", "."}]
    return "\n".join(lines) if whole else (lines[0] if lines else "")


def part_component(part: Part) -> Component:
    docs = sorted(Path("/usr/share/doc").glob(f"{part.debian_doc}/copyright"))
    if not docs:
        raise RuntimeError(
            f"no licence text for {part.name}: install the Debian package matching {part.debian_doc}"
        )
    texts = [("copyright", docs[-1].read_text(encoding="utf-8", errors="replace"))]
    comment = f"Text from Debian's {docs[-1].parent.name} (same project and terms as the bundled copy)."
    holder = dep5_field(texts[0][1], "Copyright", whole=True) or copyright_lines(texts)
    return Component(part.key, part.name, "", part.licence, holder, texts, comment=comment)


def debian_package_of(path: Path) -> str | None:
    for candidate in dict.fromkeys(
        [str(path), str(path.resolve()), str(path.resolve()).replace("/usr/lib/", "/lib/", 1)]
    ):
        found = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True, check=False)
        if found.returncode == 0 and found.stdout:
            return found.stdout.splitlines()[0].split(":")[0].split(",")[0].strip()
    return None


def gather(entries: Iterable[tuple[str, str | None, str]]) -> list[Component]:
    """Components of PyInstaller TOC entries (dest, source, kind); raises for an entry of unknown origin."""
    found: dict[str, Component] = {}
    base = Path(sys.base_prefix).resolve()
    unknown = []
    for name, src, kind in entries:
        if kind == "SYMLINK" or not src or not Path(src).is_file():
            continue
        source = Path(src).resolve()
        dest = "PYZ:" + name if kind in {"PYMODULE", "PYSOURCE"} else name.replace("\\", "/")
        part = next((p for p in PARTS if fnmatch.fnmatch(dest, p.pattern)), None)
        if part:
            component = found.get(part.key) or part_component(part)
        elif (dist := _installed_files().get(source)) is not None:  # before ROOT: .venv may be inside it
            key = normalise(dist.metadata["Name"])
            own = key == project.NAME  # the editable install's files: the project's
            component = found.get(key) or (project_component() if own else dist_component(dist))
        elif any(folder in source.parents for folder in OWN_FOLDERS):
            component = found.get(project.NAME) or project_component()
        elif base in source.parents or dest in MADE_FROM_PYTHON:
            component = found.get("python") or python_component()
        elif sys.platform.startswith("linux") and (package := debian_package_of(source)):
            component = found.get(f"debian-{package}") or debian_component(package)
        else:
            unknown.append(f"{dest} ({src})")
            continue
        found.setdefault(component.key, component).files.add(dest)
    if unknown:
        raise RuntimeError("licences: no origin known for " + ", ".join(sorted(unknown)[:20]))
    return sorted(found.values(), key=lambda c: (c.key != project.NAME, c.key))


def write_tree(components: list[Component], folder: Path) -> list[tuple[str, str, str]]:
    """licenses/<key>/<text files> under `folder`; returns the TOC entries that put them in the bundle."""
    entries = []
    for component in components:
        for name, text in component.texts:
            path = folder / component.key / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            entries.append((f"licenses/{component.key}/{name}", str(path), "DATA"))
    return entries


def save(components: list[Component], path: Path) -> None:
    rows = [{**asdict(c), "files": sorted(c.files)} for c in components]
    path.write_text(json.dumps(rows, indent=1), encoding="utf-8")


def load(path: Path) -> list[Component]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [
        Component(**{**r, "files": set(r["files"]), "texts": [tuple(t) for t in r["texts"]]}) for r in rows
    ]
