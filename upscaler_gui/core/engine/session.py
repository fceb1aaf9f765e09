"""Building an engine with everything it needs, and tearing it down in the right order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from upscaler_gui.core.engine.engine import Engine, EngineOptions
from upscaler_gui.core.engine.events import EngineEvents
from upscaler_gui.core.engine.pacer import Limit, Pacer
from upscaler_gui.core.kie import open_kie_client
from upscaler_gui.core.store import JobStore


@asynccontextmanager
async def open_engine(
    *,
    api_key: str,
    api_base: str | None = None,
    upload_base: str | None = None,
    options: EngineOptions | None = None,
    store_path: Path | None = None,
    events: EngineEvents | None = None,
    create_limit: Limit | None = None,
    record_limit: Limit | None = None,
    resume: bool = False,
) -> AsyncIterator[Engine]:
    """An engine on its own KIE clients and store; closed (jobs kept) when the block ends."""
    pacer = Pacer(create=create_limit, record=record_limit)
    store = JobStore(store_path)
    try:
        async with open_kie_client(
            api_key=api_key, api_base=api_base, upload_base=upload_base, pacer=pacer
        ) as client:
            engine = Engine(client, store, pacer=pacer, options=options, events=events)
            try:
                await engine.start(resume=resume)
                yield engine
            finally:
                await engine.close()
    finally:
        store.close()
