"""What the bundle leaves out, and the pruning of PyInstaller's lists (TOCs) in the spec.

The app imports only QtCore, QtGui, QtWidgets and QtDBus (`grep -r PySide6 upscaler_gui`), loads
images through QImageReader (thumbnails, compare) and installs Qt's own translation only as
`qtbase_<lang>` for the app's languages. Everything else PyInstaller's hooks collect is dropped here:
other Qt modules, plugins for platforms and formats the app never uses, translations, and the system
libraries (X11/xcb, OpenGL, fontconfig, GLib, D-Bus, GTK...) that the PySide6 wheel itself expects from
the OS: the .deb depends on those instead (see deb.py), and the tarball runs where they are installed,
as any Qt program does. Whatever only the dropped parts needed goes too: after the rules, a walk of the
ELF `NEEDED` lists from the program's real roots keeps only what is still reachable.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# Python modules never imported by the app; PyInstaller's hooks would pull most of them in anyway.
EXCLUDED_MODULES: tuple[str, ...] = (
    *(
        f"PySide6.{name}"
        for name in (
            "QtNetwork",  # httpx does the networking, on Python's ssl
            "QtQml",
            "QtQuick",
            "QtQuickControls2",
            "QtQuickWidgets",
            "QtQuickTest",
            "QtPdf",
            "QtPdfWidgets",
            "QtDesigner",
            "QtHelp",
            "QtUiTools",
            "QtSql",
            "QtTest",
            "QtOpenGL",
            "QtOpenGLWidgets",
            "QtSvg",  # the Python module; libQt6Svg stays for the SVG icon engine and image plugin
            "QtSvgWidgets",
            "QtConcurrent",
            "QtXml",
            "QtPrintSupport",
            "QtStateMachine",
        )
    ),
    "tkinter",
    # anyio imports pytest's outcomes when it can (its test plugin), and pytest brings pygments: 6 MiB
    "_pytest",
    "pytest",
    "pygments",
    "PIL.ImageTk",
    "PIL._imagingtk",
    "PIL.ImageQt",  # would import a Qt binding of its own choosing
    "PIL.ImageFont",  # no text drawing: saves FreeType and HarfBuzz from pillow.libs
    "PIL._imagingft",
)

# Qt plugins kept, by plugin folder and name without "lib" and extension (the same rules serve the
# Windows and macOS builds); folders not named here are dropped whole.
KEPT_PLUGINS: dict[str, frozenset[str] | None] = {
    "platforms": frozenset({"qxcb", "qwayland", "qoffscreen", "qwindows", "qcocoa"}),
    "platformthemes": frozenset({"qgtk3", "qxdgdesktopportal"}),  # native dialogs, portals
    "platforminputcontexts": frozenset(
        {"composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"}
    ),
    # QImageReader for thumbnails and the compare view: the app's three formats, plus what icons use.
    "imageformats": frozenset({"qjpeg", "qwebp", "qgif", "qico", "qsvg"}),
    "iconengines": frozenset({"qsvgicon"}),  # SVG icons from the desktop's icon theme
    "styles": None,  # all: the native look on Windows and macOS (Linux has none here)
    "wayland-shell-integration": frozenset({"xdg-shell"}),
    "wayland-decoration-client": frozenset({"bradient", "adwaita"}),
}

# Files whose system libraries are optional: Qt skips a plugin it cannot load (deb: Recommends).
OPTIONAL_FILES: frozenset[str] = frozenset(
    {
        "lib/libQt6WaylandClient.so.6",  # loaded only by the Wayland plugins
        "platforms/libqwayland.so",
        "platformthemes/libqgtk3.so",
        "wayland-shell-integration/libxdg-shell.so",
        "wayland-decoration-client/libbradient.so",
        "wayland-decoration-client/libadwaita.so",
    }
)

# Of those, the GTK platform theme (deb: Suggests, see deb.relations).
GTK_THEME_FILES: tuple[str, ...] = ("platformthemes/libqgtk3.so",)

# Taken from the OS, never bundled (file names, anchored). These are what PySide6's wheel expects from
# the system, plus the graphics stack and C++ runtime that must match the machine's GPU drivers.
SYSTEM_LIBS: tuple[str, ...] = (
    r"libstdc\+\+\.so\..*",
    r"libgcc_s\.so\..*",
    r"libE?GL.*\.so\..*",
    r"libX11(-xcb)?\.so\..*",
    r"libX(au|dmcp|ext|render|i|fixes|randr|cursor|inerama|composite|damage)\.so\..*",
    r"libxcb(-[a-z-]+)?\.so\..*",
    r"libxkbcommon(-x11)?\.so\..*",
    r"libfontconfig\.so\..*",
    r"libfreetype\.so\..*",
    r"lib(glib|gobject|gio|gmodule|gthread)-2\.0\.so\..*",
    r"libdbus-1\.so\..*",
    r"lib(gtk|gdk)-3\.so\..*",
    r"libgdk_pixbuf-2\.0\.so\..*",
    r"libcairo(-gobject)?\.so\..*",
    r"libpango(cairo|ft2)?-1\.0\.so\..*",
    r"libatk(-bridge)?-[12]\.0\.so\..*",
    r"libharfbuzz\.so\..*",
    r"libwayland-(client|cursor|egl)\.so\..*",
    r"libdrm\.so\..*",
    r"libgbm\.so\..*",
    r"libsystemd\.so\..*",
)
_SYSTEM = re.compile("|".join(f"(?:{p})" for p in SYSTEM_LIBS))

# Where the PySide6 wheels put them: PySide6/Qt/plugins on Linux and macOS, PySide6/plugins on Windows.
_PLUGIN = re.compile(r"PySide6/(?:Qt/)?plugins/([^/]+)/([^/]+)")
_TRANSLATION = re.compile(r"PySide6/(?:Qt/)?translations/([^/]+)")


def kept_translations(languages: Iterable[str]) -> frozenset[str]:
    """Qt's catalogs the app loads (ui/i18n.py: `qtbase_<lang>`); English needs none."""
    return frozenset(f"qtbase_{lang}.qm" for lang in languages if lang != "en")


