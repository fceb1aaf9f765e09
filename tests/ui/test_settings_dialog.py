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
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.settings_driver import SettingsDialogDriver
from upscaler_gui.core import settings as settings_store
from upscaler_gui.core.settings import KeySource, Settings
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


def open_dialog(
    qtbot: QtBot, settings: Settings | None = None, *, has_saved_key: bool = False, env: bool | None = False
) -> tuple[SettingsDialogDriver, Saved]:
    user = SettingsDialogDriver.open(qtbot, settings, has_saved_key=has_saved_key, env=env)
    return user, Saved(user.dialog)


def text_color(label: QLabel) -> str:
    return label.palette().color(QPalette.ColorRole.WindowText).name()


# --- showing and saving settings -------------------------------------------------------------------------


def test_fields_show_the_given_settings(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot, CUSTOM)
    assert user.folder_field.text() == "/tmp/results"
    assert user.template_field.text() == "{date}_{stem}.{ext}"
    assert user.conflict_combo.currentData() == "skip"
    assert user.format_combo.currentData() == "webp"
    assert user.quality_spin.value() == 80
    assert not user.metadata_check.isChecked()
    assert user.concurrency_spin.value() == 7
    assert user.cost_spin.value() == pytest.approx(0.75)
    assert user.language_combo.currentText() == "Русский"
    assert not user.auto_start_check.isChecked()
    assert user.dialog.current_settings() == CUSTOM


def test_defaults_show_the_default_folder_and_cost(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot)
    assert user.folder_field.text() == ""
    assert user.folder_field.placeholderText() == str(settings_store.default_output_dir())
    assert user.cost_spin.value() == pytest.approx(0.5)
    assert user.language_combo.currentData() == ""
    assert user.dialog.current_settings() == Settings()


def test_editing_then_ok_emits_the_new_settings_and_closes(qtbot: QtBot) -> None:
    user, saved = open_dialog(qtbot, CUSTOM)
    user.set_folder("  ~/upscaled  ")
    user.set_template("{stem}-{n}.{ext}")
    user.choose_conflict("overwrite")
    user.choose_format("jpeg")
    user.set_quality(65)
    user.set_keep_metadata(True)
    user.set_concurrency(50)
    user.set_cost(1.239)  # two decimals shown, two kept
    user.set_auto_start(True)
    user.choose_language("en")
    user.press_save()
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
    assert not user.dialog.isVisible()


def test_the_input_and_tree_choices_are_saved_and_the_example_shows_the_subfolder(qtbot: QtBot) -> None:
    user, saved = open_dialog(qtbot)
    assert user.fit_check.isChecked() and not user.fit_pixels_check.isChecked()  # as upscale's defaults
    assert user.example.text() == "Example: photo_crisp.png"
    user.set_keep_tree(True)
    assert user.example.text() == "Example: trip/day 1/photo_crisp.png"
    user.set_fit(False)
    user.set_fit_pixels(True)
    user.press_save()
    assert saved.calls == [(replace(Settings(), keep_tree=True, fit_to_limit=False, fit_pixels=True), None)]


def test_spin_boxes_keep_to_their_ranges(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot)
    user.set_concurrency(500)
    user.set_quality(0)
    assert (user.concurrency_spin.value(), user.quality_spin.value()) == (50, 1)


def test_cancel_and_escape_emit_nothing(qtbot: QtBot) -> None:
    user, saved = open_dialog(qtbot)
    user.set_template("{stem}.{ext}")
    user.press_key_in(user.template_field, Qt.Key.Key_Escape)
    assert not user.dialog.isVisible()
    user.dialog.open()
    user.press_cancel()
    assert not user.dialog.isVisible()
    assert saved.calls == []


def test_enter_in_a_field_is_ok(qtbot: QtBot) -> None:
    user, saved = open_dialog(qtbot)
    user.press_key_in(user.template_field, Qt.Key.Key_Return)
    assert len(saved.calls) == 1
    assert not user.dialog.isVisible()


