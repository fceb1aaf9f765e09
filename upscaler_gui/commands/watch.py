"""`upscaler-gui watch DIR --out DIR`: upscale every image that arrives in a folder, exactly once.

Runs until SIGINT or SIGTERM, then stops cleanly (exit 0): jobs under way are kept in the store and
resume at the next start; files that arrive while stopped are picked up then. One log line per file
on stderr (arrived, done -> output, failed: reason, moved); `--json` adds one JSON line per file on
stdout when its job ends. Out of credits or a refused key: it keeps watching, holds the files, says so,
and checks KIE's balance every minute to go on by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from upscaler_gui.commands.connection import connection_from_args
from upscaler_gui.commands.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_STORE, EXIT_USAGE
from upscaler_gui.commands.progress import json_line
from upscaler_gui.commands.spending import spending_from_args
from upscaler_gui.commands.upscale import output_options
from upscaler_gui.core import log
from upscaler_gui.core.connection import Connection
from upscaler_gui.core.engine import Engine, EngineOptions
from upscaler_gui.core.errors import StoreError, UpscalerError
from upscaler_gui.core.jobs import Job, JobState
from upscaler_gui.core.watch import FolderWatcher, WatchOptions


class _LineFormatter(logging.Formatter):
    """`12:00:03 done      a.png -> out/a_crisp.png`; warnings and errors say so."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(message)s", datefmt="%H:%M:%S")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's own name
        text = super().formatMessage(record)
        if record.levelno < logging.WARNING:
            return text
        stamp, _, message = text.partition(" ")
        return f"{stamp} {record.levelname.lower()}: {message}"


def watch_options(args: argparse.Namespace) -> WatchOptions:
    """The options, checked; `UpscalerError` says what is wrong."""
    folder = Path(args.folder).expanduser()
    if not folder.is_dir():
        raise UpscalerError(f"The watch folder {args.folder} does not exist or is not a folder.")
    if args.settle <= 0:
        raise UpscalerError(f"--settle must be more than 0 seconds, not {args.settle:g}.")
    if args.rescan < 0:
        raise UpscalerError(f"--rescan must be 0 (never) or more seconds, not {args.rescan:g}.")
    move = Path(args.move_processed).expanduser() if args.move_processed else None
    options = WatchOptions(
        folder=folder,
        output=output_options(args),
        recursive=args.recursive,
        settle_s=args.settle,
        include_existing=args.include_existing,
        poll=args.poll,
        move_processed_dir=move,
        rescan_s=args.rescan or None,
    ).resolved()
    if options.move_processed_dir == options.folder:
        raise UpscalerError("--move-processed must be another folder than the watched one.")
    return options


def _setup_logging(verbose: bool) -> None:
    """The watch's own lines always; everything else only with -v (warnings always)."""
    log.setup(logging.INFO if verbose else logging.WARNING)
    log.watch.setLevel(logging.INFO)
    if not verbose:
        for handler in logging.getLogger(log.ROOT_NAME).handlers:
            handler.setFormatter(_LineFormatter())


def run_watch(args: argparse.Namespace) -> int:
    _setup_logging(args.verbose)
    try:
        options = watch_options(args)
        spending = spending_from_args(args)
    except UpscalerError as exc:
        print(f"upscaler-gui watch: {exc.user_text()}", file=sys.stderr)
        return EXIT_USAGE
    with connection_from_args(args) as connection:
        if not connection.api_key:
            print(
                "No API key: set KIE_API_KEY, save one in the app's settings, or try --demo.", file=sys.stderr
            )
            return EXIT_USAGE
        engine_options = EngineOptions(
            args.concurrency, owner=options.owner, cost_per_image=spending.price, budget=spending.limits
        )
        session = _WatchSession(connection, options, engine_options)
        try:
            return asyncio.run(session.run(as_json=args.json))
        except KeyboardInterrupt:  # a second Ctrl+C while stopping
            return EXIT_OK


class _WatchSession:
    def __init__(self, connection: Connection, options: WatchOptions, engine_options: EngineOptions) -> None:
        self.connection, self.options, self.engine_options = connection, options, engine_options
        self.store_failed: StoreError | None = None

    async def run(self, *, as_json: bool) -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        engine: Engine | None = None

        def stopping() -> None:
            """No create leaves from this moment (stopping the watcher takes a little while)."""
            if engine is not None:
                engine.stop_creates()
            stop.set()

        def store_failed(_job: Job, exc: StoreError) -> None:
            """Nothing more can be recorded: say so (a taskId it could not keep is in it) and stop."""
            print(f"upscaler-gui watch: {exc.user_text()}", file=sys.stderr, flush=True)
            self.store_failed = self.store_failed or exc
            stopping()

        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopping)
        try:
            # resume: jobs this folder's last run left under way go on
            async with self.connection.open_engine(self.engine_options, resume=True) as engine:
                engine.events.store_did_fail.connect(store_failed)
                watcher = FolderWatcher(engine, self.options)
                if as_json:
                    watcher.events.file_did_finish.connect(_print_json)
                await watcher.start()  # logs "watching DIR -> OUT"
                await stop.wait()
                print("Stopping: jobs under way are kept for the next start.", file=sys.stderr)
                await watcher.stop()
        except UpscalerError as exc:
            print(f"upscaler-gui watch: {exc.user_text()}", file=sys.stderr)
            return EXIT_STORE if isinstance(exc, StoreError) else EXIT_FAILED
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
        return EXIT_STORE if self.store_failed else EXIT_OK


def _print_json(path: Path, job: Job) -> None:
    status = "skipped" if job.state == JobState.SKIPPED else str(job.state)
    print(json_line(str(path), job, status, job.error), flush=True)
