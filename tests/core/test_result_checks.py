"""Results arriving together are checked in turn: decoding them all side by side took every core, and
the window's thread waited for one (UI bench stalls of 100+ ms, 15-20 threads in check_decodes)."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import BinaryIO

from upscaler_gui.core import constants
from upscaler_gui.core.output import NameFields
from upscaler_gui.core.results import ResultImage, save_result


def test_results_arriving_together_are_checked_at_most_a_few_at_once(tmp_path: Path) -> None:
    count = constants.RESULT_CHECKS_AT_ONCE + 3  # more results than may be checked at once
    lock = threading.Lock()
    running = 0
    most = 0

    def slow_check(path: Path) -> ResultImage:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)  # a decode holding its thread
        with lock:
            running -= 1
        return ResultImage("PNG", 2, 2)

    async def download(url: str, stream: BinaryIO) -> int:
        return stream.write(b"png bytes")

    async def save_all() -> list[Path | None]:
        saved = await asyncio.gather(
            *(
                save_result(
                    download,
                    f"http://127.0.0.1/r{n}.png",
                    folder=tmp_path,
                    template="{stem}.{ext}",
                    fields=NameFields(stem=f"r{n}", ext="png"),
                    policy="rename",
                    finish=slow_check,
                )
                for n in range(count)
            )
        )
        return [s.path for s in saved]

    paths = asyncio.run(save_all())
    assert sorted(p.name for p in paths if p) == sorted(f"r{n}.png" for n in range(count))  # every one saved
    assert most <= constants.RESULT_CHECKS_AT_ONCE
