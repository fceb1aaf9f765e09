"""The async KIE client: create, poll, credits, fresh links, uploads and result downloads.

It runs on three injected `httpx.AsyncClient`s (API host, upload host, result hosts) that its owner
opens and closes (see `session.open_kie_client`). The key is sent per request to KIE's two hosts only,
never to the hosts that serve results, and never logged.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import httpx

from upscaler_gui.core import log, redact
from upscaler_gui.core.constants import (
    MODEL,
    PATH_CREATE,
    PATH_CREDIT,
    PATH_DOWNLOAD_URL,
    PATH_RECORD,
    PATH_UPLOAD_BASE64,
    PATH_UPLOAD_STREAM,
)
from upscaler_gui.core.errors import (
    CreateOutcomeUnknownError,
    KieAuthError,
    KieError,
)
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.kie.answers import answer_data
from upscaler_gui.core.kie.pacing import NullPacer, RequestKind, RequestPacer
from upscaler_gui.core.kie.records import (
    TaskRecord,
    UploadedFile,
    check_task_image,
    is_http_url,
    malformed,
    number_or_none,
    parse_task_record,
    parse_uploaded_file,
)
from upscaler_gui.core.kie.retry import DEFAULT_POLICY, RetryPolicy, Sleep, call_with_retries
from upscaler_gui.core.kie.transfer import (
    deadline,
    download_once,
    open_binary,
    transfer_time_s,
    unique_upload_path,
    upload_mime_type,
    upload_too_slow,
)
from upscaler_gui.core.kie.transport import send
from upscaler_gui.core.localfiles import wire_text

T = TypeVar("T")

#: Wraps the moment a create leaves: called after the pacer let it go, with the function that sends it
#: and returns the taskId. The engine records "a create is under way" before calling it and the taskId
#: after, both shielded from cancellation (see engine/stages.py).
SendGuard = Callable[[Callable[[], Awaitable[str]]], Awaitable[str]]


class _Secret:
    """Holds the key so that no repr, vars() dump or debugger view prints it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<secret>"


def _task_id(data: object) -> str:
    task_id = data.get("taskId") if isinstance(data, dict) else None
    if not isinstance(task_id, str | int) or isinstance(task_id, bool) or not str(task_id).strip():
        # KIE said yes but gave no id: the task may exist and be billed, so never send it again.
        raise CreateOutcomeUnknownError(
            tr("KIE accepted the request but sent no taskId; the task may exist and be billed."),
            hint=tr("Check your task list on kie.ai before submitting this image again."),
        )
    return str(task_id).strip()


def _credits(data: object) -> float:
    value = number_or_none(data)
    if value is None:
        raise malformed(tr("the credit balance is not a number"))
    return value


def _fresh_link(data: object) -> str:
    if isinstance(data, dict):  # not documented, but cheap to accept
        data = data.get("url") or data.get("downloadUrl")
    if not is_http_url(data):
        raise malformed(tr("no fresh link came back"))
    return str(data).strip()


def _is_header_safe(key: str) -> bool:
    return all(33 <= ord(char) <= 126 for char in key)


