"""The job store's file format: its tables, its migrations, and a Job as a row and back.

Version 2 (this one) added the `identity` unique key (one job per input and output folder), the
`refused` flag, and uploads keyed by upload host; version 1 stores are migrated in place.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import fields, replace
from typing import Any

from upscaler_gui.core.errors import StoreError
from upscaler_gui.core.i18n import decode, encode, tr
from upscaler_gui.core.jobs import Job, JobState, OutputOptions
from upscaler_gui.core.localfiles import from_stored, storable

SCHEMA_VERSION = 2

_JOB_COLUMNS = [f.name for f in fields(Job) if f.name != "id"]
_JSON_COLUMNS = {"options", "previous_task_ids", "warnings", "extra"}

UPLOADS_TABLE = """CREATE TABLE IF NOT EXISTS uploads (
    content_hash TEXT NOT NULL, host TEXT NOT NULL, url TEXT NOT NULL, uploaded_at REAL NOT NULL,
    PRIMARY KEY (content_hash, host)
);"""

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    {", ".join(f"{name} {'TEXT' if name in _JSON_COLUMNS else ''}" for name in _JOB_COLUMNS)},
    engine_id INTEGER,
    identity TEXT,
    error_source TEXT
);
CREATE INDEX IF NOT EXISTS jobs_dedupe ON jobs (dedupe_key);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_identity ON jobs (identity);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);
{UPLOADS_TABLE}
CREATE TABLE IF NOT EXISTS engines (
    id INTEGER PRIMARY KEY AUTOINCREMENT, pid INTEGER NOT NULL, host TEXT NOT NULL,
    started_at REAL NOT NULL, heartbeat REAL NOT NULL
);
"""


# Version 1 had no identity column: rows are given theirs, newest first; an older duplicate (two runs
# raced before version 2) keeps NULL, which UNIQUE allows, and is no longer found for its input.
# Its uploads did not say which upload host they were made on: forgotten (uploading again is free).
_V2_COLUMNS = """
ALTER TABLE jobs ADD COLUMN identity TEXT;
ALTER TABLE jobs ADD COLUMN refused;
ALTER TABLE jobs ADD COLUMN error_source TEXT;
UPDATE jobs SET refused = dedupe_key LIKE 'rejected:%';
UPDATE jobs SET dedupe_key = 'refused:' || substr(dedupe_key, 10) WHERE refused;
"""
_V2_IDENTITY_AND_UPLOADS = (
    """
UPDATE jobs SET identity = dedupe_key || char(31) || json_extract(options, '$.folder')
 WHERE id IN (SELECT MAX(id) FROM jobs GROUP BY dedupe_key, json_extract(options, '$.folder'));
CREATE UNIQUE INDEX IF NOT EXISTS jobs_identity ON jobs (identity);
DROP TABLE IF EXISTS uploads;
"""
    + UPLOADS_TABLE
)


def identity(job: Job) -> str:
    """What makes two jobs the same: the same input (by content or link) into the same folder."""
    return f"{job.dedupe_key}\x1f{job.options.folder}"


def to_row(job: Job) -> dict[str, Any]:
    row: dict[str, Any] = {}
    job = job.stored_form()  # an ended job's link without its secrets
    for name in _JOB_COLUMNS:
        value = getattr(job, name)
        if name == "options":
            value = value.to_json()
        elif name in _JSON_COLUMNS:
            value = json.dumps(list(value) if isinstance(value, tuple) else value)
        elif name == "state":
            value = str(value)
        elif isinstance(value, str):
            value = storable(value)  # a path whose name is not UTF-8 is kept as its bytes
        row[name] = value
    row["error_source"] = encode(job.error)  # the error's making: shown again in a later language
    return row


def from_row(row: sqlite3.Row) -> Job:
    values: dict[str, Any] = {"id": row["id"]}
    for name in _JOB_COLUMNS:
        value = row[name]
        if name == "options":
            value = OutputOptions.from_json(value)
        elif name in ("previous_task_ids", "warnings"):
            value = tuple(json.loads(value or "[]"))
        elif name == "extra":
            value = json.loads(value or "{}")
        elif name == "state":
            value = JobState(value)
        elif name == "refused":
            value = bool(value)
        values[name] = from_stored(value)
    values["error"] = decode(values["error"], row["error_source"])
    return Job(**values)


def migrate(db: sqlite3.Connection) -> None:
    """Bring the file up to SCHEMA_VERSION, inside the caller's transaction (so two processes opening
    one old store at once migrate it once)."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(tr("The job store was written by a newer version of the app."))
    if version == SCHEMA_VERSION:
        return
    if version == 1:
        _run_script(db, _V2_COLUMNS)
        _hide_link_secrets(db)
        _run_script(db, _V2_IDENTITY_AND_UPLOADS)
    else:
        _run_script(db, SCHEMA)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def _run_script(db: sqlite3.Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _hide_link_secrets(db: sqlite3.Connection) -> None:
    """Version 1 kept a link's password and tokens in `given` and in the key it deduplicated by: both
    are rewritten as version 2 writes them (the key a hash), so the same link given again finds its
    job instead of starting a second, billed one."""
    from upscaler_gui.core.redact import has_link_secrets, link_key
    from upscaler_gui.core.sources import shown_input

    for row in db.execute("SELECT * FROM jobs WHERE dedupe_key LIKE 'url:%'").fetchall():
        url = row["dedupe_key"][len("url:") :]
        if has_link_secrets(url):
            job = replace(from_row(row), dedupe_key=link_key(url), given=shown_input(row["given"]))
            values = to_row(job)
            db.execute(
                f"UPDATE jobs SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                [*values.values(), row["id"]],
            )


def insert(db: sqlite3.Connection, job: Job, *, engine_id: int | None = None) -> Job:
    now = time.time()
    job = replace(job, created_at=job.created_at or now, updated_at=now)
    row = {**to_row(job), "identity": identity(job), "engine_id": engine_id}
    cursor = db.execute(
        f"INSERT INTO jobs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
    )
    return replace(job, id=int(cursor.lastrowid or 0))
