"""One app, one window per job store: a second launch hands its files to the open window and exits 0.

First the hand-over itself (ui/shell/one_window.py, standard library only) on both of its transports,
then two real app processes offscreen, as "Open with" from a file manager runs them.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.imagefactory import write_image
from upscaler_gui.core import settings as settings_store
from upscaler_gui.ui.shell.one_window import Handover, Launch, Place, WindowServer, start_or_hand_over

ROOT = Path(__file__).resolve().parents[2]


async def serving(server: WindowServer, received: list[Handover]) -> asyncio.Task[None]:
    task = asyncio.create_task(server.serve(received.append))
    await asyncio.sleep(0.05)  # listening
    return task


async def launch_later(inputs: list[str], data_dir: Path, *, tcp: bool, paste: bool = False) -> Launch:
    """A second launch, in a thread: it blocks as the real one does, while this loop serves."""
    launch = functools.partial(start_or_hand_over, inputs, data_dir, tcp=tcp, paste=paste)
    return await asyncio.to_thread(launch)


@pytest.mark.parametrize("tcp", [False, True], ids=["unix-socket", "tcp-with-token"])
def test_a_second_launch_hands_its_inputs_over_and_is_done(
    tmp_path: Path, isolated_dirs: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tcp: bool
) -> None:
    monkeypatch.chdir(tmp_path)
    data = isolated_dirs["data"]

    async def scenario() -> None:
        first = start_or_hand_over([], data, tcp=tcp)
        assert first.server is not None and not first.handed_over
        received: list[Handover] = []
        task = await serving(first.server, received)
        second = await launch_later(["a.png", "sub/b.jpg", "https://x.test/c.webp"], data, tcp=tcp)
        assert second.handed_over and second.server is None
        assert received == [
            Handover([str(tmp_path / "a.png"), str(tmp_path / "sub" / "b.jpg"), "https://x.test/c.webp"])
        ]
        pasting = await launch_later([], data, tcp=tcp, paste=True)  # "Upscale Clipboard Image"
        assert pasting.handed_over and received[-1] == Handover([], paste=True)
        task.cancel()
        first.server.close()

    asyncio.run(scenario())


def test_another_job_store_gets_its_own_window(isolated_dirs: dict[str, Path], tmp_path: Path) -> None:
    first = start_or_hand_over([], isolated_dirs["data"])
    other = start_or_hand_over([], tmp_path / "other-data")
    assert first.server is not None and other.server is not None
    first.server.close()
    other.server.close()


def test_a_killed_window_does_not_block_the_next_start(isolated_dirs: dict[str, Path]) -> None:
    data = isolated_dirs["data"]
    place = Place.for_store(data)
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(place.socket))  # what a killed window leaves: its socket file, nobody listening
    dead.close()
    again = start_or_hand_over(["x.png"], data, wait_s=2)
    assert again.server is not None and not again.handed_over  # the new first window
    again.server.close()


def test_a_window_that_holds_the_lock_but_never_answers_does_not_hang_the_launch(
    isolated_dirs: dict[str, Path],
) -> None:
    data = isolated_dirs["data"]
    first = start_or_hand_over([], data)  # never served: a hung window
    assert first.server is not None
    started = time.monotonic()
    second = start_or_hand_over(["x.png"], data, wait_s=0.5)
    assert not second.handed_over and second.server is None  # opens a window of its own
    assert time.monotonic() - started < 5  # generous: the bound is wait_s
    first.server.close()


def test_a_request_without_the_token_is_refused(isolated_dirs: dict[str, Path]) -> None:
    data = isolated_dirs["data"]

    async def scenario() -> None:
        first = start_or_hand_over([], data, tcp=True)
        assert first.server is not None
        received: list[Handover] = []
        task = await serving(first.server, received)
        port = int(Place.for_store(data).port_file.read_text("ascii").split()[0])

        def forge() -> bytes:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
                conn.sendall(json.dumps({"inputs": ["/etc/passwd"], "token": "guess"}).encode() + b"\n")
                return conn.makefile("rb").readline()

        assert await asyncio.to_thread(forge) == b""  # closed without an answer
        assert received == []
        assert Place.for_store(data).port_file.stat().st_mode & 0o077 == 0  # the token is the user's only
        task.cancel()
        first.server.close()

    asyncio.run(scenario())


# --- two real processes ------------------------------------------------------------------------------------


@pytest.fixture
def app_env(tmp_path: Path, isolated_dirs: dict[str, Path]) -> Iterator[dict[str, str]]:
    """The environment of a user whose results go to tmp_path/out (the demo's to out/demo)."""
    settings_store.save(settings_store.Settings(output_dir=str(tmp_path / "out")))
    yield {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def start_app(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "upscaler_gui", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(condition: Callable[[], bool], what: str, limit_s: float = 30.0) -> None:
    deadline = time.monotonic() + limit_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def log_text(isolated_dirs: dict[str, Path]) -> str:
    log = isolated_dirs["cache"] / "upscaler-gui.log"
    return log.read_text("utf-8", errors="replace") if log.exists() else ""


def stop(process: subprocess.Popen[str]) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # quits as the window's Quit does
    try:
        _, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    return err


@pytest.mark.integration
def test_open_with_on_a_running_window_adds_the_files_there(
    tmp_path: Path, isolated_dirs: dict[str, Path], app_env: dict[str, str]
) -> None:
    write_image(tmp_path / "a.png", size=(24, 18))
    write_image(tmp_path / "b.jpg", "JPEG", size=(20, 16))
    first = start_app("--demo", cwd=tmp_path, env=app_env)
    try:
        wait_until(lambda: "credit balance" in log_text(isolated_dirs), "the first window connected")
        second = subprocess.run(
            [sys.executable, "-m", "upscaler_gui", "a.png", "b.jpg"],  # relative to its own folder
            cwd=tmp_path,
            env=app_env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert second.returncode == 0, second.stderr
        assert "the window is open already" in second.stderr
        demo = tmp_path / "out" / "demo"
        wait_until(lambda: {"a_crisp.png", "b_crisp.jpg"} <= {p.name for p in demo.glob("*")}, "both results")
        assert log_text(isolated_dirs).count("window shown") == 1  # no second window
    finally:
        err = stop(first)
    assert first.returncode == 0, err[-2000:]


@pytest.mark.integration
def test_after_a_killed_window_the_next_launch_opens_one_and_takes_later_files(
    tmp_path: Path, isolated_dirs: dict[str, Path], app_env: dict[str, str]
) -> None:
    write_image(tmp_path / "c.png", size=(22, 18))
    killed = start_app("--demo", cwd=tmp_path, env=app_env)
    wait_until(lambda: "window shown" in log_text(isolated_dirs), "the first window")
    killed.send_signal(signal.SIGKILL)
    killed.communicate(timeout=10)
    assert Place.for_store(isolated_dirs["data"]).socket.exists()  # left behind: stale
    second = start_app("--demo", cwd=tmp_path, env=app_env)
    try:
        wait_until(
            lambda: log_text(isolated_dirs).count("window shown") == 2, "a new window, the socket stale"
        )
        third = subprocess.run(
            [sys.executable, "-m", "upscaler_gui", "c.png"],
            cwd=tmp_path,
            env=app_env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert third.returncode == 0 and "the window is open already" in third.stderr, third.stderr
        result = tmp_path / "out" / "demo" / "c_crisp.png"
        wait_until(result.exists, "the result of the third launch")
        assert log_text(isolated_dirs).count("window shown") == 2  # the third opened none
    finally:
        err = stop(second)
    assert second.returncode == 0, err[-2000:]