class KieClient:
    """One KIE account's calls, each retried as far as it is safe (see `retry`)."""

    def __init__(
        self,
        *,
        api: httpx.AsyncClient,
        upload: httpx.AsyncClient,
        files: httpx.AsyncClient,
        api_key: str,
        policy: RetryPolicy = DEFAULT_POLICY,
        pacer: RequestPacer | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        redact.register_secret(api_key)
        key = api_key.strip()
        if not key:
            raise KieAuthError(
                tr("No KIE API key is set."), hint=tr("Enter the key in Settings or set KIE_API_KEY.")
            )
        if not _is_header_safe(key):
            # httpx/h11 would refuse it at send time with an error that quotes the header, key included.
            raise KieAuthError(
                tr("The KIE API key contains characters a key cannot have (spaces, line breaks or accents)."),
                hint=tr("Copy the key again from your KIE account page into Settings or KIE_API_KEY."),
            )
        redact.register_secret(key)
        self._api, self._upload, self._files = api, upload, files
        self._key = _Secret(key)
        self._policy = policy
        self._pacer: RequestPacer = pacer if pacer is not None else NullPacer()
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"KieClient(api={self._api.base_url}, upload={self._upload.base_url})"

    @property
    def upload_host(self) -> str:
        """The upload service as scheme://host:port: an upload is reused only on the one it came from."""
        url = self._upload.base_url
        return f"{url.scheme}://{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"

    # --- API host ------------------------------------------------------------------------------

    async def create_task(
        self, image_url: str, *, callback_url: str | None = None, guard: SendGuard | None = None
    ) -> str:
        """Create one upscale task and return its taskId (billed: see `retry` for what is resent).

        `guard`, if given, wraps each attempt from the moment the pacer lets it go: waiting for the
        pacer and for a retry stays cancellable and outside it."""
        body: dict[str, object] = {"model": MODEL, "input": {"image": image_url}}
        if callback_url:
            body["callBackUrl"] = callback_url
        task_id = await self._call_api(
            "POST",
            PATH_CREATE,
            _task_id,
            kind="create",
            is_create=True,
            what="createTask",
            guard=guard,
            json=body,
        )
        log.api.info("createTask %s image=%s -> taskId %s", MODEL, redact.preview_value(image_url), task_id)
        return task_id

    async def get_task(self, task_id: str, *, expected_image: str | None = None) -> TaskRecord:
        """The task's current record (one recordInfo call, paced, retried on transient failures).

        With `expected_image` (the URL the task was created with), a record whose `param` names another
        image raises KieTaskMismatchError: a reused task id, or another task's record, is never our result.
        """

        def parse(data: object) -> TaskRecord:
            record = parse_task_record(data, expected_id=task_id)
            if expected_image is not None:
                check_task_image(record, expected_image)
            return record

        record = await self._call_api(
            "GET", PATH_RECORD, parse, kind="record", what="recordInfo", params={"taskId": task_id}
        )
        log.api.debug("recordInfo %s: %s", task_id, record.reported_state or record.state)
        return record

    async def credits(self) -> float:
        """The account's credit balance (creates nothing: the safe way to test a key)."""
        balance = await self._call_api("GET", PATH_CREDIT, _credits, what="credit")
        log.api.info("credit balance: %s", balance)
        return balance

    async def fresh_download_url(self, url: str) -> str:
        """A fresh link (valid about 20 minutes) for a KIE-generated URL that no longer answers."""
        link = await self._call_api(
            "POST", PATH_DOWNLOAD_URL, _fresh_link, what="download-url", json={"url": url}
        )
        log.api.info("fresh link for %s", redact.hide_query(url))
        return link

    async def _call_api(
        self,
        method: str,
        path: str,
        parse: Callable[[object], T],
        *,
        kind: RequestKind | None = None,
        is_create: bool = False,
        what: str,
        guard: Callable[[Callable[[], Awaitable[T]]], Awaitable[T]] | None = None,
        **kwargs: Any,
    ) -> T:
        async def sent() -> T:
            request = self._api.build_request(method, path, headers=self._auth(), **kwargs)
            return parse(answer_data(await send(self._api, request)))

        async def attempt() -> T:
            if kind is None:
                return await sent()
            await self._pacer.acquire(kind)
            try:
                return await (guard(sent) if guard is not None else sent())
            finally:
                self._pacer.answered(kind)  # also when the guard refused to send: the slot is free again

        return await self._retrying(attempt, is_create=is_create, kind=kind, what=what)

    # --- upload host ------------------------------------------------------------------------------

    async def upload_file(
        self, path: Path, *, file_name: str, upload_path: str | None = None
    ) -> UploadedFile:
        """Stream a local file to the upload host (multipart, read from disk in chunks)."""
        file_name = wire_text(file_name)  # a name that is not UTF-8 cannot go into the form as it is

        async def attempt() -> UploadedFile:
            fields = {"uploadPath": upload_path or unique_upload_path(), "fileName": file_name}
            with open_binary(path) as stream:
                size = os.fstat(stream.fileno()).st_size
                files = {"file": (file_name, stream, upload_mime_type(file_name))}
                request = self._upload.build_request(
                    "POST", PATH_UPLOAD_STREAM, headers=self._auth(), data=fields, files=files
                )
                return await self._upload_within(request, size, file_name)

        uploaded = await self._retrying(attempt, what=f"upload of {file_name}", logger=log.upload)
        log.upload.info(
            "uploaded %s (%d bytes) -> %s",
            file_name,
            uploaded.file_size,
            redact.hide_query(uploaded.download_url),
        )
        return uploaded

    async def upload_base64(
        self, data: str, *, file_name: str, upload_path: str | None = None
    ) -> UploadedFile:
        """Upload bytes given as base64 or a `data:` URL (a third larger than the stream upload)."""

        async def attempt() -> UploadedFile:
            body = {
                "base64Data": data,
                "uploadPath": upload_path or unique_upload_path(),
                "fileName": file_name,
            }
            request = self._upload.build_request("POST", PATH_UPLOAD_BASE64, headers=self._auth(), json=body)
            return await self._upload_within(request, len(data), file_name)

        uploaded = await self._retrying(attempt, what=f"base64 upload of {file_name}", logger=log.upload)
        log.upload.info(
            "uploaded %s (%d chars of base64) -> %s",
            file_name,
            len(data),
            redact.hide_query(uploaded.download_url),
        )
        return uploaded

    async def _upload_within(self, request: httpx.Request, size: int, file_name: str) -> UploadedFile:
        """Send one upload; one that has not finished within its deadline (per its size) is a timeout."""

        def too_slow(seconds: float) -> KieError:
            return upload_too_slow(file_name, seconds, host=self._upload.base_url.host)

        async with deadline(transfer_time_s(size), too_slow):
            response = await send(self._upload, request)
        return parse_uploaded_file(answer_data(response, upload=True))

    # --- result hosts -------------------------------------------------------------------------------

    async def download_to(self, url: str, sink: BinaryIO) -> int:
        """Stream a result into `sink` (emptied before each attempt); return the bytes written."""

        async def attempt() -> int:
            sink.seek(0)
            sink.truncate()
            return await download_once(self._files, url, sink)

        written = await self._retrying(attempt, what=f"download of {redact.hide_query(url)}")
        log.api.info("downloaded %s (%d bytes)", redact.hide_query(url), written)
        return written

    # --- shared -----------------------------------------------------------------------------------------

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._key.reveal()}"}

    async def _retrying(
        self,
        fn: Callable[[], Awaitable[T]],
        *,
        what: str,
        is_create: bool = False,
        kind: RequestKind | None = None,
        logger: logging.Logger = log.api,
    ) -> T:
        def rate_limited(retry_after: float | None) -> None:
            if kind is not None:
                self._pacer.on_rate_limited(kind, retry_after)

        return await call_with_retries(
            fn,
            is_create=is_create,
            policy=self._policy,
            sleep=self._sleep,
            on_rate_limited=rate_limited,
            what=what,
            logger=logger,
        )
