"""The queue's first paint with rows makes no enum class: the window made them off screen once shown.

PySide6 makes each Qt enum's Python class on first use (~0.5 ms each, ~70 in that paint: a 117 ms stall
in the UI bench). Enum classes are the process's, so each case runs in a fresh one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.window_helpers import run, until, window_env
from upscaler_gui.ui.shell.event_loop import QtAsyncLoop
from upscaler_gui.ui.window import main_window

ROOT = Path(__file__).resolve().parents[2]

_FIRST_PAINT = """
import enum, sys, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from upscaler_gui.core.jobs import Job, JobState, OutputOptions
from upscaler_gui.ui.queue.model import JobTableModel
from upscaler_gui.ui.queue.thumbnails import ThumbnailCache
from upscaler_gui.ui.queue.view import QueueView
from upscaler_gui.ui.window.warm_up import warm_up_painting
if sys.argv[1] == "warmed":
    warm_up_painting()
made = []
create = enum.EnumType._create_
enum.EnumType._create_ = lambda cls, name, *a, **k: made.append(name) or create(cls, name, *a, **k)
model = JobTableModel(ThumbnailCache(size=48))
view = QueueView(model)
view.resize(700, 500)
view.show()
for n, state in enumerate(JobState, start=1):
    error = "It broke. Try again." if state == JobState.FAILED else None
    model.upsert(Job(id=n, given=f"/in/{n}.png", dedupe_key=str(n), kind="file", state=state,
                     options=OutputOptions(folder="/out"), started_at=time.time() - 5, error=error))
view.selectAll()
view.viewport().repaint()
print(len(made))
"""


def _enum_classes_made_by_first_paint(mode: str) -> int:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-c", _FIRST_PAINT, mode]
    done = subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=99)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


def test_after_the_warm_up_the_first_paint_with_rows_makes_no_enum_class() -> None:
    assert _enum_classes_made_by_first_paint("cold") > 20  # what the warm-up is for
    assert _enum_classes_made_by_first_paint("warmed") == 0


def test_the_window_warms_up_once_it_is_shown(
    qloop: QtAsyncLoop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(main_window, "warm_up_painting", lambda: calls.append(1) or 0.0)

    async def scenario() -> None:
        async with window_env(tmp_path):
            await until(lambda: bool(calls), what="the warm-up after the window was shown")

    run(qloop, scenario())
