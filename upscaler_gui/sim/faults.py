"""Deciding which fault a request gets, and what each fault looks like on the wire.

Names used in `SimStats.faults_served`: 5xx, 429, 455, malformed, drop, slow, truncate, task_fail,
fetch_fail, link_expired, firewall, and for the hostile-server knobs result_<body> (result_huge...),
stuck_state, param_mismatch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from upscaler_gui.sim import replies
from upscaler_gui.sim.replies import Reply
from upscaler_gui.sim.state import SimState
from upscaler_gui.sim.tasks import FailCode

DOWNLOADS = frozenset({"result", "file"})
UPLOADS = frozenset({"upload_stream", "upload_base64", "upload_url"})
TRANSIENT_FAIL: tuple[FailCode, str] = ("500", "internal error, try again later")
PERMANENT_FAIL_MSG = "The image content could not be processed"
FETCH_FAIL_MSG = "The image could not be fetched (HTTP 404)"


@dataclass(frozen=True)
class FaultPlan:
    before: str | None = None  # answered instead of handling: "5xx", "429", "455" or "malformed"
    drop: bool = False  # handled, then the connection is closed without an answer
    slow: bool = False  # handled, then the answer waits slow_s
    truncate: bool = False  # downloads: half the bytes
    result_body: str | None = None  # results: what a hostile host serves instead (Faults.result_body)


def plan(state: SimState, endpoint: str) -> FaultPlan:
    """Draws in a fixed order, so a seed gives the same faults for the same request sequence."""
    faults = state.config.faults
    if not faults.applies_to(endpoint):
        return FaultPlan()
    before = None
    for name, rate in (
        ("5xx", faults.rate_5xx),
        ("429", faults.rate_429),
        ("455", faults.rate_455 if endpoint not in DOWNLOADS else 0.0),
        ("malformed", faults.rate_malformed),
    ):
        if state.chance(rate):
            before = name
            break
    return FaultPlan(
        before=before,
        drop=state.chance(faults.rate_drop),
        slow=state.chance(faults.rate_slow),
        truncate=endpoint in DOWNLOADS and state.chance(faults.rate_truncate),
        result_body=faults.result_body if endpoint == "result" else None,
    )


def firewall_ban(state: SimState, user_agent: str) -> Reply | None:
    """Cloudflare's 1010 ban, before KIE sees the request: a plain-text 403 (what a client that does
    not ask for HTML gets)."""
    agents = state.config.faults.firewall_agents
    if not any(user_agent.startswith(prefix) for prefix in agents):
        return None
    state.stats.count_fault("firewall")
    return replies.text(403, "error code: 1010")


def planned_task_fail(state: SimState) -> tuple[FailCode, str] | None:
    """Decided at create: does this task end in `fail`, and with which failCode (int or str: a quirk)?"""
    faults = state.config.faults
    if faults.applies_to("create") and state.chance(faults.rate_fetch_fail):
        state.stats.count_fault("fetch_fail")
        return ("422", FETCH_FAIL_MSG)
    if not faults.applies_to("create") or not state.chance(faults.rate_task_fail):
        return None
    state.stats.count_fault("task_fail")
    if state.chance(faults.transient_fail_share):
        return TRANSIENT_FAIL
    code: FailCode = "422" if state.flip("fail_code") else 422
    return (code, PERMANENT_FAIL_MSG)


def before_reply(state: SimState, name: str, endpoint: str) -> Reply:
    """The answer a request gets instead of being handled."""
    state.stats.count_fault(name)
    if endpoint in DOWNLOADS:
        return _download_fault(state, name)
    if name == "5xx":
        status = 500 if state.flip("5xx") else 200  # the quirk: sometimes HTTP 200 with body code 500
        return _error(endpoint, 500, "Server error", status)
    if name == "429":
        return _rate_limited(state, endpoint)
    if name == "455":
        if endpoint in UPLOADS:
            return replies.upload(455, "Service under maintenance", status=200)
        return replies.api(455, "The service is under maintenance, please try again later", key="message")
    return _malformed(state)


def _rate_limited(state: SimState, endpoint: str) -> Reply:
    """Alternates HTTP 429 + Retry-After and HTTP 200 + body code 429: KIE sends both. With the
    `retry_after_s` knob, both carry that Retry-After (a hostile server asks for a day, say)."""
    asked = state.config.faults.retry_after_s
    if not state.flip("429"):
        reply = _error(endpoint, 429, "Rate limit exceeded", 200)
    else:
        reply = _error(endpoint, 429, "Rate limit exceeded", 429)
        reply.headers["Retry-After"] = "1"
    if asked is not None:
        reply.headers["Retry-After"] = f"{asked:g}"
    return reply


def _error(endpoint: str, code: int, msg: str, status: int) -> Reply:
    if endpoint in UPLOADS:
        return replies.upload(code, msg, status=status)
    return replies.api(code, msg, status=status)


def _malformed(state: SimState) -> Reply:
    """HTTP 200 with a body a client cannot use: not JSON at all, or JSON of the wrong shape."""
    if state.flip("malformed"):
        body = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        return Reply(status=200, body=body, content_type="text/html")
    return replies.json_reply({"code": 200, "data": []})


def _download_fault(state: SimState, name: str) -> Reply:
    if name == "5xx":
        return replies.text(500, "Internal Server Error")
    if name == "429":
        reply = replies.text(429, "Too Many Requests")
        asked = state.config.faults.retry_after_s
        reply.headers["Retry-After"] = "1" if asked is None else f"{asked:g}"
        return reply
    # malformed: a 200 "image" that does not decode
    return Reply(status=200, body=b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 100, content_type="image/png")


def apply_after(state: SimState, fault_plan: FaultPlan, reply: Reply) -> Reply:
    """Faults that happen once the request was handled (for a create: after the task exists)."""
    faults = state.config.faults
    if fault_plan.result_body and reply.is_ok_download():
        state.stats.count_fault(f"result_{fault_plan.result_body}")
        reply = _hostile_result(state, fault_plan.result_body, reply)
    if fault_plan.truncate and reply.is_ok_download():
        state.stats.count_fault("truncate")
        reply.truncate, reply.note = True, reply.note + " truncate"
    if fault_plan.slow:
        state.stats.count_fault("slow")
        reply.delay_s += faults.slow_s
        reply.note += " slow"
    if fault_plan.drop:
        state.stats.count_fault("drop")
        reply.drop, reply.note = True, reply.note + " drop"
    return reply


# --- hostile servers (every time, not at a rate) -------------------------------------------------------

NOT_AN_IMAGE = b"<!DOCTYPE html><html><body><h1>Welcome! Sign in to continue</h1></body></html>"


def _hostile_result(state: SimState, body: str, reply: Reply) -> Reply:
    """What a hostile result host serves instead of the result (the `result_body` knob)."""
    note = f"{reply.note} result_{body}"
    if body == "not_image":  # a captive portal's page, served as the PNG it should be
        return Reply(status=200, body=NOT_AN_IMAGE, content_type=reply.content_type, note=note)
    if body == "huge":
        return replace(reply, file=_huge_file(state), note=note)
    if body == "trickle":
        return replace(reply, trickle_s=state.config.faults.trickle_s, note=note)
    # truncated: a complete HTTP answer (Content-Length matches) whose image is cut in half
    data = reply.file.read_bytes() if reply.file is not None else reply.body
    return replace(reply, file=None, body=data[: len(data) // 2], note=note)


def _huge_file(state: SimState) -> Path:
    """A file of `huge_result_bytes` zeros, sparse: it takes no disk space, however large."""
    size = state.config.faults.huge_result_bytes
    path = state.storage.root / f"huge-{size}.png"
    if not path.exists():
        with path.open("wb") as handle:
            handle.write(b"\x89PNG\r\n\x1a\n")
            handle.truncate(size)
    return path


def hostile_record(state: SimState, data: dict[str, object]) -> dict[str, object]:
    """recordInfo's `data` as a hostile server answers it (the `stuck_state` and `param_mismatch` knobs)."""
    faults = state.config.faults
    if faults.stuck_state is not None:
        state.stats.count_fault("stuck_state")
        data = {**data, "state": faults.stuck_state, "resultJson": "", "completeTime": None, "costTime": 0}
    if faults.param_mismatch:
        state.stats.count_fault("param_mismatch")
        param = {"model": data.get("model"), "input": {"image": "https://elsewhere.test/another-image.png"}}
        data = {**data, "param": json.dumps(param, separators=(",", ":"))}
    return data
