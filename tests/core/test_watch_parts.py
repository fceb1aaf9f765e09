"""The watch's parts on their own: names and places, the ledger's table, moving, the settle timer."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from pathlib import Path

import pytest

from tests.core.watch_helpers import wait_until
from upscaler_gui.core.store import JobStore
from upscaler_gui.core.watch.files import FileStat, Probe, scan
from upscaler_gui.core.watch.finishing import move_into
from upscaler_gui.core.watch.ledger import EXISTING, Ledger, LedgerEntry
from upscaler_gui.core.watch.scope import Scope, ignored_name
from upscaler_gui.core.watch.settle import Settler


@pytest.mark.parametrize(
    "name",
    [
        ".crisp-0a1b.part",
        ".hidden.png",
        "~$report.png",
        "x.png.part",
        "x.png.crdownload",
        "x.png.tmp",
        "x.png.download",
        ".syncthing.x.png.tmp",
        "x.png~",
        "x.png.crswap",
    ],
)
def test_names_of_work_in_progress_are_ignored(name: str) -> None:
    assert ignored_name(name)


@pytest.mark.parametrize("name", ["x.png", "photo.JPG", "notes.txt", "no-extension", "a.b.webp"])
def test_ordinary_names_are_candidates(name: str) -> None:
    assert not ignored_name(name)


def test_scope_keeps_out_subfolders_hidden_folders_and_the_output_folder(tmp_path: Path) -> None:
    flat = Scope.build(tmp_path, False, (tmp_path / "out", None))
    deep = Scope.build(tmp_path, True, (tmp_path / "out", tmp_path / "done"))
    assert flat.wants_file(tmp_path / "a.png") and deep.wants_file(tmp_path / "a.png")
    assert not flat.wants_file(tmp_path / "sub" / "a.png")
    assert deep.wants_file(tmp_path / "sub" / "a.png")
    assert not deep.wants_file(tmp_path / ".git" / "a.png")
    assert not deep.wants_file(tmp_path / "out" / "a_crisp.png")
    assert not deep.wants_file(tmp_path / "done" / "x" / "a.png")
    assert not deep.wants_file(tmp_path.parent / "elsewhere.png")
    assert Scope.build(tmp_path, True, (tmp_path,)).wants_file(tmp_path / "a.png")  # out == folder


def test_scan_stats_candidates_only(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(b"1")
    (tmp_path / ".b.png").write_bytes(b"22")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.png").write_bytes(b"333")
    assert set(scan(Scope(tmp_path, False))) == {str(tmp_path / "a.png")}
    found = scan(Scope(tmp_path, True))
    assert found[str(tmp_path / "sub" / "c.png")].size == 3
    with pytest.raises(OSError):
        scan(Scope(tmp_path / "gone", False))


async def test_the_ledger_lives_beside_the_jobs_and_reads_back_what_it_wrote(tmp_path: Path) -> None:
    store = JobStore()  # the data dir the conftest points at tmp_path
    folder = tmp_path / "in"
    entry = LedgerEntry.seen(folder / "a.png", FileStat(10, 123), "queued", content_hash="ab", job_id=7)
    ledger = Ledger(store.path, folder)
    assert await ledger.open() == ({}, False)
    await ledger.begin_folder(
        [LedgerEntry.seen(folder / "old.png", FileStat(1, 2), "ignored", note=EXISTING)]
    )
    ledger.write_soon(entry)
    ledger.write_soon(entry.ended("done", "/out/a_crisp.png"))
    await ledger.close()
    again = Ledger(store.path, folder)
    entries, known = await again.open()
    await again.close()
    assert known
    assert entries[str(folder / "a.png")].outcome == "done"
    assert entries[str(folder / "a.png")].job_id == 7
    assert entries[str(folder / "a.png")].stat == FileStat(10, 123)
    assert entries[str(folder / "old.png")].note == EXISTING
    with sqlite3.connect(store.path) as db:  # one database file: the jobs table and ours
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"jobs", "watch_ledger", "watch_folders"} <= tables
    store.close()


def test_moving_never_replaces_a_file(tmp_path: Path) -> None:
    target = tmp_path / "done"
    target.mkdir()
    (target / "a.png").write_bytes(b"first")
    (target / "a-1.png").write_bytes(b"second")
    source = tmp_path / "a.png"
    source.write_bytes(b"third")
    assert move_into(source, target) == target / "a-2.png"
    assert not source.exists()
    assert [(target / n).read_bytes() for n in ("a.png", "a-1.png", "a-2.png")] == [
        b"first",
        b"second",
        b"third",
    ]


async def test_the_settle_timer_waits_for_a_file_to_hold_still(tmp_path: Path) -> None:
    arrived: list[tuple[Path, Probe, float]] = []
    settler = Settler(0.3, lambda path, probe: arrived.append((path, probe, time.monotonic())))
    path = tmp_path / "a.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"1")
    settler.touch(path)
    for _ in range(4):  # writes every 0.15 s keep it settling
        await asyncio.sleep(0.15)
        with path.open("ab") as stream:
            stream.write(b"more")
        settler.touch(path)
    last_write = time.monotonic()
    await wait_until(lambda: bool(arrived), "the arrival", 5)
    await settler.close()
    assert len(arrived) == 1
    _, probe, when = arrived[0]
    assert when - last_write >= 0.3
    assert probe.stat.size == 9 + 4 * 4 and probe.head.startswith(b"\x89PNG")


async def test_the_settle_timer_does_not_trust_a_recent_mtime_without_events(tmp_path: Path) -> None:
    """A file found by a scan, written a moment ago (no event seen): it still waits the settle time."""
    arrived: list[float] = []
    path = tmp_path / "a.png"
    path.write_bytes(b"x")
    now = time.time()
    os.utime(path, (now, now))
    settler = Settler(0.4, lambda _path, _probe: arrived.append(time.time()))
    settler.touch(path, FileStat.of(path.stat()))
    await asyncio.sleep(0.2)
    with path.open("ab") as stream:  # written again, no touch: the stat check must see it
        stream.write(b"y")
    written = time.time()
    await wait_until(lambda: bool(arrived), "the arrival", 5)
    await settler.close()
    assert arrived and arrived[0] - written >= 0.35
