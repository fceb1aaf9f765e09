"""What is retried, how long between attempts, and the create rules (kie-api.md "Retries")."""

from __future__ import annotations

import random

import httpx
import pytest

from upscaler_gui.core.errors import (
    CreateOutcomeUnknownError,
    KieAuthError,
    KieConnectionError,
    KieCreditsError,
    KieError,
    KieFeatureDisabledError,
    KieGenerationError,
    KieMaintenanceError,
    KieMalformedAnswerError,
    KieNotFoundError,
    KieRateLimitError,
    KieServerError,
    KieSubKeyLimitError,
    KieTimeoutError,
    KieValidationError,
    ResultLinkExpiredError,
)
from upscaler_gui.core.kie import RetryPolicy, call_with_retries, retry_delay, should_retry

from .test_kie_fakes import FAST, Script, Sleeps, SpyPacer, body, make_client, ok, record

# --- should_retry -----------------------------------------------------------------------------------

TRANSIENT_READ = [
    KieServerError("x"),
    KieMaintenanceError("x"),
    KieRateLimitError("x"),
    KieTimeoutError("x", sent=True),
    KieTimeoutError("x", sent=False),
    KieConnectionError("x", sent=True),
    KieConnectionError("x", sent=False),
    KieMalformedAnswerError("x"),
]
NEVER = [
    KieAuthError("x"),
    KieCreditsError("x"),
    KieNotFoundError("x"),
    KieValidationError("x"),
    KieSubKeyLimitError("x"),
    KieGenerationError("x"),
    KieFeatureDisabledError("x"),
    ResultLinkExpiredError("x"),
    CreateOutcomeUnknownError("x"),
    KieError("x", code=418),
]


@pytest.mark.parametrize("exc", TRANSIENT_READ, ids=lambda e: type(e).__name__)
def test_reads_retry_every_transient_failure(exc: KieError) -> None:
    assert should_retry(exc, is_create=False)


@pytest.mark.parametrize("exc", NEVER, ids=lambda e: type(e).__name__)
def test_definite_refusals_are_never_retried(exc: KieError) -> None:
    assert not should_retry(exc, is_create=False)
    assert not should_retry(exc, is_create=True)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (KieConnectionError("refused", sent=False), True),
        (KieTimeoutError("connect timeout", sent=False), True),
        (KieRateLimitError("429"), True),
        (KieMaintenanceError("455"), True),
        (KieTimeoutError("read timeout", sent=True), False),
        (KieConnectionError("dropped", sent=True), False),
        (KieServerError("500"), False),
        (KieMalformedAnswerError("garbage"), False),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v),
)
def test_a_create_retries_only_when_it_certainly_did_not_reach_kie(exc: KieError, expected: bool) -> None:
    assert should_retry(exc, is_create=True) is expected


def test_non_kie_errors_are_not_retried() -> None:
    assert not should_retry(ValueError("x"), is_create=False)


# --- retry_delay --------------------------------------------------------------------------------------


