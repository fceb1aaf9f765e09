"""The upload host's three endpoints (stream, base64, URL). Files land on disk under storage_dir."""

from __future__ import annotations

import base64
import binascii
import email.parser
import email.policy
import mimetypes
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, unquote, urlsplit

from upscaler_gui.sim import replies
from upscaler_gui.sim.fetch import FetchError, check_http_url, fetch
from upscaler_gui.sim.imaging import mime_for_name
from upscaler_gui.sim.replies import Reply, Request
from upscaler_gui.sim.state import SimState
from upscaler_gui.sim.storage import StorageError

OK_MSG = "File uploaded successfully"


class UploadRefusedError(ValueError):
    """Answered as `{"success": false, "code": 400, ...}`."""


@dataclass
class Upload:
    data: bytes
    upload_path: str
    file_name: str


_Parser = Callable[[SimState, Request], Upload]


def upload_stream(state: SimState, request: Request) -> Reply:
    return _handle(state, request, _from_multipart)


def upload_base64(state: SimState, request: Request) -> Reply:
    return _handle(state, request, _from_base64)


def upload_url(state: SimState, request: Request) -> Reply:
    return _handle(state, request, _from_url)


def _handle(state: SimState, request: Request, parse: _Parser) -> Reply:
    try:
        upload = parse(state, request)
        stored = state.storage.save_upload(upload.upload_path, upload.file_name, upload.data)
        state.remember_upload(stored)
    except (UploadRefusedError, StorageError) as exc:
        return replies.upload(400, str(exc))
    except FetchError as exc:
        return replies.upload(500, f"Failed to download the file: {exc}")
    state.stats.count("uploads")
    return replies.upload(200, OK_MSG, _answer_data(state, upload), status=200)


def _answer_data(state: SimState, upload: Upload) -> dict[str, object]:
    file_path = f"{upload.upload_path}/{upload.file_name}"
    now = datetime.now(UTC)
    return {
        "fileName": upload.file_name,
        "filePath": file_path,
        "downloadUrl": f"{state.base_url}/files/{quote(file_path)}",
        "fileSize": len(upload.data),
        "mimeType": mime_for_name(upload.file_name),
        "uploadedAt": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
    }


# --- the three body forms ---------------------------------------------------------------------------


def _from_multipart(state: SimState, request: Request) -> Upload:
    content_type = request.headers.get("Content-Type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise UploadRefusedError("Content-Type must be multipart/form-data")
    fields, file_data, part_name = _parse_multipart(content_type, request.body)
    if file_data is None:
        raise UploadRefusedError("file is required")
    name = fields.get("fileName") or part_name or uuid.uuid4().hex
    return Upload(file_data, _required(fields.get("uploadPath"), "uploadPath"), name)


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], bytes | None, str | None]:
    """(text fields, the `file` part's bytes, its file name). The stdlib email parser does the work."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise UploadRefusedError("The multipart body could not be parsed")
    fields: dict[str, str] = {}
    file_data: bytes | None = None
    file_name: str | None = None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue
        if name == "file":
            file_data, file_name = payload, part.get_filename()
        else:
            fields[name] = payload.decode("utf-8", "replace")
    return fields, file_data, file_name


def _from_base64(state: SimState, request: Request) -> Upload:
    body = _json(request)
    raw = _required(body.get("base64Data"), "base64Data")
    mime = None
    if raw.startswith("data:"):
        header, _, raw = raw.partition(",")
        mime = header.removeprefix("data:").split(";")[0] or None
    try:
        data = base64.b64decode("".join(raw.split()), validate=True)
    except (binascii.Error, ValueError):
        raise UploadRefusedError("base64Data is not valid base64") from None
    extension = (mimetypes.guess_extension(mime) or "") if mime else ""
    name = _optional_str(body.get("fileName")) or f"{uuid.uuid4().hex}{extension}"
    return Upload(data, _required(body.get("uploadPath"), "uploadPath"), name)


def _from_url(state: SimState, request: Request) -> Upload:
    body = _json(request)
    url = body.get("fileUrl")
    problem = check_http_url(url)
    if problem or not isinstance(url, str):
        raise UploadRefusedError(f"fileUrl {problem}")
    upload_path = _required(body.get("uploadPath"), "uploadPath")
    data = fetch(url.strip(), state.resolve_local)
    leaf = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    name = _optional_str(body.get("fileName")) or leaf or uuid.uuid4().hex
    return Upload(data, upload_path, name)


def _json(request: Request) -> dict[str, object]:
    try:
        return request.json_object()
    except ValueError as exc:
        raise UploadRefusedError(str(exc)) from None


def _required(value: object, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise UploadRefusedError(f"{name} is required")
    return value


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