def test_unknown_saved_values_fall_back_to_the_first_choice(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot, Settings(on_conflict="explode", output_format="tiff", language="fr"))
    assert user.conflict_combo.currentData() == "rename"
    assert user.format_combo.currentData() == "keep"
    assert user.language_combo.currentData() == ""


# --- the naming template ---------------------------------------------------------------------------------


def test_live_example_follows_the_template_and_format(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot)
    assert user.example.text() == "Example: photo_crisp.png"
    assert "photo_crisp-1.png" in user.conflict_note.text()
    user.set_template("{stem}_{width}x{height}_{task_id}_{date}_{time}_{n}.{ext}")
    assert user.example.text() == "Example: photo_2048x1536_task_123_2026-05-17_14-30-05_1.png"
    user.choose_format("jpeg")
    assert user.example.text().endswith("_1.jpg")


def test_conflict_note_explains_each_policy(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot)
    notes = {}
    for policy in ("rename", "skip", "overwrite"):
        user.choose_conflict(policy)
        notes[policy] = user.conflict_note.text()
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
    user, saved = open_dialog(qtbot)
    normal = text_color(user.example)
    user.set_template(template)
    assert user.example.text().startswith("Not valid:")
    assert problem in user.example.text()
    assert text_color(user.example) == error_color(user.dialog.palette()).name() != normal
    assert not user.ok_button.isEnabled()
    user.press_key_in(user.template_field, Qt.Key.Key_Return)  # Enter does nothing while invalid
    assert saved.calls == []
    assert user.dialog.isVisible()
    user.set_template("{stem}.{ext}")
    assert user.ok_button.isEnabled()
    assert text_color(user.example) == normal


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
    user, _ = open_dialog(qtbot)
    user.choose_format(fmt)
    assert user.quality_spin.isEnabled() is enabled


# --- the API key -----------------------------------------------------------------------------------------


def test_no_saved_key_asks_for_one_and_cannot_test_nothing(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot)
    assert user.key_field.placeholderText() == "Paste your KIE API key"
    assert user.key_field.echoMode() == QLineEdit.EchoMode.Password
    assert not user.test_key_button.isEnabled()
    assert user.remove_key_button.isHidden()
    user.type_key("k")
    assert user.test_key_button.isEnabled()


def test_saved_key_is_never_shown_only_said(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot, has_saved_key=True)
    assert user.key_field.text() == ""
    assert user.key_field.placeholderText() == "•••••••• (saved)"
    assert user.test_key_button.isEnabled()  # tests the saved key
    assert user.dialog.new_key() is None


def test_typed_key_is_emitted_stripped(qtbot: QtBot) -> None:
    user, saved = open_dialog(qtbot, has_saved_key=True)
    user.type_key("  new-key-123 ")
    user.press_save()
    assert saved.calls[0][1] == "new-key-123"


def test_typing_then_erasing_leaves_the_saved_key_alone(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot, has_saved_key=True)
    user.type_key("ab")
    user.type_key("\b\b")
    assert user.key_field.text() == ""
    assert user.dialog.new_key() is None


def test_remove_saved_key_emits_an_empty_key(qtbot: QtBot) -> None:
    user, saved = open_dialog(qtbot, has_saved_key=True)
    assert user.remove_key_button.isVisibleTo(user.dialog)
    user.press_remove_key()
    assert "removed when you press OK" in user.key_status.text()
    assert user.key_field.placeholderText() == "Paste your KIE API key"
    assert not user.test_key_button.isEnabled()
    user.press_save()
    assert saved.calls[0][1] == ""


def test_show_toggle_reveals_and_hides_the_typed_key(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot)
    user.type_key("secret")
    user.press_show_key()
    assert user.key_field.echoMode() == QLineEdit.EchoMode.Normal
    assert user.show_key_button.text() == "&Hide"
    user.press_show_key()
    assert user.key_field.echoMode() == QLineEdit.EchoMode.Password


