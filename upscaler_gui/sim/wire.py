"""The socket side: a threading HTTP/1.1 server on 127.0.0.1 that turns bytes into Request and Reply."""

from __future__ import annotations

import io
import socket
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, BinaryIO
from urllib.parse import parse_qsl, urlsplit

from upscaler_gui.core import log
from upscaler_gui.sim import replies, routes
from upscaler_gui.sim.replies import Reply, Request
from upscaler_gui.sim.state import SimState

MAX_BODY_BYTES = 64 * 1024 * 1024  # a 10 MB image as base64 in JSON is ~14 MB; far above that is abuse
_CHUNK = 64 * 1024


class BodyError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class SimHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a slow-fault sleeper must never keep the process alive
    request_queue_size = 128  # tests open many connections at once
    allow_reuse_port = False  # two sims on one port would split requests between them: the 2nd must fail

    def __init__(self, port: int, state: SimState) -> None:
        self.state = state
        super().__init__(("127.0.0.1", port), SimHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that time out or hang up are normal here; never print tracebacks to stderr.
        log.sim.debug("sim: connection from %s ended with an error", client_address, exc_info=True)


class SimHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a real server; every answer has a Content-Length
    server_version = "kie-sim"
    disable_nagle_algorithm = True  # headers and body go out in two writes: without this, +40 ms each
    sys_version = ""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: one DEBUG line per request goes to log.sim instead (without any header)."""

    def _state(self) -> SimState:
        server = self.server
        assert isinstance(server, SimHTTPServer)
        return server.state

    def _serve(self) -> None:
        started = time.monotonic()
        state = self._state()
        reply = self._reply(state)
        state.sleep(reply.delay_s)
        answering = not (reply.drop or state.stopping.is_set())
        # Logged before the answer goes out: once a client has its answer, the line exists.
        self._log(reply, answering, started)
        if answering:
            self._send(reply)
        else:
            self.close_connection = True

    def _log(self, reply: Reply, answering: bool, started: float) -> None:
        path = urlsplit(self.path).path
        outcome = str(reply.status) if answering else "no answer"
        note = f" [{reply.note.strip()}]" if reply.note.strip() else ""
        elapsed_ms = (time.monotonic() - started) * 1000
        log.sim.debug("sim: %s %s -> %s%s (%.0f ms)", self.command, path, outcome, note, elapsed_ms)

    def _reply(self, state: SimState) -> Reply:
        try:
            request = self._read_request()
        except BodyError as exc:
            self.close_connection = True  # the rest of the body is still in the socket
            return replies.text(exc.status, str(exc))
        try:
            return routes.dispatch(state, request)
        except Exception:
            log.sim.exception("sim: %s %s crashed", self.command, request.path)
            return replies.api(500, "Server error (the sim crashed)", status=500)

    def _read_request(self) -> Request:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        return Request(self.command, parts.path, query, self.headers, self._read_body())

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return _read_chunked(self.rfile)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise BodyError(400, "Bad Content-Length") from None
        if length > MAX_BODY_BYTES:
            raise BodyError(413, "Request body too large")
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, reply: Reply) -> None:
        try:
            self._write(reply)
        except OSError:
            self.close_connection = True
            log.sim.debug("sim: client went away during the answer", exc_info=True)

    def _write(self, reply: Reply) -> None:
        source = reply.file.open("rb") if reply.file is not None else None
        try:
            size = _size(source) if source is not None else len(reply.body)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(size))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            limit = size // 2 if reply.truncate else size
            if reply.trickle_s > 0:
                self._trickle(reply.body, source, limit, reply.trickle_s)
            else:
                self._write_body(reply.body, source, limit)
        finally:
            if source is not None:
                source.close()
        if reply.truncate:
            # Full Content-Length announced, half sent, then the connection ends.
            self.close_connection = True
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)

    def _write_body(self, body: bytes, source: BinaryIO | None, limit: int) -> None:
        if source is None:
            self.wfile.write(body[:limit])
            return
        while limit > 0:
            chunk = source.read(min(_CHUNK, limit))
            if not chunk:
                break
            self.wfile.write(chunk)
            limit -= len(chunk)

    def _trickle(self, body: bytes, source: BinaryIO | None, limit: int, gap_s: float) -> None:
        """One byte every `gap_s` (the `trickle` fault): each read gets data, the whole never comes.
        A stop cuts it short; a client that hangs up ends it with an OSError."""
        state = self._state()
        data = body[:limit] if source is None else source.read(limit)
        for at in range(len(data)):
            if state.stopping.is_set():
                self.close_connection = True  # the body is cut short: the connection cannot be reused
                return
            self.wfile.write(data[at : at + 1])
            self.wfile.flush()
            state.sleep(gap_s)


def _size(source: BinaryIO) -> int:
    source.seek(0, 2)
    size = source.tell()
    source.seek(0)
    return size


def _read_chunked(rfile: io.BufferedIOBase) -> bytes:
    """A chunked request body (what httpx sends for a streamed upload of unknown length)."""
    chunks: list[bytes] = []
    total = 0
    while True:
        line = rfile.readline(1024).split(b";", 1)[0].strip()
        try:
            size = int(line, 16)
        except ValueError:
            raise BodyError(400, "Bad chunked body") from None
        if size == 0:
            break
        total += size
        if total > MAX_BODY_BYTES:
            raise BodyError(413, "Request body too large")
        chunks.append(rfile.read(size))
        rfile.readline(1024)  # the CRLF after each chunk
    while rfile.readline(1024).strip():
        pass  # trailers
    return b"".join(chunks)
