"""The Settings dialog: opened with `open()` (a window-modal sheet) and answered through signals.

It never blocks the Qt thread and never runs async code itself (DESIGN.md: no `exec()` inside an async
slot). It does not read the keyring: the window says whether a key is saved. It does not call KIE: it
emits `test_key_requested` and shows what the window passes to `show_key_test_result`. A typed key is
never logged or printed, and shown only after the user presses "Show"; a saved or environment key is
never shown at all.

    dialog = SettingsDialog(settings, has_saved_key=True, parent=window)
    dialog.saved.connect(window.apply_settings)          # (Settings, new key or None)
    dialog.test_key_requested.connect(window.test_key)   # later: dialog.show_key_test_result(ok, text)
    dialog.finished.connect(dialog.deleteLater)           # one dialog per opening
    dialog.open()
"""

from __future__ import annotations

import itertools
import os
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QGuiApplication, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from upscaler_gui.core.constants import ENV_API_KEY
from upscaler_gui.core.errors import UpscalerError
from upscaler_gui.core.finish import FORMATS
from upscaler_gui.core.images import EXTENSIONS
from upscaler_gui.core.output import CONFLICT_POLICIES, NameFields, render_name
from upscaler_gui.core.settings import Settings, default_output_dir
from upscaler_gui.ui.panels import KEY_PAGE

# The live example's input: fixed, so the example does not change while the user only watches it.
EXAMPLE_FIELDS = NameFields(
    stem="photo",
    ext="png",
    n=1,
    task_id="task_123",
    width=2048,
    height=1536,
    when=datetime(2026, 5, 17, 14, 30, 5),
)
LOSSY_FORMATS = frozenset({"jpeg", "webp"})  # the formats the quality setting applies to
MAX_CONCURRENCY = 50
MAX_COST_PER_IMAGE = 1000.0


def error_color(palette: QPalette) -> QColor:
    """A red that reads on this palette's background (QPalette has no "error" role)."""
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return QColor("#ff7b72" if dark else "#c62828")


def env_key_is_set() -> bool:
    return bool(os.environ.get(ENV_API_KEY, "").strip())


def _grows(widget: QWidget) -> bool:
    """Line edits take the row's width; spin boxes and combos keep their natural size."""
    return isinstance(widget, QLineEdit)


def _row(*widgets: QWidget, stretch: bool = False) -> QHBoxLayout:
    """Widgets side by side in one form field; `stretch` packs them to the left at their natural size."""
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    if stretch:
        row.addStretch(1)
    return row


def _row_labels(form: QFormLayout) -> list[QLabel]:
    items = (form.itemAt(row, QFormLayout.ItemRole.LabelRole) for row in range(form.rowCount()))
    return [label for item in items if item is not None and isinstance(label := item.widget(), QLabel)]