def test_env_key_is_said_not_shown_and_wins(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIE_API_KEY", "env-secret-value")
    user, saved = open_dialog(qtbot, has_saved_key=True, env=None)  # the flag read from the environment
    notes = [label.text() for label in user.dialog.findChildren(QLabel)]
    assert "Using KIE_API_KEY from the environment; it wins over the saved key." in notes
    assert user.key_field.isReadOnly()
    assert user.key_field.text() == ""
    assert user.remove_key_button.isHidden()
    assert user.test_key_button.isEnabled()
    shown = [*notes, user.key_field.text(), user.key_field.placeholderText()]
    assert not any("env-secret-value" in text for text in shown)
    user.press_save()
    assert saved.calls[0][1] is None


def test_without_env_key_there_is_no_env_note(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot, env=None)
    assert not any("KIE_API_KEY" in label.text() for label in user.dialog.findChildren(QLabel))
    assert not user.key_field.isReadOnly()


def test_key_link_opens_kies_page_only_when_clicked(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toString())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    user, _ = open_dialog(qtbot)
    assert opened == []
    assert KEY_PAGE == "https://kie.ai/api-key"
    user.key_link.linkActivated.emit(KEY_PAGE)
    assert opened == [QUrl(KEY_PAGE).toString()]


# --- testing the key through the window ------------------------------------------------------------------


def test_key_test_flow(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot)
    user.type_key(" typed-key ")
    with qtbot.waitSignal(user.dialog.test_key_requested) as request:
        user.press_test_key()
    assert request.args == ["typed-key"]
    assert not user.test_key_button.isEnabled()
    assert user.test_key_button.text() == "Testing…"
    user.dialog.show_key_test_result(True, "Key works: 123.5 credits")
    assert user.key_status.text() == "Key works: 123.5 credits"
    assert user.test_key_button.isEnabled()
    assert user.test_key_button.text() == "&Test key"


def test_saved_key_test_asks_for_the_key_in_effect(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot, has_saved_key=True)
    with qtbot.waitSignal(user.dialog.test_key_requested) as request:
        user.press_test_key()
    assert request.args == [""]


def test_refused_key_is_shown_in_the_error_colour(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot, has_saved_key=True)
    user.press_test_key()
    user.dialog.show_key_test_result(False, "KIE refused this key")
    assert user.key_status.text() == "KIE refused this key"
    assert text_color(user.key_status) == error_color(user.dialog.palette()).name()


def test_a_result_after_closing_is_ignored(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot, has_saved_key=True)
    user.press_test_key()
    user.press_cancel()
    user.dialog.show_key_test_result(True, "Key works: 1 credits")
    assert "Key works" not in user.key_status.text()
    assert "Asking KIE" not in user.key_status.text()
    assert user.test_key_button.isEnabled()
    assert user.test_key_button.text() == "&Test key"


def test_a_result_after_deletion_is_ignored(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings(), key_source=KeySource.KEYRING)  # not given to qtbot: deleted below
    dialog.open()
    SettingsDialogDriver(qtbot, dialog).press_test_key()
    dialog.deleteLater()
    QCoreApplication.sendPostedEvents(None, 0)  # DeferredDelete runs here
    dialog.show_key_test_result(True, "Key works: 1 credits")  # no RuntimeError from a deleted object


def test_a_result_that_was_not_asked_for_is_ignored(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot, has_saved_key=True)
    before = user.key_status.text()
    user.dialog.show_key_test_result(True, "Key works: 1 credits")
    assert user.key_status.text() == before


# --- the folder picker -----------------------------------------------------------------------------------


def test_choose_opens_a_non_blocking_folder_picker(qtbot: QtBot, tmp_path: Path) -> None:
    user, _ = open_dialog(qtbot)
    target = tmp_path / "chosen"
    target.mkdir()
    user.press_choose_folder()  # returns at once: open(), not exec()
    picker = user.dialog.findChild(QFileDialog)
    assert picker is not None and picker.isVisible()
    assert picker.windowModality() == Qt.WindowModality.WindowModal
    assert picker.fileMode() == QFileDialog.FileMode.Directory
    assert picker.testOption(QFileDialog.Option.ShowDirsOnly)
    assert picker.testOption(QFileDialog.Option.DontUseNativeDialog)
    picker.selectFile(str(target))
    picker.accept()
    assert Path(user.folder_field.text()) == target


# --- keyboard --------------------------------------------------------------------------------------------


def test_every_mnemonic_label_has_a_buddy(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot)
    labels = [
        label
        for label in user.dialog.findChildren(QLabel)
        if "&" in label.text() and "<a " not in label.text()
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
    user, _ = open_dialog(qtbot, has_saved_key=True)
    user.choose_format("jpeg")  # quality enabled
    expected = [
        user.key_field,
        user.show_key_button,
        user.test_key_button,
        user.key_link,
        user.remove_key_button,
        user.folder_field,
        user.choose_folder_button,
        user.template_field,
        user.conflict_combo,
        user.format_combo,
        user.quality_spin,
        user.metadata_check,
        user.keep_tree_check,
        user.fit_check,
        user.fit_pixels_check,
        user.concurrency_spin,
        user.cost_spin,
        user.auto_start_check,
        user.batch_budget_spin,
        user.daily_budget_spin,
        user.confirm_over_spin,
        user.language_combo,
    ]
    chain = tab_chain(user.dialog, user.key_field)
    assert chain[: len(expected)] == expected
    # then OK and Cancel, in the order the platform's button-box layout puts them
    assert sorted(map(id, chain[len(expected) :])) == sorted(map(id, [user.ok_button, user.cancel_button]))


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
    user, saved = open_dialog(qtbot, CUSTOM)
    user.set_template("{stem}_{n}.{ext}")
    user.set_cost(0.3)
    user.type_key("round-trip-key")
    user.press_save()
    produced, new_key = saved.calls[0]
    settings_store.save(produced)
    assert new_key is not None
    asyncio.run(key_check.save_key_off_thread(new_key))
    restored = settings_store.load()
    assert restored == produced
    assert settings_store.api_key() == "round-trip-key"
    reopened, _ = open_dialog(qtbot, restored, has_saved_key=True)
    assert reopened.dialog.current_settings() == produced
    assert reopened.key_field.text() == ""


# --- the screenshot --------------------------------------------------------------------------------------


def test_screenshot(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot, has_saved_key=True)
    user.press_test_key()
    user.dialog.show_key_test_result(True, "Key works: 123.5 credits")
    qtbot.waitExposed(user.dialog)
    QApplication.processEvents()
    SCREENSHOTS.mkdir(exist_ok=True)
    assert user.dialog.grab().save(str(SCREENSHOTS / "settings.png"))


def test_template_error_is_recoloured_when_the_palette_turns_dark(qtbot: QtBot) -> None:
    user, _ = open_dialog(qtbot, has_saved_key=True)
    user.set_template("{stem}")
    user.press_test_key()
    user.dialog.show_key_test_result(False, "KIE refused this key")
    dark = QPalette(user.dialog.palette())
    dark.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
    user.dialog.setPalette(dark)
    assert text_color(user.example) == error_color(dark).name()
    assert text_color(user.key_status) == error_color(dark).name()


def test_the_budgets_are_shown_and_saved(qtbot: QtBot) -> None:
    user, saved = open_dialog(qtbot)
    assert user.batch_budget_spin.text() == "no limit" and user.daily_budget_spin.text() == "no limit"
    assert user.confirm_over_spin.value() == 20.0
    user.batch_budget_spin.setValue(5)
    user.daily_budget_spin.setValue(12.5)
    user.confirm_over_spin.setValue(0)
    assert user.confirm_over_spin.text() == "always ask"
    user.ok_button.click()
    ((settings, _key),) = saved.calls
    assert (settings.batch_credits, settings.daily_credits, settings.confirm_over_credits) == (5.0, 12.5, 0.0)
