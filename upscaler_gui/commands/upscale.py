"""`upscaler-gui upscale INPUT... --out DIR`: check, upload what is local, create, poll, save.

Each input is handled on its own: a bad one gets its message and the others go on.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from upscaler_gui.cli import EXIT_FAILED, EXIT_KEY_REFUSED, EXIT_OK, EXIT_PAUSED, EXIT_USAGE
from upscaler_gui.commands.connection import Connection, connection_from_args
from upscaler_gui.core import constants, images, log
from upscaler_gui.core.errors import KieAuthError, KieCreditsError, KieSubKeyLimitError, UpscalerError
from upscaler_gui.core.inputs import build_input
from upscaler_gui.core.kie import KieClient, TaskRecord, open_kie_client, resolve_endpoints
from upscaler_gui.core.output import DEFAULT_TEMPLATE, NameFields, remove_stale_temp_files, stem_of
from upscaler_gui.core.results import save_result
from upscaler_gui.core.sources import Rejected, Source, expand

CONCURRENCY = 4


@dataclass
class Outcome:
    given: str
    status: str  # done | failed
    output: Path | None = None
    error: str | None = None
    code: int = 0


def run_upscale(args: argparse.Namespace) -> int:
    log.setup(20 if args.verbose else 30)
    out = Path(args.out)
    with connection_from_args(args) as connection:
        if not connection.api_key:
            print(
                "No API key: set KIE_API_KEY, save one in the app's settings, or try --demo.", file=sys.stderr
            )
            return EXIT_USAGE
        try:
            outcomes = asyncio.run(_upscale_all(args.inputs, out, connection))
        except KeyboardInterrupt:
            remove_stale_temp_files(out)
            return 130
    return _report(outcomes)


async def _upscale_all(inputs: list[str], out: Path, connection: Connection) -> list[Outcome]:
    api_base, upload_base = resolve_endpoints(connection.api_base, connection.upload_base)
    items = expand(inputs, stdin=sys.stdin)
    limit = asyncio.Semaphore(CONCURRENCY)
    assert connection.api_key is not None
    async with open_kie_client(
        api_key=connection.api_key, api_base=api_base, upload_base=upload_base
    ) as client:

        async def one(n: int, item: Source | Rejected) -> Outcome:
            async with limit:
                outcome = await _upscale_one(client, n, item, out)
            _print_outcome(outcome)
            return outcome

        return list(await asyncio.gather(*(one(n, item) for n, item in enumerate(items, 1))))


async def _upscale_one(client: KieClient, n: int, item: Source | Rejected, out: Path) -> Outcome:
    if isinstance(item, Rejected):
        return Outcome(item.given, "failed", error=item.error)
    try:
        image_url = await _image_url(client, item)
        task_input, error = build_input({"image": image_url})
        if error or task_input is None:
            return Outcome(item.given, "failed", error=error)
        task_id = await client.create_task(task_input["image"])
        record = await _wait(client, task_id)
        saved = await save_result(
            client.download_to,
            record.result_urls[0],
            folder=out,
            template=DEFAULT_TEMPLATE,
            fields=NameFields(stem=stem_of(item.display_name), ext="png", n=n, task_id=task_id),
            policy="rename",
        )
        return Outcome(item.given, "done", output=saved.path)
    except UpscalerError as exc:
        return Outcome(item.given, "failed", error=exc.user_text(), code=getattr(exc, "code", 0))


async def _image_url(client: KieClient, item: Source) -> str:
    """A URL KIE can fetch: the link itself, or an upload of the checked local bytes."""
    if item.kind == "url" and item.url:
        return item.url
    if item.kind == "file" and item.path:
        info = await asyncio.to_thread(images.check_file, item.path)
        name = f"{stem_of(item.path.name)}.{info.extension}"
        return (await client.upload_file(item.path, file_name=name)).download_url
    data = item.data or b""
    info = await asyncio.to_thread(images.check_bytes, data)
    encoded = base64.b64encode(data).decode("ascii")
    return (await client.upload_base64(encoded, file_name=f"pasted.{info.extension}")).download_url


async def _wait(client: KieClient, task_id: str) -> TaskRecord:
    """Poll on KIE's suggested schedule until the task ends."""
    started = time.monotonic()
    await asyncio.sleep(constants.POLL_FIRST_S)
    while True:
        record = await client.get_task(task_id)
        if not record.is_running:
            return record.raise_for_failure()
        elapsed = time.monotonic() - started
        if elapsed < 30:
            await asyncio.sleep(constants.POLL_EARLY_S)
        elif elapsed < 120:
            await asyncio.sleep(constants.POLL_MID_S)
        else:
            await asyncio.sleep(constants.POLL_LATE_S)


def _print_outcome(outcome: Outcome) -> None:
    if outcome.status == "done":
        print(f"done    {outcome.given} -> {outcome.output}", file=sys.stderr)
    else:
        print(f"failed  {outcome.given}: {outcome.error}", file=sys.stderr)


def _report(outcomes: list[Outcome]) -> int:
    done = sum(o.status == "done" for o in outcomes)
    print(f"{done} done, {len(outcomes) - done} failed", file=sys.stderr)
    codes = {o.code for o in outcomes}
    if KieAuthError.code in codes:
        return EXIT_KEY_REFUSED
    if codes & {KieCreditsError.code, KieSubKeyLimitError.code}:
        return EXIT_PAUSED
    return EXIT_OK if done == len(outcomes) else EXIT_FAILED
