"""The Job record and its states.

queued -> uploading -> submitting -> polling -> downloading -> done, with failed, skipped, paused,
cancelled and unknown (a create whose outcome cannot be known). A Job is a plain value: the engine
hands out copies, so the window and the CLI can keep them without locks.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from upscaler_gui.core.constants import DEFAULT_COST_PER_IMAGE
from upscaler_gui.core.errors import InputError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.localfiles import readable
from upscaler_gui.core.output import CONFLICT_POLICIES, DEFAULT_TEMPLATE, ConflictPolicy
from upscaler_gui.core.redact import has_link_secrets, hide_link_secrets

InputKind = Literal["file", "url", "data"]
INPUT_NOTES = "input_notes"  # Job.extra: what was done to the input before upload (converted from HEIC...)


class JobState(StrEnum):
    QUEUED = "queued"
    UPLOADING = "uploading"
    SUBMITTING = "submitting"
    POLLING = "polling"
    DOWNLOADING = "downloading"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


FINISHED = frozenset({JobState.DONE, JobState.FAILED, JobState.SKIPPED, JobState.CANCELLED, JobState.UNKNOWN})
ACTIVE = frozenset({JobState.UPLOADING, JobState.SUBMITTING, JobState.POLLING, JobState.DOWNLOADING})
# What Retry applies to. A done (or skipped) job is run again only by its own action, which says it is
# billed: a Retry over a whole selection must never pay again for work that is done.
RETRYABLE = frozenset({JobState.FAILED, JobState.UNKNOWN, JobState.CANCELLED})


@dataclass(frozen=True)
class OutputOptions:
    """How one job's input is made ready and where and how its result is written (kept with the job as
    JSON, so a resume does the same; a field added later reads as its default from older rows)."""

    folder: str
    template: str = DEFAULT_TEMPLATE
    on_conflict: ConflictPolicy = "rename"
    output_format: str = "keep"  # keep | png | jpeg | webp
    quality: int = 92
    keep_metadata: bool = True
    fit_bytes: bool = True  # a PNG/JPEG/WEBP over 10 MB is re-encoded to fit (False: refused)
    fit_pixels: bool = False  # an image over upstream's pixel limits is scaled down to them
    relpath: str = ""  # the input's subfolder inside the folder it came from ('/'-separated): {relpath}

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def checked(
        cls,
        folder: str | Path,
        *,
        template: str = DEFAULT_TEMPLATE,
        on_conflict: str = "rename",
        output_format: str = "keep",
        quality: int = 92,
        keep_metadata: bool = True,
        fit_bytes: bool = True,
        fit_pixels: bool = False,
        keep_tree: bool = False,
    ) -> OutputOptions:
        """Options from what a user chose (the command line or the window's settings), each checked:
        `InputError` says what is wrong. The folder is made absolute, so a resume writes to the same one.
        `keep_tree` puts each result in its input's subfolder: the template gains `{relpath}/`."""
        from upscaler_gui.core.finish import validate_format
        from upscaler_gui.core.output import tree_template, validate_template

        template = tree_template(template) if keep_tree else template
        validate_template(template)
        policy = next((known for known in CONFLICT_POLICIES if known == on_conflict), None)
        if policy is None:
            message = tr("When a name is taken: rename, skip or overwrite, not {value}.")
            raise InputError(message.format(value=on_conflict))
        if not 1 <= quality <= 100:
            message = tr("The quality must be between 1 and 100, not {value}.")
            raise InputError(message.format(value=quality))
        return cls(
            folder=str(Path(folder).expanduser().resolve()),
            template=template,
            on_conflict=policy,
            output_format=validate_format(output_format),
            quality=quality,
            keep_metadata=keep_metadata,
            fit_bytes=fit_bytes,
            fit_pixels=fit_pixels,
        )

    @classmethod
    def from_json(cls, text: str) -> OutputOptions:
        raw: dict[str, Any] = json.loads(text)
        known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class Job:
    """One input on its way to one result."""

    id: int
    kind: InputKind
    given: str  # as the user gave it (a data: URI shortened)
    dedupe_key: str  # same key + same output folder = same job
    options: OutputOptions
    owner: str = "cli"  # who added it: cli | gui | watch:<folder>
    refused: bool = False  # refused before anything was sent (no file, not an image...): never run
    state: JobState = JobState.QUEUED
    source_path: str | None = None  # a local file (for data: inputs, the saved copy)
    source_url: str | None = None
    content_hash: str | None = None
    upload_url: str | None = None
    uploaded_at: float | None = None
    submit_started_at: float | None = None  # set durably BEFORE a create is sent
    task_id: str | None = None
    task_created_at: float | None = None
    result_url: str | None = None
    output_path: str | None = None
    creates: int = 0  # creates sent for this job (each is billed)
    auto_retries: int = 0
    previous_task_ids: tuple[str, ...] = ()
    error: str | None = None
    error_code: int = 0
    paused_reason: str | None = None
    in_width: int = 0
    in_height: int = 0
    in_bytes: int = 0
    out_width: int = 0
    out_height: int = 0
    out_bytes: int = 0
    cost_time_s: float | None = None
    credits: float | None = None
    warnings: tuple[str, ...] = ()
    progress: float = 0.0  # 0..1 within the pipeline, for progress bars
    created_at: float = 0.0
    updated_at: float = 0.0
    started_at: float | None = None
    finished_at: float | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def input_notes(self) -> tuple[str, ...]:
        """What was done to the input before upload (converted from HEIC, re-encoded to fit): shown with
        the job also once it is done, when its other warnings no longer matter."""
        notes = self.extra.get(INPUT_NOTES)
        return tuple(str(note) for note in notes) if isinstance(notes, list) else ()

    @property
    def display_name(self) -> str:
        """A file's name, or the input as given (a link, or a path that could not be used) shortened;
        readable even when the file's name is not UTF-8."""
        name = self._file_name()
        if name is not None:
            return readable(name)
        return self.given if len(self.given) <= 60 else self.given[:57] + "..."

    def _file_name(self) -> str | None:
        """The local file's own name (exact, for naming results), or None for links and data."""
        path = self.source_path if self.kind == "file" and self.source_path else None
        refused_path = "://" not in self.given and not self.given.startswith("data:")
        if path is None and self.kind == "file" and refused_path:
            path = self.given  # a refused path: its name says more than the whole path
        if path:
            return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or path
        return None

    @property
    def input_stem(self) -> str:
        """The stem results are named after: the file's, the URL's last path segment, or 'pasted'."""
        if self.kind == "url" and self.source_url:
            segment = unquote(urlsplit(self.source_url).path.rstrip("/").rsplit("/", 1)[-1])
            host = urlsplit(self.source_url).hostname or "image"  # never its user:password
            return segment.rsplit(".", 1)[0] if "." in segment else (segment or host)
        if self.kind == "file" and self.source_path:
            name = self._file_name() or ""
            return name.rsplit(".", 1)[0] if "." in name else name
        return "pasted"

    def stored_form(self) -> Job:
        """The job as the store keeps it: once it ended, a link without its password or token (the
        user gives the link again to run it again; until then a restart needs the real one)."""
        if self.finished and self.source_url and has_link_secrets(self.source_url):
            return replace(self, source_url=hide_link_secrets(self.source_url))
        return self

    @property
    def billed(self) -> bool:
        """True when KIE has (or may have) charged for this job."""
        return self.creates > 0

    def cost_estimate(self, cost_per_image: float = DEFAULT_COST_PER_IMAGE) -> float:
        return 0.0 if self.finished or self.task_id else cost_per_image

    def at(self, state: JobState) -> Job:
        """This job moved to `state`, its progress bar with it (every other field as it is)."""
        return replace(self, state=state, progress=STAGE_PROGRESS.get(state, self.progress))


# Progress shown for each stage (the stages take very different times; these read well in a bar).
STAGE_PROGRESS = {
    JobState.QUEUED: 0.0,
    JobState.UPLOADING: 0.1,
    JobState.SUBMITTING: 0.25,
    JobState.POLLING: 0.35,
    JobState.DOWNLOADING: 0.9,
    JobState.DONE: 1.0,
}
