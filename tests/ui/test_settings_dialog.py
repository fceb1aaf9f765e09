"""The Settings dialog (ui/settings/dialog.py) and its off-thread helpers (ui/settings/key_check.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from upscaler_gui.core import settings as settings_store
from upscaler_gui.core.settings import Settings
from upscaler_gui.sim import SimConfig, SimServer
from upscaler_gui.ui.settings import key_check
from upscaler_gui.ui.settings.dialog import SettingsDialog, error_color
from upscaler_gui.ui.settings.key_check import KEY_PAGE

SCREENSHOTS = Path(__file__).parent / "screenshots"
CUSTOM = Settings(
    output_dir="/tmp/results",
    template="{date}_{stem}.{ext}",
    on_conflict="skip",
    output_format="webp",
    quality=80,
    keep_metadata=False,
    concurrency=7,
    cost_per_image=0.75,
    language="ru",
    auto_start=False,
    api_base="http://127.0.0.1:9",  # no control in the dialog: must come back untouched
)


class Saved:
    """Collects what `saved` emitted."""

    def __init__(self, dialog: SettingsDialog) -> None:
        self.calls: list[tuple[Settings, str | None]] = []
        dialog.saved.connect(lambda settings, key: self.calls.append((settings, key)))


def make_dialog(
    qtbot: QtBot, settings: Settings | None = None, *, has_saved_key: bool = False, env: bool = False
) -> SettingsDialog:
    dialog = SettingsDialog(settings or Settings(), has_saved_key=has_saved_key, env_key_active=env)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Typed as keys, so textEdited fires as it does for a user."""
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def text_color(label: QLabel) -> str:
    return label.palette().color(QPalette.ColorRole.WindowText).name()


def click_ok(dialog: SettingsDialog) -> None:
    dialog._ok_button.click()


# --- showing and saving settings -------------------------------------------------------------------------


def test_fields_show_the_given_settings(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, CUSTOM)
    assert dialog._results.folder_edit.text() == "/tmp/results"
    assert dialog._results.template_edit.text() == "{date}_{stem}.{ext}"
    assert dialog._results.conflict_combo.currentData() == "skip"
    assert dialog._results.format_combo.currentData() == "webp"
    assert dialog._results.quality_spin.value() == 80
    assert not dialog._results.metadata_check.isChecked()
    assert dialog._queue.concurrency_spin.value() == 7
    assert dialog._queue.cost_spin.value() == pytest.approx(0.75)
    assert dialog._appearance.language_combo.currentText() == "Русский"
    assert not dialog._queue.auto_start_check.isChecked()
    assert dialog.current_settings() == CUSTOM