def is_system_lib(name: str) -> bool:
    return _SYSTEM.fullmatch(name) is not None


@dataclass(frozen=True)
class Dropped:
    dest: str
    size: int
    reason: str


# A PyInstaller TOC entry: (name in the bundle, source path, type code).
Entry = tuple[str, str, str]


def plugin_name(file_name: str) -> str:
    """libqxcb.so, qwindows.dll, libqcocoa.dylib -> qxcb, qwindows, qcocoa."""
    stem = re.sub(r"\.(so|dll|dylib)$", "", file_name)
    return stem[3:] if stem.startswith("lib") else stem


def rule_for(dest: str, languages: Iterable[str]) -> str | None:
    """Why an entry is dropped by the rules (None: kept, at least until the reachability walk)."""
    dest = dest.replace("\\", "/")
    if plugin := _PLUGIN.fullmatch(dest):
        folder, name = plugin.groups()
        if folder not in KEPT_PLUGINS:
            return f"Qt plugins: {folder}/"
        kept = KEPT_PLUGINS[folder]
        if kept is not None and plugin_name(name) not in kept:
            return f"Qt plugins: unused {folder}/"
        return None
    if translation := _TRANSLATION.fullmatch(dest):
        return None if translation[1] in kept_translations(languages) else "Qt translations"
    if "/" not in dest and is_system_lib(dest):
        return "system libraries (from the OS)"
    return None


def needed(path: str) -> list[str]:
    """The ELF's DT_NEEDED sonames (`objdump -p`; PyInstaller needs objdump on Linux anyway)."""
    out = subprocess.run(["objdump", "-p", path], capture_output=True, text=True, check=False).stdout
    return [line.split()[1] for line in out.splitlines() if line.strip().startswith("NEEDED")]


def is_root(entry: Entry) -> bool:
    """What the program loads by itself: Python extensions, Qt plugins, and the Python library."""
    dest, _src, kind = entry
    name = PurePosixPath(dest).name
    return kind == "EXTENSION" or _PLUGIN.fullmatch(dest) is not None or name.startswith("libpython")


def reachable(binaries: list[Entry], read_needed: Callable[[str], list[str]] = needed) -> set[str]:
    """Bundle names reachable from the roots through NEEDED (by file name, as the loader finds them)."""
    by_name: dict[str, list[Entry]] = {}
    for entry in binaries:
        by_name.setdefault(PurePosixPath(entry[0]).name, []).append(entry)
    seen: set[str] = set()
    todo = [e for e in binaries if is_root(e)]
    while todo:
        entry = todo.pop()
        if entry[0] in seen:
            continue
        seen.add(entry[0])
        for soname in read_needed(entry[1]):
            todo.extend(e for e in by_name.get(soname, ()) if e[0] not in seen)
    return seen


def prune(
    binaries: list[Entry], datas: list[Entry], languages: Iterable[str], *, walk: bool = True
) -> tuple[list[Entry], list[Entry], list[Dropped]]:
    """Apply the rules, then (ELF only: `walk` on Linux) drop the binaries nothing kept still needs."""
    languages = tuple(languages)
    dropped: list[Dropped] = []

    def keep(entries: list[Entry]) -> list[Entry]:
        kept = []
        for entry in entries:
            reason = rule_for(entry[0], languages)
            if reason:
                dropped.append(Dropped(entry[0], _size(entry[1]), reason))
            else:
                kept.append(entry)
        return kept

    binaries, datas = keep(binaries), keep(datas)
    elf = [e for e in binaries if e[2] in {"BINARY", "EXTENSION"}]
    alive = reachable(elf) if walk else {e[0] for e in elf}
    final = []
    for entry in binaries:
        if entry[2] in {"BINARY", "EXTENSION"} and entry[0] not in alive:
            dropped.append(Dropped(entry[0], _size(entry[1]), _unreached_reason(entry[0])))
        else:
            final.append(entry)
    # PyInstaller's SYMLINK entries point at another entry (src is the target, relative to dest's folder).
    names = {e[0] for e in (*final, *datas) if e[2] != "SYMLINK"}

    def linked(entries: list[Entry]) -> list[Entry]:
        return [e for e in entries if e[2] != "SYMLINK" or _link_target(e) in names]

    return linked(final), linked(datas), dropped


def _link_target(entry: Entry) -> str:
    dest, target, _kind = entry
    parts: list[str] = []
    for part in (PurePosixPath(dest).parent / target).parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _unreached_reason(dest: str) -> str:
    name = PurePosixPath(dest).name
    if name.startswith("libQt6"):
        return "Qt libraries only dropped parts used"
    return "libraries only dropped parts used"


def _size(src: str) -> int:
    try:
        return Path(src).stat().st_size
    except OSError:
        return 0


def summary(dropped: list[Dropped]) -> list[tuple[str, int, int]]:
    """(reason, files, bytes) per reason, largest first."""
    totals: dict[str, tuple[int, int]] = {}
    for item in dropped:
        files, size = totals.get(item.reason, (0, 0))
        totals[item.reason] = (files + 1, size + item.size)
    return sorted(((r, f, s) for r, (f, s) in totals.items()), key=lambda t: -t[2])
