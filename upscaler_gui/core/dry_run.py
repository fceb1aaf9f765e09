"""A batch planned, not run: what each input would become, with nothing sent and nothing written.

Each input gets the checks a run gives it before anything is sent (the file, its format, every pixel
decoding), is looked up in the job store as a run would (already done, ended before, a task under
way), and is named as its result would be. Nothing is uploaded, created, saved or stored: the store is
only read, so a later real run finds nothing a dry run left behind. An input a run would convert (HEIC,
over 10 MB...) is converted in a scratch folder removed at once, so the plan says what would be sent.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from upscaler_gui.core.engine.intake import decide, file_digest, restart_creates
from upscaler_gui.core.errors import InputError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.jobs import Job, OutputOptions
from upscaler_gui.core.output import numbered, predicted_name
from upscaler_gui.core.prepare import PrepareOptions, prepare_file
from upscaler_gui.core.redact import link_key
from upscaler_gui.core.sources import Item, Rejected, shown_input

# create: a new, billed task; resume: an earlier run's task or paid result taken up, nothing billed
Action = Literal["create", "resume", "skip", "refused", "ended_before", "duplicate"]
Lookup = Callable[[str, str], Job | None]  # (dedupe key, output folder) -> the stored job


@dataclass(frozen=True)
class Planned:
    """What one input would become."""

    given: str
    action: Action
    upload: bool = False  # a local file (or data: image) that would be uploaded
    output: str | None = None  # the result's path, when it can be known before the task runs
    credits: float = 0.0
    note: str = ""


@dataclass(frozen=True)
class _Checked:
    key: str
    draft: Job
    ext: str | None
    note: str = ""  # what would be done to the input before upload (converted from HEIC...)


def plan(
    items: Iterable[Item],
    options: OutputOptions,
    *,
    price: float,
    lookup: Lookup,
    retry_failed: bool = False,
    retry_unknown: bool = False,
) -> list[Planned]:
    """One plan per item, in order (the same input twice is planned once)."""
    planner = _Planner(options, price, lookup, retry_failed=retry_failed, retry_unknown=retry_unknown)
    return [planner.one(item) for item in items]


class _Planner:
    def __init__(
        self, options: OutputOptions, price: float, lookup: Lookup, *, retry_failed: bool, retry_unknown: bool
    ) -> None:
        self.options, self.price, self.lookup = options, price, lookup
        self.retry_failed, self.retry_unknown = retry_failed, retry_unknown
        self.seen: set[str] = set()
        self.names: set[Path] = set()  # results planned already: a second one would be numbered

    def one(self, item: Item) -> Planned:
        given = shown_input(item.given)
        if isinstance(item, Rejected):
            return Planned(given, "refused", note=item.error)
        try:
            checked = _check(item, self.options)
        except InputError as exc:
            return Planned(given, "refused", note=exc.user_text())
        if checked.key in self.seen:
            return Planned(given, "duplicate", note=tr("the same image as an earlier input"))
        self.seen.add(checked.key)
        existing = self.lookup(checked.key, self.options.folder)
        return self._planned(given, checked, existing)

    def _planned(self, given: str, checked: _Checked, existing: Job | None) -> Planned:
        options = self.options
        if existing is not None:
            decision, message = decide(
                existing,
                retry_failed=self.retry_failed,
                retry_unknown=self.retry_unknown,
                on_conflict=options.on_conflict,
            )
            if decision in ("skipped", "ended_before"):
                return Planned(given, "skip" if decision == "skipped" else "ended_before", note=message)
            taken_up = existing.task_id if decision == "resumed" else not restart_creates(existing)
            if taken_up:
                note = tr("KIE already made (or is making) it: taken up, no new task")
                return Planned(given, "resume", note=note)
        output = _result_path(checked, existing, self.names)
        if output is not None and options.on_conflict == "skip" and output.exists():
            return Planned(given, "skip", note=tr("skipped: {path} already exists").format(path=output))
        if output is not None:
            self.names.add(output)
        upload = checked.draft.kind != "url"
        return Planned(given, "create", upload, str(output) if output else None, self.price, checked.note)


def _check(item: Item, options: OutputOptions) -> _Checked:
    """The run's local checks; `InputError` says what is wrong."""
    assert not isinstance(item, Rejected)
    if item.kind == "url" and item.url:
        draft = Job(0, "url", item.given, link_key(item.url), options, source_url=item.url)
        return _Checked(draft.dedupe_key, draft, None)
    if item.kind == "data":
        data = item.data or b""
        ext, note = _prepared(None, data, options)
        key = f"sha256:{hashlib.sha256(data).hexdigest()}"
        return _Checked(key, Job(0, "data", item.given, key, options), ext, note)
    assert item.path is not None
    ext, note = _prepared(item.path, b"", options)
    try:
        key = f"sha256:{file_digest(item.path)}"
    except OSError as exc:
        raise InputError(tr("The file cannot be read ({cause}).").format(cause=exc.strerror or exc)) from exc
    options = replace(options, relpath=item.relpath) if item.relpath else options
    draft = Job(0, "file", item.given, key, options, source_path=str(item.path))
    return _Checked(key, draft, ext, note)


def _prepared(path: Path | None, data: bytes, options: OutputOptions) -> tuple[str, str]:
    """The run's preparation (checks, and a conversion or fitting where one is due) in a scratch folder
    removed at once: the extension uploaded, and what would be done."""
    with tempfile.TemporaryDirectory(prefix="crisp-dry-run-") as scratch:
        if path is None:
            path = Path(scratch) / "input"
            path.write_bytes(data)
        fit = PrepareOptions(options.fit_bytes, options.fit_pixels)
        prepared = prepare_file(path, into=Path(scratch), key="prepared", options=fit)
        return prepared.info.extension, " ".join(prepared.done)


def _result_path(checked: _Checked, existing: Job | None, names: set[Path]) -> Path | None:
    """Where the result would be saved, taken names (on disk or earlier in this plan) numbered."""
    options, draft = checked.draft.options, checked.draft
    job_number = existing.id if existing is not None else 0
    name = predicted_name(
        options.template,
        draft.input_stem,
        options.output_format,
        checked.ext,
        job_number,
        relpath=options.relpath,
    )
    if name is None:
        return None
    target = Path(options.folder) / name
    if options.on_conflict != "rename":
        return target
    return next(path for path in numbered(target) if path not in names and not path.exists())