def test_defaults_show_the_default_folder_and_cost(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    assert dialog._results.folder_edit.text() == ""
    assert dialog._results.folder_edit.placeholderText() == str(settings_store.default_output_dir())
    assert dialog._queue.cost_spin.value() == pytest.approx(0.5)
    assert dialog._appearance.language_combo.currentData() == ""
    assert dialog.current_settings() == Settings()


def test_editing_then_ok_emits_the_new_settings_and_closes(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, CUSTOM)
    saved = Saved(dialog)
    dialog._results.folder_edit.setText("  ~/upscaled  ")
    dialog._results.template_edit.setText("{stem}-{n}.{ext}")
    dialog._results.conflict_combo.setCurrentIndex(dialog._results.conflict_combo.findData("overwrite"))
    dialog._results.format_combo.setCurrentIndex(dialog._results.format_combo.findData("jpeg"))
    dialog._results.quality_spin.setValue(65)
    dialog._results.metadata_check.setChecked(True)
    dialog._queue.concurrency_spin.setValue(50)
    dialog._queue.cost_spin.setValue(1.239)  # two decimals shown, two kept
    dialog._queue.auto_start_check.setChecked(True)
    dialog._appearance.language_combo.setCurrentIndex(dialog._appearance.language_combo.findData("en"))
    click_ok(dialog)
    assert saved.calls == [
        (
            replace(
                CUSTOM,
                output_dir=str(Path.home() / "upscaled"),
                template="{stem}-{n}.{ext}",
                on_conflict="overwrite",
                output_format="jpeg",
                quality=65,
                keep_metadata=True,
                concurrency=50,
                cost_per_image=1.24,
                auto_start=True,
                language="en",
            ),
            None,
        )
    ]
    assert not dialog.isVisible()


def test_spin_boxes_keep_to_their_ranges(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    dialog._queue.concurrency_spin.setValue(500)
    dialog._results.quality_spin.setValue(0)
    assert (dialog._queue.concurrency_spin.value(), dialog._results.quality_spin.value()) == (50, 1)


def test_cancel_and_escape_emit_nothing(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    saved = Saved(dialog)
    dialog._results.template_edit.setText("{stem}.{ext}")
    qtbot.keyClick(dialog._results.template_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    dialog.open()
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert not dialog.isVisible()
    assert saved.calls == []


def test_enter_in_a_field_is_ok(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    saved = Saved(dialog)
    qtbot.keyClick(dialog._results.template_edit, Qt.Key.Key_Return)
    assert len(saved.calls) == 1
    assert not dialog.isVisible()


def test_unknown_saved_values_fall_back_to_the_first_choice(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, Settings(on_conflict="explode", output_format="tiff", language="fr"))
    assert dialog._results.conflict_combo.currentData() == "rename"
    assert dialog._results.format_combo.currentData() == "keep"
    assert dialog._appearance.language_combo.currentData() == ""


# --- the naming template ---------------------------------------------------------------------------------


def test_live_example_follows_the_template_and_format(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    assert dialog._results.example.text() == "Example: photo_crisp.png"
    assert "photo_crisp-1.png" in dialog._results.conflict_note.text()
    dialog._results.template_edit.setText("{stem}_{width}x{height}_{task_id}_{date}_{time}_{n}.{ext}")
    assert dialog._results.example.text() == "Example: photo_2048x1536_task_123_2026-05-17_14-30-05_1.png"
    dialog._results.format_combo.setCurrentIndex(dialog._results.format_combo.findData("jpeg"))
    assert dialog._results.example.text().endswith("_1.jpg")


def test_conflict_note_explains_each_policy(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    notes = {}
    for policy in ("rename", "skip", "overwrite"):
        dialog._results.conflict_combo.setCurrentIndex(dialog._results.conflict_combo.findData(policy))
        notes[policy] = dialog._results.conflict_note.text()
    assert "save as photo_crisp-1.png" in notes["rename"]
    assert "leave the existing file" in notes["skip"]
    assert "replace the existing file" in notes["overwrite"]


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{stem}_{foo}.{ext}", "unknown field {foo}"),
        ("{stem}_crisp", "must contain {ext}"),
        ("{stem", "not valid"),
        ("{n:d}.{ext}", "Unknown format code"),  # passes core's validate_template, fails render_name
    ],
)
def test_invalid_template_shows_the_error_and_disables_ok(qtbot: QtBot, template: str, problem: str) -> None:
    dialog = make_dialog(qtbot)
    saved = Saved(dialog)
    normal = text_color(dialog._results.example)
    dialog._results.template_edit.setText(template)
    assert dialog._results.example.text().startswith("Not valid:")
    assert problem in dialog._results.example.text()
    assert text_color(dialog._results.example) == error_color(dialog.palette()).name() != normal
    assert not dialog._ok_button.isEnabled()
    qtbot.keyClick(dialog._results.template_edit, Qt.Key.Key_Return)  # Enter does nothing while invalid
    assert saved.calls == []
    assert dialog.isVisible()
    dialog._results.template_edit.setText("{stem}.{ext}")
    assert dialog._ok_button.isEnabled()
    assert text_color(dialog._results.example) == normal


def test_error_colour_reads_on_light_and_dark_palettes() -> None:
    light, dark = QPalette(), QPalette()
    light.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.white)
    dark.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
    assert error_color(light).lightness() < 128 < error_color(dark).lightness()


# --- format and quality ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "enabled"), [("keep", False), ("png", False), ("jpeg", True), ("webp", True)]
)
def test_quality_is_enabled_only_for_lossy_formats(qtbot: QtBot, fmt: str, enabled: bool) -> None:
    dialog = make_dialog(qtbot)
    dialog._results.format_combo.setCurrentIndex(dialog._results.format_combo.findData(fmt))
    assert dialog._results.quality_spin.isEnabled() is enabled


# --- the API key -----------------------------------------------------------------------------------------


def test_no_saved_key_asks_for_one_and_cannot_test_nothing(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    assert dialog._key_row.key_edit.placeholderText() == "Paste your KIE API key"
    assert dialog._key_row.key_edit.echoMode() == dialog._key_row.key_edit.EchoMode.Password
    assert not dialog._key_row.test_button.isEnabled()
    assert dialog._key_row.forget_button.isHidden()
    type_into(qtbot, dialog._key_row.key_edit, "k")
    assert dialog._key_row.test_button.isEnabled()


def test_saved_key_is_never_shown_only_said(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, has_saved_key=True)
    assert dialog._key_row.key_edit.text() == ""
    assert dialog._key_row.key_edit.placeholderText() == "•••••••• (saved)"
    assert dialog._key_row.test_button.isEnabled()  # tests the saved key
    assert dialog.new_key() is None


def test_typed_key_is_emitted_stripped(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, has_saved_key=True)
    saved = Saved(dialog)
    type_into(qtbot, dialog._key_row.key_edit, "  new-key-123 ")
    click_ok(dialog)
    assert saved.calls[0][1] == "new-key-123"


def test_typing_then_erasing_leaves_the_saved_key_alone(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, has_saved_key=True)
    type_into(qtbot, dialog._key_row.key_edit, "ab")
    qtbot.keyClicks(dialog._key_row.key_edit, "\b\b")
    assert dialog._key_row.key_edit.text() == ""
    assert dialog.new_key() is None


def test_remove_saved_key_emits_an_empty_key(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, has_saved_key=True)
    saved = Saved(dialog)
    assert dialog._key_row.forget_button.isVisibleTo(dialog)
    dialog._key_row.forget_button.click()
    assert "removed when you press OK" in dialog._key_row.key_status.text()
    assert dialog._key_row.key_edit.placeholderText() == "Paste your KIE API key"
    assert not dialog._key_row.test_button.isEnabled()
    click_ok(dialog)
    assert saved.calls[0][1] == ""


def test_show_toggle_reveals_and_hides_the_typed_key(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    type_into(qtbot, dialog._key_row.key_edit, "secret")
    dialog._key_row.show_key_button.click()
    assert dialog._key_row.key_edit.echoMode() == dialog._key_row.key_edit.EchoMode.Normal
    assert dialog._key_row.show_key_button.text() == "&Hide"
    dialog._key_row.show_key_button.click()
    assert dialog._key_row.key_edit.echoMode() == dialog._key_row.key_edit.EchoMode.Password


def test_env_key_is_said_not_shown_and_wins(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIE_API_KEY", "env-secret-value")
    dialog = SettingsDialog(Settings(), has_saved_key=True)  # the flag read from the environment
    qtbot.addWidget(dialog)
    dialog.open()
    saved = Saved(dialog)
    notes = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Using KIE_API_KEY from the environment; it wins over the saved key." in notes
    assert dialog._key_row.key_edit.isReadOnly()
    assert dialog._key_row.key_edit.text() == ""
    assert dialog._key_row.forget_button.isHidden()
    assert dialog._key_row.test_button.isEnabled()
    shown = [*notes, dialog._key_row.key_edit.text(), dialog._key_row.key_edit.placeholderText()]
    assert not any("env-secret-value" in text for text in shown)
    click_ok(dialog)
    assert saved.calls[0][1] is None


def test_without_env_key_there_is_no_env_note(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings(), has_saved_key=False)
    qtbot.addWidget(dialog)
    assert not any("KIE_API_KEY" in label.text() for label in dialog.findChildren(QLabel))
    assert not dialog._key_row.key_edit.isReadOnly()


def test_key_link_opens_kies_page_only_when_clicked(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toString())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    dialog = make_dialog(qtbot)
    assert opened == []
    assert KEY_PAGE == "https://kie.ai/api-key"
    dialog._key_row.key_link.linkActivated.emit(KEY_PAGE)
    assert opened == [QUrl(KEY_PAGE).toString()]


# --- testing the key through the window ------------------------------------------------------------------


def test_key_test_flow(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    type_into(qtbot, dialog._key_row.key_edit, " typed-key ")
    with qtbot.waitSignal(dialog.test_key_requested) as request:
        dialog._key_row.test_button.click()
    assert request.args == ["typed-key"]
    assert not dialog._key_row.test_button.isEnabled()
    assert dialog._key_row.test_button.text() == "Testing…"
    dialog.show_key_test_result(True, "Key works: 123.5 credits")
    assert dialog._key_row.key_status.text() == "Key works: 123.5 credits"
    assert dialog._key_row.test_button.isEnabled()
    assert dialog._key_row.test_button.text() == "&Test key"


def test_saved_key_test_asks_for_the_key_in_effect(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, has_saved_key=True)
    with qtbot.waitSignal(dialog.test_key_requested) as request:
        dialog._key_row.test_button.click()
    assert request.args == [""]


def test_refused_key_is_shown_in_the_error_colour(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, has_saved_key=True)
    dialog._key_row.test_button.click()
    dialog.show_key_test_result(False, "KIE refused this key")
    assert dialog._key_row.key_status.text() == "KIE refused this key"
    assert text_color(dialog._key_row.key_status) == error_color(dialog.palette()).name()


def test_a_result_after_closing_is_ignored(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, has_saved_key=True)
    dialog._key_row.test_button.click()
    dialog.reject()
    dialog.show_key_test_result(True, "Key works: 1 credits")
    assert "Key works" not in dialog._key_row.key_status.text()
    assert "Asking KIE" not in dialog._key_row.key_status.text()
    assert dialog._key_row.test_button.isEnabled()
    assert dialog._key_row.test_button.text() == "&Test key"


def test_a_result_after_deletion_is_ignored(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings(), has_saved_key=True)
    dialog.open()
    dialog._key_row.test_button.click()
    dialog.deleteLater()
    QCoreApplication.sendPostedEvents(None, 0)  # DeferredDelete runs here
    dialog.show_key_test_result(True, "Key works: 1 credits")  # no RuntimeError from a deleted object


def test_a_result_that_was_not_asked_for_is_ignored(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, has_saved_key=True)
    before = dialog._key_row.key_status.text()
    dialog.show_key_test_result(True, "Key works: 1 credits")
    assert dialog._key_row.key_status.text() == before


# --- the folder picker -----------------------------------------------------------------------------------


def test_choose_opens_a_non_blocking_folder_picker(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make_dialog(qtbot)
    target = tmp_path / "chosen"
    target.mkdir()
    dialog._results.choose_button.click()  # returns at once: open(), not exec()
    picker = dialog.findChild(QFileDialog)
    assert picker is not None and picker.isVisible()
    assert picker.windowModality() == Qt.WindowModality.WindowModal
    assert picker.fileMode() == QFileDialog.FileMode.Directory
    assert picker.testOption(QFileDialog.Option.ShowDirsOnly)
    assert picker.testOption(QFileDialog.Option.DontUseNativeDialog)
    picker.selectFile(str(target))
    picker.accept()
    assert Path(dialog._results.folder_edit.text()) == target


# --- keyboard --------------------------------------------------------------------------------------------


def test_every_mnemonic_label_has_a_buddy(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    labels = [
        label for label in dialog.findChildren(QLabel) if "&" in label.text() and "<a " not in label.text()
    ]
    assert len(labels) >= 9
    assert all(label.buddy() is not None for label in labels), [label.text() for label in labels]


def tab_chain(dialog: SettingsDialog, start: QWidget) -> list[QWidget]:
    """The widgets Tab visits from `start`, in order, once round."""
    chain, widget = [start], start.nextInFocusChain()
    while widget is not None and widget is not start:
        tabbable = widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        if tabbable and widget.isVisibleTo(dialog) and widget.isEnabled() and widget.focusProxy() is None:
            chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


def test_tab_order_follows_the_form(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, has_saved_key=True)
    dialog._results.format_combo.setCurrentIndex(
        dialog._results.format_combo.findData("jpeg")
    )  # quality enabled
    chain = tab_chain(dialog, dialog._key_row.key_edit)
    expected = [
        dialog._key_row.key_edit,
        dialog._key_row.show_key_button,
        dialog._key_row.test_button,
        dialog._key_row.key_link,
        dialog._key_row.forget_button,
        dialog._results.folder_edit,
        dialog._results.choose_button,
        dialog._results.template_edit,
        dialog._results.conflict_combo,
        dialog._results.format_combo,
        dialog._results.quality_spin,
        dialog._results.metadata_check,
        dialog._queue.concurrency_spin,
        dialog._queue.cost_spin,
        dialog._queue.auto_start_check,
        dialog._appearance.language_combo,
    ]
    assert chain[: len(expected)] == expected
    assert [type(w).__name__ for w in chain[len(expected) :]] == ["QPushButton", "QPushButton"]  # OK, Cancel


# --- the off-thread helpers ------------------------------------------------------------------------------


def test_test_key_with_the_right_key_gives_the_balance() -> None:
    with SimServer(SimConfig(api_key="right-key", credits=123.5)) as sim:
        ok, text = asyncio.run(key_check.check_key("right-key", api_base=sim.base_url))
    assert (ok, text) == (True, "Key works: 123.5 credits")


def test_test_key_with_a_wrong_key_says_it_was_refused() -> None:
    with SimServer(SimConfig(api_key="right-key")) as sim:
        ok, text = asyncio.run(key_check.check_key("wrong-key", api_base=sim.base_url))
    assert ok is False
    assert "KIE refused the API key" in text
    assert "wrong-key" not in text


def test_test_key_never_raises_for_an_unusable_address_or_an_empty_key() -> None:
    ok, text = asyncio.run(key_check.check_key("some-key", api_base="ftp://example.invalid"))
    assert ok is False and "not an http(s) URL" in text
    assert asyncio.run(key_check.check_key("  ", api_base=None))[0] is False


def test_format_credits() -> None:
    assert [key_check.format_credits(v) for v in (123.5, 1000.0, 0.25, 1e7)] == [
        "123.5",
        "1000",
        "0.25",
        "10000000",
    ]


class MemoryKeyring(KeyringBackend):
    """An in-memory credential store for tests: nothing reaches the machine's keyring."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring's __init__ has no annotations
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("no such password")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous: Any = keyring.get_keyring()
    fake = MemoryKeyring()
    keyring.set_keyring(fake)
    yield fake
    keyring.set_keyring(previous)


def test_save_key_off_thread_stores_it_in_the_keyring(memory_keyring: MemoryKeyring) -> None:
    assert asyncio.run(key_check.has_saved_key_off_thread()) is False
    asyncio.run(key_check.save_key_off_thread("stored-key-1"))
    assert memory_keyring.passwords == {
        (settings_store.KEYRING_SERVICE, settings_store.KEYRING_USER): "stored-key-1"
    }
    assert settings_store.api_key() == "stored-key-1"
    assert asyncio.run(key_check.has_saved_key_off_thread()) is True
    assert asyncio.run(key_check.key_in_effect_off_thread()) == "stored-key-1"
    asyncio.run(key_check.save_key_off_thread(""))  # the dialog's "removed"
    assert memory_keyring.passwords == {}
    assert settings_store.api_key() is None


def test_env_key_wins_over_the_saved_one(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.run(key_check.save_key_off_thread("stored-key-1"))
    monkeypatch.setenv("KIE_API_KEY", "env-key-2")
    assert asyncio.run(key_check.key_in_effect_off_thread()) == "env-key-2"


# --- round trip through the settings file ----------------------------------------------------------------


def test_what_the_dialog_saves_round_trips_through_the_settings_file(
    qtbot: QtBot, memory_keyring: MemoryKeyring
) -> None:
    dialog = make_dialog(qtbot, CUSTOM)
    saved = Saved(dialog)
    dialog._results.template_edit.setText("{stem}_{n}.{ext}")
    dialog._queue.cost_spin.setValue(0.3)
    type_into(qtbot, dialog._key_row.key_edit, "round-trip-key")
    click_ok(dialog)
    produced, new_key = saved.calls[0]
    settings_store.save(produced)
    assert new_key is not None
    asyncio.run(key_check.save_key_off_thread(new_key))
    restored = settings_store.load()
    assert restored == produced
    assert settings_store.api_key() == "round-trip-key"
    reopened = make_dialog(qtbot, restored, has_saved_key=True)
    assert reopened.current_settings() == produced
    assert reopened._key_row.key_edit.text() == ""


# --- the screenshot --------------------------------------------------------------------------------------


def test_screenshot(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, has_saved_key=True)
    dialog._key_row.test_button.click()
    dialog.show_key_test_result(True, "Key works: 123.5 credits")
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    SCREENSHOTS.mkdir(exist_ok=True)
    assert dialog.grab().save(str(SCREENSHOTS / "settings.png"))


def test_template_error_is_recoloured_when_the_palette_turns_dark(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    dialog._results.template_edit.setText("{stem}")
    dark = QPalette(dialog.palette())
    dark.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
    dialog._key_row.test_button.setEnabled(True)
    dialog._key_row.test_button.click()
    dialog.show_key_test_result(False, "KIE refused this key")
    dialog.setPalette(dark)
    assert text_color(dialog._results.example) == error_color(dark).name()
    assert text_color(dialog._key_row.key_status) == error_color(dark).name()
