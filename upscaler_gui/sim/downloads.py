"""GET /results/<taskId>.<ext> and GET /files/<uploadPath>/<fileName>: public links, no key needed."""

from __future__ import annotations

import time
from pathlib import Path

from upscaler_gui.sim import replies
from upscaler_gui.sim.imaging import mime_for_name
from upscaler_gui.sim.replies import Reply, Request
from upscaler_gui.sim.state import SimState


def serve_result(state: SimState, request: Request) -> Reply:
    """A result, subject to `result_link_ttl_s`; a download-url token makes an expired link work again."""
    path = state.local_file(request.path)
    task = state.tasks.get(Path(request.path).stem)
    if path is None or task is None or task.state(time.time()) != "success":
        return _not_found()
    token = request.query.get("token")
    if token is not None:
        return _file(path) if state.token_valid(token, request.path) else _not_found()
    if _expired(state, task.finished_at()):
        state.stats.count_fault("link_expired")
        return _not_found(" link_expired")
    return _file(path)


def serve_file(state: SimState, request: Request) -> Reply:
    path = state.local_file(request.path)
    return _file(path) if path is not None else _not_found()


def _expired(state: SimState, finished_at: float | None) -> bool:
    ttl = state.config.faults.result_link_ttl_s
    return ttl is not None and finished_at is not None and time.time() - finished_at > ttl


def _file(path: Path) -> Reply:
    return Reply(status=200, file=path, content_type=mime_for_name(path.name))


def _not_found(note: str = "") -> Reply:
    reply = replies.text(404, "Not Found")
    reply.note = note
    return reply
