"""Before a costly batch: how many images, what they cost and the balance, then the user's yes or no.

The controller holds back a batch costing more than the setting and emits it; this asks (a window-modal
box that never blocks) and adds it only on yes. A smaller batch the balance may not cover is added and
said on the status line.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from upscaler_gui.ui.bridge.budget import BatchQuote
from upscaler_gui.ui.bridge.controller import EngineController
from upscaler_gui.ui.shell.asking import ask

Spawn = Callable[[Coroutine[Any, Any, Any], str], None]
translate = QCoreApplication.translate  # literal contexts below: lupdate reads them


def batch_details(batch: BatchQuote) -> str:
    cost = translate("BatchQuestion", "About {cost:g} credits for {count} new tasks.").format(
        cost=batch.cost, count=batch.count
    )
    if batch.balance is None:
        balance = translate("BatchQuestion", "The balance could not be read.")
    else:
        balance = translate("BatchQuestion", "Balance: {balance:g} credits.").format(balance=batch.balance)
    lines = [cost, balance]
    if batch.uncovered:
        lines.append(
            translate(
                "BatchQuestion",
                "The balance does not cover this batch: the queue pauses when the credits run out.",
            )
        )
    return "\n".join(lines)


def ask_batch_cost(parent: QWidget, batch: BatchQuote, on_yes: Callable[[], None]) -> QMessageBox:
    return ask(
        parent,
        title=translate("BatchQuestion", "Upscale these images?"),
        text=translate("BatchQuestion", "Upscale {count} images?").format(count=batch.count),
        details=batch_details(batch),
        yes=translate("BatchQuestion", "Upscale"),
        no=translate("BatchQuestion", "Cancel"),
        on_yes=on_yes,
    )


def wire_batch_question(
    parent: QWidget, controller: EngineController, spawn: Spawn, say: Callable[[str], None]
) -> None:
    """The window's part: ask about held-back batches, and say the warnings."""

    def confirm(batch: BatchQuote) -> None:
        ask_batch_cost(parent, batch, lambda: spawn(controller.add_confirmed(batch), "Adding images"))

    controller.batch_to_confirm.connect(confirm)
    controller.batch_warning.connect(say)