def test_delay_is_jittered_exponential_and_capped() -> None:
    policy = RetryPolicy(attempts=10, base_delay=0.5, max_delay=4.0, retry_after_cap=10.0)
    rng = random.Random(1234)
    for attempt in range(1, 10):
        ceiling = min(4.0, 0.5 * 2 ** (attempt - 1))
        delays = [retry_delay(attempt, retry_after=None, policy=policy, rng=rng) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 150  # jittered, not a fixed step
        assert max(delays) > ceiling * 0.8  # and it uses the whole range (full jitter)


def test_delay_honours_retry_after_up_to_its_cap() -> None:
    policy = RetryPolicy(attempts=5, base_delay=0.5, max_delay=4.0, retry_after_cap=10.0)
    rng = random.Random(1)
    assert retry_delay(1, retry_after=7.0, policy=policy, rng=rng) == 7.0
    assert retry_delay(1, retry_after=600.0, policy=policy, rng=rng) == 10.0
    # A Retry-After shorter than the backoff is a floor, not a ceiling.
    assert 0.0 <= retry_delay(5, retry_after=0.0, policy=policy, rng=rng) <= 4.0


def test_default_policy_comes_from_constants() -> None:
    from upscaler_gui.core import constants

    policy = RetryPolicy()
    assert policy.attempts == constants.RETRY_ATTEMPTS
    assert policy.max_delay == constants.RETRY_MAX_DELAY_S
    assert policy.retry_after_cap == constants.RETRY_AFTER_CAP_S


# --- call_with_retries --------------------------------------------------------------------------------


class Flaky:
    def __init__(self, *failures: Exception, result: str = "done") -> None:
        self.failures = list(failures)
        self.calls = 0
        self.result = result

    async def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return self.result


async def test_retries_until_success_with_patched_sleep() -> None:
    sleeps = Sleeps()
    fn = Flaky(KieServerError("a"), KieTimeoutError("b", sent=True))
    assert await call_with_retries(fn, is_create=False, policy=FAST, sleep=sleeps) == "done"
    assert fn.calls == 3
    assert len(sleeps.delays) == 2
    assert sleeps.delays[0] <= 0.5 and sleeps.delays[1] <= 1.0


async def test_gives_up_after_the_policys_attempts() -> None:
    sleeps = Sleeps()
    fn = Flaky(*[KieServerError("down") for _ in range(10)])
    with pytest.raises(KieServerError):
        await call_with_retries(fn, is_create=False, policy=FAST, sleep=sleeps)
    assert fn.calls == FAST.attempts
    assert len(sleeps.delays) == FAST.attempts - 1
    assert all(d <= FAST.max_delay for d in sleeps.delays)


async def test_retry_after_is_honoured_and_reported() -> None:
    sleeps, seen = Sleeps(), list[float | None]()
    fn = Flaky(KieRateLimitError("slow", retry_after=3.0))
    await call_with_retries(fn, is_create=False, policy=FAST, sleep=sleeps, on_rate_limited=seen.append)
    assert sleeps.delays == [3.0]
    assert seen == [3.0]


async def test_retries_are_logged_at_info(caplog: pytest.LogCaptureFixture) -> None:
    await call_with_retries(Flaky(KieServerError("KIE had a server error.")), is_create=False, sleep=Sleeps())
    lines = [r for r in caplog.records if r.name == "upscaler.api"]
    assert len(lines) == 1
    assert lines[0].levelname == "INFO"
    assert "KIE had a server error" in lines[0].getMessage()
    assert "attempt 2 of" in lines[0].getMessage()


async def test_non_kie_errors_pass_through_at_once() -> None:
    fn = Flaky(ValueError("bug"))
    with pytest.raises(ValueError):
        await call_with_retries(fn, is_create=False, sleep=Sleeps())
    assert fn.calls == 1


@pytest.mark.parametrize(
    "exc",
    [
        KieTimeoutError("t", sent=True),
        KieConnectionError("c", sent=True),
        KieServerError("s"),
        KieMalformedAnswerError("m"),
    ],
    ids=lambda e: type(e).__name__,
)
async def test_a_create_that_may_have_reached_kie_is_unknown_and_not_repeated(exc: KieError) -> None:
    fn = Flaky(exc)
    with pytest.raises(CreateOutcomeUnknownError) as caught:
        await call_with_retries(fn, is_create=True, sleep=Sleeps())
    assert fn.calls == 1
    assert caught.value.__cause__ is exc
    assert "the task may exist and be billed" in caught.value.message.lower()
    assert "kie.ai" in caught.value.hint


async def test_a_create_that_never_left_and_keeps_failing_stays_a_connection_error() -> None:
    fn = Flaky(*[KieConnectionError("refused", sent=False) for _ in range(10)])
    with pytest.raises(KieConnectionError) as caught:
        await call_with_retries(fn, is_create=True, policy=FAST, sleep=Sleeps())
    assert not isinstance(caught.value, CreateOutcomeUnknownError)
    assert fn.calls == FAST.attempts


# --- the create rules, through the client and real httpx exceptions ---------------------------------


def create_ok() -> httpx.Response:
    return ok({"taskId": "task_new"})


@pytest.mark.parametrize("exc", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
async def test_create_retried_after_a_connect_failure_and_succeeds(exc: type[httpx.RequestError]) -> None:
    script, sleeps = Script(exc, create_ok()), Sleeps()
    client = make_client(script, sleeps=sleeps)
    assert await client.create_task("https://img.test/a.png") == "task_new"
    assert script.count == 2
    assert len(sleeps.delays) == 1


async def test_create_retried_after_429_honouring_retry_after() -> None:
    limited = httpx.Response(429, headers={"Retry-After": "2"}, json={"code": 429, "msg": "Too many"})
    script, sleeps = Script(limited, body(429, "Too many"), create_ok()), Sleeps()
    client = make_client(script, sleeps=sleeps)
    assert await client.create_task("https://img.test/a.png") == "task_new"
    assert script.count == 3
    assert sleeps.delays[0] == 2.0


async def test_create_retried_after_455_maintenance() -> None:
    script = Script(body(455, "maintenance"), create_ok())
    assert await make_client(script).create_task("https://img.test/a.png") == "task_new"
    assert script.count == 2


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (httpx.ReadTimeout, "did not answer in time after the request was sent"),
        (httpx.WriteTimeout, "did not answer in time after the request was sent"),
        (httpx.RemoteProtocolError, "connection dropped after the request was sent"),
        (httpx.ReadError, "connection dropped after the request was sent"),
        (httpx.WriteError, "connection dropped after the request was sent"),
        (httpx.Response(500, text="Internal Server Error"), "server error"),
        (body(500, "server error"), "server error"),
        (httpx.Response(502, text="<html>Bad gateway</html>"), "server error"),
        (httpx.Response(200, text="<html>oops</html>"), "answer could not be read"),
        (ok({"no": "task id"}), "accepted the request but sent no taskId"),
        (ok(None), "accepted the request but sent no taskId"),
    ],
    ids=[
        "read-timeout",
        "write-timeout",
        "dropped",
        "read-error",
        "write-error",
        "http-500",
        "body-500",
        "http-502",
        "malformed",
        "no-task-id",
        "null-data",
    ],
)
async def test_create_after_send_is_unknown_with_exactly_one_request(
    answer: httpx.Response | type[httpx.RequestError], reason: str
) -> None:
    script, sleeps = Script(answer, create_ok()), Sleeps()
    client = make_client(script, sleeps=sleeps)
    with pytest.raises(CreateOutcomeUnknownError) as caught:
        await client.create_task("https://img.test/a.png")
    assert script.count == 1  # never repeated: it may have been billed
    assert sleeps.delays == []
    assert reason in caught.value.message
    assert "may exist and be billed" in caught.value.message


