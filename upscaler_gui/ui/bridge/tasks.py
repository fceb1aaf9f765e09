"""The window's background work, on core's TaskKeeper: each task owned, its error shown, closed on quit.

Slots start coroutines with `keeper.spawn(coro, what)`, never `asyncio.ensure_future`: an exception is
logged and shown in the status bar (never lost in "Task exception was never retrieved"), and quitting
cancels what runs. A click or an engine event that arrives while the window is quitting starts nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from upscaler_gui.core import log
from upscaler_gui.core.errors import UpscalerError
from upscaler_gui.core.tasks import TaskKeeper


class WindowTasks:
    def __init__(self, show_error: Callable[[str], None]) -> None:
        self._show_error = show_error
        self._keeper = TaskKeeper("window", on_error=self._report, logger=log.ui)

    def spawn(self, coro: Coroutine[Any, Any, Any], what: str) -> None:
        if self._keeper.closed:  # quitting: nothing new starts
            coro.close()
            log.ui.debug("quitting: %s not started", what)
            return
        self._keeper.spawn(coro, what)

    def _report(self, what: str, exc: BaseException) -> None:
        self._show_error(exc.user_text() if isinstance(exc, UpscalerError) else f"{what} failed: {exc}")

    async def close(self) -> None:
        await self._keeper.close()

    def __len__(self) -> int:
        return len(self._keeper)
