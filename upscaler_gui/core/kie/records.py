"""Typed records parsed from KIE's `data` payloads, accepting every form KIE has been seen to send.

Sources disagree (kie-api.md): `resultJson` is a JSON string inside the JSON (sometimes a dict, empty
or null), `failCode` a string, an int or null, `costTime` in ms or in seconds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal, cast
from urllib.parse import unquote

from upscaler_gui.core import log
from upscaler_gui.core.errors import (
    KieMalformedAnswerError,
    KieTaskFailedError,
    KieTaskMismatchError,
    is_transient_failure,
)
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.redact import preview_value, shorten

# "unknown": KIE named a state it does not document (kept in `reported_state`); the caller reports it.
TaskState = Literal["waiting", "queuing", "generating", "success", "fail", "unknown"]
RUNNING_STATES: frozenset[str] = frozenset({"waiting", "queuing", "generating"})
KNOWN_STATES: frozenset[str] = RUNNING_STATES | {"success", "fail"}


@dataclass(frozen=True)
class TaskRecord:
    """One recordInfo answer."""

    task_id: str
    state: TaskState
    result_urls: tuple[str, ...] = ()
    fail_code: str = ""
    fail_msg: str = ""
    cost_time_s: float | None = None
    create_time_ms: int | None = None
    complete_time_ms: int | None = None
    credits_consumed: float | None = None
    reported_state: str = ""  # KIE's own word when the state is "unknown"
    image: str | None = None  # `param`'s input.image: the image the task was created with, if readable

    @property
    def is_unknown(self) -> bool:
        return self.state == "unknown"

    @property
    def is_running(self) -> bool:
        return self.state in RUNNING_STATES

    @property
    def is_success(self) -> bool:
        return self.state == "success"

    @property
    def is_failed(self) -> bool:
        return self.state == "fail"

    def raise_for_failure(self) -> TaskRecord:
        """This record, or the user-facing KieTaskFailedError when the task ended in `fail`."""
        if self.is_failed:
            raise task_failed_error(self)
        return self


@dataclass(frozen=True)
class UploadedFile:
    """What the upload host says about a file it stored (kept 24 h by KIE's newer docs, 3 days by older)."""

    download_url: str
    file_path: str
    file_name: str
    file_size: int
    mime_type: str
    uploaded_at: str


def malformed(what: str) -> KieMalformedAnswerError:
    """The error for an answer that does not have the documented shape."""
    return KieMalformedAnswerError(
        tr("KIE sent an answer that could not be read ({what}).").format(what=what),
        hint=tr("The app tries again; if it keeps happening, KIE may be having trouble."),
    )


# --- small value readers ------------------------------------------------------------------------


def number_or_none(value: object) -> float | None:
    """A JSON number (or a numeric string) as float; None for anything else, bools included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _positive_int(value: object) -> int | None:
    number = number_or_none(value)
    return int(number) if number is not None and number > 0 else None


def _text(value: object) -> str:
    """A field that should be a string; null becomes "" and a number its digits (failCode 500)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_http_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://")) and len(value) > 8


# --- recordInfo ------------------------------------------------------------------------------------


def cost_time_seconds(raw: object, create_ms: int | None, complete_ms: int | None) -> float | None:
    """costTime in seconds, whether KIE sent ms or s.

    When both timestamps exist, the reading closer to their difference wins; otherwise a value of
    1000 or more is taken as ms (no upscale takes 17 minutes), a smaller one as seconds.
    """
    value = number_or_none(raw)
    if value is None or value < 0:
        return None
    if create_ms is not None and complete_ms is not None and complete_ms >= create_ms:
        elapsed_s = (complete_ms - create_ms) / 1000
        as_ms, as_s = value / 1000, value
        return as_ms if abs(as_ms - elapsed_s) <= abs(as_s - elapsed_s) else as_s
    return value / 1000 if value >= 1000 else value


def _decoded_result(raw: object) -> dict[str, object]:
    """resultJson, parsed a second time when it is a string."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise malformed(tr("resultJson is not JSON")) from None
    if not isinstance(raw, dict):
        raise malformed(tr("resultJson is not an object"))
    return cast(dict[str, object], raw)


def result_urls(raw: object) -> tuple[str, ...]:
    """The `resultUrls` list inside resultJson (a lone string is accepted as a list of one)."""
    urls = _decoded_result(raw).get("resultUrls")
    if urls is None:
        return ()
    if isinstance(urls, str):
        urls = [urls]
    if not isinstance(urls, list) or not all(isinstance(url, str) for url in urls):
        raise malformed(tr("resultUrls is not a list of links"))
    return tuple(url.strip() for url in urls if url.strip())


def _state(raw: object) -> tuple[TaskState, str]:
    """The state, and KIE's own word for it when it is not one KIE documents."""
    text = _text(raw)
    if not text:
        raise malformed(tr("the task record has no state"))
    state = text.lower()
    if state not in KNOWN_STATES:
        return "unknown", shorten(text, 40)
    return cast(TaskState, state), ""


def param_image(raw: object) -> str | None:
    """`param`'s input.image (param is the create body as a JSON string); None when absent or unreadable."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else None
        except ValueError:
            raw = None
    payload = raw.get("input") if isinstance(raw, dict) else None
    image = payload.get("image") if isinstance(payload, dict) else None
    return image.strip() if isinstance(image, str) and image.strip() else None


def _same_image(a: str, b: str) -> bool:
    """The same link, allowing for percent-encoding written differently."""
    return a.strip() == b.strip() or unquote(a.strip()) == unquote(b.strip())


def check_task_image(record: TaskRecord, expected: str) -> None:
    """KieTaskMismatchError when the record says its task was made from another image than ours."""
    if record.image is None:
        log.api.debug("recordInfo %s: no readable param; the image is not checked", record.task_id)
        return
    if _same_image(record.image, expected):
        return
    raise KieTaskMismatchError(
        tr(
            "KIE's record for task {task_id} is for another image ({found}), not the one this job sent;"
            " it is not taken as this job's result."
        ).format(task_id=record.task_id, found=preview_value(record.image)),
        hint=tr(
            "The task is billed and is not created again by itself: check it on kie.ai, then retry the job"
            " if you wish (a new, billed task)."
        ),
    )


def parse_task_record(data: object, *, expected_id: str | None = None) -> TaskRecord:
    """A recordInfo `data` payload as a TaskRecord, or KieMalformedAnswerError."""
    if not isinstance(data, dict):
        raise malformed(tr("the task record is missing"))
    task_id = _text(data.get("taskId")) or (expected_id or "")
    if not task_id:
        raise malformed(tr("the task record has no taskId"))
    if expected_id and task_id != expected_id:
        raise malformed(tr("the record is for another task"))
    state, reported = _state(data.get("state"))
    # Only a success must carry readable results; a running or failed task's resultJson is ignored.
    urls = result_urls(data.get("resultJson")) if state == "success" else ()
    if state == "success" and not urls:
        raise malformed(tr("the task succeeded but no result link came back"))
    create_ms, complete_ms = _positive_int(data.get("createTime")), _positive_int(data.get("completeTime"))
    return TaskRecord(
        task_id=task_id,
        state=state,
        result_urls=urls,
        fail_code=_text(data.get("failCode")),
        fail_msg=_text(data.get("failMsg")),
        cost_time_s=cost_time_seconds(data.get("costTime"), create_ms, complete_ms),
        create_time_ms=create_ms,
        complete_time_ms=complete_ms,
        credits_consumed=number_or_none(data.get("creditsConsumed")),
        reported_state=reported,
        image=param_image(data.get("param")),
    )


def task_failed_error(record: TaskRecord) -> KieTaskFailedError:
    """The user-facing error for a task that ended in `fail`."""
    reason = record.fail_msg or tr("no reason given")
    if record.fail_code:
        reason = f"{reason}, code {record.fail_code}"
    if is_transient_failure(record.fail_code, record.fail_msg):
        hint = tr("This looks temporary: retry the job (a retry is a new, billed task).")
    else:
        hint = tr("Check the image, then retry the job if you wish (a retry is a new, billed task).")
    return KieTaskFailedError(
        tr("KIE could not upscale the image ({reason}).").format(reason=reason),
        fail_code=record.fail_code,
        hint=hint,
    )


# --- uploads ---------------------------------------------------------------------------------------


def parse_uploaded_file(data: object) -> UploadedFile:
    """An upload answer's `data` as an UploadedFile, or KieMalformedAnswerError."""
    if not isinstance(data, dict):
        raise malformed(tr("the upload answer has no file details"))
    url = data.get("downloadUrl")
    if not is_http_url(url):
        raise malformed(tr("the upload answer has no download link"))
    size = number_or_none(data.get("fileSize"))
    return UploadedFile(
        download_url=str(url).strip(),
        file_path=_text(data.get("filePath")),
        file_name=_text(data.get("fileName")),
        file_size=int(size) if size is not None and size >= 0 else 0,
        mime_type=_text(data.get("mimeType")),
        uploaded_at=_text(data.get("uploadedAt")),
    )
