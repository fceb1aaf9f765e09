"""The tarball as a user meets it: unpack, ./install.sh into ~/.local, a menu entry, ./uninstall.sh.

Slow: uses the session's build (conftest.packages, conftest.unpacked).
"""

from __future__ import annotations

import configparser
import os
import subprocess
from pathlib import Path

import pytest
from upscaler_packaging import project

from tests.packaging.conftest import Unpacked, app_env
from upscaler_gui import __version__

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
APP_ID = project.APP_ID


def _script(unpacked: Unpacked, name: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**app_env(home), "HOME": str(home), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        ["sh", str(unpacked.folder / name)], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_tarball_has_the_desktop_files_man_page_and_scripts(unpacked: Unpacked) -> None:
    share = unpacked.folder / "share"
    assert (share / "applications" / f"{APP_ID}.desktop").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (share / "icons" / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png").is_file()
    assert (share / "man" / "man1" / "upscaler-gui.1.gz").is_file()
    for script in ("install.sh", "uninstall.sh"):
        assert os.access(unpacked.folder / script, os.X_OK)


def test_install_sh_puts_the_program_and_menu_entry_in_local_and_uninstall_takes_them_away(
    unpacked: Unpacked, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    installed = _script(unpacked, "install.sh", home)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    local = home / ".local"
    program = local / "bin" / "upscaler-gui"
    version = subprocess.run(
        [str(program), "--version"], env=app_env(tmp_path), capture_output=True, text=True, check=False
    )
    assert version.stdout.strip() == f"upscaler-gui {__version__}"
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str  # type: ignore[assignment,method-assign]
    desktop.read(local / "share" / "applications" / f"{APP_ID}.desktop", encoding="utf-8")
    assert desktop["Desktop Entry"]["Exec"] == f"{program} %F"  # ~/.local/bin may not be on PATH
    assert desktop["Desktop Action demo"]["Exec"] == f"{program} --demo"
    assert desktop["Desktop Action paste"]["Exec"] == f"{program} --paste"
    assert (local / "share" / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png").is_file()
    assert (local / "lib" / "upscaler-gui" / "COPYRIGHT").is_file()
    assert not (local / "lib" / "upscaler-gui" / "share").exists()  # share/ went to ~/.local/share
    assert "not on PATH" in installed.stdout

    again = _script(unpacked, "install.sh", home)  # over an earlier install: replaced, not refused
    assert again.returncode == 0, again.stderr

    removed = _script(unpacked, "uninstall.sh", home)
    assert removed.returncode == 0, removed.stderr
    left = sorted(str(p.relative_to(local)) for p in local.rglob("*") if p.is_file() or p.is_symlink())
    assert [p for p in left if "upscaler" in p] == []


def test_install_sh_refuses_a_folder_that_is_not_an_earlier_install(
    unpacked: Unpacked, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    mine = home / ".local" / "lib" / "upscaler-gui"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("the user's own")
    result = _script(unpacked, "install.sh", home)
    assert result.returncode == 1 and "not touching it" in result.stderr
    assert (mine / "notes.txt").read_text() == "the user's own"
