"""The Settings dialog's smaller groups: Queue (how many at once, cost) and Appearance (language).

Texts are translated in the dialog's context ("SettingsDialog").
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QSpinBox, QWidget

from upscaler_gui.core.settings import Settings
from upscaler_gui.ui.settings.form import add_field, named, new_group, note, select

MAX_CONCURRENCY = 50
MAX_COST_PER_IMAGE = 1000.0


translate = QCoreApplication.translate  # literal contexts below: lupdate reads them


class QueueGroup:
    """How many images are uploaded or downloaded at once, the cost estimate, and auto-start."""

    def __init__(self, dialog: QWidget) -> None:
        self.box, self.form = new_group(translate("SettingsDialog", "Queue"), dialog)
        box = self.box
        self.concurrency_spin = named(QSpinBox(box), "concurrency")
        self.concurrency_spin.setRange(1, MAX_CONCURRENCY)
        concurrency_note = note(translate("SettingsDialog", "images uploaded or downloaded at once"), box)
        add_field(
            self.form, translate("SettingsDialog", "&Concurrency:"), self.concurrency_spin, concurrency_note
        )
        self.cost_spin = named(QDoubleSpinBox(box), "cost-per-image")
        self.cost_spin.setRange(0.0, MAX_COST_PER_IMAGE)
        self.cost_spin.setDecimals(2)
        self.cost_spin.setSingleStep(0.1)
        self.cost_spin.setSuffix(translate("SettingsDialog", " credits"))
        cost_note = note(translate("SettingsDialog", "used to estimate the cost of what is queued"), box)
        add_field(self.form, translate("SettingsDialog", "Cost &per image:"), self.cost_spin, cost_note)
        auto_start_text = translate("SettingsDialog", "&Start new images at once")
        self.auto_start_check = named(QCheckBox(auto_start_text, box), "auto-start")
        self.form.addRow("", self.auto_start_check)

    def show(self, settings: Settings) -> None:
        self.concurrency_spin.setValue(settings.concurrency)
        self.cost_spin.setValue(settings.cost_per_image)
        self.auto_start_check.setChecked(settings.auto_start)

    def tab_chain(self) -> list[QWidget]:
        return [self.concurrency_spin, self.cost_spin, self.auto_start_check]


class AppearanceGroup:
    """The language (the theme follows the system)."""

    def __init__(self, dialog: QWidget) -> None:
        self.box, self.form = new_group(translate("SettingsDialog", "Appearance"), dialog)
        self.language_combo = named(QComboBox(self.box), "language")
        # Each language in its own name, so a user who cannot read the current one still finds theirs.
        for name, code in ((translate("SettingsDialog", "System"), ""), ("English", "en"), ("Русский", "ru")):
            self.language_combo.addItem(name, code)
        restart_note = note(translate("SettingsDialog", "takes effect after a restart"), self.box)
        add_field(self.form, translate("SettingsDialog", "&Language:"), self.language_combo, restart_note)
        self.form.addRow(
            "",
            note(translate("SettingsDialog", "The theme follows the system's light or dark mode."), self.box),
        )

    def show(self, settings: Settings) -> None:
        select(self.language_combo, settings.language)

    def tab_chain(self) -> list[QWidget]:
        return [self.language_combo]
