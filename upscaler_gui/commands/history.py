"""`upscaler-gui history [--since DATE] [--csv|--json]`: what each job cost, and the totals.

Read from the job store (every run's jobs, the window's and the command line's); it changes nothing.
Text and CSV go to stdout with the totals (text) or the totals on stderr (CSV, so the rows stay a table).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from upscaler_gui.commands.exit_codes import EXIT_OK, EXIT_USAGE
from upscaler_gui.core import settings
from upscaler_gui.core.constants import ENV_DATA_DIR
from upscaler_gui.core.errors import InputError
from upscaler_gui.core.history import History, history, parse_since
from upscaler_gui.core.jobs import Job
from upscaler_gui.core.store import JobStore, default_path, demo_store_path

CSV_FIELDS = ("when", "source", "output", "task_id", "state", "tasks", "credits")


def run_history(args: argparse.Namespace) -> int:
    try:
        since = parse_since(args.since) if args.since else None
    except InputError as exc:
        print(f"upscaler-gui history: {exc.user_text()}", file=sys.stderr)
        return EXIT_USAGE
    if args.data_dir:
        os.environ[ENV_DATA_DIR] = os.path.abspath(args.data_dir)
    path = demo_store_path() if args.demo else default_path()
    jobs = _stored_jobs(path) if path.is_file() else []  # no store yet: nothing spent, nothing made
    record = history(jobs, settings.load().cost_per_image, since)
    if args.json:
        print(json.dumps(as_json(record), ensure_ascii=False))
    elif args.csv:
        write_csv(record, sys.stdout)
        print(totals_line(record), file=sys.stderr)
    else:
        write_text(record, sys.stdout)
    return EXIT_OK


def _stored_jobs(path: Path) -> list[Job]:
    store = JobStore(path)
    try:
        return store.all()
    finally:
        store.close()


def as_json(record: History) -> dict[str, object]:
    return {
        "jobs": [row.as_dict() for row in record.rows],
        "days": [{"day": d.day.isoformat(), "tasks": d.tasks, "credits": d.credits} for d in record.days],
        "total": {"jobs": len(record.rows), "tasks": record.tasks, "credits": record.credits},
    }


def write_csv(record: History, out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in record.rows:
        writer.writerow(row.as_dict())


def write_text(record: History, out: TextIO) -> None:
    if not record.rows:
        print("No billed tasks yet.", file=out)
        return
    for row in record.rows:
        when = dt.datetime.fromtimestamp(row.when).strftime("%Y-%m-%d %H:%M")
        result = f" -> {row.output}" if row.output else ""
        task = row.task_id or "-"
        print(f"{when}  {row.state!s:<11} {row.credits:>6g}  {task}  {row.source}{result}", file=out)
    print("", file=out)
    for day in record.days:
        print(f"{day.day.isoformat()}  {day.tasks} task(s)  {day.credits:g} credits", file=out)
    print(totals_line(record), file=out)


def totals_line(record: History) -> str:
    return f"Total: {len(record.rows)} job(s), {record.tasks} task(s), {record.credits:g} credits"
