"""Where the engine's work goes: a KIE key, its two hosts, and the job store, as one value.

The window and the command line set up their engine from this alone, so a demo run and a real run
never share a store nor a results folder, and both open the engine the same way (`open_engine`).
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from upscaler_gui.core.engine import Engine, EngineEvents, EngineOptions

DEMO_RESULTS = "demo"  # the demo's results folder, inside the one the user chose


def demo_results_folder(folder: str | Path) -> Path:
    """`<folder>/demo`: demo results never take a name a real result would want (no `x_crisp-1.png`
    because of a demo file), and they are easy to find and delete."""
    return Path(folder) / DEMO_RESULTS


@dataclass(frozen=True)
class Connection:
    api_key: str | None  # None: no key yet (the window shows its first-run panel, the CLI says so)
    api_base: str | None = None  # None: $KIE_API_BASE or KIE's own
    upload_base: str | None = None
    demo: bool = False  # the offline demo server (its own job store)

    @property
    def store_path(self) -> Path | None:
        """The demo keeps its own job store: its uploads and results live on the demo server only,
        so a real run must never reuse them (nor skip an image as "already done" by the demo)."""
        from upscaler_gui.core.store import demo_store_path

        return demo_store_path() if self.demo else None

    def results_folder(self, folder: str | Path) -> Path:
        """Where this connection's results go, in the folder the user chose: the demo's in their own."""
        return demo_results_folder(folder) if self.demo else Path(folder)

    def open_engine(
        self, options: EngineOptions, *, events: EngineEvents | None = None, resume: bool = False
    ) -> AbstractAsyncContextManager[Engine]:
        """The engine on this connection's key, hosts and job store, closed (jobs kept) on exit."""
        from upscaler_gui.core.engine import open_engine

        assert self.api_key is not None, "callers check for a key first"
        return open_engine(
            api_key=self.api_key,
            api_base=self.api_base,
            upload_base=self.upload_base,
            options=options,
            events=events,
            store_path=self.store_path,
            resume=resume,
        )
