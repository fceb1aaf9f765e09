"""The window's budgets and the cost of a batch before it is added.

The settings hold the batch and daily budgets (0: none) and the cost over which the window asks before
adding a batch. A batch, for the window, is what runs between two moments the queue is empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from upscaler_gui.core.engine.budget import BudgetLimits, limit_or_none
from upscaler_gui.core.settings import Settings
from upscaler_gui.core.sources import Item, Rejected


@dataclass(frozen=True)
class BatchQuote:
    """What a batch about to be added would cost (each usable input at the price setting)."""

    items: list[Item]
    count: int
    cost: float
    balance: float | None  # the credit balance, when KIE said it

    @property
    def uncovered(self) -> bool:
        """The balance is known and does not cover the batch."""
        return self.balance is not None and self.balance < self.cost


def window_limits(settings: Settings) -> BudgetLimits:
    return BudgetLimits(
        batch=limit_or_none(settings.batch_credits), daily=limit_or_none(settings.daily_credits)
    )


def quote(items: list[Item], settings: Settings, balance: float | None) -> BatchQuote:
    count = sum(not isinstance(item, Rejected) for item in items)
    return BatchQuote(items, count, round(count * settings.cost_per_image, 6), balance)


def asks_first(batch: BatchQuote, settings: Settings) -> bool:
    """A batch costing more than the setting says is shown with its cost and balance, and asked about."""
    return batch.count > 0 and batch.cost > settings.confirm_over_credits
