"""The window fits: nothing important cut at the default size, usable at 800 x 600, kept inside the
screen it opens on; and a stored error read in the language of now. Real window offscreen (a
1920 x 1080 screen), the sim on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QRect
from PySide6.QtWidgets import QApplication

from tests.imagefactory import image_bytes, write_image
from tests.ui.screen_child import run_child
from tests.ui.window_helpers import drop, file_mime, run, until, window_env
from upscaler_gui.core import i18n as core_i18n
from upscaler_gui.ui.queue.model import Column
from upscaler_gui.ui.queue.text_fit import fitted_lines
from upscaler_gui.ui.shell import i18n as ui_i18n
from upscaler_gui.ui.shell import numbers

pytestmark = pytest.mark.integration  # the window driven against the sim

LONG_NAME = "IMG_20240817_153012_harbour_panorama_at_dusk.png"


def _inside_the_screen(widget: object) -> bool:
    frame = widget.frameGeometry()  # type: ignore[attr-defined]
    screen = QApplication.primaryScreen().availableGeometry()
    return screen.contains(frame)


def test_sizes_states_and_the_saved_name_are_readable_at_the_default_size(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        photo = write_image(tmp_path / "in" / LONG_NAME, size=(1600, 1200))
        async with window_env(tmp_path) as env:
            await env.connect()
            assert drop(env.window, file_mime(photo))
            await env.all_finished(1)
            view, model, (job,) = env.window.view, env.window.model, env.jobs()
            metrics = view.fontMetrics()
            for column in (Column.SIZE, Column.STATE):  # whole, never "1600×1200 → 32…"
                text = model.index(0, column).data()
                widest = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
                assert widest < view.columnWidth(column), (column, text)
            name_width = view.columnWidth(Column.NAME) - view.iconSize().width() - 12
            shown = metrics.elidedText(model.name_text(job), view.textElideMode(), name_width)
            assert shown.startswith("IMG_") and shown.endswith(".png") and "…" in shown
            details = model.index(0, Column.INFO).data()
            rect = view.visualRect(model.index(0, Column.INFO))
            lines = fitted_lines(
                details, view.font(), rect.width() - 8, rect.height() // metrics.lineSpacing()
            )
            assert lines[-1].endswith("_crisp.png")  # the saved file's end: its "-1" would show too
            side = env.window.compare.width() / env.window.width()
            assert side > 0.4  # the before/after view has nearly half the window

    run(qloop, scenario())


def test_the_window_is_usable_at_800_by_600(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        photo = write_image(tmp_path / "in" / "photo.png", size=(160, 120))
        async with window_env(tmp_path) as env:
            window = env.window
            window.resize(800, 600)
            await env.connect()
            assert drop(window, file_mime(photo))
            await env.all_finished(1)
            await until(lambda: window.width() == 800 and window.height() == 600, what="800 x 600")
            assert window.pages.stacked  # the compare view under the queue, not squeezed beside it
            assert window.minimumSizeHint().width() <= 800 and window.minimumSizeHint().height() <= 600
            toolbar = window.toolbar
            for action in toolbar.actions():
                button = toolbar.widgetForAction(action)
                if action.text() and button is not None:  # every button shown, none in an overflow
                    assert button.isVisible() and toolbar.rect().contains(button.geometry()), action.text()
            view = window.view
            last_fixed = view.columnViewportPosition(Column.STATE) + view.columnWidth(Column.STATE)
            assert last_fixed <= view.viewport().width()  # name, size and state in sight, no scrolling
            compare = window.compare
            assert compare.height() > 150 and compare.width() > 700
            for label in (window.status.counts_label, window.status.connection_label):
                assert label.width() >= label.sizeHint().width(), label.text()

    run(qloop, scenario())


def test_a_geometry_from_a_larger_screen_is_brought_inside_this_one(tmp_path: Path, qloop) -> None:
    """Saved on a 2560 x 1600 monitor (or at another scale), reopened on 1920 x 1080."""

    async def scenario() -> None:
        async with window_env(tmp_path) as env:
            window = env.window
            window.setGeometry(QRect(1500, 900, 2360, 1440))
            window.saved_geometry.save()
        async with window_env(tmp_path) as env:
            window = env.window
            await until(window.isVisible, what="the window shown")
            assert window.width() <= 1920 and window.height() <= 1080
            assert _inside_the_screen(window)
            window.hide()  # shown again after being moved off the screen, say by a screen change
            window.move(-900, 2000)
            window.show()
            assert _inside_the_screen(window)

    run(qloop, scenario())


def test_an_error_stored_in_english_reads_in_russian_after_a_switch(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        (tmp_path / "icon.ico").write_bytes(image_bytes("ICO", (32, 32)))  # refused: no ICO is converted
        async with window_env(tmp_path) as env:
            await env.connect()
            assert drop(env.window, file_mime(tmp_path / "icon.ico"))
            await env.all_finished(1)
            (job,) = env.jobs()
            assert env.window.model.info_text(job).startswith("This is an ICO icon")
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        before = len(ui_i18n._installed)
        ui_i18n.install_translations(app, "ru")
        try:
            async with window_env(tmp_path) as env:  # the same job store, read back at the next start
                await env.connect()
                await until(lambda: len(env.jobs()) == 1, what="the stored job")
                (job,) = env.jobs()
                assert env.window.model.info_text(job).startswith("Это значок ICO")
                assert numbers.credits_amount(1234.5) == "1\xa0234,5"  # the locale's digits too
                assert numbers.percent(0.35) == "35 %"
        finally:
            for translator in ui_i18n._installed[before:]:
                QCoreApplication.removeTranslator(translator)
                ui_i18n._installed.remove(translator)
            core_i18n.set_language("")
            QLocale.setDefault(QLocale("en_US"))

    run(qloop, scenario())


@pytest.mark.parametrize(
    ("saved_on", "geometry"),
    [
        ((2560, 1600), (1500, 900, 1000, 650)),  # the bottom right of a big monitor
        ((1920, 1080), (600, 300, 1200, 700)),  # fits at 1x, not at 2x: 1280 x 720 logical pixels
        ((3840, 2160), (100, 60, 3600, 2000)),  # nearly all of a 4K monitor at 1x
    ],
)
def test_a_geometry_saved_at_1x_is_restored_inside_a_screen_at_scale_2(
    tmp_path: Path, saved_on: tuple[int, int], geometry: tuple[int, int, int, int]
) -> None:
    """Really at scale 2 (QT_SCALE_FACTOR=2, a process of its own): a 2560 x 1440 screen, 1280 x 720
    logical pixels, where the window opens after a run at 1x on another monitor."""
    saved = run_child(tmp_path, saved_on, 1, "save-geometry", *map(str, geometry))
    assert saved["inside"] and saved["ratio"] == 1.0  # saved as the user left it
    restored = run_child(tmp_path, (2560, 1440), 2, "window")
    assert restored["ratio"] == 2.0 and restored["screen"] == [0, 0, 1280, 720]
    assert restored["inside"], restored  # frame and title bar included
    width, height = restored["frame"][2:]
    assert width >= restored["minimum"][0] and height >= restored["minimum"][1]  # not squeezed below use


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_settings_dialog_fits_an_800_by_600_screen_with_its_buttons_in_sight(
    tmp_path: Path, language: str
) -> None:
    """About 930 pixels of settings on a 600-pixel screen: the form scrolls, OK and Cancel stay."""
    shown = run_child(tmp_path, (800, 600), 1, "settings", language)
    assert shown["inside"], shown  # frame and title bar included
    assert shown["buttons_in_sight"] == [True, True]
    assert shown["last_field_in_sight"] and shown["buttons_still_in_sight"] == [True, True]
