"""Our paint events end their painter before they return, whoever still holds their frame.

A Python frame can outlive its call: a traceback, a debugger or a profiler sampling the Qt thread's
stack (the UI bench does) keep it, and its locals with it. A QPainter left to be ended when its frame
is freed is then ended late, perhaps on another thread, while the window paints other widgets
through the same backing store: the window crashed in Qt's painting code (QPainter::setBrush in a
progress bar, drawText in the compare view's placeholder) with no Python frame on the stack.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QWidget

from upscaler_gui.ui.compare.view import CompareView
from upscaler_gui.ui.queue.model import JobTableModel
from upscaler_gui.ui.queue.thumbnails import ThumbnailCache
from upscaler_gui.ui.queue.view import QueueView
from upscaler_gui.ui.shell.elided_label import ElidedLabel
from upscaler_gui.ui.window.panels import DropZone


@contextmanager
def kept_paint_frames() -> Iterator[list[FrameType]]:
    """Every paintEvent frame of ours, kept after it returned (as a stack sampler may keep one)."""
    kept: list[FrameType] = []

    def profile(frame: FrameType, event: str, _arg: Any) -> None:
        if event == "return" and frame.f_code.co_name == "paintEvent":
            kept.append(frame)

    sys.setprofile(profile)
    try:
        yield kept
    finally:
        sys.setprofile(None)


def _compare_placeholder() -> QWidget:
    view = CompareView()
    view.set_message("Select an image to compare before and after")
    return view


def _compare_pictures() -> QWidget:
    view = CompareView()
    before, after = QImage(64, 48, QImage.Format.Format_RGB32), QImage(128, 96, QImage.Format.Format_RGB32)
    before.fill(QColor("red"))
    after.fill(QColor("blue"))
    view.set_images(before, after)
    return view


def _hot_queue() -> QWidget:
    view = QueueView(JobTableModel(ThumbnailCache(size=16)))
    view.set_drop_hot(True)
    return view


def _hot_drop_zone() -> QWidget:
    zone = DropZone()
    zone.set_hot(True)
    return zone


def _elided_label() -> QWidget:
    label = ElidedLabel()
    label.setText("/home/someone/Pictures/a folder with a long name/out")
    return label


@pytest.mark.parametrize(
    "make", [_compare_placeholder, _compare_pictures, _hot_queue, _hot_drop_zone, _elided_label]
)
def test_a_paint_event_ends_its_painter_even_when_its_frame_is_kept(
    qapp: object, make: Callable[[], QWidget]
) -> None:
    widget = make()
    widget.resize(400, 300)
    with kept_paint_frames() as frames:
        picture = widget.grab(QRect(0, 0, 400, 300))
    assert not picture.isNull()
    painters = [v for f in frames for v in f.f_locals.values() if isinstance(v, QPainter)]
    assert painters, "the paint event ran and its frame was kept"
    assert [p.isActive() for p in painters] == [False] * len(painters)
