"""The build machine's RUNPATH entries leave a library; `$ORIGIN` ones stay and it still loads."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path

import pytest
from upscaler_packaging import runpath

pytestmark = pytest.mark.skipif(
    shutil.which("gcc") is None or shutil.which("objdump") is None,
    reason="needs gcc and objdump (build-essential, binutils)",
)


def _dynamic(path: Path) -> str:
    return subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True, check=True).stdout


def _library(tmp_path: Path, rpath: str) -> Path:
    source = tmp_path / "one.c"
    source.write_text("int one(void) { return 1; }\n")
    lib = tmp_path / "libone.so"
    command = [
        "gcc",
        "-shared",
        "-fPIC",
        "-o",
        str(lib),
        str(source),
        f"-Wl,-rpath,{rpath}",
        "-Wl,--enable-new-dtags",
    ]
    subprocess.run(command, check=True)
    return lib


def test_the_build_machines_folder_goes_and_origin_stays(tmp_path: Path) -> None:
    lib = _library(tmp_path, "/root/.pyenv/versions/3.11.7/lib:$ORIGIN/lib")
    assert "/root/.pyenv" in _dynamic(lib)
    done = runpath.clean(tmp_path)
    assert [(d.file, d.removed, d.kept) for d in done] == [
        (lib, ("/root/.pyenv/versions/3.11.7/lib",), ("$ORIGIN/lib",))
    ]
    dynamic = _dynamic(lib)
    assert "/root/.pyenv" not in dynamic and "RUNPATH              $ORIGIN/lib" in dynamic
    assert ctypes.CDLL(str(lib)).one() == 1


def test_a_runpath_only_outside_is_removed_whole_and_clean_files_are_left_alone(tmp_path: Path) -> None:
    lib = _library(tmp_path, "/usr/local/lib")
    assert len(runpath.clean(tmp_path)) == 1
    assert "RUNPATH" not in _dynamic(lib)
    before = lib.read_bytes()
    assert runpath.clean(tmp_path) == []
    assert lib.read_bytes() == before
    assert ctypes.CDLL(str(lib)).one() == 1