class SettingsDialog(QDialog):
    """Every user setting on one page; OK emits `saved`, Cancel emits nothing."""

    #: (Settings, new_key): new_key is None when the key was left alone, "" when the user removed it.
    saved = Signal(object, object)
    #: the typed key, or "" for the key in effect (saved or KIE_API_KEY); answer: show_key_test_result.
    test_key_requested = Signal(str)

    def __init__(
        self,
        settings: Settings,
        *,
        has_saved_key: bool,
        env_key_active: bool | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._has_saved_key = has_saved_key
        self._env_key = env_key_is_set() if env_key_active is None else env_key_active
        self._forget_key = False  # "Remove saved key" was pressed
        self._testing = False  # a key test is out; its answer is welcome
        self._key_status_error = False
        self.setWindowTitle(self.tr("Settings"))
        layout = self._layout = QVBoxLayout(self)
        self._forms: list[QFormLayout] = []
        for group in (
            self._account_group(),
            self._results_group(),
            self._queue_group(),
            self._appearance_group(),
        ):
            layout.addWidget(group)
        layout.addStretch(1)  # a taller window gives its extra room here, not between the rows
        layout.addWidget(self._button_box())
        self._align_label_columns()
        self._show_settings(settings)
        self._set_tab_order()

    # --- what the window reads and calls --------------------------------------------------------------

    def current_settings(self) -> Settings:
        """The settings as the form shows them; fields without a control keep their values."""
        folder = self._folder_edit.text().strip()
        return replace(
            self._settings,
            output_dir=str(Path(folder).expanduser()) if folder else "",
            template=self._template_edit.text().strip(),
            on_conflict=str(self._conflict_combo.currentData()),
            output_format=str(self._format_combo.currentData()),
            quality=self._quality_spin.value(),
            keep_metadata=self._metadata_check.isChecked(),
            concurrency=self._concurrency_spin.value(),
            cost_per_image=round(self._cost_spin.value(), 2),
            auto_start=self._auto_start_check.isChecked(),
            language=str(self._language_combo.currentData()),
        )

    def new_key(self) -> str | None:
        """The key to save: None leaves the saved one alone, "" removes it."""
        if self._env_key:
            return None
        typed = self._key_edit.text().strip()
        if typed:
            return typed
        return "" if self._forget_key else None

    def is_valid(self) -> bool:
        return self._ok_button.isEnabled()

    def show_key_test_result(self, ok: bool, text: str) -> None:
        """The answer to `test_key_requested`; ignored when the dialog was closed (or deleted) since."""
        if not shiboken6.isValid(self) or not self._testing:
            return
        self._end_key_test()
        self._set_key_status(text, error=not ok)

    def accept(self) -> None:
        if not self.is_valid():  # Enter on an invalid form: OK is disabled, and so is this
            return
        self.saved.emit(self.current_settings(), self.new_key())
        super().accept()

    def done(self, result: int) -> None:
        if self._testing:  # an answer that arrives after closing is dropped
            self._end_key_test()
            self._show_key_state()  # and "Asking KIE…" is not what a reopened dialog shows
        super().done(result)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        # The error red depends on the palette: recolour when the system switches light/dark.
        recolour = event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange)
        if recolour and hasattr(self, "_ok_button"):  # not while the form is still being built
            self._refresh_template()
            self._set_tone(self._key_status, error=self._key_status_error)
        super().changeEvent(event)

    # --- building the form, one group at a time -------------------------------------------------------

    def _group(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title, self)
        form = QFormLayout(box)
        # Fields grow with the dialog on every platform (macOS's default keeps them at their hint).
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._forms.append(form)
        return box, form

    def _add_field(self, form: QFormLayout, text: str, buddy: QWidget, *more: QWidget) -> None:
        """A labelled row whose mnemonic focuses `buddy`; `more` widgets follow it on the same line.

        QFormLayout only sets the buddy itself when the field is one widget: rows of several need this.
        """
        label = QLabel(text, buddy.parentWidget())
        label.setBuddy(buddy)
        form.addRow(label, _row(buddy, *more, stretch=not _grows(buddy)))

    def _note(self, text: str, parent: QWidget, *, wrap: bool = False) -> QLabel:
        """A quiet explanatory line under or beside a field."""
        label = QLabel(text, parent)
        label.setWordWrap(wrap)
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        return label

    def _account_group(self) -> QGroupBox:
        box, form = self._group(self.tr("KIE account"))
        self._key_edit = QLineEdit(box)
        self._key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self._key_edit.textEdited.connect(self._key_edited)
        self._show_key_button = QPushButton(self.tr("S&how"), box)
        self._show_key_button.setCheckable(True)
        self._show_key_button.toggled.connect(self._toggle_key_visible)
        self._test_button = QPushButton(self.tr("&Test key"), box)
        self._test_button.clicked.connect(self._request_key_test)
        self._add_field(form, self.tr("API &key:"), self._key_edit, self._show_key_button, self._test_button)
        if self._env_key:
            env_note = self.tr("Using KIE_API_KEY from the environment; it wins over the saved key.")
            form.addRow("", self._note(env_note, box, wrap=True))
        form.addRow("", self._key_links_row(box))
        self._key_status = QLabel(box)
        self._key_status.setWordWrap(True)  # KIE's refusals can be two sentences
        form.addRow("", self._key_status)
        return box

    def _key_links_row(self, box: QGroupBox) -> QHBoxLayout:
        self._key_link = QLabel(f'<a href="{KEY_PAGE}">{self.tr("Get a key on kie.ai")}</a>', box)
        self._key_link.setOpenExternalLinks(False)  # opened by us, and only on a click
        self._key_link.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction
        )  # Tab reaches it
        self._key_link.linkActivated.connect(self._open_link)
        self._forget_button = QPushButton(self.tr("&Remove saved key"), box)
        self._forget_button.clicked.connect(self._forget_saved_key)
        self._forget_button.setVisible(self._has_saved_key and not self._env_key)
        row = _row(self._key_link, stretch=True)
        row.addWidget(self._forget_button)
        return row

    def _results_group(self) -> QGroupBox:
        box, form = self._group(self.tr("Results"))
        self._folder_edit = QLineEdit(box)
        self._folder_edit.setPlaceholderText(str(default_output_dir()))
        self._choose_button = QPushButton(self.tr("Ch&oose…"), box)
        self._choose_button.clicked.connect(self._choose_folder)
        self._add_field(form, self.tr("Output &folder:"), self._folder_edit, self._choose_button)
        self._template_edit = QLineEdit(box)
        self._template_edit.setToolTip(self._fields_text())
        self._template_edit.textChanged.connect(self._refresh_template)
        self._add_field(form, self.tr("&Naming:"), self._template_edit)
        self._example = QLabel(box)
        self._example.setWordWrap(True)  # a template's error names every field
        form.addRow("", self._example)
        form.addRow("", self._note(self._fields_text(), box))
        self._add_conflict_rows(box, form)
        self._add_format_rows(box, form)
        return box

    def _fields_text(self) -> str:
        fields = " ".join(f"{{{name}}}" for name in EXAMPLE_FIELDS.as_dict())  # core's order: stem first
        return self.tr("Fields: {fields}").format(fields=fields)

    def _add_conflict_rows(self, box: QGroupBox, form: QFormLayout) -> None:
        self._conflict_combo = QComboBox(box)
        names = {"rename": self.tr("Rename"), "skip": self.tr("Skip"), "overwrite": self.tr("Overwrite")}
        for policy in CONFLICT_POLICIES:
            self._conflict_combo.addItem(names[policy], policy)
        self._conflict_combo.currentIndexChanged.connect(self._refresh_template)
        self._conflict_note = self._note("", box, wrap=True)
        self._add_field(form, self.tr("If the file e&xists:"), self._conflict_combo)
        form.addRow("", self._conflict_note)

    def _add_format_rows(self, box: QGroupBox, form: QFormLayout) -> None:
        self._format_combo = QComboBox(box)
        names = {"keep": self.tr("Keep result's format"), "png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
        for fmt in FORMATS:
            self._format_combo.addItem(names[fmt], fmt)
        self._format_combo.currentIndexChanged.connect(self._format_changed)
        self._quality_spin = QSpinBox(box)
        self._quality_spin.setRange(1, 100)
        quality_label = QLabel(self.tr("&Quality:"), box)
        quality_label.setBuddy(self._quality_spin)
        self._add_field(form, self.tr("For&mat:"), self._format_combo, quality_label, self._quality_spin)
        self._metadata_check = QCheckBox(self.tr("Copy &EXIF and colour profile from the original"), box)
        form.addRow("", self._metadata_check)

    def _queue_group(self) -> QGroupBox:
        box, form = self._group(self.tr("Queue"))
        self._concurrency_spin = QSpinBox(box)
        self._concurrency_spin.setRange(1, MAX_CONCURRENCY)
        concurrency_note = self._note(self.tr("images uploaded or downloaded at once"), box)
        self._add_field(form, self.tr("&Concurrency:"), self._concurrency_spin, concurrency_note)
        self._cost_spin = QDoubleSpinBox(box)
        self._cost_spin.setRange(0.0, MAX_COST_PER_IMAGE)
        self._cost_spin.setDecimals(2)
        self._cost_spin.setSingleStep(0.1)
        self._cost_spin.setSuffix(self.tr(" credits"))
        cost_note = self._note(self.tr("used to estimate the cost of what is queued"), box)
        self._add_field(form, self.tr("Cost &per image:"), self._cost_spin, cost_note)
        self._auto_start_check = QCheckBox(self.tr("&Start new images at once"), box)
        form.addRow("", self._auto_start_check)
        return box

    def _appearance_group(self) -> QGroupBox:
        box, form = self._group(self.tr("Appearance"))
        self._language_combo = QComboBox(box)
        # Each language in its own name, so a user who cannot read the current one still finds theirs.
        for name, code in ((self.tr("System"), ""), ("English", "en"), ("Русский", "ru")):
            self._language_combo.addItem(name, code)
        restart_note = self._note(self.tr("takes effect after a restart"), box)
        self._add_field(form, self.tr("&Language:"), self._language_combo, restart_note)
        form.addRow("", self._note(self.tr("The theme follows the system's light or dark mode."), box))
        return box

    def _align_label_columns(self) -> None:
        """One label column width for every group, so the fields line up down the whole dialog."""
        labels = [label for form in self._forms for label in _row_labels(form)]
        width = max(label.sizeHint().width() for label in labels)
        for label in labels:
            label.setMinimumWidth(width)
            # The style's side (left, or right on macOS), now inside a wider box; level with the field.
            label.setAlignment(self._forms[0].labelAlignment() | Qt.AlignmentFlag.AlignVCenter)

    def _button_box(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self._ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._ok_button.setDefault(True)
        # Enter means OK from any field; the other buttons answer Space when they have focus.
        for button in self.findChildren(QPushButton):
            if button is not self._ok_button:
                button.setAutoDefault(False)
        return buttons

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [
            self._key_edit,
            self._show_key_button,
            self._test_button,
            self._key_link,
            self._forget_button,
            self._folder_edit,
            self._choose_button,
            self._template_edit,
            self._conflict_combo,
            self._format_combo,
            self._quality_spin,
            self._metadata_check,
            self._concurrency_spin,
            self._cost_spin,
            self._auto_start_check,
            self._language_combo,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- showing values --------------------------------------------------------------------------------

    def _show_settings(self, settings: Settings) -> None:
        self._show_key_state()
        self._folder_edit.setText(settings.output_dir)
        self._template_edit.setText(settings.template)
        self._select(self._conflict_combo, settings.on_conflict)
        self._select(self._format_combo, settings.output_format)
        self._quality_spin.setValue(settings.quality)
        self._metadata_check.setChecked(settings.keep_metadata)
        self._concurrency_spin.setValue(settings.concurrency)
        self._cost_spin.setValue(settings.cost_per_image)
        self._auto_start_check.setChecked(settings.auto_start)
        self._select(self._language_combo, settings.language)
        self._format_changed()

    @staticmethod
    def _select(combo: QComboBox, value: str) -> None:
        """Select the item holding `value`; an unknown value (a hand-edited file) keeps the first item."""
        combo.setCurrentIndex(max(combo.findData(value), 0))

    def _show_key_state(self) -> None:
        """The key field never shows a saved or environment key: only whether one is there."""
        if self._env_key:
            self._key_edit.setReadOnly(True)
            self._key_edit.setPlaceholderText(self.tr("Set by KIE_API_KEY"))
            self._show_key_button.setEnabled(False)
        elif self._has_saved_key and not self._forget_key:
            self._key_edit.setPlaceholderText(self.tr("•••••••• (saved)"))
        else:
            self._key_edit.setPlaceholderText(self.tr("Paste your KIE API key"))
        self._update_key_buttons()
        self._set_key_status(self.tr("Test key asks KIE for your credit balance; it costs nothing."))

    def _update_key_buttons(self) -> None:
        has_key = (
            bool(self._key_edit.text().strip())
            or self._env_key
            or (self._has_saved_key and not self._forget_key)
        )
        self._test_button.setEnabled(has_key and not self._testing)
        self._forget_button.setEnabled(not self._forget_key)

    def _set_key_status(self, text: str, *, error: bool = False) -> None:
        self._key_status.setText(text)
        self._key_status_error = error
        self._set_tone(self._key_status, error=error)
        self._fit_height()

    def _set_tone(self, label: QLabel, *, error: bool) -> None:
        palette = self.palette()
        if error:
            palette.setColor(QPalette.ColorRole.WindowText, error_color(palette))
        label.setPalette(palette)

    # --- reacting to the user ---------------------------------------------------------------------------

    def _key_edited(self) -> None:
        if not self._testing:  # a result shown for the previous text would now mislead
            self._show_key_state()
        self._update_key_buttons()

    def _toggle_key_visible(self, visible: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password
        self._key_edit.setEchoMode(mode)
        self._show_key_button.setText(self.tr("&Hide") if visible else self.tr("S&how"))

    def _forget_saved_key(self) -> None:
        self._forget_key = True
        self._key_edit.clear()
        self._show_key_state()
        self._set_key_status(self.tr("The saved key will be removed when you press OK."))

    def _request_key_test(self) -> None:
        self._testing = True
        self._test_button.setText(self.tr("Testing…"))
        self._update_key_buttons()
        self._set_key_status(self.tr("Asking KIE…"))
        self.test_key_requested.emit(self._key_edit.text().strip())

    def _end_key_test(self) -> None:
        self._testing = False
        self._test_button.setText(self.tr("&Test key"))
        self._update_key_buttons()

    def _open_link(self, url: str) -> None:
        QDesktopServices.openUrl(QUrl(url))

    def _choose_folder(self) -> None:
        """A non-blocking folder picker: open(), and the answer arrives through fileSelected."""
        start = self._folder_edit.text().strip() or str(default_output_dir())
        picker = QFileDialog(self, self.tr("Choose the output folder"), start)
        picker.setFileMode(QFileDialog.FileMode.Directory)
        picker.setOption(QFileDialog.Option.ShowDirsOnly, True)
        if QGuiApplication.platformName() == "offscreen":  # tests: a native dialog could not be driven
            picker.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        picker.fileSelected.connect(self._folder_edit.setText)
        picker.finished.connect(picker.deleteLater)
        picker.open()

    def _format_changed(self) -> None:
        self._quality_spin.setEnabled(self._format_combo.currentData() in LOSSY_FORMATS)
        self._refresh_template()

    def _refresh_template(self) -> None:
        """The live example, the conflict note and OK's state follow the template as it is typed."""
        try:
            name = self._example_name()
        except (UpscalerError, ValueError) as exc:  # ValueError: a format spec such as {n:d}
            self._show_template_problem(exc.user_text() if isinstance(exc, UpscalerError) else str(exc))
        else:
            self._show_example(name)
        self._fit_height()

    def _show_example(self, name: str) -> None:
        self._example.setText(self.tr("Example: {name}").format(name=name))
        self._set_tone(self._example, error=False)
        self._conflict_note.setText(self._conflict_text(name))
        self._ok_button.setEnabled(True)

    def _show_template_problem(self, problem: str) -> None:
        self._example.setText(self.tr("Not valid: {problem}").format(problem=problem))
        self._set_tone(self._example, error=True)
        self._conflict_note.setText("")
        self._ok_button.setEnabled(False)

    def _example_name(self) -> str:
        fmt = str(self._format_combo.currentData())
        fields = replace(EXAMPLE_FIELDS, ext=EXTENSIONS.get(fmt.upper(), EXAMPLE_FIELDS.ext))
        return render_name(self._template_edit.text().strip(), fields)

    def _conflict_text(self, name: str) -> str:
        policy = self._conflict_combo.currentData()
        if policy == "skip":
            return self.tr("If that name exists: leave the existing file and don't save the result")
        if policy == "overwrite":
            return self.tr("If that name exists: replace the existing file")
        stem, dot, ext = name.rpartition(".")
        return self.tr("If that name exists: keep it and save as {other}").format(other=f"{stem}-1{dot}{ext}")

    # --- size ---------------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        self._fit_height()
        super().showEvent(event)

    def _fit_height(self) -> None:
        """Never let the window squeeze wrapped text into overlapping lines.

        Qt's minimum size for a top-level window ignores height-for-width (wrapped labels), so the
        minimum height is set from the height the content needs at the narrowest width allowed.
        """
        narrowest = self._layout.minimumSize().width()
        self.setMinimumHeight(self._layout.totalHeightForWidth(narrowest))
