"""The fault matrix: `upscaler-gui upscale` against the sim with every fault knob, as a user runs it.

Whatever the fault, every input ends done, or failed/unknown with a sentence that says why; no image is
created twice (except the one new task KIE's own transient failure allows); nothing half-written is
left in the output folder; and the exit code follows issue 3's table.

All scenarios run at the same time in one module fixture (each is a subprocess waiting on its own sim),
and each test then checks one scenario's outcome.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.core.cli_helpers import (
    EXIT_FAILED,
    EXIT_KEY_REFUSED,
    EXIT_OK,
    EXIT_PAUSED,
    KEY,
    Batch,
    SimProcess,
    check_batch,
    creates_of,
    expected_exit,
    finish,
    in_parallel,
    make_images,
    numbered_duplicates,
    run_upscale,
    start_upscale,
)
from upscaler_gui.sim import SimStats
from upscaler_gui.sim.config import ENDPOINTS

pytestmark = pytest.mark.integration  # the command line in a subprocess against the sim

NOT_CREATE = sorted(ENDPOINTS - {"create"})
TASK_S = 0.3
WRONG_KEY = "k-not-the-right-one-0000"


@dataclass
class Outcome:
    """One scenario as the user saw it: each run of the command, then what KIE (the sim) counted."""

    root: Path
    files: list[Path]
    runs: list[Batch]
    stats: SimStats

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def given(self) -> list[str]:
        return [f"in/{path.name}" for path in self.files]

    @property
    def sources(self) -> dict[str, Path]:
        return dict(zip(self.given, self.files, strict=True))

    def creates(self) -> list[int]:
        return [creates_of(self.stats, path) for path in self.files]


@dataclass(frozen=True)
class Scenario:
    name: str
    faults: dict[str, object] = field(default_factory=dict)
    config: dict[str, object] = field(default_factory=dict)
    images: int = 12
    first_key: str = KEY
    # Between the first run and a rerun: the /_sim/config update that fixes the account (None: no rerun).
    fix: dict[str, object] | None = None
    # An outage: the faults stop once the sim served this many, while the first run goes on.
    heal_after: int | None = None


def run_scenario(scenario: Scenario, root: Path) -> Outcome:
    files = make_images(root / "in", scenario.images)
    with SimProcess(latency=TASK_S) as sim:
        sim.configure({"seed": 7, **scenario.config, "faults": scenario.faults})
        if scenario.heal_after is None:
            runs = [run_upscale(sim.base_url, "in", "--out", "out", cwd=root, key=scenario.first_key)]
        else:
            runs = [run_through_outage(sim, root, scenario.heal_after)]
        if scenario.fix is not None:
            sim.configure(scenario.fix)
            runs.append(run_upscale(sim.base_url, "in", "--out", "out", cwd=root))
        return Outcome(root, files, runs, sim.settled_stats())


def run_through_outage(sim: SimProcess, root: Path, faults_before_healing: int) -> Batch:
    process = start_upscale(sim.base_url, "in", "--out", "out", cwd=root)
    deadline = time.monotonic() + 30
    while sum(sim.stats().faults_served.values()) < faults_before_healing and time.monotonic() < deadline:
        time.sleep(0.05)
    sim.configure({"faults": {"rate_5xx": 0.0}})
    return finish(process)


# --- the scenarios --------------------------------------------------------------------------------

# Faults a client recovers from by itself: every image done, once, exit 0.
RECOVERED = [
    Scenario("5xx on reads, uploads and downloads", {"rate_5xx": 0.3, "endpoints": NOT_CREATE}),
    # Few images: each 429 on a create halves the pacer's create allowance for a 10 s window.
    Scenario("429 on every endpoint", {"rate_429": 0.1}, images=4),
    Scenario("455 maintenance on every endpoint", {"rate_455": 0.25}),
    Scenario(
        "dropped connections on reads, uploads and downloads", {"rate_drop": 0.3, "endpoints": NOT_CREATE}
    ),
    Scenario("slow answers (2 s) on every endpoint", {"rate_slow": 0.3, "slow_s": 2.0}),
    Scenario(
        "malformed answers on reads, uploads and downloads", {"rate_malformed": 0.2, "endpoints": NOT_CREATE}
    ),
    Scenario("truncated result downloads", {"rate_truncate": 0.5}),
    Scenario("result links already expired", {"result_link_ttl_s": 0.0}),
]
# Faults that may hit a create after it was sent: such a job is `unknown`, never sent again.
MAY_BE_UNKNOWN = [
    Scenario("5xx on every endpoint", {"rate_5xx": 0.2}),
    Scenario("dropped connections on every endpoint", {"rate_drop": 0.2}),
    Scenario("malformed answers on every endpoint", {"rate_malformed": 0.2}),
]
EVERY_CREATE_LOST = Scenario(
    "every create answer lost after the task was made", {"rate_drop": 1.0, "endpoints": ["create"]}, images=6
)
TASK_FAIL_TRANSIENT = Scenario(
    "tasks failing transiently on KIE", {"rate_task_fail": 0.5, "transient_fail_share": 1.0}
)
TASK_FAIL_PERMANENT = Scenario(
    "tasks failing for good on KIE", {"rate_task_fail": 0.5, "transient_fail_share": 0.0}
)
CREDITS = Scenario("credits run out mid-batch", config={"credits": 2.5}, fix={"credits": 100})
KEY_REFUSED = Scenario("a refused key", first_key=WRONG_KEY, fix={})
SUBKEY_LIMIT = Scenario(
    "a sub-key reaching its limit", config={"subkey_limit": 4}, fix={"subkey_limit": None}
)
# The upload host answers 5xx to every try for longer than the client's own retries last, then heals.
OUTAGE = Scenario(
    "an upload outage outlasting the client's retries",
    {"rate_5xx": 1.0, "endpoints": ["upload_stream"]},
    images=2,
    heal_after=10,  # 5 tries each: both uploads gave up once, and wait for the engine's next round
)
EVERYTHING = Scenario(
    "every fault at once",
    {
        "rate_5xx": 0.05,
        "rate_429": 0.02,
        "rate_455": 0.05,
        "rate_drop": 0.05,
        "rate_slow": 0.05,
        "slow_s": 1.0,
        "rate_malformed": 0.05,
        "rate_task_fail": 0.15,
        "rate_truncate": 0.15,
        "result_link_ttl_s": 0.0,
    },
    images=20,  # within one window of KIE's create limit (20 per 10 s)
)
ALL = [
    *RECOVERED,
    *MAY_BE_UNKNOWN,
    EVERY_CREATE_LOST,
    TASK_FAIL_TRANSIENT,
    TASK_FAIL_PERMANENT,
    CREDITS,
    KEY_REFUSED,
    SUBKEY_LIMIT,
    OUTAGE,
    EVERYTHING,
]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Outcome | BaseException]]:
    """Every scenario, run at the same time; a scenario that raised keeps its exception for its test."""

    def attempt(scenario: Scenario) -> Callable[[], Outcome | BaseException]:
        root = tmp_path_factory.mktemp("fault")  # here: mktemp is not thread-safe

        def call() -> Outcome | BaseException:
            try:
                return run_scenario(scenario, root)
            except Exception as exc:
                return exc

        return call

    results = in_parallel(*(attempt(scenario) for scenario in ALL))
    yield {scenario.name: result for scenario, result in zip(ALL, results, strict=True)}


def outcome_of(outcomes: dict[str, Outcome | BaseException], scenario: Scenario) -> Outcome:
    result = outcomes[scenario.name]
    if isinstance(result, BaseException):
        raise result
    return result


def checked_first_run(outcome: Outcome, pause: int | None = None) -> dict[str, dict[str, object]]:
    batch = outcome.runs[0]
    lines = check_batch(batch, given=outcome.given, sources=outcome.sources, out=outcome.out)
    assert batch.returncode == expected_exit(batch.statuses(), pause), batch.explain()
    return lines


# --- the tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", RECOVERED, ids=lambda s: s.name)
def test_recoverable_fault_every_image_done_once(
    outcomes: dict[str, Outcome | BaseException], scenario: Scenario
) -> None:
    outcome = outcome_of(outcomes, scenario)
    batch = outcome.runs[0]
    checked_first_run(outcome)
    assert sum(outcome.stats.faults_served.values()) >= 2  # the faults really happened
    assert batch.statuses() == {"done": scenario.images}, batch.explain()
    assert batch.returncode == EXIT_OK
    assert outcome.creates() == [1] * scenario.images
    assert numbered_duplicates(outcome.out) == []
    assert f"{scenario.images} input(s): {scenario.images} done" in batch.summary


@pytest.mark.parametrize("scenario", MAY_BE_UNKNOWN, ids=lambda s: s.name)
def test_fault_on_a_sent_create_makes_the_job_unknown_never_a_second_task(
    outcomes: dict[str, Outcome | BaseException], scenario: Scenario
) -> None:
    outcome = outcome_of(outcomes, scenario)
    lines = checked_first_run(outcome)
    assert sum(outcome.stats.faults_served.values()) >= 2  # the faults really happened
    assert set(outcome.runs[0].statuses()) <= {"done", "unknown"}, outcome.runs[0].explain()
    for given, path in outcome.sources.items():
        assert creates_of(outcome.stats, path) <= 1, given
        if lines[given]["status"] == "unknown":
            assert "may exist and be billed" in str(lines[given]["error"]), lines[given]


def test_lost_create_answers_are_unknown_with_the_task_made_once(
    outcomes: dict[str, Outcome | BaseException],
) -> None:
    outcome = outcome_of(outcomes, EVERY_CREATE_LOST)
    lines = checked_first_run(outcome)
    assert outcome.runs[0].returncode == EXIT_FAILED
    assert {line["status"] for line in lines.values()} == {"unknown"}
    for line in lines.values():
        assert "connection dropped after the request was sent" in str(line["error"]), line
        assert "billed" in str(line["error"]), line
    assert outcome.creates() == [1] * EVERY_CREATE_LOST.images  # KIE made each task: none made again


def test_transient_task_failures_get_one_new_task_at_most(
    outcomes: dict[str, Outcome | BaseException],
) -> None:
    outcome = outcome_of(outcomes, TASK_FAIL_TRANSIENT)
    lines = checked_first_run(outcome)
    assert set(outcome.runs[0].statuses()) <= {"done", "failed"}
    assert max(outcome.creates()) <= 2  # the first task and one automatic retry
    extra_tasks = sum(outcome.creates()) - len(outcome.files)
    assert extra_tasks <= outcome.stats.faults_served.get("task_fail", 0)
    for line in lines.values():
        if line["status"] == "failed":
            assert "try again later" in str(line["error"]) and "billed" in str(line["error"]), line


def test_permanent_task_failures_fail_with_kies_message_and_no_new_task(
    outcomes: dict[str, Outcome | BaseException],
) -> None:
    outcome = outcome_of(outcomes, TASK_FAIL_PERMANENT)
    lines = checked_first_run(outcome)
    assert set(outcome.runs[0].statuses()) <= {"done", "failed"}
    assert outcome.creates() == [1] * len(outcome.files)
    failed = [line for line in lines.values() if line["status"] == "failed"]
    assert len(failed) == outcome.stats.faults_served.get("task_fail", 0)
    for line in failed:
        assert "could not be processed" in str(line["error"]), line


def assert_rerun_finished_everything(outcome: Outcome) -> None:
    """After the account is fixed, the same command ends every image done, each created once."""
    rerun = outcome.runs[1]
    lines = check_batch(rerun, given=outcome.given, sources=outcome.sources, out=outcome.out)
    assert rerun.returncode == EXIT_OK, rerun.explain()
    assert set(rerun.statuses()) <= {"done", "skipped"}
    for line in lines.values():
        assert line["output"] and Path(str(line["output"])).is_file(), line
    assert len({line["output"] for line in lines.values()}) == len(outcome.files)
    assert outcome.creates() == [1] * len(outcome.files)
    assert numbered_duplicates(outcome.out) == []


def test_credits_running_out_pauses_with_exit_3_and_a_rerun_finishes(
    outcomes: dict[str, Outcome | BaseException],
) -> None:
    outcome = outcome_of(outcomes, CREDITS)
    first = outcome.runs[0]
    lines = checked_first_run(outcome, pause=EXIT_PAUSED)
    assert first.returncode == EXIT_PAUSED
    assert first.statuses() == {"done": 5, "paused": 7}, first.explain()  # 2.5 credits, 0.5 a task
    for line in lines.values():
        if line["status"] == "paused":
            assert "Out of credits" in str(line["error"]), line
    assert "run the same command again" in first.stderr
    assert_rerun_finished_everything(outcome)


def test_refused_key_stops_with_exit_4_keeps_jobs_and_the_right_key_finishes(
    outcomes: dict[str, Outcome | BaseException],
) -> None:
    outcome = outcome_of(outcomes, KEY_REFUSED)
    first = outcome.runs[0]
    lines = checked_first_run(outcome, pause=EXIT_KEY_REFUSED)
    assert first.returncode == EXIT_KEY_REFUSED
    assert set(first.statuses()) == {"paused"}
    for line in lines.values():
        assert "refused the API key" in str(line["error"]), line
    assert WRONG_KEY not in first.stdout + first.stderr
    assert_rerun_finished_everything(outcome)


def test_subkey_limit_pauses_with_exit_3_and_a_rerun_finishes(
    outcomes: dict[str, Outcome | BaseException],
) -> None:
    outcome = outcome_of(outcomes, SUBKEY_LIMIT)
    first = outcome.runs[0]
    lines = checked_first_run(outcome, pause=EXIT_PAUSED)
    assert first.returncode == EXIT_PAUSED
    assert first.statuses()["done"] == 4, first.explain()
    for line in lines.values():
        if line["status"] == "paused":
            assert "limit" in str(line["error"]), line
    assert_rerun_finished_everything(outcome)


def test_every_fault_at_once_leaves_every_image_done_or_explained(
    outcomes: dict[str, Outcome | BaseException],
) -> None:
    outcome = outcome_of(outcomes, EVERYTHING)
    checked_first_run(outcome)
    statuses = outcome.runs[0].statuses()
    assert set(statuses) <= {"done", "failed", "unknown"}, outcome.runs[0].explain()
    assert statuses["done"] >= EVERYTHING.images // 2, outcome.runs[0].explain()
    assert max(outcome.creates()) <= 2
    assert sum(outcome.creates()) - len(outcome.files) <= outcome.stats.faults_served.get("task_fail", 0)
    assert numbered_duplicates(outcome.out) == []


def test_outage_longer_than_the_clients_retries_waits_and_finishes(
    outcomes: dict[str, Outcome | BaseException],
) -> None:
    outcome = outcome_of(outcomes, OUTAGE)
    checked_first_run(outcome)
    assert outcome.runs[0].statuses() == {"done": OUTAGE.images}, outcome.runs[0].explain()
    assert outcome.creates() == [1] * OUTAGE.images


def test_done_jobs_carry_no_stale_retry_message(outcomes: dict[str, Outcome | BaseException]) -> None:
    outcome = outcome_of(outcomes, OUTAGE)
    for line in outcome.runs[0].lines:
        assert line["status"] == "done"
        assert line["error"] is None, line
