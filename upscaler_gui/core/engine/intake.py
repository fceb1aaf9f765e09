"""From input items to jobs: one job per distinct input (by content or URL), resumed when it exists.

For each item the decision is one of: a new job; the existing job resumed (a taskId is polled, never
created again); skipped because already done and its output still exists; reported again as it
ended (failed or unknown) unless the user asked to retry those; busy in another live process.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from upscaler_gui.core import paths
from upscaler_gui.core.errors import InputError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.images import EXTENSIONS, check_bytes, sniff_format
from upscaler_gui.core.input_formats import sniff_convertible
from upscaler_gui.core.jobs import STAGE_PROGRESS, Job, JobState, OutputOptions
from upscaler_gui.core.localfiles import open_regular
from upscaler_gui.core.redact import link_key
from upscaler_gui.core.sources import Item, Rejected, shown_input

Decision = Literal["new", "resumed", "skipped", "ended_before", "busy", "duplicate"]
HASH_CHUNK = 256 * 1024  # small pieces: several files hash at once in worker threads


@dataclass(frozen=True)
class Admission:
    """What became of one input item."""

    given: str
    job: Job
    decision: Decision
    message: str = ""


def file_digest(path: Path) -> str:
    """The file's SHA-256; `InputError` for a pipe, device or socket (never opened)."""
    digest = hashlib.sha256()
    with open_regular(path) as stream:
        while chunk := stream.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def save_data_input(data: bytes) -> tuple[Path, str]:
    """Keep a data: URI's bytes in the data dir, so the job survives a restart."""
    digest = hashlib.sha256(data).hexdigest()
    fmt = sniff_format(data[:16]) or sniff_convertible(data[:32]) or ""
    folder = paths.data_dir() / "inputs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest[:32]}.{EXTENSIONS.get(fmt, fmt.lower() or 'bin')}"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return path, digest


def draft_job(item: Item, options: OutputOptions, owner: str) -> Job:
    """A new job for an item, before it has an id. Runs in a worker thread (it hashes files).

    The job's `given` is what may be shown (a link's secrets hidden, a data: URI shortened); a link
    with secrets is told apart by its hash, and its real form lives only in `source_url`.
    """
    given = shown_input(item.given)
    if isinstance(item, Rejected):
        return _refused(given, item.error, options, owner)
    if item.relpath:  # kept with the job: {relpath} (and --keep-tree) names its result's subfolder
        options = replace(options, relpath=item.relpath)
    if item.kind == "url" and item.url:
        return Job(0, "url", given, link_key(item.url), options, owner, source_url=item.url)
    if item.kind == "data":
        return _data_job(given, item.data or b"", options, owner)
    assert item.path is not None
    try:
        digest = file_digest(item.path)
    except OSError as exc:
        cause = exc.strerror or str(exc)
        return _refused(given, tr("The file cannot be read ({cause}).").format(cause=cause), options, owner)
    except InputError as exc:  # became a pipe or a device since it was listed
        return _refused(given, exc.user_text(), options, owner)
    return Job(
        0, "file", given, f"sha256:{digest}", options, owner, source_path=str(item.path), content_hash=digest
    )


def _data_job(given: str, data: bytes, options: OutputOptions, owner: str) -> Job:
    """A data: URI's image, checked before it is kept: a refused one is not saved in the data dir. One in
    a format we convert (HEIC, say) is checked when it is converted, before upload."""
    try:
        if sniff_convertible(data[:32]) is None:
            check_bytes(data)
    except InputError as exc:
        return _refused(given, exc.user_text(), options, owner)
    path, digest = save_data_input(data)
    return Job(
        0, "data", given, f"sha256:{digest}", options, owner, source_path=str(path), content_hash=digest
    )


def _refused(given: str, error: str, options: OutputOptions, owner: str) -> Job:
    return Job(
        0, "file", given, f"refused:{given}", options, owner, refused=True, state=JobState.FAILED, error=error
    )


def decide(
    existing: Job, *, retry_failed: bool, retry_unknown: bool, on_conflict: str = "rename"
) -> tuple[Decision, str]:
    """What to do with an input that already has a job for the same output folder."""
    state = existing.state
    taken = existing.extra.get("name_taken_by")
    if state == JobState.SKIPPED and on_conflict == "skip" and taken and Path(taken).exists():
        # Asked again to skip: it would pay for a new task only to throw the result away again.
        return "skipped", tr("skipped: {path} already exists").format(path=taken)
    if state == JobState.DONE:
        if existing.output_path and Path(existing.output_path).exists():
            return "skipped", tr("already done: {path}").format(path=existing.output_path)
        return "new", ""
    retry_asked = {JobState.FAILED: retry_failed, JobState.UNKNOWN: retry_unknown}
    if state in retry_asked:
        return ("new", "") if retry_asked[state] else ("ended_before", existing.error or "")
    if state in (JobState.CANCELLED, JobState.SKIPPED):
        return "new", ""
    return "resumed", ""


def restart(job: Job) -> Job:
    """A finished job asked for again, without paying twice for what KIE already made: a result
    (the download or save failed, or the file was deleted since) is downloaded again from its stored
    link, a task whose job was cancelled is polled again; anything else is a new, billed task."""
    if job.task_id and job.result_url:
        return _resumed_at_task(job, keep_result=True)
    if job.task_id and job.state == JobState.CANCELLED:
        return _resumed_at_task(job, keep_result=False)
    return fresh_start(job)


def restart_creates(job: Job) -> bool:
    """Whether `restart` makes a new, billed task (the window tells the cost before a bulk retry)."""
    return restart(job).task_id is None


def _resumed_at_task(job: Job, *, keep_result: bool) -> Job:
    return replace(
        job,
        state=JobState.POLLING,
        result_url=job.result_url if keep_result else None,
        output_path=None,
        error=None,
        error_code=0,
        paused_reason=None,
        progress=STAGE_PROGRESS[JobState.POLLING],
        started_at=None,
        finished_at=None,
        out_width=0,
        out_height=0,
        out_bytes=0,
    )


def fresh_start(job: Job) -> Job:
    """The same job as a new, billed task from the start (old taskIds kept for the record)."""
    previous = job.previous_task_ids + ((job.task_id,) if job.task_id else ())
    return replace(
        job,
        state=JobState.QUEUED,
        submit_started_at=None,
        task_id=None,
        task_created_at=None,
        result_url=None,
        output_path=None,
        error=None,
        error_code=0,
        paused_reason=None,
        auto_retries=0,
        progress=0.0,
        previous_task_ids=previous,
        extra={key: value for key, value in job.extra.items() if key != "uploaded_again"},
        started_at=None,
        finished_at=None,
        out_width=0,
        out_height=0,
        out_bytes=0,
    )
