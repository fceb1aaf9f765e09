"""When a failed KIE call may be sent again, after how long, and the loop that does it.

What is safe (kie-api.md "Retries"): reads and uploads retry on any transient failure. A create is
billed, so it is sent again only when it certainly did not reach KIE (connect failed) or was certainly
rejected (429, 455); any other failure once it may have been sent becomes CreateOutcomeUnknownError.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from upscaler_gui.core import log
from upscaler_gui.core.constants import (
    RETRY_AFTER_CAP_S,
    RETRY_ATTEMPTS,
    RETRY_BASE_DELAY_S,
    RETRY_MAX_DELAY_S,
)
from upscaler_gui.core.errors import (
    CreateOutcomeUnknownError,
    KieConnectionError,
    KieError,
    KieMaintenanceError,
    KieMalformedAnswerError,
    KieRateLimitError,
    KieServerError,
    KieTimeoutError,
    ResultUnusableError,
)
from upscaler_gui.core.i18n import tr

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]

_rng = random.Random()
_UNKNOWN_HINT = "Check your task list on kie.ai before submitting this image again."


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts a call gets and how long to wait between them (seconds)."""

    attempts: int = RETRY_ATTEMPTS
    base_delay: float = RETRY_BASE_DELAY_S
    max_delay: float = RETRY_MAX_DELAY_S
    retry_after_cap: float = RETRY_AFTER_CAP_S


DEFAULT_POLICY = RetryPolicy()


def should_retry(exc: BaseException, *, is_create: bool) -> bool:
    """True when the call that raised `exc` may simply be sent again."""
    if not isinstance(exc, KieError) or isinstance(exc, ResultUnusableError):
        return False  # a bad result (or one too slow to come) is fetched again by the engine, a few times
    if isinstance(exc, KieRateLimitError | KieMaintenanceError):
        return True  # KIE refused the request: nothing was created, nothing billed
    if is_create:
        return isinstance(exc, KieConnectionError) and not exc.sent
    return exc.transient


def capped_retry_after(
    seconds: float | None,
    *,
    cap: float = RETRY_AFTER_CAP_S,
    what: str = "KIE",
    logger: logging.Logger = log.api,
) -> float | None:
    """A server's Retry-After, at most `cap` seconds (logged when cut): a server asking for a day (or
    for inf, or nonsense) never parks the queue for longer than the cap."""
    if seconds is None:
        return None
    if not 0.0 <= seconds <= cap:  # also NaN and inf
        capped = 0.0 if seconds < 0 else cap
        logger.info("%s asked to wait %s s (Retry-After); waiting %.0f s", what, seconds, capped)
        return capped
    return seconds


def retry_delay(
    attempt: int, *, retry_after: float | None, policy: RetryPolicy, rng: random.Random | None = None
) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based).

    Exponential backoff with full jitter, capped at `max_delay`, so that many jobs failing together do
    not come back together. A Retry-After from KIE is a floor, itself capped at `retry_after_cap`.
    """
    ceiling = min(policy.max_delay, policy.base_delay * 2 ** max(0, attempt - 1))
    delay = (rng or _rng).uniform(0, ceiling)
    capped = capped_retry_after(retry_after, cap=policy.retry_after_cap)
    return max(delay, capped) if capped is not None else delay


def outcome_unknown(exc: KieError) -> CreateOutcomeUnknownError:
    """The error for a create that may have reached KIE (and been billed) without a taskId back."""
    if isinstance(exc, KieTimeoutError):
        reason = tr(
            "KIE did not answer in time after the request was sent; the task may exist and be billed."
        )
    elif isinstance(exc, KieConnectionError):
        reason = tr("The connection dropped after the request was sent; the task may exist and be billed.")
    elif isinstance(exc, KieServerError):
        reason = tr("{message} The task may exist and be billed.").format(message=exc.message)
    else:
        reason = tr("KIE's answer could not be read; the task may exist and be billed.")
    return CreateOutcomeUnknownError(reason, hint=tr(_UNKNOWN_HINT), http_status=exc.http_status)


def may_have_created(exc: BaseException) -> bool:
    """A failure after which a create may exist: the request went out and no clear refusal came back.

    Anything that is not a KIE error (a bug, a cancel) counts as "may have": the safe side for money."""
    if isinstance(exc, KieConnectionError):
        return exc.sent
    if isinstance(exc, KieError):
        return isinstance(exc, KieServerError | KieMalformedAnswerError | CreateOutcomeUnknownError)
    return True


def _final_error(exc: KieError, *, is_create: bool) -> KieError:
    if not is_create or isinstance(exc, CreateOutcomeUnknownError) or not may_have_created(exc):
        return exc
    return outcome_unknown(exc)


async def call_with_retries(
    fn: Callable[[], Awaitable[T]],
    *,
    is_create: bool,
    policy: RetryPolicy = DEFAULT_POLICY,
    sleep: Sleep = asyncio.sleep,
    on_rate_limited: Callable[[float | None], None] | None = None,
    rng: random.Random | None = None,
    what: str = "KIE request",
    logger: logging.Logger = log.api,
) -> T:
    """Await `fn()` until it succeeds, retrying what is safe to retry (see the module doc)."""
    attempt = 1
    while True:
        try:
            return await fn()
        except KieError as exc:
            retry_after = exc.retry_after if isinstance(exc, KieRateLimitError) else None
            if isinstance(exc, KieRateLimitError) and on_rate_limited is not None:
                on_rate_limited(retry_after)
            if attempt >= policy.attempts or not should_retry(exc, is_create=is_create):
                final = _final_error(exc, is_create=is_create)
                if final is not exc:
                    logger.info("%s: outcome unknown, not sent again: %s", what, exc.message)
                    raise final from exc
                raise
            delay = retry_delay(attempt, retry_after=retry_after, policy=policy, rng=rng)
            logger.info(
                "%s failed (%s); attempt %d of %d in %.2f s",
                what,
                exc.message,
                attempt + 1,
                policy.attempts,
                delay,
            )
        await sleep(delay)
        attempt += 1
