"""From a request to a reply: routing, the key check, the sim's own rate limiter, then faults."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass

from upscaler_gui.core import constants as k
from upscaler_gui.sim import api, control, downloads, faults, replies, uploads
from upscaler_gui.sim.replies import Reply, Request
from upscaler_gui.sim.state import SimState

Handler = Callable[[SimState, Request], Reply]
AUTH_MSG = "You do not have access permissions"


@dataclass(frozen=True)
class Route:
    endpoint: str  # the name faults and stats use
    kind: str  # "api", "upload", "download" or "control"
    handler: Handler


_EXACT: dict[tuple[str, str], Route] = {
    ("POST", k.PATH_CREATE): Route("create", "api", api.create),
    ("GET", k.PATH_RECORD): Route("record", "api", api.record),
    ("GET", k.PATH_CREDIT): Route("credit", "api", api.credit),
    ("POST", k.PATH_DOWNLOAD_URL): Route("download_url", "api", api.download_url),
    ("POST", k.PATH_UPLOAD_STREAM): Route("upload_stream", "upload", uploads.upload_stream),
    ("POST", k.PATH_UPLOAD_BASE64): Route("upload_base64", "upload", uploads.upload_base64),
    ("POST", k.PATH_UPLOAD_URL): Route("upload_url", "upload", uploads.upload_url),
    ("GET", "/_sim/stats"): Route("stats", "control", control.get_stats),
    ("GET", "/_sim/config"): Route("config", "control", control.get_config),
    ("POST", "/_sim/config"): Route("config", "control", control.post_config),
}
_PREFIXES: dict[tuple[str, str], Route] = {
    ("GET", "/results/"): Route("result", "download", downloads.serve_result),
    ("GET", "/files/"): Route("file", "download", downloads.serve_file),
}
_KNOWN_PATHS = {path for _, path in _EXACT}


def find_route(method: str, path: str) -> Route | None:
    route = _EXACT.get((method, path))
    if route is not None:
        return route
    for (route_method, prefix), candidate in _PREFIXES.items():
        if method == route_method and path.startswith(prefix):
            return candidate
    return None


def dispatch(state: SimState, request: Request) -> Reply:
    if state.stopping.is_set():
        return Reply(drop=True, note=" stopping")
    route = find_route(request.method, request.path)
    if route is None:
        return _no_route(request)
    if route.kind == "control":
        return route.handler(state, request)
    state.stats.count("requests")
    banned = faults.firewall_ban(state, request.headers.get("User-Agent") or "")  # Cloudflare is in front
    refused = banned or _check_key(state, route, request) or _check_rate(state, route, request)
    if refused is not None:
        return refused
    plan = faults.plan(state, route.endpoint)
    if plan.before is not None:
        reply = faults.before_reply(state, plan.before, route.endpoint)
        reply.note = f" {plan.before}"
    else:
        reply = route.handler(state, request)
    reply = faults.apply_after(state, plan, reply)
    if route.kind != "download":
        reply.delay_s += state.config.answer_delay_s
    elif route.endpoint == "result" and reply.is_ok_download() and not reply.drop:
        state.stats.count("downloads")
    return reply


def _no_route(request: Request) -> Reply:
    if request.path in _KNOWN_PATHS:
        return replies.json_reply({"code": 405, "msg": "Method not allowed"}, status=405)
    return replies.json_reply({"code": 404, "msg": "Not Found"}, status=404)


def _check_key(state: SimState, route: Route, request: Request) -> Reply | None:
    if route.kind == "download":
        return None  # result and file links are public, like KIE's temp-file host
    key = request.bearer()
    if key is not None and hmac.compare_digest(key.encode(), state.config.api_key.encode()):
        return None
    if route.kind == "upload":
        return replies.upload(401, AUTH_MSG)
    return replies.api(401, AUTH_MSG)  # the quirk: HTTP 200, body code 401


def _check_rate(state: SimState, route: Route, request: Request) -> Reply | None:
    """KIE's own limits per key (creates per 10 s, recordInfo per s): over them, rejected, nothing done."""
    config = state.config
    if route.endpoint == "record":
        state.stats.count_record(request.query.get("taskId", "").strip())
        limit, window_s = config.record_limit, config.record_window_s
    elif route.endpoint == "create":
        limit, window_s = config.create_limit, config.create_window_s
    else:
        return None
    retry_after = state.stats.admit(route.endpoint, request.bearer() or "", limit, window_s)
    if retry_after is None:
        return None
    reply = replies.api(429, "Rate limit exceeded", status=429)
    reply.headers["Retry-After"] = str(retry_after)
    reply.note = " limited"
    return reply
