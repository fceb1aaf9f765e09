"""Lowering a glibc symbol-version need that only a newer build machine put there.

The venv's Python was compiled here against glibc 2.36, so libpython asks for `hypot@GLIBC_2.35`
(glibc 2.35 added a new hypot; the old one stays exported as `hypot@GLIBC_2.2.5`). That one
reference would stop the whole bundle on glibc 2.34 systems (RHEL 9 and its rebuilds). Pointing the
version-needed entry at the older version makes the loader bind the old, still-exported function:
no code changes, only the 8 bytes of one ELF `Vernaux` record (its name hash and name offset).

Only done when every symbol using that entry is exported by the build machine's library at the older
version, so the result links on both old and new glibc. ELF64 little-endian only (x86_64, aarch64).
"""

from __future__ import annotations

import re
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

SHT_GNU_VERNEED = 0x6FFFFFFE
SHT_GNU_VERSYM = 0x6FFFFFFF
SHT_DYNSYM = 11


def elf_hash(name: bytes) -> int:
    """The SysV ELF hash that Vernaux records carry for their version name."""
    h = 0
    for byte in name:
        h = ((h << 4) + byte) & 0xFFFFFFFF
        g = h & 0xF0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xFFFFFFFF
    return h


@dataclass(frozen=True)
class Aux:
    offset: int  # of the Vernaux record in the file
    index: int  # vna_other: the version index symbols refer to
    name_offset: int
    name: str


@dataclass(frozen=True)
class Section:
    kind: int
    offset: int
    size: int
    link: int
    entsize: int


class ElfFile:
    def __init__(self, data: bytearray) -> None:
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise ValueError("not a 64-bit little-endian ELF file")
        self.data = data
        (shoff,) = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        self.sections = [self._section(shoff + i * shentsize) for i in range(shnum)]

    def _section(self, at: int) -> Section:
        _, kind, _, _, offset, size, link, _, _, entsize = struct.unpack_from("<IIQQQQIIQQ", self.data, at)
        return Section(kind, offset, size, link, entsize)

    def find(self, kind: int) -> Section | None:
        return next((s for s in self.sections if s.kind == kind), None)

    def string(self, table: Section, offset: int) -> str:
        start = table.offset + offset
        return self.data[start : self.data.index(b"\x00", start)].decode("ascii")

    def needs(self, library: str) -> list[Aux]:
        """The Vernaux records of the Verneed entry for `library`."""
        verneed = self.find(SHT_GNU_VERNEED)
        if verneed is None:
            return []
        strings = self.sections[verneed.link]
        at = verneed.offset
        while True:
            _, count, file_name, aux, following = struct.unpack_from("<HHIII", self.data, at)
            if self.string(strings, file_name) == library:
                return self._auxes(at + aux, count, strings)
            if not following:
                return []
            at += following

    def _auxes(self, at: int, count: int, strings: Section) -> list[Aux]:
        found = []
        for _ in range(count):
            _, _, index, name, following = struct.unpack_from("<IHHII", self.data, at)
            found.append(Aux(at, index, name, self.string(strings, name)))
            at += following
        return found

    def symbols_with_version(self, index: int) -> list[str]:
        """Dynamic symbols whose version index is `index`."""
        dynsym, versym = self.find(SHT_DYNSYM), self.find(SHT_GNU_VERSYM)
        if dynsym is None or versym is None:
            return []
        strings = self.sections[dynsym.link]
        names = []
        for i in range(dynsym.size // dynsym.entsize):
            (version,) = struct.unpack_from("<H", self.data, versym.offset + 2 * i)
            if version & 0x7FFF == index:
                (name,) = struct.unpack_from("<I", self.data, dynsym.offset + i * dynsym.entsize)
                names.append(self.string(strings, name))
        return names

    def retarget(self, aux: Aux, to: Aux) -> None:
        """Make `aux` ask for `to`'s version (same version index, so the symbols follow)."""
        struct.pack_into("<I", self.data, aux.offset, elf_hash(to.name.encode("ascii")))
        struct.pack_into("<I", self.data, aux.offset + 8, to.name_offset)


def exported_versions(system_library: Path) -> dict[str, set[str]]:
    """{symbol: versions} that a system library exports (objdump -T)."""
    out = subprocess.run(["objdump", "-T", str(system_library)], capture_output=True, text=True, check=True)
    exported: dict[str, set[str]] = {}
    for match in re.finditer(r"\s\(?(GLIBC_[\d.]+)\)?\s+(\S+)$", out.stdout, re.MULTILINE):
        exported.setdefault(match.group(2), set()).add(match.group(1))
    return exported


def version_key(name: str) -> tuple[int, ...]:
    """GLIBC_2.2.5 -> (2, 2, 5); a marker such as GLIBC_ABI_DT_RELR -> (0,) (never lowered or chosen)."""
    parts = name.removeprefix("GLIBC_").split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else (0,)


@dataclass(frozen=True)
class Lowered:
    file: Path
    library: str
    was: str
    now: str
    symbols: tuple[str, ...]


def lower_needs(path: Path, library: str, system_library: Path, ceiling: tuple[int, ...]) -> list[Lowered]:
    """Point every need above `ceiling` at the newest older version that exports all its symbols."""
    elf = ElfFile(bytearray(path.read_bytes()))
    auxes = elf.needs(library)
    exported = exported_versions(system_library)
    done: list[Lowered] = []
    for aux in auxes:
        if version_key(aux.name) <= ceiling:
            continue
        symbols = elf.symbols_with_version(aux.index)
        target = _older_for_all(symbols, exported, auxes, ceiling)
        if target is not None:
            elf.retarget(aux, target)
            done.append(Lowered(path, library, aux.name, target.name, tuple(symbols)))
    if done:
        path.write_bytes(bytes(elf.data))
    return done


def _older_for_all(
    symbols: list[str], exported: dict[str, set[str]], auxes: list[Aux], ceiling: tuple[int, ...]
) -> Aux | None:
    """The newest version at or below the ceiling that this file already names and that exports every
    symbol (its name must already be in the file's string table: we only point at it)."""
    candidates = sorted(
        (a for a in auxes if version_key(a.name) <= ceiling), key=lambda a: version_key(a.name)
    )
    for candidate in reversed(candidates):
        if symbols and all(candidate.name in exported.get(symbol, set()) for symbol in symbols):
            return candidate
    return None
