"""What an error means for a job and for the queue, in one place.

- a refused key, or KIE's firewall refusing the app, stops the queue; out of credits, a sub-key limit
  or the user's budget pauses it; the job is kept;
- a create whose outcome cannot be known makes the job `unknown`, never sent again by itself;
- a task KIE failed transiently is tried once more as a new task; otherwise it fails with KIE's words;
- 429s never fail a job (the wait is the Retry-After, capped); other transient faults are retried
  with capped backoff; a result that cannot be used (not an image, too slow to come) only a few times,
  even by the patient stages;
- anything else about this one input fails this job only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from upscaler_gui.core import log
from upscaler_gui.core.constants import RETRY_AFTER_CAP_S
from upscaler_gui.core.engine.events import PauseReason
from upscaler_gui.core.errors import (
    CreateOutcomeUnknownError,
    KieAuthError,
    KieConnectionError,
    KieCreditsError,
    KieError,
    KieFirewallError,
    KieRateLimitError,
    KieSubKeyLimitError,
    KieTaskFailedError,
    OverBudgetError,
    ResultUnusableError,
    UpscalerError,
)
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.kie.retry import capped_retry_after

Verdict = Literal["pause", "unknown", "new_task", "wait", "retry", "fail"]

STAGE_ROUNDS = 4  # engine-level rounds for a transient fault (each round is a client call with retries)
ROUND_BASE_S = 2.0
ROUND_CAP_S = 60.0  # a job that keeps hitting faults is looked at again at least every minute
RATE_LIMIT_WAIT_S = 5.0
# A result host that refuses connections round after round (a demo server that is gone, a host down):
# after these rounds (about 5 minutes) the job fails with its paid result kept, for a free retry.
DOWNLOAD_CONNECT_ROUNDS = 8
RATE_LIMIT_WAIT_CAP_S = RETRY_AFTER_CAP_S  # a Retry-After of a day is waited a minute, then asked again


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    pause: PauseReason | None = None
    delay_s: float = 0.0


# Errors every next create would meet too: the queue pauses (an over-budget create was never sent).
PAUSING = (KieAuthError, KieCreditsError, KieSubKeyLimitError, KieFirewallError, OverBudgetError)


def pause_reason(exc: UpscalerError) -> PauseReason:
    if isinstance(exc, OverBudgetError):
        return PauseReason("budget", exc.message)
    if isinstance(exc, KieFirewallError):  # every request would be refused alike: stop, jobs kept
        return PauseReason("firewall", exc.user_text())
    if isinstance(exc, KieAuthError):
        return PauseReason("key", tr("KIE refused the API key: enter a valid key, then resume."))
    if isinstance(exc, KieCreditsError):
        return PauseReason("credits", tr("Out of credits: top up on kie.ai, then resume."))
    return PauseReason(
        "key_limit", tr("This key reached its own limit on KIE: raise the limit, then resume.")
    )


def round_delay(round_no: int, rng: random.Random | None = None) -> float:
    """Backoff between engine rounds: exponential, jittered, capped."""
    ceiling = min(ROUND_CAP_S, ROUND_BASE_S * 2 ** max(0, round_no - 1))
    return (rng or random).uniform(ceiling / 2, ceiling)


def judge(
    exc: UpscalerError,
    *,
    rounds: int,
    patient: bool,
    auto_retries_left: bool,
    downloading: bool = False,
) -> Outcome:
    """The verdict for a stage that raised `exc` after `rounds` earlier transient rounds.

    `patient` stages (polling, downloading a billed result) never give up on transient faults, except
    a result that cannot be used (fetched STAGE_ROUNDS + 1 times at most) and a result host that cannot
    be reached at all (DOWNLOAD_CONNECT_ROUNDS).
    """
    if isinstance(exc, PAUSING):
        return Outcome("pause", pause=pause_reason(exc))
    if isinstance(exc, CreateOutcomeUnknownError):
        return Outcome("unknown")
    if isinstance(exc, KieTaskFailedError):
        return Outcome("new_task") if exc.transient and auto_retries_left else Outcome("fail")
    if isinstance(exc, KieRateLimitError):
        retry_after = capped_retry_after(exc.retry_after, cap=RATE_LIMIT_WAIT_CAP_S, logger=log.jobs)
        return Outcome("wait", delay_s=max(RATE_LIMIT_WAIT_S, retry_after or 0.0))
    unreachable = downloading and isinstance(exc, KieConnectionError) and not exc.sent
    endless = patient and not isinstance(exc, ResultUnusableError) and not unreachable
    limit = DOWNLOAD_CONNECT_ROUNDS if unreachable else STAGE_ROUNDS
    if isinstance(exc, KieError) and exc.transient and (endless or rounds < limit):
        return Outcome("retry", delay_s=round_delay(rounds + 1))
    return Outcome("fail")
