"""Thumbnails: read off the GUI thread, scaled while reading, upright, cached with a bound."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PIL import Image
from PySide6.QtCore import QObject, QThread
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.imagefactory import write_heic, write_image
from upscaler_gui.ui.queue import thumbnails
from upscaler_gui.ui.queue.thumbnails import ThumbnailCache

WAIT_MS = 5000


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("thumbs")
    made = {
        "png": write_image(folder / "big.png", "PNG", (2000, 1500)),
        "jpeg": write_image(folder / "big.jpg", "JPEG", (2000, 1500), quality=85),
        "webp": write_image(folder / "small.webp", "WEBP", (300, 200)),
        "tiny": write_image(folder / "tiny.png", "PNG", (20, 10)),
    }
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to view; stored landscape, shown portrait
    made["rotated"] = write_image(folder / "rotated.jpg", "JPEG", (2000, 1500), exif=exif.tobytes())
    made["broken"] = folder / "broken.jpg"
    made["broken"].write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg" * 10)
    return made


@pytest.fixture
def cache(qtbot: QtBot) -> Iterator[ThumbnailCache]:
    made = ThumbnailCache(size=64, device_pixel_ratio=1.0)
    yield made
    made.close()


def load(qtbot: QtBot, cache: ThumbnailCache, path: Path) -> QImage:
    assert cache.get(str(path)) is None
    with qtbot.waitSignal(cache.thumbnail_ready, timeout=WAIT_MS) as blocker:
        pass
    assert blocker.args == [str(path)]
    image = cache.get(str(path))
    assert image is not None
    return image


@pytest.mark.parametrize(("kind", "size"), [("png", (64, 48)), ("jpeg", (64, 48)), ("webp", (64, 43))])
def test_thumbnail_fits_the_size_and_keeps_the_aspect(
    qtbot: QtBot, cache: ThumbnailCache, images: dict[str, Path], kind: str, size: tuple[int, int]
) -> None:
    image = load(qtbot, cache, images[kind])
    assert (image.width(), image.height()) == size
    assert image.format() == QImage.Format.Format_RGB32  # ready for QPixmap.fromImage without a conversion


def test_small_image_is_not_enlarged(qtbot: QtBot, cache: ThumbnailCache, images: dict[str, Path]) -> None:
    image = load(qtbot, cache, images["tiny"])
    assert (image.width(), image.height()) == (20, 10)


def test_exif_orientation_is_applied(qtbot: QtBot, cache: ThumbnailCache, images: dict[str, Path]) -> None:
    image = load(qtbot, cache, images["rotated"])
    assert (image.width(), image.height()) == (48, 64)  # portrait, as a viewer shows it


def test_pixel_ratio_is_capped_at_two(qtbot: QtBot, images: dict[str, Path]) -> None:
    cache = ThumbnailCache(size=64, device_pixel_ratio=3.0)
    try:
        image = load(qtbot, cache, images["jpeg"])
        assert (image.width(), image.height()) == (128, 96)
        assert image.devicePixelRatio() == 2.0
        assert image.deviceIndependentSize().width() == 64  # painted at 64 logical px
    finally:
        cache.close()


# Qt's JPEG reader says what is wrong with the broken file the test gives it on purpose.
@pytest.mark.qt_log_ignore("^JPEG datastream contains no image$")
def test_broken_file_gives_the_placeholder_once(
    qtbot: QtBot, cache: ThumbnailCache, images: dict[str, Path]
) -> None:
    image = load(qtbot, cache, images["broken"])
    assert image is cache.placeholder
    assert not image.isNull() and image.width() <= 64
    with qtbot.assertNotEmitted(cache.thumbnail_ready, wait=150):
        for _ in range(5):
            assert cache.get(str(images["broken"])) is cache.placeholder


def test_missing_file_gives_the_placeholder(qtbot: QtBot, cache: ThumbnailCache, tmp_path: Path) -> None:
    assert load(qtbot, cache, tmp_path / "gone.png") is cache.placeholder


def test_a_miss_schedules_one_load(qtbot: QtBot, cache: ThumbnailCache, images: dict[str, Path]) -> None:
    ready: list[str] = []
    cache.thumbnail_ready.connect(ready.append)
    for _ in range(10):
        assert cache.get(str(images["webp"])) is None
    qtbot.waitUntil(lambda: bool(ready), timeout=WAIT_MS)
    qtbot.wait(100)
    assert ready == [str(images["webp"])]


def test_least_recently_used_are_dropped(qtbot: QtBot, tmp_path: Path) -> None:
    paths = [str(write_image(tmp_path / f"{i}.png", "PNG", (40, 30))) for i in range(5)]
    cache = ThumbnailCache(size=16, max_items=3, device_pixel_ratio=1.0)
    try:
        for path in paths[:3]:
            load(qtbot, cache, Path(path))
        assert cache.get(paths[0]) is not None  # used again: now the most recent
        for path in paths[3:]:
            load(qtbot, cache, Path(path))
        assert len(cache) == 3
        assert cache.get(paths[1]) is None and cache.get(paths[2]) is None  # dropped, reloading
        assert all(cache.get(p) is not None for p in (paths[0], paths[3], paths[4]))
    finally:
        cache.close()


def test_loads_run_off_the_gui_thread(
    qtbot: QtBot, cache: ThumbnailCache, images: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[QThread, int]] = []
    real = thumbnails.load_thumbnail

    def spy(path: str, side: int) -> QImage:
        seen.append((QThread.currentThread(), threading.get_ident()))
        return real(path, side)

    monkeypatch.setattr(thumbnails, "load_thumbnail", spy)
    load(qtbot, cache, images["png"])
    [(thread, ident)] = seen
    app = QApplication.instance()
    assert app is not None
    assert thread is not app.thread()
    assert ident != threading.get_ident()


def test_clear_drops_images_and_late_results(
    qtbot: QtBot, cache: ThumbnailCache, images: dict[str, Path]
) -> None:
    load(qtbot, cache, images["webp"])
    cache.get(str(images["png"]))  # in flight while clear() runs
    cache.clear()
    assert len(cache) == 0
    qtbot.wait(300)
    assert cache.get(str(images["webp"])) is None  # loads again
    qtbot.waitUntil(lambda: cache.get(str(images["webp"])) is not None, timeout=WAIT_MS)


def test_close_while_loading_drops_the_results(qtbot: QtBot, images: dict[str, Path]) -> None:
    cache = ThumbnailCache(size=64, device_pixel_ratio=1.0)
    for kind in ("png", "jpeg", "rotated", "webp"):
        cache.get(str(images[kind]))
    with qtbot.assertNotEmitted(cache.thumbnail_ready, wait=300):
        assert cache.close()
    assert cache.get(str(images["webp"])) is None  # closed: nothing more is scheduled


def test_deleting_the_window_while_loading_is_safe(qtbot: QtBot, tmp_path: Path) -> None:
    paths = [str(write_image(tmp_path / f"{i}.png", "PNG", (1200, 900))) for i in range(12)]
    window = QObject()
    cache = ThumbnailCache(size=64, parent=window, device_pixel_ratio=1.0)
    for path in paths:
        cache.get(path)
    shiboken6.delete(window)  # the window goes, and its cache with it, with reads in flight
    assert not shiboken6.isValid(cache)
    qtbot.wait(300)  # late results would be delivered now: they must find nobody, and crash nothing


def test_a_heic_or_avif_source_gets_a_real_thumbnail(
    qtbot: QtBot, cache: ThumbnailCache, tmp_path: Path
) -> None:
    """Qt has no decoder for them: without Pillow's help such a row showed the empty placeholder."""
    red = Image.new("RGB", (400, 300), (220, 20, 20))
    heic = write_heic(tmp_path / "photo.heic", red)
    avif = tmp_path / "photo.avif"
    red.save(avif, "AVIF")
    for path in (heic, avif):
        image = load(qtbot, cache, path)
        assert (image.width(), image.height()) == (64, 48)
        assert image.format() == QImage.Format.Format_RGB32
        centre = image.pixelColor(32, 24)
        assert centre.red() > 180 and centre.green() < 60  # the picture, not the grey placeholder
