"""A result's temp file is made and removed off the event loop: on a busy disk one directory lookup
took 30+ ms (the UI bench caught `__ext4_find_entry` under the window's thread), and the window waits
for whatever runs on the loop."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from upscaler_gui.core.errors import KieError
from upscaler_gui.core.output import NameFields, is_temp_name
from upscaler_gui.core.results import ResultImage, save_result


@pytest.fixture
def temp_file_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """(what, on the loop's thread) for every open, unlink and mkdir of a temp file or its folder."""
    calls: list[tuple[str, bool]] = []
    loop_thread = threading.main_thread()
    for name in ("open", "unlink", "mkdir"):
        original = getattr(Path, name)

        def spy(self: Path, *args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
            if _name == "mkdir" or is_temp_name(self.name):
                calls.append((_name, threading.current_thread() is loop_thread))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Path, name, spy)
    return calls


def _save(folder: Path, download: Any) -> Any:
    return save_result(
        download,
        "http://127.0.0.1/r.png",
        folder=folder,
        template="{stem}.{ext}",
        fields=NameFields(stem="r", ext="png"),
        policy="rename",
        finish=lambda path: ResultImage("PNG", 2, 2),
    )


def test_a_saved_result_touches_the_disk_off_the_loop(tmp_path: Path, temp_file_calls: list) -> None:
    async def download(url: str, stream: BinaryIO) -> int:
        return stream.write(b"png bytes")

    saved = asyncio.run(_save(tmp_path / "out", download))
    assert saved.path is not None and saved.path.read_bytes() == b"png bytes"
    assert {what for what, _ in temp_file_calls} >= {"open", "mkdir"}
    assert [what for what, on_loop in temp_file_calls if on_loop] == []


def test_a_failed_download_leaves_no_temp_file_and_removes_it_off_the_loop(
    tmp_path: Path, temp_file_calls: list
) -> None:
    async def download(url: str, stream: BinaryIO) -> int:
        stream.write(b"half a pic")
        raise KieError("The connection dropped.")

    with pytest.raises(KieError):
        asyncio.run(_save(tmp_path, download))
    assert list(tmp_path.iterdir()) == []  # nothing half-written left behind
    assert ("unlink", False) in temp_file_calls
    assert [what for what, on_loop in temp_file_calls if on_loop] == []


def test_a_cancelled_save_leaves_no_temp_file(tmp_path: Path) -> None:
    started = asyncio.Event()

    async def download(url: str, stream: BinaryIO) -> int:
        stream.write(b"half")
        started.set()
        await asyncio.sleep(60)
        return 0

    async def cancel_midway() -> None:
        task = asyncio.create_task(_save(tmp_path, download))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_midway())
    assert list(tmp_path.iterdir()) == []
