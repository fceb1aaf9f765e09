"""The file a job uploads: its input as it is, or a copy made for KIE (converted, or fitted to its limits).

The copy lives in the data dir (`prepared/`) from the upload until the job is done, named by the input's
hash and how it was made; the finishing step reads the input's EXIF and ICC from it, with the
Orientation already true. Job fields are shared with the store's schema, so what this needs is kept in
`job.extra[PREPARED]`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from upscaler_gui.core import paths
from upscaler_gui.core.jobs import Job
from upscaler_gui.core.prepare import Prepared, PrepareOptions, prepare_file

PREPARED = "prepared"  # job.extra: the copy made for upload, until the job is done


def prepare_input(job: Job) -> Prepared:
    """The file to upload for this job: its input, or a copy made for KIE (run in a worker thread)."""
    options = PrepareOptions(job.options.fit_bytes, job.options.fit_pixels)
    # One copy per job: two jobs of the same image (two output folders) each remove only their own.
    key = f"{(job.content_hash or '')[:32]}-{_variant(job)}-{job.id}"
    path = Path(job.source_path or "")
    return prepare_file(path, into=paths.data_dir() / "prepared", key=key, options=options)


def upload_key(job: Job) -> str:
    """What an upload is remembered by: the input's hash, and the copy's name when one was sent."""
    made = job.extra.get(PREPARED)
    return (job.content_hash or "") + (
        f":{_variant(job)}{Path(made).suffix}" if isinstance(made, str) else ""
    )


def _variant(job: Job) -> str:
    return "fit" if job.options.fit_pixels else "full"


def discard_prepared(job: Job) -> dict[str, Any]:
    """The job's extra without its copy for upload, the file removed: the job needs it no more."""
    made = job.extra.get(PREPARED)
    if isinstance(made, str):
        Path(made).unlink(missing_ok=True)
    return {key: value for key, value in job.extra.items() if key != PREPARED}


def metadata_source(job: Job) -> Path | None:
    """The copy made for upload, while it exists: its EXIF and ICC are the input's, made true."""
    made = job.extra.get(PREPARED)
    return Path(made) if isinstance(made, str) and Path(made).is_file() else None
