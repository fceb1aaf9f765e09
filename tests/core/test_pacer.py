"""The pacer on a fake clock: never over the limit in any window, first come first served, slows on 429."""

from __future__ import annotations

import asyncio
import itertools
import random
from types import SimpleNamespace

import pytest

from upscaler_gui.core.constants import RETRY_AFTER_CAP_S
from upscaler_gui.core.engine import pacer as pacer_module
from upscaler_gui.core.engine.pacer import DEFAULT_HOLD_S, Limit, Pacer, SlidingWindow

_real_sleep = asyncio.sleep


class FakeTime:
    """A clock that moves only when the pacer sleeps (or a test says so)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(0.0, seconds)
        await _real_sleep(0)


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(pacer_module, "asyncio", SimpleNamespace(sleep=fake.sleep, Lock=asyncio.Lock))
    return fake


def most_in_any_window(times: list[float], window_s: float) -> int:
    """The largest number of times inside any half-open window [t, t + window_s), t one of the times."""
    ordered = sorted(times)
    best = 0
    for i, start in enumerate(ordered):
        best = max(best, sum(1 for t in ordered[i:] if t < start + window_s))
    return best


async def acquire_all(window: SlidingWindow, fake: FakeTime, count: int) -> list[float]:
    times: list[float] = []

    async def one() -> None:
        await window.acquire()
        times.append(fake.clock())

    await asyncio.gather(*(one() for _ in range(count)))
    return times


async def test_never_more_than_the_limit_in_any_window(fake_time: FakeTime) -> None:
    window = SlidingWindow(Limit(20, 10.0), clock=fake_time.clock)
    times = await acquire_all(window, fake_time, 150)
    assert len(times) == 150
    assert most_in_any_window(times, 10.0) == 20  # KIE's window: full use, never over
    assert most_in_any_window(times, window.window) <= 20  # not even in the margin window
    assert 10.0 < window.window <= 10.25  # a margin for arrival jitter, a small one
    # ...and no slower than the limit allows: 150 at 20 per 10.25 s start within 7 full windows.
    assert times[-1] - times[0] <= (150 // 20) * window.window + 1e-6


async def test_a_slow_request_holds_its_slot_until_it_ends(fake_time: FakeTime) -> None:
    # On a busy machine a create may reach KIE well after we "sent" it; KIE counts it on arrival.
    window = SlidingWindow(Limit(20, 10.0), clock=fake_time.clock)
    await acquire_all(window, fake_time, 20)
    sent = fake_time.now
    fake_time.now += 0.8  # the requests took 0.8 s to get out and be answered
    for _ in range(20):
        window.ended()
    fake_time.now = sent + 9.0
    await window.acquire()  # the 21st waits a window from the answers, not from the sends
    assert fake_time.now == pytest.approx(sent + 0.8 + window.window)


async def test_answers_out_of_order_never_let_the_stamps_run_ahead_of_arrivals(fake_time: FakeTime) -> None:
    # Three requests sent at 0, 1, 2 s arrive at 0.1, 1.5, 2.2 s; the last one is answered first.
    window = SlidingWindow(Limit(3, 10.0), clock=fake_time.clock)
    start = fake_time.now
    for offset in (0.0, 1.0, 2.0):
        fake_time.now = start + offset
        await window.acquire()
    for answer_at in (2.3, 2.4, 2.6):  # whichever request each answer belongs to
        fake_time.now = start + answer_at
        window.ended()
    window.ended()  # an extra end (a request whose slot already expired) changes nothing
    await window.acquire()
    # KIE's window frees its first slot at 0.1 + 10 s; ours may free it no earlier than that.
    assert fake_time.now >= start + 0.1 + 10.0
    assert fake_time.now == pytest.approx(start + 2.3 + window.window)


async def test_never_over_with_requests_arriving_at_random(fake_time: FakeTime) -> None:
    window = SlidingWindow(Limit(10, 1.0), clock=fake_time.clock)
    rng = random.Random(7)
    times: list[float] = []
    for _ in range(300):
        fake_time.now += rng.choice([0.0, 0.0, 0.01, 0.05, 0.3, 1.2])  # bursts and lulls
        await window.acquire()
        times.append(fake_time.clock())
    assert most_in_any_window(times, 1.0) <= 10
    assert window.acquired == 300


async def test_waiters_are_served_first_come_first_served(fake_time: FakeTime) -> None:
    window = SlidingWindow(Limit(3, 1.0), clock=fake_time.clock)
    order: list[int] = []

    async def job(n: int) -> None:
        await window.acquire()
        order.append(n)

    tasks = [asyncio.create_task(job(n)) for n in range(30)]
    await asyncio.gather(*tasks)
    assert order == list(range(30))


async def test_a_429_halves_the_rate_and_holds_for_retry_after(fake_time: FakeTime) -> None:
    window = SlidingWindow(Limit(10, 1.0), clock=fake_time.clock)
    await acquire_all(window, fake_time, 3)
    hit_at = fake_time.clock()
    window.slow_down(3.0)
    assert window.allowed == 5
    assert window.rate_limited == 1
    times = await acquire_all(window, fake_time, 1)
    assert times[0] >= hit_at + 3.0  # nothing goes out during the Retry-After
    before = window.allowed  # one step back up already: the hold was longer than a window
    assert 5 <= before < 10
    window.slow_down(None)
    assert window.allowed == before // 2  # halved again
    times = await acquire_all(window, fake_time, 1)
    assert times[0] >= hit_at + 3.0 + DEFAULT_HOLD_S - 1e-9  # no Retry-After: the default hold
    for _ in range(5):
        window.slow_down(0.0)
    assert window.allowed == 1  # never below one request per window


@pytest.mark.parametrize("asked", [86400.0, float("inf")])
async def test_a_retry_after_of_a_day_holds_at_most_the_cap(
    fake_time: FakeTime, asked: float, caplog: pytest.LogCaptureFixture
) -> None:
    window = SlidingWindow(Limit(10, 1.0), clock=fake_time.clock)
    hit_at = fake_time.clock()
    window.slow_down(asked)
    times = await acquire_all(window, fake_time, 1)
    assert hit_at < times[0] <= hit_at + RETRY_AFTER_CAP_S == hit_at + 60.0  # a minute, not a day
    assert "asked to wait" in caplog.text  # said in the log


async def test_the_rate_recovers_step_by_step(fake_time: FakeTime) -> None:
    window = SlidingWindow(Limit(10, 1.0), clock=fake_time.clock)
    window.slow_down(1.0)
    assert window.allowed == 5
    seen: list[tuple[float, int]] = []
    for _ in range(120):
        await window.acquire()
        seen.append((fake_time.clock(), window.allowed))
    allowed = [a for _, a in seen]
    steps = [b - a for a, b in itertools.pairwise(allowed)]
    assert set(steps) <= {0, 1}, "the rate only ever grows one step at a time"
    assert allowed[0] < 10 and allowed[-1] == 10
    raised_at = [seen[i + 1][0] for i, step in enumerate(steps) if step == 1]
    gaps = [b - a for a, b in itertools.pairwise(raised_at)]
    assert all(gap >= window.window - 1e-9 for gap in gaps), "at most one step per window"
    # While slowed, each window carries no more than the rate allowed then.
    for i, (start, _) in enumerate(seen):
        in_window = [a for t, a in seen[i:] if t < start + window.window]
        assert len(in_window) <= max(in_window)


async def test_the_pacer_slows_only_the_kind_that_was_limited(fake_time: FakeTime) -> None:
    pacer = Pacer(create=Limit(20, 10.0), record=Limit(10, 1.0), clock=fake_time.clock)
    pacer.on_rate_limited("create", 5.0)
    assert pacer.windows["create"].allowed == 10
    assert pacer.windows["record"].allowed == 10
    start = fake_time.clock()
    await pacer.acquire("record")
    assert fake_time.clock() == start  # recordInfo goes on at once
    await pacer.acquire("create")
    assert fake_time.clock() >= start + 5.0


def test_default_limits_are_kies() -> None:
    pacer = Pacer()
    assert pacer.windows["create"].limit == Limit(20, 10.0)
    assert pacer.windows["record"].limit == Limit(10, 1.0)


async def test_creates_of_a_run_killed_a_moment_ago_still_count(fake_time: FakeTime) -> None:
    window = SlidingWindow(Limit(20, 10.0), clock=fake_time.clock)
    window.seed([0.5 + i * 0.1 for i in range(18)] + [30.0])  # 18 sent in the last 2.3 s, one long ago
    start = fake_time.clock()
    times = await acquire_all(window, fake_time, 4)
    assert [t - start for t in times[:2]] == [0.0, 0.0]  # room for two more in this window...
    assert times[2] - start > 7.0  # ...the third waits until the earlier run's creates age out