def test_read_timeout_reason_is_the_documented_sentence() -> None:
    from upscaler_gui.core.kie.retry import outcome_unknown

    err = outcome_unknown(KieTimeoutError("x", sent=True))
    assert (
        err.message
        == "KIE did not answer in time after the request was sent; the task may exist and be billed."
    )


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (401, KieAuthError),
        (402, KieCreditsError),
        (404, KieNotFoundError),
        (422, KieValidationError),
        (433, KieSubKeyLimitError),
        (501, KieGenerationError),
        (505, KieFeatureDisabledError),
    ],
)
async def test_create_refusals_are_raised_at_once(code: int, cls: type[KieError]) -> None:
    script, sleeps = Script(body(code, "no"), create_ok()), Sleeps()
    with pytest.raises(cls):
        await make_client(script, sleeps=sleeps).create_task("https://img.test/a.png")
    assert script.count == 1
    assert sleeps.delays == []


async def test_create_429_every_time_ends_as_rate_limited_not_unknown() -> None:
    script = Script(body(429, "Too many"))
    with pytest.raises(KieRateLimitError):
        await make_client(script).create_task("https://img.test/a.png")
    assert script.count == FAST.attempts


# --- reads are retried -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(500, text="oops"),
        httpx.Response(503, text="<html>busy</html>"),
        body(500, "server error"),
        body(455, "maintenance"),
        httpx.Response(429, text="slow"),
        httpx.ReadTimeout,
        httpx.ConnectError,
        httpx.RemoteProtocolError,
        httpx.Response(200, text="not json"),
        ok({"taskId": "task_1", "state": "success", "resultJson": "{broken"}),
    ],
    ids=[
        "500",
        "503",
        "body-500",
        "455",
        "429",
        "read-timeout",
        "connect",
        "dropped",
        "non-json",
        "bad-result",
    ],
)
async def test_record_reads_are_retried_on_transient_failures(
    failure: httpx.Response | type[httpx.RequestError],
) -> None:
    script, sleeps = Script(failure, failure, ok(record())), Sleeps()
    rec = await make_client(script, sleeps=sleeps).get_task("task_1")
    assert rec.is_success
    assert script.count == 3
    assert len(sleeps.delays) == 2


async def test_reads_give_up_with_the_last_error() -> None:
    script = Script(httpx.ReadTimeout)
    with pytest.raises(KieTimeoutError) as caught:
        await make_client(script).credits()
    assert caught.value.sent
    assert script.count == FAST.attempts


async def test_reads_do_not_retry_auth_errors() -> None:
    script = Script(body(401, "You do not have access permissions"))
    with pytest.raises(KieAuthError):
        await make_client(script).get_task("task_1")
    assert script.count == 1


# --- the pacer hook --------------------------------------------------------------------------------------


async def test_pacer_is_asked_before_each_create_attempt_and_told_of_429() -> None:
    pacer = SpyPacer()
    limited = httpx.Response(429, headers={"Retry-After": "1.5"}, text="")
    script = Script(httpx.ConnectError, limited, create_ok())
    await make_client(script, pacer=pacer).create_task("https://img.test/a.png")
    assert pacer.events == [
        ("acquire", "create", None),
        ("answered", "create", None),  # a connection error ends the request too
        ("acquire", "create", None),
        ("answered", "create", None),
        ("rate_limited", "create", 1.5),
        ("acquire", "create", None),
        ("answered", "create", None),
    ]


async def test_pacer_is_asked_before_each_record_attempt() -> None:
    pacer = SpyPacer()
    script = Script(body(429, "slow"), httpx.Response(500), ok(record()))
    await make_client(script, pacer=pacer).get_task("task_1")
    assert pacer.events == [
        ("acquire", "record", None),
        ("answered", "record", None),
        ("rate_limited", "record", None),
        ("acquire", "record", None),
        ("answered", "record", None),
        ("acquire", "record", None),
        ("answered", "record", None),
    ]


async def test_pacer_is_not_used_for_unpaced_calls() -> None:
    pacer = SpyPacer()
    await make_client(Script(ok(12)), pacer=pacer).credits()
    assert pacer.events == []
