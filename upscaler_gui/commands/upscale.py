"""`upscaler-gui upscale INPUT... --out DIR`: a batch through the job engine.

Runs until every input ended, or the queue paused for credits or the key (jobs kept for next time).
Ctrl+C or SIGTERM stops cleanly: jobs kept, temp files gone, exit 130.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from upscaler_gui.commands.connection import connection_from_args
from upscaler_gui.commands.exit_codes import (
    EXIT_BLOCKED,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_KEY_REFUSED,
    EXIT_OK,
    EXIT_PAUSED,
    EXIT_STORE,
    EXIT_USAGE,
)
from upscaler_gui.commands.progress import BatchReporter
from upscaler_gui.commands.spending import spending_from_args
from upscaler_gui.core import log
from upscaler_gui.core.connection import Connection, demo_results_folder
from upscaler_gui.core.engine import Engine, EngineOptions, PauseReason
from upscaler_gui.core.errors import KieAuthError, KieFirewallError, StoreError, UpscalerError
from upscaler_gui.core.jobs import Job, OutputOptions
from upscaler_gui.core.sources import Item, expand

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_STOP_CODES: tuple[tuple[type[UpscalerError], int], ...] = (
    (KieAuthError, EXIT_KEY_REFUSED),
    (KieFirewallError, EXIT_BLOCKED),
    (StoreError, EXIT_STORE),
)
_PAUSE_CODES = {"key": EXIT_KEY_REFUSED, "firewall": EXIT_BLOCKED, "store": EXIT_STORE}


def stop_code(exc: UpscalerError) -> int:
    return next((code for kind, code in _STOP_CODES if isinstance(exc, kind)), EXIT_FAILED)


def output_options(args: argparse.Namespace) -> OutputOptions:
    """The result options from the command line, checked; `UpscalerError` says what is wrong (naming
    the option where the shared check would not). With --demo the results go to `<out>/demo`, where the
    window's demo puts them too: a real run never gets a `-1` name because of a demo file."""
    if not 1 <= args.quality <= 100:
        raise UpscalerError(f"--quality must be between 1 and 100, not {args.quality}.")
    if not 1 <= args.concurrency <= 100:
        raise UpscalerError(f"--concurrency must be between 1 and 100, not {args.concurrency}.")
    return OutputOptions.checked(
        demo_results_folder(args.out) if args.demo else args.out,
        template=args.template,
        on_conflict=args.on_conflict,
        output_format=args.format,
        quality=args.quality,
        keep_metadata=args.keep_metadata,
        fit_bytes=args.fit,
        fit_pixels=args.fit_pixels,
        keep_tree=args.keep_tree,
    )


def run_upscale(args: argparse.Namespace) -> int:
    log.setup(20 if args.verbose else 30)
    try:
        options = output_options(args)
        spending = spending_from_args(args)
    except UpscalerError as exc:
        print(f"upscaler-gui upscale: {exc.user_text()}", file=sys.stderr)
        return EXIT_USAGE
    if args.dry_run:
        from upscaler_gui.commands.dry_run import run_dry_run

        return run_dry_run(args, options, spending)
    reporter = BatchReporter(as_json=args.json, live=sys.stderr.isatty() and not args.verbose)
    with connection_from_args(args) as connection:
        if not connection.api_key:
            print(
                "No API key: set KIE_API_KEY, save one in the app's settings, or try --demo.", file=sys.stderr
            )
            return EXIT_USAGE
        items = expand(args.inputs, stdin=sys.stdin)
        engine_options = EngineOptions(
            concurrency=args.concurrency, owner="cli", cost_per_image=spending.price, budget=spending.limits
        )
        batch = _Batch(connection, options, engine_options, reporter, args)
        try:
            code = asyncio.run(batch.run(items))
        except KeyboardInterrupt:
            code = EXIT_INTERRUPTED
    reporter.close()
    print(reporter.summary(reporter.credits_used()), file=sys.stderr)
    if batch.pause is not None and batch.pause.kind == "budget":
        print("The jobs are kept: the same command with a larger budget goes on.", file=sys.stderr)
    elif code in (EXIT_PAUSED, EXIT_KEY_REFUSED, EXIT_BLOCKED, EXIT_INTERRUPTED):
        print("The jobs are kept: run the same command again to go on.", file=sys.stderr)
    return code


class _Batch:
    def __init__(
        self,
        connection: Connection,
        options: OutputOptions,
        engine_options: EngineOptions,
        reporter: BatchReporter,
        args: argparse.Namespace,
    ) -> None:
        self.connection, self.options, self.engine_options = connection, options, engine_options
        self.reporter, self.args = reporter, args
        self.pause: PauseReason | None = None
        self.store_errors: set[str] = set()

    async def run(self, items: list[Item]) -> int:
        main = asyncio.current_task()
        loop = asyncio.get_running_loop()
        engine: Engine | None = None

        def stop() -> None:
            """Ctrl+C or SIGTERM: no create leaves from this moment; the rest stops where it is."""
            if engine is not None:
                engine.stop_creates()
            if main is not None:
                main.cancel()

        for signum in STOP_SIGNALS:
            loop.add_signal_handler(signum, stop)
        try:
            async with self.connection.open_engine(self.engine_options) as engine:
                engine.events.job_did_change.connect(self.reporter.job_changed)
                engine.events.queue_did_pause.connect(self._paused)
                engine.events.store_did_fail.connect(self._store_failed)
                admissions = await engine.add(
                    items,
                    self.options,
                    retry_failed=self.args.retry_failed,
                    retry_unknown=self.args.retry_unknown,
                )
                self.reporter.admitted(admissions)
                await engine.wait_settled()
                return self._exit_code()
        except asyncio.CancelledError:
            return EXIT_INTERRUPTED
        except UpscalerError as exc:  # before any job ran: a key that cannot be a key, a store, a URL
            print(f"upscaler-gui upscale: {exc.user_text()}", file=sys.stderr)
            return stop_code(exc)
        finally:
            for signum in STOP_SIGNALS:
                loop.remove_signal_handler(signum)

    def _paused(self, reason: PauseReason) -> None:
        self.pause = reason

    def _store_failed(self, job: Job, exc: StoreError) -> None:
        """Said at once, and each different sentence once: a taskId the store lost is in it."""
        if exc.user_text() not in self.store_errors:
            self.store_errors.add(exc.user_text())
            print(f"upscaler-gui upscale: {exc.user_text()}", file=sys.stderr, flush=True)

    def _exit_code(self) -> int:
        if self.pause is not None:
            self.reporter.finish_unended(self.pause.message)
            return _PAUSE_CODES.get(self.pause.kind, EXIT_PAUSED)
        counts = self.reporter.counts()
        return EXIT_FAILED if counts["failed"] or counts["unknown"] or counts["cancelled"] else EXIT_OK
