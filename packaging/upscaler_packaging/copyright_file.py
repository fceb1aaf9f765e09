"""The machine-readable copyright file (DEP-5) of the .deb and the tarball, from the gathered components.

https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/: one Files paragraph per component,
its licence text inline. The paths are where the files are installed (the .deb: opt/upscaler-gui/...;
the tarball: relative to its top folder). Python modules live in the program's archive, inside the
executable, so their paragraphs name the executable.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from pathlib import Path

from upscaler_packaging import project
from upscaler_packaging.licences import Component

COMMON_LICENSES = Path("/usr/share/common-licenses")
CONTENTS = "_internal"  # PyInstaller's contents folder beside the executable
HOMEPAGE = "https://github.com/crispupscaler/upscaler-gui"


def installed(dest: str, prefix: str) -> str:
    where = f"{prefix}/" if prefix else ""
    if dest.startswith("PYZ:"):
        return f"{where}{project.NAME}"
    return f"{where}{CONTENTS}/{dest}"


def patterns(components: list[Component], prefix: str) -> dict[str, list[str]]:
    """Files patterns per component: a top folder owned whole becomes `folder/*`, else the files."""
    owners: dict[str, set[str]] = defaultdict(set)
    for component in components:
        for dest in component.files:
            if not dest.startswith("PYZ:"):
                owners[dest.split("/", 1)[0]].add(component.key)
    found: dict[str, list[str]] = {}
    for component in components:
        paths = set()
        for dest in component.files:
            top = dest.split("/", 1)[0]
            if "/" in dest and not dest.startswith("PYZ:") and owners[top] == {component.key}:
                paths.add(installed(f"{top}/*", prefix))
            else:
                paths.add(installed(dest, prefix))
        paths.add(installed(f"licenses/{component.key}/*", prefix))
        found[component.key] = sorted(paths)
    return found


def _block(text: str) -> str:
    """A DEP-5 continuation: each line indented one space, an empty line as ' .'."""
    lines = [line.rstrip().replace("\t", "    ") for line in text.strip("\n").splitlines()]
    return "\n".join(f" {line}" if line.strip() else " ." for line in lines)


def _field(name: str, value: str) -> str:
    first, *rest = value.strip().splitlines() or [""]
    return "\n".join([f"{name}: {first}", *(f" {line}" if line.strip() else " ." for line in rest)])


# Full licence texts inside a component's own file (its LICENSE holds the Apache terms after a notice,
# PyInstaller's COPYING the GPL after its exception): from the title to the end of the terms.
EMBEDDED_COMMON = (
    ("Apache-2.0", r"Apache License\s+Version 2\.0, January 2004"),
    ("GPL-2", r"GNU GENERAL PUBLIC LICENSE\s+Version 2, June 1991"),
    ("GPL-3", r"GNU GENERAL PUBLIC LICENSE\s+Version 3, 29 June 2007"),
    ("LGPL-2.1", r"GNU LESSER GENERAL PUBLIC LICENSE\s+Version 2\.1, February 1999"),
)


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@cache
def common_licences() -> dict[str, str]:
    """Debian's /usr/share/common-licenses texts (whitespace-folded) -> name; empty elsewhere."""
    if not COMMON_LICENSES.is_dir():
        return {}
    texts = {}
    for path in sorted(COMMON_LICENSES.iterdir()):
        if path.is_file() and not path.is_symlink():
            texts[_words(path.read_text(encoding="utf-8", errors="replace"))] = path.name
    return texts


def render(components: list[Component], prefix: str, *, debian: bool = False) -> str:
    """The whole file; `prefix` is the bundle's installed folder ('' for paths relative to it).

    Each distinct text is written once (later paragraphs point to the first). `debian`: texts that
    Debian ships in /usr/share/common-licenses are named there instead (Policy 12.5).
    """
    paths = patterns(components, prefix)
    out = [
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        f"Upstream-Name: {project.DISPLAY_NAME}\n"
        f"Upstream-Contact: {project.MAINTAINER}\n"
        f"Source: {HOMEPAGE}\n"
    ]
    own = next(c for c in components if c.key == project.NAME)
    seen: dict[str, str] = {}
    out.append(_paragraph(["*"], own, seen, debian))
    for component in components:
        if component is not own:
            out.append(_paragraph(paths[component.key], component, seen, debian))
    return "\n".join(out)


def _text(name: str, text: str, component: Component, seen: dict[str, str], debian: bool) -> str:
    words = _words(text)
    common = common_licences().get(words) if debian else None
    if common:
        return f"On Debian systems the full text of the {common} licence is in {COMMON_LICENSES / common}."
    if debian:
        text = _refer_to_common(text)
    if words in seen:
        return f"The same text as {name} in the paragraph of {seen[words]}."
    seen[words] = component.name
    return text


def _refer_to_common(text: str) -> str:
    """The terms of a licence Debian ships, inside a longer text, replaced by where Debian has them."""
    for name, title in EMBEDDED_COMMON:
        found = re.search(rf"[ \t]*{title}.*?END OF TERMS AND CONDITIONS", text, re.DOTALL)
        if found and (COMMON_LICENSES / name).is_file():
            where = f"[The terms of the {name} licence: on Debian systems in {COMMON_LICENSES / name}.]"
            text = text[: found.start()] + where + text[found.end() :]
    return text


def _paragraph(files: list[str], component: Component, seen: dict[str, str], debian: bool) -> str:
    texts = [(name, _text(name, text, component, seen, debian)) for name, text in component.texts]
    body = "\n\n".join(text if len(texts) == 1 else f"--- {name} ---\n\n{text}" for name, text in texts)
    named = f"{component.name} {component.version}".strip()
    lines = [
        _field("Files", "\n".join(files)),
        _field("Copyright", component.copyright),
        f"License: {component.licence}\n{_block(body)}",
        _field("Comment", f"{named}. {component.comment}".strip()),
    ]
    return "\n".join(lines) + "\n"
