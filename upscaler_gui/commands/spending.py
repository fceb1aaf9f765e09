"""The command line's price and budgets: --max-credits for this run, the daily budget and the price from
the settings the window keeps (one daily budget for every run, whichever started it)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from upscaler_gui.core import settings
from upscaler_gui.core.engine.budget import BudgetLimits, limit_or_none
from upscaler_gui.core.errors import UpscalerError


@dataclass(frozen=True)
class Spending:
    price: float  # credits one image is counted at until KIE says what it cost
    limits: BudgetLimits


def spending_from_args(args: argparse.Namespace) -> Spending:
    """The price and the limits; `UpscalerError` names a --max-credits that cannot be a budget."""
    max_credits = getattr(args, "max_credits", None)
    if max_credits is not None and not max_credits > 0:
        raise UpscalerError(f"--max-credits must be a number of credits above 0, not {max_credits:g}.")
    saved = settings.load()
    daily = limit_or_none(saved.daily_credits)
    return Spending(saved.cost_per_image, BudgetLimits(batch=max_credits, daily=daily))
