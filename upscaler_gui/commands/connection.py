"""What every command needs to talk to KIE: the key, the base URLs, and the demo server for --demo."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from upscaler_gui.core import settings
from upscaler_gui.core.constants import ENV_DATA_DIR
from upscaler_gui.core.redact import register_secret

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager

    from upscaler_gui.core.engine import Engine, EngineOptions

DEMO_KEY = "demo-key"


@dataclass(frozen=True)
class Connection:
    api_key: str | None
    api_base: str | None
    upload_base: str | None
    demo: bool

    @property
    def store_path(self) -> Path | None:
        """The demo keeps its own job store: its uploads and results live on a server that is gone
        after the run, so a real run must never reuse them (nor skip an image as "already done")."""
        from upscaler_gui.core.store import demo_store_path

        return demo_store_path() if self.demo else None

    def open_engine(
        self, options: EngineOptions, *, resume: bool = False
    ) -> AbstractAsyncContextManager[Engine]:
        """The engine on this connection's key, servers and job store (callers checked there is a key)."""
        from upscaler_gui.core.engine import open_engine

        assert self.api_key is not None
        return open_engine(
            api_key=self.api_key,
            api_base=self.api_base,
            upload_base=self.upload_base,
            options=options,
            store_path=self.store_path,
            resume=resume,
        )


@contextlib.contextmanager
def connection_from_args(args: argparse.Namespace) -> Iterator[Connection]:
    """The connection the options ask for; with --demo, a sim server that lives as long as the block."""
    if getattr(args, "data_dir", None):
        os.environ[ENV_DATA_DIR] = os.path.abspath(args.data_dir)
    if not args.demo:
        yield Connection(settings.api_key(), args.api_base, args.upload_base, demo=False)
        return
    from upscaler_gui.sim.demo import start_demo_server

    register_secret(DEMO_KEY)
    sim = start_demo_server(DEMO_KEY, task_seconds=1.0)  # kept in the data dir: the next run finishes jobs
    try:
        yield Connection(DEMO_KEY, sim.base_url, sim.base_url, demo=True)
    finally:
        sim.stop()
