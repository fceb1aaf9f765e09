"""Lowering a glibc symbol-version need: proven on a tiny library built here, then loaded and called."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path

import pytest
from upscaler_packaging import symver
from upscaler_packaging.build import system_library

pytestmark = pytest.mark.skipif(
    shutil.which("gcc") is None or shutil.which("objdump") is None,
    reason="needs gcc and objdump (build-essential, binutils)",
)


def _needs(path: Path) -> str:
    return subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True, check=True).stdout


def test_a_hypot_linked_against_a_new_glibc_is_pointed_at_the_old_version(tmp_path: Path) -> None:
    source = tmp_path / "h.c"
    # cbrt is GLIBC_2.2.5 in every libm: the older version is named in the file, as in libpython.
    source.write_text(
        "#include <math.h>\ndouble norm(double a, double b) { return hypot(a, b) + cbrt(a) - cbrt(a); }\n"
    )
    lib = tmp_path / "libh.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-O0", "-o", str(lib), str(source), "-lm"], check=True)
    libm = system_library("libm.so.6")
    assert libm is not None
    linked = [line for line in _needs(lib).splitlines() if line.endswith(" hypot")]
    if "GLIBC_2.35" not in linked[0]:
        pytest.skip(f"this machine's glibc links hypot as {linked[0].split()[-2]}: nothing to lower")
    lowered = symver.lower_needs(lib, "libm.so.6", libm, (2, 34))
    assert [(x.was, x.now, x.symbols) for x in lowered] == [("GLIBC_2.35", "GLIBC_2.2.5", ("hypot",))]
    assert "(GLIBC_2.2.5) hypot" in _needs(lib)
    norm = ctypes.CDLL(str(lib)).norm
    norm.restype, norm.argtypes = ctypes.c_double, [ctypes.c_double, ctypes.c_double]
    assert norm(3.0, 4.0) == 5.0  # binds and computes with the old version


def test_nothing_is_lowered_when_no_need_is_above_the_ceiling(tmp_path: Path) -> None:
    libm = system_library("libm.so.6")
    assert libm is not None
    copy = tmp_path / "libm-copy.so"
    copy.write_bytes(libm.read_bytes())
    assert symver.lower_needs(copy, "libc.so.6", libm, (9, 0)) == []
    assert copy.read_bytes() == libm.read_bytes()


def test_the_elf_hash_matches_the_one_glibc_uses() -> None:
    assert symver.elf_hash(b"GLIBC_2.2.5") == 0x09691A75
    assert symver.elf_hash(b"GLIBC_2.35") == 0x069691B5
