"""The Settings dialog's Results group: where results go, how they are named, and in which format.

The naming template shows a live example as it is typed; a template that cannot be rendered says why and
makes the dialog invalid (through `set_valid`). Texts are translated in the dialog's context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from upscaler_gui.core.errors import UpscalerError
from upscaler_gui.core.finish import FORMATS
from upscaler_gui.core.images import EXTENSIONS
from upscaler_gui.core.output import CONFLICT_POLICIES, NameFields, render_name, tree_template
from upscaler_gui.core.settings import Settings, default_output_dir
from upscaler_gui.ui.settings.form import add_field, named, new_group, note, select, set_tone

# The live example's input: fixed, so the example does not change while the user only watches it.
EXAMPLE_FIELDS = NameFields(
    stem="photo",
    ext="png",
    n=1,
    task_id="task_123",
    width=2048,
    height=1536,
    when=datetime(2026, 5, 17, 14, 30, 5),
    relpath="trip/day 1",
)
LOSSY_FORMATS = frozenset({"jpeg", "webp"})  # the formats the quality setting applies to


translate = QCoreApplication.translate  # literal contexts below: lupdate reads them


class ResultsGroup:
    """Output folder, naming template and its example, what to do when the name exists, format."""

    def __init__(
        self, dialog: QWidget, *, set_valid: Callable[[bool], None], relayout: Callable[[], None]
    ) -> None:
        self._dialog = dialog
        self._set_valid = set_valid
        self._relayout = relayout
        self.box, self.form = new_group(translate("SettingsDialog", "Results"), dialog)
        self._build(self.box)

    def show(self, settings: Settings) -> None:
        self.folder_edit.setText(settings.output_dir)
        self.template_edit.setText(settings.template)
        select(self.conflict_combo, settings.on_conflict)
        select(self.format_combo, settings.output_format)
        self.quality_spin.setValue(settings.quality)
        self.metadata_check.setChecked(settings.keep_metadata)
        self.tree_check.setChecked(settings.keep_tree)
        self.fit_check.setChecked(settings.fit_to_limit)
        self.fit_pixels_check.setChecked(settings.fit_pixels)

    def tab_chain(self) -> list[QWidget]:
        return [
            self.folder_edit,
            self.choose_button,
            self.template_edit,
            self.conflict_combo,
            self.format_combo,
            self.quality_spin,
            self.metadata_check,
            self.tree_check,
            self.fit_check,
            self.fit_pixels_check,
        ]

    def format_changed(self) -> None:
        self.quality_spin.setEnabled(self.format_combo.currentData() in LOSSY_FORMATS)
        self.refresh_template()

    def refresh_template(self) -> None:
        """The live example, the conflict note and OK's state follow the template as it is typed."""
        try:
            name = self._example_name()
        except (UpscalerError, ValueError) as exc:  # ValueError: a format spec such as {n:d}
            self._show_template_problem(exc.user_text() if isinstance(exc, UpscalerError) else str(exc))
        else:
            self._show_example(name)
        self._relayout()

    # --- building --------------------------------------------------------------------------------------

    def _build(self, box: QGroupBox) -> None:
        self.folder_edit = named(QLineEdit(box), "output-folder")
        self.folder_edit.setPlaceholderText(str(default_output_dir()))
        self.choose_button = named(QPushButton(translate("SettingsDialog", "Ch&oose…"), box), "choose-folder")
        self.choose_button.clicked.connect(self._choose_folder)
        add_field(
            self.form, translate("SettingsDialog", "Output &folder:"), self.folder_edit, self.choose_button
        )
        self.template_edit = named(QLineEdit(box), "naming-template")
        self.template_edit.setToolTip(_fields_text())
        self.template_edit.textChanged.connect(self.refresh_template)
        add_field(self.form, translate("SettingsDialog", "&Naming:"), self.template_edit)
        self.example = named(QLabel(box), "naming-example")
        self.example.setWordWrap(True)  # a template's error names every field
        self.form.addRow("", self.example)
        self.form.addRow("", note(_fields_text(), box))
        self._add_conflict_rows(box)
        self._add_format_rows(box)

    def _add_conflict_rows(self, box: QGroupBox) -> None:
        self.conflict_combo = named(QComboBox(box), "if-file-exists")
        names = {
            "rename": translate("SettingsDialog", "Rename"),
            "skip": translate("SettingsDialog", "Skip"),
            "overwrite": translate("SettingsDialog", "Overwrite"),
        }
        for policy in CONFLICT_POLICIES:
            self.conflict_combo.addItem(names[policy], policy)
        self.conflict_combo.currentIndexChanged.connect(self.refresh_template)
        self.conflict_note = named(note("", box, wrap=True), "if-file-exists-note")
        add_field(self.form, translate("SettingsDialog", "If the file e&xists:"), self.conflict_combo)
        self.form.addRow("", self.conflict_note)

    def _add_format_rows(self, box: QGroupBox) -> None:
        self.format_combo = named(QComboBox(box), "output-format")
        names = {
            "keep": translate("SettingsDialog", "Keep result's format"),
            "png": "PNG",
            "jpeg": "JPEG",
            "webp": "WEBP",
        }
        for fmt in FORMATS:
            self.format_combo.addItem(names[fmt], fmt)
        self.format_combo.currentIndexChanged.connect(self.format_changed)
        self.quality_spin = named(QSpinBox(box), "quality")
        self.quality_spin.setRange(1, 100)
        quality_label = QLabel(translate("SettingsDialog", "&Quality:"), box)
        quality_label.setBuddy(self.quality_spin)
        add_field(
            self.form,
            translate("SettingsDialog", "For&mat:"),
            self.format_combo,
            quality_label,
            self.quality_spin,
        )
        metadata_text = translate("SettingsDialog", "Copy &EXIF and colour profile from the original")
        self.metadata_check = named(QCheckBox(metadata_text, box), "keep-metadata")
        self.form.addRow("", self.metadata_check)
        self._add_input_rows(box)

    def _add_input_rows(self, box: QGroupBox) -> None:
        """The folder tree, and what is done to an image KIE would refuse as it is."""
        tree_text = translate("SettingsDialog", "Put results in the s&ubfolders of a dropped folder")
        self.tree_check = named(QCheckBox(tree_text, box), "keep-tree")
        self.tree_check.toggled.connect(self.refresh_template)
        fit_text = translate("SettingsDialog", "Re-encode ima&ges over KIE's 10 MB to fit")
        self.fit_check = named(QCheckBox(fit_text, box), "fit-to-limit")
        pixels_text = translate("SettingsDialog", "Scale do&wn to KIE's pixel limits (16 MP, 4096 px a side)")
        self.fit_pixels_check = named(QCheckBox(pixels_text, box), "fit-pixels")
        for check in (self.tree_check, self.fit_check, self.fit_pixels_check):
            self.form.addRow("", check)

    # --- reacting to the user --------------------------------------------------------------------------

    def _choose_folder(self) -> None:
        """A non-blocking folder picker: open(), and the answer arrives through fileSelected."""
        start = self.folder_edit.text().strip() or str(default_output_dir())
        picker = QFileDialog(self._dialog, translate("SettingsDialog", "Choose the output folder"), start)
        picker.setFileMode(QFileDialog.FileMode.Directory)
        picker.setOption(QFileDialog.Option.ShowDirsOnly, True)
        if QGuiApplication.platformName() == "offscreen":  # tests: a native dialog could not be driven
            picker.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        picker.fileSelected.connect(self.folder_edit.setText)
        picker.finished.connect(picker.deleteLater)
        picker.open()

    def _show_example(self, name: str) -> None:
        self.example.setText(translate("SettingsDialog", "Example: {name}").format(name=name))
        set_tone(self.example, self._dialog.palette(), error=False)
        self.conflict_note.setText(self._conflict_text(name))
        self._set_valid(True)

    def _show_template_problem(self, problem: str) -> None:
        self.example.setText(translate("SettingsDialog", "Not valid: {problem}").format(problem=problem))
        set_tone(self.example, self._dialog.palette(), error=True)
        self.conflict_note.setText("")
        self._set_valid(False)

    def _example_name(self) -> str:
        fmt = str(self.format_combo.currentData())
        fields = replace(EXAMPLE_FIELDS, ext=EXTENSIONS.get(fmt.upper(), EXAMPLE_FIELDS.ext))
        template = self.template_edit.text().strip()
        return render_name(tree_template(template) if self.tree_check.isChecked() else template, fields)

    def _conflict_text(self, name: str) -> str:
        policy = self.conflict_combo.currentData()
        if policy == "skip":
            return translate(
                "SettingsDialog", "If that name exists: leave the existing file and don't save the result"
            )
        if policy == "overwrite":
            return translate("SettingsDialog", "If that name exists: replace the existing file")
        stem, dot, ext = name.rpartition(".")
        return translate("SettingsDialog", "If that name exists: keep it and save as {other}").format(
            other=f"{stem}-1{dot}{ext}"
        )


def _fields_text() -> str:
    fields = " ".join(f"{{{name}}}" for name in EXAMPLE_FIELDS.as_dict())  # core's order: stem first
    return translate("SettingsDialog", "Fields: {fields}").format(fields=fields)
