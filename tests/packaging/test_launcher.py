"""The bundle's launcher: no Qt traceback when the system lacks Qt's libraries, the install line instead."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest
from upscaler_packaging import build

from tests.packaging.conftest import ROOT


def _launcher() -> ModuleType:
    spec = importlib.util.spec_from_file_location("launcher", ROOT / "packaging" / "launcher.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # defines only: the start is under `if __name__ == "__main__"`
    return module


def test_a_missing_library_gives_the_apt_and_dnf_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    launcher = _launcher()

    def load(soname: str) -> object:
        if soname in {"libxcb-cursor.so.0", "libEGL.so.1"}:
            raise OSError(f"{soname}: cannot open shared object file")
        return object()

    monkeypatch.setattr(sys, "platform", "linux")
    assert launcher.start([], load) == 1
    message = capsys.readouterr().err
    assert "libEGL.so.1, libxcb-cursor.so.0" in message
    assert "sudo apt-get install libegl1 libxcb-cursor0" in message
    assert "sudo dnf install libglvnd-egl xcb-util-cursor" in message
    assert "Traceback" not in message


def test_missing_libraries_tries_each_and_names_the_ones_that_fail() -> None:
    launcher = _launcher()

    def load(soname: str) -> object:
        if soname == "libxcb-icccm.so.4":
            raise OSError("not found")
        return object()

    assert launcher.missing_libraries(load) == ["libxcb-icccm.so.4"]
    assert launcher.missing_libraries(lambda _s: object()) == []


def test_the_commands_are_not_checked_only_the_window() -> None:
    launcher = _launcher()
    assert launcher.opens_the_window([]) and launcher.opens_the_window(["photo.png", "--demo"])
    for command in (["upscale", "x.png"], ["watch", "dir"], ["demo-server"], ["--version"], ["--help"]):
        assert not launcher.opens_the_window(command)
    from upscaler_gui.cli import COMMANDS

    assert set(COMMANDS) <= launcher.NOT_THE_WINDOW


@pytest.mark.slow
def test_every_package_the_deb_depends_on_for_qt_is_checked(packages: build.Artifacts) -> None:
    """The .deb's Depends are computed from the bundle's ELF files; the launcher's hand-kept list must not
    fall behind them, or a tarball user would get Qt's abort instead of the install line."""
    assert packages.relations is not None
    depends = {d.split(" ")[0] for d in packages.relations.depends}
    checked = {debian for debian, _fedora in _launcher().QT_SYSTEM_LIBS.values()}
    assert depends - {"libc6", "libstdc++6", "libgcc-s1"} - checked == set()
