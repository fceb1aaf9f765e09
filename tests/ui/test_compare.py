"""The before/after view, checked on the pixels it draws, and the loader that feeds it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

import logging
import random
import statistics
import threading
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPolygonF,
    QRadialGradient,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.imagefactory import write_heic, write_image
from upscaler_gui.ui.compare import loading
from upscaler_gui.ui.compare.loading import load_pair, original_size, read_image
from upscaler_gui.ui.compare.view import MAX_ZOOM, MIN_ZOOM, CompareView

SCREENSHOTS = Path(__file__).parent / "screenshots"

# Each picture has four areas split by a vertical edge at 30% and a horizontal one at 60%; the two
# pictures use different colours, so a pixel tells which image it comes from and which area it shows.
EDGE_X, EDGE_Y = 0.3, 0.6
BEFORE = {
    "top_left": QColor(220, 40, 40),
    "top_right": QColor(40, 40, 220),
    "bottom_left": QColor(110, 20, 20),
    "bottom_right": QColor(20, 20, 110),
}
AFTER = {
    "top_left": QColor(230, 220, 40),
    "top_right": QColor(40, 220, 230),
    "bottom_left": QColor(120, 110, 20),
    "bottom_right": QColor(20, 110, 120),
}
# In a 400 x 300 view the 200 x 160 result fits at 1.875 (the height limits), 12 px in from the left.
FIT_ZOOM = 300 / 160


def quadrants(width: int, height: int, colours: dict[str, QColor]) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    edge_x, edge_y = int(width * EDGE_X), int(height * EDGE_Y)
    painter = QPainter(image)
    painter.fillRect(0, 0, edge_x, edge_y, colours["top_left"])
    painter.fillRect(edge_x, 0, width - edge_x, edge_y, colours["top_right"])
    painter.fillRect(0, edge_y, edge_x, height - edge_y, colours["bottom_left"])
    painter.fillRect(edge_x, edge_y, width - edge_x, height - edge_y, colours["bottom_right"])
    painter.end()
    return image


def what(shot: QImage, x: int, y: int) -> str:
    """'before:top_left', 'after:bottom_right'... for the nearest colour, or 'other' (canvas, blends)."""
    pixel = shot.pixelColor(x, y)
    best, distance = "other", 30.0
    for name, colours in (("before", BEFORE), ("after", AFTER)):
        for area, colour in colours.items():
            d = abs(pixel.red() - colour.red()) + abs(pixel.green() - colour.green())
            d += abs(pixel.blue() - colour.blue())
            if d < distance:
                best, distance = f"{name}:{area}", d
    return best


def first_x(shot: QImage, y: int, xs: range, wanted: str) -> int:
    return next(x for x in xs if what(shot, x, y) == wanted)


def first_y(shot: QImage, x: int, ys: range, wanted: str) -> int:
    return next(y for y in ys if what(shot, x, y) == wanted)


def grab(view: CompareView) -> QImage:
    return view.grab().toImage()


def mouse(view: CompareView, kind: QEvent.Type, x: float, y: float, buttons: Qt.MouseButton) -> None:
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    position = QPointF(x, y)
    event = QMouseEvent(
        kind, position, view.mapToGlobal(position), button, buttons, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(view, event)


def drag(view: CompareView, start: tuple[float, float], end: tuple[float, float]) -> None:
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    mouse(view, QEvent.Type.MouseButtonPress, *start, left)
    middle = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    mouse(view, QEvent.Type.MouseMove, *middle, left)
    mouse(view, QEvent.Type.MouseMove, *end, left)
    mouse(view, QEvent.Type.MouseButtonRelease, *end, none)


def wheel(view: CompareView, x: float, y: float, delta: int) -> None:
    position = QPointF(x, y)
    event = QWheelEvent(
        position,
        view.mapToGlobal(position),
        QPoint(),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view, event)


def make_view(qtbot: QtBot, width: int = 400, height: int = 300) -> CompareView:
    view = CompareView()
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture
def view(qtbot: QtBot) -> CompareView:
    view = make_view(qtbot)
    view.set_images(quadrants(100, 80, BEFORE), quadrants(200, 160, AFTER))
    return view


# --- what each side shows ----------------------------------------------------------------------------


def test_left_of_the_split_shows_before_and_right_shows_after(view: CompareView) -> None:
    view.set_split(0.5)
    shot = grab(view)
    assert what(shot, 60, 100) == "before:top_left"
    assert what(shot, 190, 250) == "before:bottom_right"
    assert what(shot, 210, 100) == "after:top_right"
    assert what(shot, 380, 250) == "after:bottom_right"


def test_both_sides_show_the_same_region_of_the_picture(view: CompareView) -> None:
    # The vertical edge, seen once on the before side and once on the after side: same column.
    view.set_split(0.75)
    before_edge = first_x(grab(view), 100, range(20, 290), "before:top_right")
    view.set_split(0.1)
    after_edge = first_x(grab(view), 100, range(50, 390), "after:top_right")
    assert abs(before_edge - after_edge) <= 1
    # The horizontal edge, on both sides of the line at once: same row.
    view.set_split(0.5)
    shot = grab(view)
    before_row = first_y(shot, 100, range(40, 290), "before:bottom_left")
    after_row = first_y(shot, 300, range(40, 290), "after:bottom_right")
    assert abs(before_row - after_row) <= 1
    assert before_row == pytest.approx(160 * EDGE_Y * FIT_ZOOM, abs=1)


def test_the_source_is_stretched_to_the_result_whatever_the_ratio(qtbot: QtBot) -> None:
    # A 3x result with a slightly different aspect: the source still covers exactly the same frame.
    view = make_view(qtbot)
    view.set_images(quadrants(100, 80, BEFORE), quadrants(300, 250, AFTER))
    view.set_split(1.0)
    shot = grab(view)
    before_right = max(x for x in range(400) if what(shot, x, 100) == "before:top_right")
    view.set_split(0.0)
    shot = grab(view)
    after_right = max(x for x in range(400) if what(shot, x, 100) == "after:top_right")
    assert abs(before_right - after_right) <= 1


# --- zoom and pan --------------------------------------------------------------------------------------


def test_fit_shows_the_whole_picture_and_follows_the_widget(view: CompareView) -> None:
    assert view.zoom() == pytest.approx(FIT_ZOOM)
    view.set_split(0.0)
    shot = grab(view)
    image_columns = [x for x in range(400) if what(shot, x, 100).startswith("after")]
    image_rows = [y for y in range(300) if what(shot, 200, y).startswith("after")]
    assert image_columns[-1] - image_columns[0] + 1 == pytest.approx(200 * FIT_ZOOM, abs=1)
    assert image_rows[0] == 0
    assert image_rows[-1] == 299
    assert what(shot, 5, 100) == "other"  # the canvas either side
    assert what(shot, 395, 100) == "other"
    view.resize(300, 400)
    assert view.zoom() == pytest.approx(300 / 200)


def test_actual_size_maps_one_result_pixel_to_one_screen_pixel(view: CompareView) -> None:
    view.set_split(0.0)
    view.actual_size()
    assert view.zoom() == 1.0
    shot = grab(view)
    columns = [x for x in range(400) if what(shot, x, 100).startswith("after")]
    assert len(columns) == 200  # the result is 200 px wide
    edge = first_x(shot, 100, range(400), "after:top_right")
    assert edge - columns[0] == 60  # the edge is 30% in, and sharp: both pixels are exact
    assert shot.pixelColor(edge - 1, 100) == AFTER["top_left"]
    assert shot.pixelColor(edge, 100) == AFTER["top_right"]


def test_past_200_percent_pixels_are_squares_and_below_they_are_smoothed(view: CompareView) -> None:
    view.set_split(1.0)  # the 100 px source: at fit it is stretched 3.75 times
    fitted = grab(view)
    assert any(what(fitted, x, 100) == "other" for x in range(100, 150))  # a blended edge
    view.zoom_in()
    view.zoom_in()
    assert view.zoom() > 2.0
    zoomed = grab(view)
    row = [what(zoomed, x, 60) for x in range(380)]  # clear of the labels, and of the knob at the right
    assert "other" not in row
    assert set(row) == {"before:top_left", "before:top_right"}


def test_wheel_zooms_around_the_point_under_the_cursor(view: CompareView) -> None:
    view.set_split(0.0)
    edge = first_x(grab(view), 100, range(400), "after:top_right")
    point = view.image_point_at(QPointF(edge, 120))
    for _ in range(3):
        wheel(view, edge, 120, 120)
    assert view.zoom() == pytest.approx(FIT_ZOOM * 1.25**3)
    moved = view.image_point_at(QPointF(edge, 120))
    assert moved.x() == pytest.approx(point.x(), abs=1 / view.zoom())
    assert moved.y() == pytest.approx(point.y(), abs=1 / view.zoom())
    assert abs(first_x(grab(view), 120, range(400), "after:top_right") - edge) <= 1
    wheel(view, edge, 120, -120)
    assert view.zoom() == pytest.approx(FIT_ZOOM * 1.25**2)


def test_wheel_stops_at_100_percent_on_the_way_through(view: CompareView) -> None:
    for _ in range(4):
        wheel(view, 200, 150, -120)  # 1.875 -> 1.5 -> 1.2 -> 1.0 (not 0.96) -> 0.8
    assert view.zoom() == pytest.approx(0.8)
    wheel(view, 200, 150, 120)
    assert view.zoom() == 1.0


def test_zoom_is_clamped_and_announced(view: CompareView, qtbot: QtBot) -> None:
    seen: list[float] = []
    view.zoom_changed.connect(seen.append)
    for _ in range(40):
        wheel(view, 200, 150, 120)
    assert view.zoom() == MAX_ZOOM
    for _ in range(80):
        wheel(view, 200, 150, -120)
    assert view.zoom() == MIN_ZOOM
    assert seen[0] == pytest.approx(FIT_ZOOM * 1.25)
    assert seen[-1] == MIN_ZOOM
    assert len(seen) == len(set(seen))  # no signal without a change


def test_dragging_the_handle_moves_the_split(view: CompareView) -> None:
    before = view.image_point_at(QPointF(200, 150))
    drag(view, (200, 40), (300, 40))
    assert view.split() == pytest.approx(0.75)
    drag(view, (300, 150), (-50, 150))  # the knob, and beyond the edge
    assert view.split() == 0.0
    assert view.image_point_at(QPointF(200, 150)) == before  # nothing panned


def test_dragging_elsewhere_pans_both_sides_together(view: CompareView) -> None:
    view.actual_size()
    shot = grab(view)
    # At 100% the 200 px result spans x 100..299 around the line at 200.
    edge_x = first_x(shot, 100, range(200), "before:top_right")  # on the before side
    before_row = first_y(shot, 150, range(300), "before:bottom_left")
    after_row = first_y(shot, 250, range(300), "after:bottom_right")
    drag(view, (250, 100), (280, 80))
    assert view.split() == 0.5
    shot = grab(view)
    assert first_x(shot, 100, range(200), "before:top_right") == edge_x + 30
    assert first_y(shot, 150, range(300), "before:bottom_left") == before_row - 20
    assert first_y(shot, 250, range(300), "after:bottom_right") == after_row - 20


def test_panning_keeps_the_picture_over_the_centre(view: CompareView) -> None:
    view.actual_size()
    drag(view, (250, 100), (2000, 2000))
    assert view.image_point_at(QPointF(200, 150)).x() == pytest.approx(0, abs=1)
    assert view.image_point_at(QPointF(200, 150)).y() == pytest.approx(0, abs=1)


def test_keys(view: CompareView, qtbot: QtBot) -> None:
    keys = Qt.Key
    qtbot.keyClick(view, keys.Key_1)
    assert view.zoom() == 1.0
    qtbot.keyClick(view, keys.Key_Plus)
    assert view.zoom() == pytest.approx(1.25)
    qtbot.keyClick(view, keys.Key_Minus)
    assert view.zoom() == pytest.approx(1.0)
    centre = view.image_point_at(QPointF(200, 150))
    qtbot.keyClick(view, keys.Key_Right)
    assert view.image_point_at(QPointF(200, 150)).x() == pytest.approx(centre.x() + 48)
    qtbot.keyClick(view, keys.Key_Down)
    assert view.image_point_at(QPointF(200, 150)).y() == pytest.approx(centre.y() + 48)
    qtbot.keyClick(view, keys.Key_F)
    assert view.zoom() == pytest.approx(FIT_ZOOM)
    qtbot.keyClick(view, keys.Key_BracketLeft)
    assert view.split() == pytest.approx(0.45)
    qtbot.keyClick(view, keys.Key_BracketRight)
    qtbot.keyClick(view, keys.Key_BracketRight)
    assert view.split() == pytest.approx(0.55)
    qtbot.keyClick(view, keys.Key_1)
    qtbot.keyClick(view, keys.Key_Home)
    assert view.zoom() == pytest.approx(FIT_ZOOM)
    assert view.split() == 0.5


def test_f_works_in_the_russian_layout(view: CompareView) -> None:
    view.actual_size()
    cyrillic_a = 0x0410  # the key where F is
    event = QKeyEvent(QEvent.Type.KeyPress, cyrillic_a, Qt.KeyboardModifier.NoModifier, "а")
    QApplication.sendEvent(view, event)
    assert view.zoom() == pytest.approx(FIT_ZOOM)


def test_double_click_toggles_100_percent_and_fit(view: CompareView) -> None:
    press = QMouseEvent(
        QEvent.Type.MouseButtonDblClick,
        QPointF(300, 100),
        view.mapToGlobal(QPointF(300, 100)),
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    point = view.image_point_at(QPointF(300, 100))
    QApplication.sendEvent(view, press)
    assert view.zoom() == 1.0
    assert view.image_point_at(QPointF(300, 100)).x() == pytest.approx(point.x(), abs=1)
    QApplication.sendEvent(view, press)
    assert view.zoom() == pytest.approx(FIT_ZOOM)


# --- labels, messages, theme ---------------------------------------------------------------------------


def test_labels_show_both_sizes(view: CompareView) -> None:
    assert view.before_label_text() == "Before 100 × 80"
    assert view.after_label_text() == "After 200 × 160"
    assert view.message() == ""


def test_with_only_the_source_it_is_shown_alone_and_says_so(qtbot: QtBot) -> None:
    view = make_view(qtbot)
    view.set_images(quadrants(100, 80, BEFORE), None)
    assert view.before_label_text() == "Before 100 × 80"
    assert view.after_label_text() == ""
    assert view.message() == "Result not ready yet"
    assert view.zoom() == pytest.approx(300 / 80)
    shot = grab(view)
    assert what(shot, 350, 100) == "before:top_right"  # right of where the line would be: no line
    # The main window's way: the pair first, then its own note; the picture stays.
    view.set_message("Upscaling… 40%")
    assert view.message() == "Upscaling… 40%"
    assert what(grab(view), 350, 100) == "before:top_right"


def test_with_only_the_result_it_is_shown_alone(qtbot: QtBot) -> None:
    view = make_view(qtbot)
    view.set_images(None, quadrants(200, 160, AFTER))
    assert view.message() == "Original not available"
    assert what(grab(view), 60, 100) == "after:top_left"


def test_placeholder_when_there_is_nothing_to_compare(qtbot: QtBot) -> None:
    view = make_view(qtbot)
    assert view.message() == "Select a job to compare before and after"
    view.set_images(quadrants(100, 80, BEFORE), quadrants(200, 160, AFTER))
    view.set_images(None, None)
    view.set_message("Select an image to compare before and after")
    shot = grab(view)
    canvas = shot.pixelColor(5, 5)
    middle_row = [shot.pixelColor(x, 150) for x in range(400)]
    assert any(colour != canvas for colour in middle_row)  # the text, in the middle
    assert all(shot.pixelColor(x, 20) == canvas for x in range(400))  # and nothing else
    assert view.before_label_text() == view.after_label_text() == ""


def test_new_images_clear_an_old_message(view: CompareView) -> None:
    view.set_message("Result not ready yet")
    view.set_images(quadrants(100, 80, BEFORE), quadrants(200, 160, AFTER))
    assert view.message() == ""


def test_colours_follow_the_palette(view: CompareView) -> None:
    view.set_split(0.0)
    light = grab(view).pixelColor(3, 100)
    palette = QPalette(view.palette())
    palette.setColor(QPalette.ColorRole.Window, QColor(45, 45, 48))
    view.setPalette(palette)
    dark = grab(view).pixelColor(3, 100)
    assert dark.lightness() < 60 < light.lightness()


def test_transparent_pixels_show_a_checkerboard(qtbot: QtBot) -> None:
    view = make_view(qtbot)
    clear = QImage(200, 160, QImage.Format.Format_ARGB32_Premultiplied)
    clear.fill(Qt.GlobalColor.transparent)
    view.set_images(None, clear)
    shot = grab(view)
    row = {shot.pixelColor(x, 150).rgb() for x in range(100, 300)}
    assert len(row) == 2  # two alternating greys, not the canvas


def test_a_zoomed_out_big_picture_is_drawn_from_an_averaged_copy(qtbot: QtBot) -> None:
    # Black and white noise at 25%: a plain bilinear draw picks a few pixels (speckles); an
    # area-averaged copy gives a smooth grey, which is what the picture looks like from afar.
    view = make_view(qtbot, 256, 256)
    with qtbot.waitSignal(view.previews_ready, timeout=10_000):
        view.set_images(noise(1024), noise(1024))
    assert view.zoom() == 0.25
    shot = grab(view)
    for x0 in (20, 160):  # before side, after side
        greys = [shot.pixelColor(x, y).red() for x in range(x0, x0 + 60) for y in range(60, 200)]
        assert statistics.pstdev(greys) < 45
        assert statistics.mean(greys) == pytest.approx(128, abs=20)


def noise(side: int) -> QImage:
    rng = random.Random(side)
    data = bytes(255 if bit else 0 for bit in rng.choices((0, 1), k=side * side))
    return QImage(data, side, side, side, QImage.Format.Format_Grayscale8).convertToFormat(
        QImage.Format.Format_RGB32
    )


# --- reading images ------------------------------------------------------------------------------------


def test_read_image_scales_a_huge_image_down_while_reading(tmp_path: Path, qtbot: QtBot) -> None:
    path = write_image(tmp_path / "big.png", size=(3000, 2000))
    image = read_image(str(path), max_pixels=1_000_000)
    assert image is not None
    assert image.width() * image.height() <= 1_000_000
    assert image.width() == pytest.approx(1224, abs=1)
    assert image.width() / image.height() == pytest.approx(1.5, abs=0.01)
    assert original_size(image).toTuple() == (3000, 2000)
    view = make_view(qtbot)
    view.set_images(None, image)
    assert view.after_label_text() == "After 3000 × 2000 (preview scaled)"
    view.actual_size()
    assert view.zoom() == 1.0  # 100% of the real result's pixels, not of the preview's


def test_read_image_keeps_a_small_image_as_it_is(tmp_path: Path) -> None:
    image = read_image(str(write_image(tmp_path / "small.jpg", "JPEG", size=(64, 48))))
    assert image is not None
    assert image.size().toTuple() == (64, 48)
    assert original_size(image).toTuple() == (64, 48)


def test_read_image_turns_the_picture_upright(tmp_path: Path) -> None:
    picture = Image.new("RGB", (200, 100), (200, 30, 30))
    exif = picture.getexif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to show
    picture.save(tmp_path / "rotated.jpg", exif=exif)
    image = read_image(str(tmp_path / "rotated.jpg"))
    assert image is not None
    assert image.size().toTuple() == (100, 200)
    scaled = read_image(str(tmp_path / "rotated.jpg"), max_pixels=5000)
    assert scaled is not None
    assert scaled.size().toTuple() == (50, 100)
    assert original_size(scaled).toTuple() == (100, 200)


def test_read_image_shows_a_heic_source_and_scales_it(tmp_path: Path) -> None:
    """The "before" of a HEIC photo (Qt cannot decode HEIC): read with Pillow, within the size. (A HEIC
    is turned by its own `irot` box, which libheif applies; pi-heif then calls its EXIF upright.)"""
    heic = write_heic(tmp_path / "photo.heic", Image.new("RGB", (300, 200), (20, 20, 220)))
    image = read_image(str(heic))
    assert image is not None and image.size().toTuple() == (300, 200)
    assert image.pixelColor(150, 100).blue() > 180
    scaled = read_image(str(heic), max_pixels=6000)
    assert scaled is not None and scaled.width() * scaled.height() <= 6000
    assert original_size(scaled).toTuple() == (300, 200)


def test_read_image_gives_none_for_a_bad_or_missing_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(write_image(tmp_path / "whole.png", size=(300, 200)).read_bytes()[:400])
    assert read_image(str(broken)) is None
    assert read_image(str(truncated)) is None
    assert read_image(str(tmp_path / "missing.png")) is None
    assert read_image(None) is None
    assert read_image("") is None
    messages = [r.getMessage() for r in caplog.records if r.name == "upscaler.ui"]
    assert len(messages) == 3
    assert all(r.levelno == logging.INFO for r in caplog.records if r.name == "upscaler.ui")


async def test_load_pair_reads_both_off_the_calling_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []

    def recording_read(path: str | None, max_pixels: int) -> QImage | None:
        threads.append(threading.current_thread())
        return read_image(path, max_pixels)

    monkeypatch.setattr(loading, "read_image", recording_read)
    source = write_image(tmp_path / "in.png", size=(40, 30))
    before, after = await load_pair(str(source), str(tmp_path / "not-there.png"))
    assert before is not None
    assert before.size().toTuple() == (40, 30)
    assert after is None
    assert len(threads) == 2
    assert threading.main_thread() not in threads


async def test_load_pair_scales_down_and_accepts_nothing(tmp_path: Path) -> None:
    big = write_image(tmp_path / "big.png", size=(2000, 1000))
    before, after = await load_pair(None, str(big), max_pixels=500_000)
    assert before is None
    assert after is not None
    assert after.width() * after.height() <= 500_000
    assert original_size(after).toTuple() == (2000, 1000)


# --- the screenshot ------------------------------------------------------------------------------------


def landscape(width: int, height: int) -> QImage:
    """A little scene with soft gradients and hard, thin details, drawn in a 640 x 480 design."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(width / 640, height / 480)
    sky = QLinearGradient(0, 0, 0, 300)
    sky.setColorAt(0, QColor(52, 110, 190))
    sky.setColorAt(1, QColor(250, 196, 140))
    painter.fillRect(QRectF(0, 0, 640, 480), sky)
    sun = QRadialGradient(470, 120, 60)
    sun.setColorAt(0, QColor(255, 250, 210))
    sun.setColorAt(0.7, QColor(255, 200, 90))
    sun.setColorAt(1, QColor(255, 200, 90, 0))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(sun)
    painter.drawEllipse(QPointF(470, 120), 60, 60)
    painter.setBrush(QColor(70, 80, 110))
    painter.drawPolygon(
        QPolygonF(
            [
                QPointF(x, y)
                for x, y in (
                    (0, 300),
                    (120, 170),
                    (210, 250),
                    (330, 140),
                    (470, 280),
                    (640, 200),
                    (640, 480),
                    (0, 480),
                )
            ]
        )
    )
    painter.setBrush(QColor(60, 130, 70))
    hills = QPainterPath(QPointF(0, 340))
    hills.cubicTo(160, 290, 400, 380, 640, 320)
    hills.lineTo(640, 480)
    hills.lineTo(0, 480)
    painter.drawPath(hills)
    house(painter)
    painter.setPen(QPen(QColor(240, 230, 200), 1.2))
    for x in range(24, 620, 9):  # a fence of thin pickets: where an upscaler earns its keep
        painter.drawLine(QPointF(x, 420), QPointF(x, 462))
    painter.drawLine(QPointF(20, 430), QPointF(620, 430))
    painter.drawLine(QPointF(20, 452), QPointF(620, 452))
    font = QFont("DejaVu Sans", 44, QFont.Weight.Black)
    painter.setFont(font)
    painter.setPen(QColor(255, 255, 255))
    painter.drawText(QRectF(120, 335, 400, 80), Qt.AlignmentFlag.AlignCenter, "CRISP")
    painter.end()
    return image


