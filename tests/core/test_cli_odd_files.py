"""Odd things where images are expected: pipes, devices, sockets, names that are not UTF-8, folders that
cannot be read. Each is refused (or processed) with its own message, never opened when it is not a
regular file, and the rest of the batch goes on."""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.cli_helpers import EXIT_FAILED, EXIT_OK, KEY, check_batch, decoded, run_upscale
from tests.imagefactory import write_image
from upscaler_gui.sim import SimConfig, SimServer

pytestmark = pytest.mark.integration  # the command line in a subprocess against the sim

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
LATIN1_NAME = b"caf\xe9.png"  # "café.png" in Latin-1: not UTF-8, as an old camera or share writes it
LATIN1_STEM_SHOWN = "caf\\xe9"  # how messages and --json show the byte that is not UTF-8


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    with SimServer(SimConfig(api_key=KEY, task_seconds=0.2)) as server:
        yield server


def make_socket(path: Path) -> None:
    """A unix socket file left on disk (its server gone), as crashed programs leave them."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
    finally:
        server.close()


def test_pipes_devices_and_sockets_are_refused_without_hanging(sim: SimServer, tmp_path: Path) -> None:
    write_image(tmp_path / "good.png")
    os.mkfifo(tmp_path / "pipe.png")  # nobody writes to it: opening it to read would wait forever
    (tmp_path / "zero.png").symlink_to("/dev/zero")  # endless zeros: reading it would never end
    folder = tmp_path / "drop"
    write_image(folder / "inside.png", size=(40, 30))
    os.mkfifo(folder / "fifo.jpg")
    os.mkfifo(folder / "noext")  # no image suffix: sniffing its bytes would open it
    (folder / "random.webp").symlink_to("/dev/urandom")
    make_socket(folder / "sock.png")
    batch = run_upscale(
        sim.base_url, "good.png", "pipe.png", "zero.png", "drop", "--out", "out", cwd=tmp_path, timeout=60
    )
    lines = check_batch(
        batch,
        given=[
            "good.png",
            "pipe.png",
            "zero.png",
            "drop/inside.png",
            "drop/fifo.jpg",
            "drop/random.webp",
            "drop/sock.png",
        ],
        sources={"good.png": tmp_path / "good.png", "drop/inside.png": folder / "inside.png"},
        out=tmp_path / "out",
    )
    assert batch.returncode == EXIT_FAILED, batch.explain()
    assert lines["good.png"]["status"] == lines["drop/inside.png"]["status"] == "done"
    expected = {
        "pipe.png": "a named pipe",
        "zero.png": "a character device",
        "drop/fifo.jpg": "a named pipe",
        "drop/random.webp": "a character device",
        "drop/sock.png": "a socket",
    }
    for given, what in expected.items():
        line = lines[given]
        assert line["status"] == "failed", line
        assert "not a regular file" in line["error"] and what in line["error"], line
    assert "Traceback" not in batch.stderr


def test_a_name_that_is_not_utf8_is_processed_and_shown_readably(sim: SimServer, tmp_path: Path) -> None:
    name = os.fsdecode(LATIN1_NAME)  # what Python makes of those bytes: a lone surrogate
    write_image(tmp_path / name)
    write_image(tmp_path / "in" / name, size=(50, 20))  # the same name inside a folder walk
    write_image(tmp_path / "plain.png", size=(30, 30))
    first = run_upscale(sim.base_url, name, "in", "plain.png", "--out", "out", cwd=tmp_path)
    # `run_upscale` decodes stdout and stderr as UTF-8: raw non-UTF-8 bytes there would have failed it.
    assert first.returncode == EXIT_OK, first.explain()
    shown, shown_inside = f"{LATIN1_STEM_SHOWN}.png", f"in/{LATIN1_STEM_SHOWN}.png"
    lines = first.by_input()
    assert sorted(lines) == sorted([shown, shown_inside, "plain.png"]), first.explain()
    assert {line["status"] for line in lines.values()} == {"done"}, first.explain()
    # The results keep the source's own bytes in their names, beside it; --json shows them readably
    # (JSON is UTF-8: it cannot carry those bytes as they are).
    out = os.fsencode(tmp_path / "out")
    assert sorted(os.listdir(out)) == [b"caf\xe9_crisp-1.png", b"caf\xe9_crisp.png", b"plain_crisp.png"]
    outputs = sorted(Path(lines[given]["output"]).name for given in (shown, shown_inside))
    assert outputs == [f"{LATIN1_STEM_SHOWN}_crisp-1.png", f"{LATIN1_STEM_SHOWN}_crisp.png"]
    sizes = {decoded(Path(os.fsdecode(os.path.join(out, name))))[1] for name in os.listdir(out)}
    assert sizes == {(128, 96), (100, 40), (60, 60)}
    assert f"done     {shown} -> " in first.stderr, first.explain()
    # The store kept the jobs: the same command again skips them all as done.
    again = run_upscale(sim.base_url, name, "in", "plain.png", "--out", "out", cwd=tmp_path)
    assert again.returncode == EXIT_OK, again.explain()
    assert {line["status"] for line in again.lines} == {"skipped"}, again.explain()
    assert len(os.listdir(tmp_path / "out")) == 3


def test_the_store_holds_readable_text_for_a_name_that_is_not_utf8(sim: SimServer, tmp_path: Path) -> None:
    name = os.fsdecode(LATIN1_NAME)
    write_image(tmp_path / name)
    batch = run_upscale(sim.base_url, name, "--out", "out", cwd=tmp_path)
    assert batch.returncode == EXIT_OK, batch.explain()
    with sqlite3.connect(tmp_path / "data" / "jobs.sqlite3") as db:
        given = db.execute("SELECT given FROM jobs").fetchall()
    assert given == [(f"{LATIN1_STEM_SHOWN}.png",)]


@pytest.mark.skipif(IS_ROOT, reason="root reads any folder: the permission check cannot be shown then")
def test_an_unreadable_subfolder_is_reported(sim: SimServer, tmp_path: Path) -> None:
    write_image(tmp_path / "drop" / "a.png")
    write_image(tmp_path / "drop" / "locked" / "b.png", size=(30, 20))
    (tmp_path / "drop" / "locked").chmod(0)
    try:
        batch = run_upscale(sim.base_url, "drop", "--out", "out", cwd=tmp_path)
    finally:
        (tmp_path / "drop" / "locked").chmod(0o755)
    lines = batch.by_input()
    assert lines["drop/a.png"]["status"] == "done", batch.explain()
    assert lines["drop/locked"]["status"] == "failed", batch.explain()
    assert "cannot be read" in lines["drop/locked"]["error"], batch.explain()
    assert batch.returncode == EXIT_FAILED
