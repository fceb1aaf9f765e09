"""The hook through which the engine paces requests under KIE's rate limits.

The client does not pace by itself: one pacer is shared by every job (limits are per account and per
key), so the engine owns it and the client only asks before each attempt and reports each 429.
"""

from __future__ import annotations

from typing import Literal, Protocol

RequestKind = Literal["create", "record"]


class RequestPacer(Protocol):
    """Paces creates (20 per 10 s) and recordInfo calls (10 per s) for all jobs together."""

    async def acquire(self, kind: RequestKind) -> None:
        """Return when one more request of this kind may be sent."""

    def answered(self, kind: RequestKind) -> None:
        """A request of this kind has ended (an answer or an error): KIE counted it by now, if at all."""

    def on_rate_limited(self, kind: RequestKind, retry_after: float | None) -> None:
        """KIE answered 429 to a request of this kind: slow down (Retry-After seconds, if KIE gave one)."""


class NullPacer:
    """No pacing: for tests, scripts and single calls."""

    async def acquire(self, kind: RequestKind) -> None:
        return None

    def answered(self, kind: RequestKind) -> None:
        return None

    def on_rate_limited(self, kind: RequestKind, retry_after: float | None) -> None:
        return None
