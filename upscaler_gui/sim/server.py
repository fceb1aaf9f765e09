"""SimServer: start, stop, base_url, stats. Runs in a daemon thread, so any caller (asyncio, qasync,
plain scripts, another process via `run_forever`) can use it."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType, TracebackType

from upscaler_gui.core import log
from upscaler_gui.sim.config import SimConfig
from upscaler_gui.sim.state import SimState
from upscaler_gui.sim.stats import SimStats
from upscaler_gui.sim.wire import SimHTTPServer


class SimServer:
    """A KIE-compatible server on 127.0.0.1 serving the API and the upload host paths on one port."""

    def __init__(self, config: SimConfig | None = None, port: int = 0) -> None:
        self.config = config if config is not None else SimConfig()
        self._port = port
        self._state: SimState | None = None
        self._httpd: SimHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> str:
        """Bind, serve in a daemon thread, and return the base URL."""
        if self._httpd is not None:
            return self.base_url
        state = SimState(self.config)
        try:
            httpd = self._bind(state)
        except OSError:
            state.close()
            raise
        state.port = httpd.server_address[1]
        state.base_url = f"http://127.0.0.1:{state.port}"
        try:
            state.take_up_earlier_work()  # before serving: an old task asked for is already known
        except BaseException:
            httpd.server_close()
            state.close()
            raise
        self._state, self._httpd = state, httpd
        self._stopped.clear()
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="kie-sim", daemon=True
        )
        self._thread.start()
        log.sim.info("sim: serving on %s (storage %s)", state.base_url, state.storage.root)
        return state.base_url

    def _bind(self, state: SimState) -> SimHTTPServer:
        """A persistent sim asked for any port takes its last one again when free, so the links it gave
        out (kept in the app's job store) still reach it."""
        remembered = state.journal.remembered_port() if state.journal is not None and not self._port else None
        if remembered:
            try:
                return SimHTTPServer(remembered, state)
            except OSError:
                log.sim.info("sim: port %d is taken, serving on another one", remembered)
        return SimHTTPServer(self._port, state)

    def stop(self) -> None:
        """Stop serving, finish background work, remove the storage folder. Safe to call twice."""
        httpd, state = self._httpd, self._state
        if httpd is None or state is None:
            return
        state.stopping.set()  # wakes sleeping slow-fault answers first
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        state.close()
        self._httpd = None
        self._stopped.set()
        log.sim.info("sim: stopped %s", state.base_url)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until stop() is called (Ctrl+C still interrupts); True once stopped."""
        step = 0.2  # short waits, so a KeyboardInterrupt gets through promptly
        remaining = timeout
        while not self._stopped.wait(step if remaining is None else min(step, remaining)):
            if remaining is not None:
                remaining -= step
                if remaining <= 0:
                    return False
        return True

    def wait_idle(self, timeout: float | None = 10.0) -> bool:
        """Wait until every created task's fetch and upscale is done (stats then include its image)."""
        return self._running_state().tasks.wait_idle(timeout)

    def __enter__(self) -> SimServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- what it offers ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self._running_state().base_url

    @property
    def port(self) -> int:
        return self._running_state().port

    @property
    def storage_dir(self) -> Path:
        return self._running_state().storage.root

    @property
    def stats(self) -> SimStats:
        return self._running_state().snapshot()

    def stats_dict(self) -> dict[str, object]:
        return self.stats.to_dict()

    def _running_state(self) -> SimState:
        if self._state is None:
            raise RuntimeError("the sim server is not started")
        return self._state


def run_forever(port: int, config: SimConfig, on_start: Callable[[str], None] | None = None) -> None:
    """Serve until Ctrl+C or SIGTERM, then stop. Prints nothing; `on_start` receives the base URL."""
    server = SimServer(config, port=port)
    base_url = server.start()
    previous = _raise_on_sigterm()
    try:
        if on_start is not None:
            on_start(base_url)
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


_SignalHandler = Callable[[int, FrameType | None], object] | int | None


def _raise_on_sigterm() -> _SignalHandler:
    """SIGTERM ends the loop like Ctrl+C does. Only the main thread may install handlers."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def _on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, _on_term)
