"""The sim's knobs: `SimConfig` and its `Faults`. Both may be changed while the server runs.

The server reads every knob per request, so a test can flip `sim.config.faults.rate_5xx` mid-run.
`config.credits` is the live balance: creates deduct from it, `/_sim/config` may set it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

ENDPOINTS = frozenset(
    {
        "create",
        "record",
        "credit",
        "download_url",
        "upload_stream",
        "upload_base64",
        "upload_url",
        "result",
        "file",
    }
)
RESULT_FORMATS = ("PNG", "JPEG", "WEBP")
# what a hostile or broken result host serves instead of the result (faults.result_body)
RESULT_BODIES = ("huge", "not_image", "truncated", "trickle")
COST_TIME_UNITS = ("ms", "s")


@dataclass
class Faults:
    """Injected failures. Each `rate_*` is a probability per request; all default to off."""

    rate_5xx: float = 0.0
    rate_429: float = 0.0
    rate_455: float = 0.0
    rate_drop: float = 0.0
    rate_slow: float = 0.0
    slow_s: float = 5.0
    rate_malformed: float = 0.0
    rate_task_fail: float = 0.0
    rate_fetch_fail: float = 0.0  # tasks that fail as KIE does when it cannot fetch input.image
    transient_fail_share: float = 0.5
    result_link_ttl_s: float | None = None
    rate_truncate: float = 0.0
    endpoints: set[str] | None = None  # endpoint names the faults apply to; None = all
    # Cloudflare's browser-signature rule: a User-Agent starting with one of these gets HTTP 403
    # "error code: 1010" on every path ("" catches a request without one); not bound by `endpoints`.
    firewall_agents: tuple[str, ...] = ()
    # Hostile servers, every time (not at a rate), for the bounds a client needs:
    result_body: str | None = None  # each result is: "huge", "not_image", "truncated" or "trickle"
    huge_result_bytes: int = 300 * 1024 * 1024  # "huge": a result this long (a sparse file: no disk used)
    trickle_s: float = 20.0  # "trickle": one byte of the result every trickle_s seconds
    retry_after_s: float | None = None  # the Retry-After a 429 fault carries (None: 1 s, on half of them)
    stuck_state: str | None = None  # recordInfo says this state for every task, forever ("generating",
    #                                 or one KIE never documented)
    param_mismatch: bool = False  # recordInfo's param names another image than the task was made from

    def applies_to(self, endpoint: str) -> bool:
        return self.endpoints is None or endpoint in self.endpoints

    def __post_init__(self) -> None:
        self.result_body = _result_body(self.result_body)


@dataclass
class SimConfig:
    """How the sim behaves."""

    api_key: str = "sim-key"  # the Bearer key every /api/ path accepts
    task_seconds: float = 2.0  # create -> success; waiting, queuing, generating on the way
    task_jitter: float = 0.0  # +/- this share of task_seconds, at random
    task_tail_share: float = 0.0  # this share of tasks (at random) take task_tail_s instead: a long tail
    task_tail_s: float = 60.0
    answer_delay_s: float = 0.0  # added to every API and upload answer
    credits: float = 1000.0  # the live balance: creates deduct from it
    cost_per_task: float = 0.5
    scale: int = 2
    result_format: str | None = None  # None: the input's format; else "PNG", "JPEG" or "WEBP"
    create_limit: int = 20  # per key per create_window_s; <= 0: no limit (peaks are still measured)
    create_window_s: float = 10.0
    record_limit: int = 10  # per key per record_window_s; <= 0: no limit
    record_window_s: float = 1.0
    cost_time_unit: str = "ms"  # "ms" or "s": KIE's docs disagree on costTime's unit
    seed: int = 0  # feeds the one Random behind every fault decision
    storage_dir: Path | None = None  # parent of the sim's own temp folder (removed on stop)
    state_dir: Path | None = None  # the demo's: files and tasks kept here for the next run (see journal.py)
    subkey_limit: int | None = None  # after this many creates, creates answer body code 433
    # KIE's docs show both 404 "Task not found" and 422 "recordInfo is null" for an unknown taskId.
    unknown_task_code: int = 404
    faults: Faults = field(default_factory=Faults)

    def __post_init__(self) -> None:
        self.result_format = _format(self.result_format)
        self.cost_time_unit = _unit(self.cost_time_unit)


# --- updates from JSON (POST /_sim/config) ---------------------------------------------------------


def _float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {value!r}")
    return float(value)


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {value!r}")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return value


def _rate(value: object) -> float:
    number = _float(value)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"expected a probability 0..1, got {number}")
    return number


def _format(value: object) -> str | None:
    if value is None:
        return None
    text = _str(value).upper().replace("JPG", "JPEG")
    if text not in RESULT_FORMATS:
        raise ValueError(f"result_format must be one of {RESULT_FORMATS} or null, got {value!r}")
    return text


def _unit(value: object) -> str:
    text = _str(value)
    if text not in COST_TIME_UNITS:
        raise ValueError(f"cost_time_unit must be one of {COST_TIME_UNITS}, got {value!r}")
    return text


def _result_body(value: object) -> str | None:
    if value is None:
        return None
    text = _str(value)
    if text not in RESULT_BODIES:
        raise ValueError(f"result_body must be one of {RESULT_BODIES} or null, got {value!r}")
    return text


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _optional(convert: Callable[[object], object]) -> Callable[[object], object]:
    return lambda value: None if value is None else convert(value)


def _agents(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"firewall_agents must be a list of User-Agent prefixes, got {value!r}")
    return tuple(value)


def _endpoints(value: object) -> set[str] | None:
    if value is None:
        return None
    if not isinstance(value, list | set | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"endpoints must be a list of names or null, got {value!r}")
    unknown = set(value) - ENDPOINTS
    if unknown:
        raise ValueError(f"unknown endpoint names {sorted(unknown)}; known: {sorted(ENDPOINTS)}")
    return set(value)


_CONFIG_FIELDS: dict[str, Callable[[object], object]] = {
    "api_key": _str,
    "task_seconds": _float,
    "task_jitter": _float,
    "task_tail_share": _rate,
    "task_tail_s": _float,
    "answer_delay_s": _float,
    "credits": _float,
    "cost_per_task": _float,
    "scale": _int,
    "result_format": _format,
    "create_limit": _int,
    "create_window_s": _float,
    "record_limit": _int,
    "record_window_s": _float,
    "cost_time_unit": _unit,
    "seed": _int,
    "subkey_limit": _optional(_int),
    "unknown_task_code": _int,
}

_FAULT_FIELDS: dict[str, Callable[[object], object]] = {
    "rate_5xx": _rate,
    "rate_429": _rate,
    "rate_455": _rate,
    "rate_drop": _rate,
    "rate_slow": _rate,
    "slow_s": _float,
    "rate_malformed": _rate,
    "rate_task_fail": _rate,
    "rate_fetch_fail": _rate,
    "transient_fail_share": _rate,
    "result_link_ttl_s": _optional(_float),
    "rate_truncate": _rate,
    "endpoints": _endpoints,
    "firewall_agents": _agents,
    "result_body": _result_body,
    "huge_result_bytes": _int,
    "trickle_s": _float,
    "retry_after_s": _optional(_float),
    "stuck_state": _optional(_str),
    "param_mismatch": _bool,
}


def _converted(
    update: Mapping[str, object], fields: Mapping[str, Callable[[object], object]], where: str
) -> dict[str, object]:
    """Every value converted and checked first, so a bad update changes nothing."""
    out: dict[str, object] = {}
    for name, value in update.items():
        if name not in fields:
            raise ValueError(f"unknown {where} field {name!r}; known: {sorted(fields)}")
        try:
            out[name] = fields[name](value)
        except ValueError as exc:
            raise ValueError(f"{where}.{name}: {exc}") from None
    return out


def apply_update(config: SimConfig, update: Mapping[str, object]) -> None:
    """Apply a JSON update like {"faults": {"rate_5xx": 0.1}, "credits": 5}; ValueError if any part is bad."""
    top = dict(update)
    faults_update = top.pop("faults", {})
    if not isinstance(faults_update, Mapping):
        raise ValueError("faults must be an object")
    config_values = _converted(top, _CONFIG_FIELDS, "config")
    fault_values = _converted(faults_update, _FAULT_FIELDS, "faults")
    for name, value in config_values.items():
        setattr(config, name, value)
    for name, value in fault_values.items():
        setattr(config.faults, name, value)
