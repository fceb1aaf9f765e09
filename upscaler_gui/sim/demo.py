"""The offline demo's server: a sim that keeps its state in the demo data dir, like KIE keeps uploads,
tasks and results between two runs of the app. `upscale --demo`, `watch --demo` and the window's demo
use it; `demo-server` and tests keep a throwaway sim."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from upscaler_gui.core import log
from upscaler_gui.core.connection import Connection
from upscaler_gui.core.redact import register_secret
from upscaler_gui.sim.config import SimConfig
from upscaler_gui.sim.server import SimServer


def demo_state_dir() -> Path:
    """`<data dir>/demo/server`: next to the demo's own job store, whose links point at this server."""
    from upscaler_gui.core.store import demo_store_path

    return demo_store_path().parent / "server"


DEMO_KEY = "demo-key"  # the key the demo server takes (a secret like any other: never shown)


def demo_connection(server: SimServer) -> Connection:
    """The connection to a running demo server: its own key, its own job store."""
    return Connection(DEMO_KEY, server.base_url, server.base_url, demo=True)


def start_demo_server(task_seconds: float) -> SimServer:
    """The demo's sim, started. When its folder cannot be used, a throwaway one (the demo still runs,
    only earlier demo jobs cannot be finished)."""
    register_secret(DEMO_KEY)
    config = SimConfig(api_key=DEMO_KEY, task_seconds=task_seconds)
    try:
        config.state_dir = demo_state_dir()
        return _started(SimServer(config))
    except (OSError, sqlite3.Error) as exc:
        # Info only: the job store, in the same data dir, says what is wrong there in the user's words.
        log.sim.info("sim: the demo cannot keep its files (%s): they go when it stops", exc)
        config.state_dir = None
        return _started(SimServer(config))


def _started(server: SimServer) -> SimServer:
    server.start()
    return server