def house(painter: QPainter) -> None:
    painter.setPen(QPen(QColor(60, 40, 30), 1.5))
    painter.setBrush(QColor(225, 205, 170))
    painter.drawRect(QRectF(255, 250, 130, 80))  # astride the middle, where the split line starts
    painter.setBrush(QColor(160, 60, 50))
    painter.drawPolygon(QPolygonF([QPointF(245, 252), QPointF(320, 200), QPointF(395, 252)]))
    for x in (270, 342):
        painter.setBrush(QColor(120, 170, 210))
        painter.drawRect(QRectF(x, 268, 28, 26))
        painter.drawLine(QPointF(x + 14, 268), QPointF(x + 14, 294))  # window bars, one pixel thin
        painter.drawLine(QPointF(x, 281), QPointF(x + 28, 281))
    painter.setBrush(QColor(110, 70, 40))
    painter.drawRect(QRectF(309, 290, 22, 40))


def soft(image: QImage, factor: int) -> QImage:
    """What a small, soft source looks like: detail lost by going down and back up."""
    smooth, ignore = Qt.TransformationMode.SmoothTransformation, Qt.AspectRatioMode.IgnoreAspectRatio
    small = image.scaled(image.width() // factor, image.height() // factor, ignore, smooth)
    return small.scaled(image.width(), image.height(), ignore, smooth)


def test_screenshot_of_a_compare(qtbot: QtBot) -> None:
    view = make_view(qtbot, 760, 540)
    before, after = soft(landscape(320, 240), 2), landscape(640, 480)
    view.set_images(before, after)
    view.set_split(0.5)
    SCREENSHOTS.mkdir(exist_ok=True)
    shot = grab(view)
    assert shot.save(str(SCREENSHOTS / "compare.png"))
    assert view.before_label_text() == "Before 320 × 240"
    assert view.after_label_text() == "After 640 × 480"
