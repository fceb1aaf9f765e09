"""`upscaler-gui upscale --dry-run`: every input checked and planned; nothing billed sent, nothing written.

The plan goes to stdout (a line per input, then the totals; with --json a JSON line per input, then one
`{"total": ...}` line); warnings (a balance or a --max-credits that would not cover it) go to stderr.
Only the credit balance is asked of KIE: a free call that creates nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict, dataclass

from upscaler_gui.commands.connection import connection_from_args
from upscaler_gui.commands.exit_codes import EXIT_FAILED, EXIT_OK
from upscaler_gui.commands.spending import Spending
from upscaler_gui.core import log
from upscaler_gui.core.connection import Connection
from upscaler_gui.core.dry_run import Planned, plan
from upscaler_gui.core.errors import UpscalerError
from upscaler_gui.core.jobs import OutputOptions
from upscaler_gui.core.kie import open_kie_client
from upscaler_gui.core.localfiles import readable
from upscaler_gui.core.sources import expand
from upscaler_gui.core.store import JobStore, default_path

LABELS = {
    "create": "create",
    "resume": "take up",
    "skip": "skip",
    "refused": "refused",
    "ended_before": "ended",
    "duplicate": "same",
}


@dataclass(frozen=True)
class Totals:
    inputs: int
    uploads: int
    creates: int
    credits: float
    balance: float | None


def run_dry_run(args: argparse.Namespace, options: OutputOptions, spending: Spending) -> int:
    with connection_from_args(args) as connection:
        items = expand(args.inputs, stdin=sys.stdin)
        store = _existing_store(connection)
        try:
            planned = plan(
                items,
                options,
                price=spending.price,
                lookup=store.find if store is not None else lambda _key, _folder: None,
                retry_failed=args.retry_failed,
                retry_unknown=args.retry_unknown,
            )
        finally:
            if store is not None:
                store.close()
        balance = asyncio.run(_balance(connection)) if connection.api_key else None
    totals = _totals(planned, balance)
    for line in planned:
        print(_json_line(line) if args.json else _text_line(line), flush=True)
    if args.json:
        print(json.dumps({"total": asdict(totals)}))
    else:
        print(_totals_text(totals))
    _warn(totals, spending)
    return EXIT_FAILED if any(line.action == "refused" for line in planned) else EXIT_OK


def _existing_store(connection: Connection) -> JobStore | None:
    """The job store, to find what earlier runs did; one that does not exist yet is not made (there is
    nothing in it to find). It is only read."""
    path = connection.store_path or default_path()
    return JobStore(path) if path.is_file() else None


async def _balance(connection: Connection) -> float | None:
    assert connection.api_key is not None
    try:
        async with open_kie_client(
            api_key=connection.api_key, api_base=connection.api_base, upload_base=connection.upload_base
        ) as client:
            return await client.credits()
    except UpscalerError as exc:
        log.api.info("credit balance unavailable: %s", exc.message)
        return None


def _totals(planned: list[Planned], balance: float | None) -> Totals:
    creates = [line for line in planned if line.action == "create"]
    credits = round(sum(line.credits for line in creates), 6)
    return Totals(len(planned), sum(line.upload for line in creates), len(creates), credits, balance)


def _text_line(line: Planned) -> str:
    label = f"{LABELS[line.action]:<8} {line.given}"
    if line.action == "create":
        what = "upload, create" if line.upload else "create"
        result = f" -> {line.output}" if line.output else ""
        note = f" ({line.note})" if line.note else ""  # converted from HEIC, say
        return readable(f"{label}: {what}, {line.credits:g} credits{result}{note}")
    return readable(f"{label}: {line.note}" if line.note else label)


def _json_line(line: Planned) -> str:
    return json.dumps(
        {
            "input": readable(line.given),
            "action": line.action,
            "upload": line.upload,
            "output": readable(line.output) if line.output else None,
            "credits": line.credits,
            "note": readable(line.note) if line.note else None,
        },
        ensure_ascii=False,
    )


def _totals_text(totals: Totals) -> str:
    balance = f"{totals.balance:g} credits" if totals.balance is not None else "unknown"
    return (
        f"Dry run: {totals.inputs} input(s); would upload {totals.uploads} and create {totals.creates} "
        f"task(s), about {totals.credits:g} credits (balance: {balance}). Nothing was sent or written."
    )


def _warn(totals: Totals, spending: Spending) -> None:
    if totals.balance is not None and totals.balance < totals.credits:
        print(
            f"Warning: the balance ({totals.balance:g} credits) does not cover this batch "
            f"({totals.credits:g}); the queue would pause when it runs out.",
            file=sys.stderr,
        )
    limit = spending.limits.batch
    if limit is not None and limit < totals.credits:
        print(
            f"Note: --max-credits {limit:g} covers {int(limit // spending.price) if spending.price else 0} "
            "of these tasks; the rest would wait as over budget.",
            file=sys.stderr,
        )
