"""One build per test session, by the same function `./dev package` runs, into a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

from upscaler_packaging import build  # noqa: E402


def _missing_tool(tools: tuple[str, ...], why: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if not missing:
        return
    message = f"{why}: {', '.join(missing)} not installed (.ci/run installs them)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)  # CI must really build: a skip there would hide a broken package
    pytest.skip(message)


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> build.Artifacts:
    _missing_tool(("objdump", "strip"), "PyInstaller needs binutils")
    out = tmp_path_factory.mktemp("packages")
    return build.build_all(out / "dist", out / "work")


@dataclass(frozen=True)
class Unpacked:
    folder: Path  # the tarball's top folder
    exe: Path


@pytest.fixture(scope="session")
def unpacked(packages: build.Artifacts, tmp_path_factory: pytest.TempPathFactory) -> Unpacked:
    """The tarball unpacked elsewhere: the tests run what a user downloads, not the build folder."""
    dest = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(packages.tarball) as tar:
        tar.extractall(dest, filter="data")
    (folder,) = dest.iterdir()
    return Unpacked(folder, folder / "upscaler-gui")


@pytest.fixture(scope="session")
def deb_root(packages: build.Artifacts, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .deb unpacked with `dpkg-deb -x` into a temporary root."""
    if packages.deb is None:
        pytest.skip("no .deb was built: " + "; ".join(packages.notes))
    root = tmp_path_factory.mktemp("deb-root")
    subprocess.run(["dpkg-deb", "-x", str(packages.deb), str(root)], check=True)
    return root


def app_env(tmp: Path) -> dict[str, str]:
    """The environment the bundled program runs in: offscreen Qt, every folder under tmp, no keyring."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIE_", "PYTHON", "QT_"))}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        UPSCALER_GUI_DATA_DIR=str(tmp / "data"),
        UPSCALER_GUI_CONFIG_DIR=str(tmp / "config"),
        UPSCALER_GUI_CACHE_DIR=str(tmp / "cache"),
        XDG_RUNTIME_DIR=str(tmp / "runtime"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    (tmp / "runtime").mkdir(mode=0o700, exist_ok=True)
    return env
