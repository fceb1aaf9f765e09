"""The Settings dialog's Spending group: the budget of a batch, of a day, and when to ask before a batch.

Texts are translated in the dialog's context ("SettingsDialog").
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDoubleSpinBox, QWidget

from upscaler_gui.core.settings import Settings
from upscaler_gui.ui.settings.form import add_field, named, new_group, note

MAX_CREDITS = 1_000_000.0

translate = QCoreApplication.translate  # literal contexts below: lupdate reads them


def _credits_spin(parent: QWidget, name: str, zero_text: str) -> QDoubleSpinBox:
    spin = named(QDoubleSpinBox(parent), name)
    spin.setRange(0.0, MAX_CREDITS)
    spin.setDecimals(1)
    spin.setSingleStep(1.0)
    spin.setSuffix(translate("SettingsDialog", " credits"))
    spin.setSpecialValueText(zero_text)  # shown for 0
    return spin


class SpendingGroup:
    """Budgets (0: none) and the cost over which adding a batch asks first."""

    def __init__(self, dialog: QWidget) -> None:
        self.box, self.form = new_group(translate("SettingsDialog", "Spending"), dialog)
        box, no_limit = self.box, translate("SettingsDialog", "no limit")
        self.batch_spin = _credits_spin(box, "batch-budget", no_limit)
        batch_note = note(translate("SettingsDialog", "until the queue is empty again"), box)
        add_field(self.form, translate("SettingsDialog", "&Budget per batch:"), self.batch_spin, batch_note)
        self.daily_spin = _credits_spin(box, "daily-budget", no_limit)
        daily_note = note(translate("SettingsDialog", "the window and the command line together"), box)
        add_field(self.form, translate("SettingsDialog", "Budget per &day:"), self.daily_spin, daily_note)
        self.confirm_spin = _credits_spin(box, "confirm-over", translate("SettingsDialog", "always ask"))
        confirm_note = note(translate("SettingsDialog", "shows the count, cost and balance first"), box)
        add_field(
            self.form,
            translate("SettingsDialog", "As&k before a batch over:"),
            self.confirm_spin,
            confirm_note,
        )
        self.form.addRow(
            "",
            note(translate("SettingsDialog", "Images past a budget wait as over budget, kept."), box),
        )

    def show(self, settings: Settings) -> None:
        self.batch_spin.setValue(settings.batch_credits)
        self.daily_spin.setValue(settings.daily_credits)
        self.confirm_spin.setValue(settings.confirm_over_credits)

    def read(self, settings: Settings) -> Settings:
        return replace(
            settings,
            batch_credits=round(self.batch_spin.value(), 1),
            daily_credits=round(self.daily_spin.value(), 1),
            confirm_over_credits=round(self.confirm_spin.value(), 1),
        )

    def tab_chain(self) -> list[QWidget]:
        return [self.batch_spin, self.daily_spin, self.confirm_spin]
