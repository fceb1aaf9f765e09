"""One app, one window per job store: a second launch hands its inputs to the open window and exits 0.

"Open with" from a file manager runs `upscaler-gui a.png b.jpg`; a second window on the same store would
only compete with the first. So the first window holds an exclusive lock on `window-<store>.lock` in the
runtime dir for as long as it runs (the kernel drops it when the process dies: a killed window never
blocks the next start) and listens beside it: a Unix socket on POSIX, a loopback TCP port on Windows
(its port and a random token in a 0600 file, the token checked on every request). A later launch that
cannot take the lock sends its inputs as one JSON line and exits once the window answers.

Standard library only, and no Qt: it runs before QApplication exists (QtNetwork is not in the bundle).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import socket
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from upscaler_gui.core import log, paths
from upscaler_gui.core.constants import HANDOVER_MAX_BYTES, HANDOVER_WAIT_S

USE_TCP = sys.platform == "win32" or not hasattr(socket, "AF_UNIX")
OK = b'{"ok": true}\n'


@dataclass(frozen=True)
class Place:
    """Where one job store's window can be found: its lock, its socket or port file."""

    lock: Path
    socket: Path
    port_file: Path

    @classmethod
    def for_store(cls, data_dir: Path) -> Place:
        """OSError when the runtime dir cannot be made private (then every launch opens a window)."""
        name = "window-" + hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
        folder = paths.runtime_dir()
        return cls(folder / f"{name}.lock", folder / f"{name}.sock", folder / f"{name}.port")


@dataclass(frozen=True)
class Handover:
    """What a later launch asks of the open window: inputs to queue, and whether to paste the clipboard
    (the desktop file's "Upscale Clipboard Image" action)."""

    inputs: list[str]
    paste: bool = False


@dataclass
class Launch:
    """What this launch is: the first window (`server` set), or done (`handed_over`), or neither: a
    window opened beside one that does not answer (or where no runtime dir could be had)."""

    server: WindowServer | None = None
    handed_over: bool = False


def start_or_hand_over(
    inputs: Sequence[str],
    data_dir: Path,
    *,
    paste: bool = False,
    tcp: bool = USE_TCP,
    wait_s: float = HANDOVER_WAIT_S,
) -> Launch:
    """Take the lock and listen, or give `inputs` (and `paste`) to the window that holds it."""
    try:
        place = Place.for_store(data_dir)
    except OSError as exc:
        log.ui.info("no runtime dir for the one-window lock (%s): every launch opens a window", exc)
        return Launch()
    request = {"inputs": [_absolute(given) for given in inputs], "paste": paste}
    deadline = time.monotonic() + wait_s
    while True:
        server = _claim(place, tcp)
        if server is not None:
            return Launch(server=server)
        if _send(place, request, tcp, wait_s):
            log.ui.info("%d input(s) handed to the open window", len(inputs))
            return Launch(handed_over=True)
        if time.monotonic() >= deadline:  # starting up, or hung: a window of our own after all
            log.ui.info("the open window did not answer within %.0f s: opening another", wait_s)
            return Launch()
        time.sleep(0.05)


class WindowServer:
    """The first window's end: hands what later launches send to `on_inputs`, on the app's loop."""

    def __init__(self, place: Place, lock_fd: int, listener: socket.socket, token: str, tcp: bool) -> None:
        self.place, self._lock_fd, self._listener = place, lock_fd, listener
        self._token, self._tcp = token, tcp

    async def serve(self, on_inputs: Callable[[Handover], None]) -> None:
        """Until cancelled (the window quits): each request answered once its inputs are handed on."""

        async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await self._answer(reader, writer, on_inputs)

        start = asyncio.start_server if self._tcp else asyncio.start_unix_server
        server = await start(answer, sock=self._listener, limit=HANDOVER_MAX_BYTES)
        async with server:
            await server.serve_forever()

    async def _answer(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        on_inputs: Callable[[Handover], None],
    ) -> None:
        try:
            line = await asyncio.wait_for(reader.readline(), HANDOVER_WAIT_S)
            handover = self._handover(json.loads(line))
        except (OSError, ValueError, TimeoutError) as exc:  # ValueError: JSON, size, a wrong token
            log.ui.info("a second launch sent nothing usable (%s)", type(exc).__name__)
        else:
            on_inputs(handover)
            writer.write(OK)
            with contextlib.suppress(OSError):
                await writer.drain()
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()

    def _handover(self, request: Any) -> Handover:
        if not isinstance(request, dict):
            raise ValueError("not a request")
        if not hmac.compare_digest(str(request.get("token", "")), self._token):
            raise ValueError("a wrong token")
        inputs = request.get("inputs")
        if not isinstance(inputs, list) or not all(isinstance(given, str) for given in inputs):
            raise ValueError("no list of inputs")
        return Handover(inputs, paste=request.get("paste") is True)

    def close(self) -> None:
        """The window quits: later launches start their own (the lock goes with the process anyway)."""
        self._listener.close()
        for path in (self.place.socket, self.place.port_file):
            with contextlib.suppress(OSError):
                path.unlink()
        with contextlib.suppress(OSError):
            os.close(self._lock_fd)


# --- the lock and the two ends --------------------------------------------------------------------------


def _claim(place: Place, tcp: bool) -> WindowServer | None:
    """The lock and a listening socket, or None when another window holds the lock."""
    fd = os.open(place.lock, os.O_RDWR | os.O_CREAT, 0o600)  # not inherited by what the app starts
    if not _try_lock(fd):
        os.close(fd)
        return None
    try:
        listener, token = _listen_tcp(place) if tcp else (_listen_unix(place), "")
    except OSError as exc:
        os.close(fd)
        log.ui.info("the one-window socket could not be opened (%s)", exc)
        return None
    return WindowServer(place, fd, listener, token, tcp)


def _try_lock(fd: int) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _listen_unix(place: Place) -> socket.socket:
    with contextlib.suppress(FileNotFoundError):
        place.socket.unlink()  # we hold the lock: a socket left here is a killed window's
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(place.socket))
    listener.listen(16)  # a launch that comes before the loop runs waits in the backlog
    return listener


def _listen_tcp(place: Place) -> tuple[socket.socket, str]:
    listener = socket.create_server(("127.0.0.1", 0), backlog=16)
    token = secrets.token_hex(16)
    tmp = place.port_file.with_suffix(".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(f"{listener.getsockname()[1]} {token}\n")
    os.replace(tmp, place.port_file)
    return listener, token


def _send(place: Place, request: dict[str, Any], tcp: bool, wait_s: float) -> bool:
    """Whether the open window took the request (False: nobody listens yet, or it did not answer)."""
    try:
        if tcp:
            port, token = place.port_file.read_text("ascii").split()
            conn = socket.create_connection(("127.0.0.1", int(port)), timeout=wait_s)
            request = {**request, "token": token}
        else:
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.settimeout(wait_s)
            conn.connect(str(place.socket))
        with conn:
            conn.sendall(json.dumps(request).encode() + b"\n")
            return conn.makefile("rb").readline(len(OK) + 1) == OK
    except (OSError, ValueError):
        return False


def _absolute(given: str) -> str:
    """A path as the running window must read it (its working folder is not ours); links as they are."""
    if given == "-" or "://" in given or given.startswith("data:"):
        return given
    return os.path.abspath(given)
