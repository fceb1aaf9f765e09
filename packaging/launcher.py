"""The bundle's entry point: the same `main` as the `upscaler-gui` console script (window, CLI and sim).

On Linux the window needs Qt's system libraries (X11/xcb, EGL/GL, xkbcommon, fontconfig, GLib,
D-Bus), which the .deb depends on but the tarball cannot bring. Without them Qt fails with an
ImportError traceback or aborts in its xcb plugin; so before the window starts, each is loaded
here, and a missing one gives the install line for apt and dnf instead. The commands (upscale,
watch, demo-server) need none of them and are not checked.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable, Sequence

# soname: (Debian/Ubuntu package, Fedora/RHEL package). tests/packaging checks that every system
# library the bundle's Qt needs (the .deb's Depends) is here.
QT_SYSTEM_LIBS: dict[str, tuple[str, str]] = {
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
}
# The words that run a command, not the window (upscaler_gui/cli.py's COMMANDS and argparse's own).
NOT_THE_WINDOW = frozenset({"upscale", "watch", "history", "demo-server", "-h", "--help", "--version"})


def opens_the_window(argv: Sequence[str]) -> bool:
    return not argv or argv[0] not in NOT_THE_WINDOW


def missing_libraries(load: Callable[[str], object] = ctypes.CDLL) -> list[str]:
    missing = []
    for soname in QT_SYSTEM_LIBS:
        try:
            load(soname)
        except OSError:
            missing.append(soname)
    return missing


def missing_message(missing: Sequence[str]) -> str:
    debian = " ".join(dict.fromkeys(QT_SYSTEM_LIBS[s][0] for s in missing))
    fedora = " ".join(dict.fromkeys(QT_SYSTEM_LIBS[s][1] for s in missing))
    return (
        f"upscaler-gui: the window needs system libraries that are not installed: {', '.join(missing)}.\n"
        f"  Debian, Ubuntu:  sudo apt-get install {debian}\n"
        f"  Fedora, RHEL:    sudo dnf install {fedora}\n"
        "The commands (upscaler-gui upscale, upscaler-gui watch) work without them."
    )


def start(argv: Sequence[str], load: Callable[[str], object] = ctypes.CDLL) -> int:
    if sys.platform.startswith("linux") and opens_the_window(argv):
        missing = missing_libraries(load)
        if missing:
            print(missing_message(missing), file=sys.stderr)
            return 1
    from upscaler_gui.cli import main

    return main(list(argv))


if __name__ == "__main__":
    raise SystemExit(start(sys.argv[1:]))
