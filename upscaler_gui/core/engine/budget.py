"""The budgets: what this batch may spend, and what today may spend across runs.

A create is counted at the price setting the moment it may leave (`reserve`, called by the create
stage right before the request is sent) and given back only when KIE certainly did not make it
(`release`). `reserve` checks and counts in one step with no `await` between them, so creates running
at once on the event loop can never together pass a limit. Today's spending by earlier runs (and other
processes) is read from the job store when the engine starts and again at the first create of a new day.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from upscaler_gui.core import log
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.spending import since_midnight

EPSILON = 1e-9  # 4 x 0.5 must equal 2.0, whatever floating point says

OVER_BATCH = (
    "Over budget: this batch may spend {limit:g} credits and {spent:g} are spent or under way; "
    "a larger budget lets the rest go on."
)
OVER_DAY = (
    "Over budget: today's budget of {limit:g} credits is spent ({spent:g} so far); "
    "a larger daily budget, or tomorrow, lets the rest go on."
)


@dataclass(frozen=True)
class BudgetLimits:
    """None: no limit."""

    batch: float | None = None
    daily: float | None = None


class Budget:
    def __init__(
        self, limits: BudgetLimits, spent_today: Callable[[float], Awaitable[float]] | None = None
    ) -> None:
        self.limits = limits
        self._spent_today = spent_today  # credits the store knows of since a moment (earlier runs)
        self.batch_spent = 0.0
        self._day = 0.0  # the midnight `_before_today` was read at
        self._before_today = 0.0
        self._here_today = 0.0

    async def load_day(self) -> None:
        """Read today's spending from the store, once a day (at the start, then on a new day)."""
        midnight = since_midnight()
        if midnight == self._day:
            return
        before = await self._spent_today(midnight) if self._spent_today is not None else 0.0
        if midnight != self._day:  # two creates may have asked at once: the first one counts
            self._day, self._before_today, self._here_today = midnight, before, 0.0
            log.jobs.info("spent today before this run: %g credits", before)

    @property
    def spent_today(self) -> float:
        return self._before_today + self._here_today

    def refusal(self, cost: float) -> str | None:
        """Why a create of `cost` would pass a limit, or None."""
        batch, daily = self.limits.batch, self.limits.daily
        if batch is not None and self.batch_spent + cost > batch + EPSILON:
            return tr(OVER_BATCH).format(limit=batch, spent=self.batch_spent)
        if daily is not None and self.spent_today + cost > daily + EPSILON:
            return tr(OVER_DAY).format(limit=daily, spent=self.spent_today)
        return None

    def reserve(self, cost: float) -> str | None:
        """Count a create that is about to leave, or say why it may not (then nothing is counted)."""
        refusal = self.refusal(cost)
        if refusal is None:
            self.batch_spent += cost
            self._here_today += cost
        return refusal

    def release(self, cost: float) -> None:
        """A create KIE certainly did not make: not spent after all."""
        self.batch_spent = max(0.0, self.batch_spent - cost)
        self._here_today = max(0.0, self._here_today - cost)

    def new_batch(self) -> None:
        """The window's queue ran dry: the next images are a new batch."""
        self.batch_spent = 0.0

    def set_limits(self, limits: BudgetLimits) -> None:
        self.limits = limits


def limit_or_none(value: float | None) -> float | None:
    """A setting's 0 (or nothing) means no limit."""
    return value if value is not None and value > 0 else None
