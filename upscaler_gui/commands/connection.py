"""The command line's connection: the key, the hosts and the data dir from the options, and the demo
server for --demo (the window builds the same `core.connection.Connection` from its settings)."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator

from upscaler_gui.core import log, settings
from upscaler_gui.core.connection import Connection
from upscaler_gui.core.constants import ENV_DATA_DIR


@contextlib.contextmanager
def connection_from_args(args: argparse.Namespace) -> Iterator[Connection]:
    """The connection the options ask for; with --demo, a sim server that lives as long as the block."""
    if getattr(args, "data_dir", None):
        os.environ[ENV_DATA_DIR] = os.path.abspath(args.data_dir)
    if not args.demo:
        found = settings.find_api_key()  # KIE_API_KEY, then the keyring, then the key file
        if found:
            log.settings.info("API key from: %s", found.source.value)
        key = found.key if found else None
        yield Connection(key, args.api_base, args.upload_base, demo=False)
        return
    from upscaler_gui.sim.demo import demo_connection, start_demo_server

    sim = start_demo_server(task_seconds=1.0)  # kept in the data dir: the next run finishes jobs
    try:
        yield demo_connection(sim)
    finally:
        sim.stop()
