"""Plain request and reply records, so endpoint code never touches sockets.

KIE's answer shapes: the API answers `{"code", "msg", "data"}` (errors usually with HTTP 200); the upload
host answers `{"success", "code", "msg", "data"}`. A few API answers say `message` instead of `msg`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: Message
    body: bytes = b""

    def json_object(self) -> dict[str, object]:
        """The body as a JSON object; ValueError when it is not one."""
        try:
            value = json.loads(self.body or b"null")
        except (ValueError, UnicodeDecodeError):
            raise ValueError("the body is not valid JSON") from None
        if not isinstance(value, dict):
            raise ValueError("the body must be a JSON object")
        return value

    def bearer(self) -> str | None:
        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    file: Path | None = None  # stream this file instead of `body`
    drop: bool = False  # close the connection without answering
    truncate: bool = False  # send the full Content-Length but only half the bytes
    delay_s: float = 0.0
    trickle_s: float = 0.0  # > 0: the body goes out one byte at a time, this many seconds apart
    note: str = ""  # for the request log line: which fault, if any

    def is_ok_download(self) -> bool:
        return self.status == 200 and self.content_type != "application/json"


def json_reply(payload: object, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status=status, body=json.dumps(payload).encode(), headers=dict(headers or {}))


def api(code: int, msg: str, data: object = None, *, status: int = 200, key: str = "msg") -> Reply:
    """An API answer. `key="message"` reproduces the answers that name the field differently."""
    return json_reply({"code": code, key: msg, "data": data}, status)


def api_ok(data: object, *, key: str = "msg") -> Reply:
    return api(200, "success", data, key=key)


def upload(code: int, msg: str, data: object = None, *, status: int | None = None) -> Reply:
    """An upload-host answer; its errors carry the code as the HTTP status too."""
    payload = {"success": code == 200, "code": code, "msg": msg, "data": data}
    return json_reply(payload, status if status is not None else code)


def text(status: int, message: str) -> Reply:
    return Reply(status=status, body=message.encode(), content_type="text/plain; charset=utf-8")
