"""Saving one result: stream the download into a temp file, check it decodes, give it its final name.

Checking and renaming run in a worker thread: decoding a large image must never stall the event loop
(the window's loop is the same loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from upscaler_gui.core import constants, log
from upscaler_gui.core.constants import ALLOWED_FORMATS
from upscaler_gui.core.decode_check import check_decodes
from upscaler_gui.core.errors import OutputError, ResultTooLargeError, ResultUnusableError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.images import EXTENSIONS, decode_cause
from upscaler_gui.core.output import (
    ConflictPolicy,
    NameFields,
    open_temp,
    place,
    remove_temp,
    render_name,
    temp_path,
)

Downloader = Callable[[str, BinaryIO], Awaitable[int]]
# Pillow warns (on stderr) past 89 MP and refuses past twice that. Results are checked by streaming
# (decode_check) and converted only under MAX_DECODED_PIXELS, and inputs have their own pixel check:
# the warning would only print a scary line in the middle of a batch.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
_CHECKS = threading.BoundedSemaphore(constants.RESULT_CHECKS_AT_ONCE)  # shared by every engine in a process
_PAID_HINT = "The task is paid: retrying the job later downloads the result again (no new task)."


@dataclass(frozen=True)
class ResultImage:
    """What a downloaded result really is."""

    format: str
    width: int
    height: int
    notes: tuple[str, ...] = ()  # what the user should know about it (a conversion not made, say)

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.format, self.format.lower())


@dataclass(frozen=True)
class SavedResult:
    path: Path | None  # None: the name was taken and the policy is skip
    image: ResultImage
    name: str


def _close_durably(stream: BinaryIO) -> None:
    """Flush to disk, so that after a power cut a final name never points at missing bytes."""
    stream.flush()
    os.fsync(stream.fileno())
    stream.close()


def inspect_result(path: Path) -> ResultImage:
    """Decode the whole file; a result that does not decode is never given a final name.

    Through decode_check, not a full load: a 2x result of a 12 MP photo is 50 MP, and allocating its
    150 MB of pixels holds the GIL long enough to stall the window (measured: 290 ms). Only PNG, JPEG
    and WEBP are results: anything else (an HTML page, a GIF) is not what KIE makes."""
    try:
        with path.open("rb") as stream, Image.open(stream, formats=list(ALLOWED_FORMATS)) as image:
            found = ResultImage(image.format or "", *image.size)  # before a JPEG draft shrinks the size
            check_decodes(stream, image, found.format, most_pixels=constants.MAX_DECODED_PIXELS)
            return found
    except Image.DecompressionBombError:
        raise ResultTooLargeError(
            tr(
                "The result has more pixels than any upscaled image can have (over {limit} megapixels)."
            ).format(limit=int(2 * (Image.MAX_IMAGE_PIXELS or 0) / 1_000_000)),
            hint=tr("KIE's server sent something that is not a normal result; check the task on kie.ai."),
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ResultUnusableError(
            tr("The result downloaded from KIE is not a complete image ({cause}).").format(
                cause=decode_cause(exc)
            ),
            hint=tr(_PAID_HINT),
        ) from None


@contextlib.asynccontextmanager
async def _temp_file_off_loop(folder: Path) -> AsyncIterator[tuple[Path, BinaryIO]]:
    """`output.temp_file`, made and removed in a worker thread: on a busy disk one directory lookup
    took 30+ ms, and the window waits for whatever runs on the loop. Removed even if the save is
    cancelled while the file is being made."""
    path = temp_path(folder)
    opening = asyncio.ensure_future(asyncio.to_thread(open_temp, path))
    try:
        yield path, await asyncio.shield(opening)
    finally:
        await asyncio.shield(_remove_once_opened(opening, path))


async def _remove_once_opened(opening: asyncio.Future[BinaryIO], path: Path) -> None:
    try:
        stream = await opening
    except Exception:  # it could not be made (the caller has that error): nothing to remove
        return
    await asyncio.to_thread(remove_temp, path, stream)


def _checked_in_turn(check: Callable[[Path], ResultImage], temp: Path) -> ResultImage:
    """Run `check` (in a worker thread) once fewer than RESULT_CHECKS_AT_ONCE others are running."""
    with _CHECKS:
        return check(temp)


async def save_result(
    download: Downloader,
    url: str,
    *,
    folder: Path,
    template: str,
    fields: NameFields,
    policy: ConflictPolicy,
    finish: Callable[[Path], ResultImage] | None = None,
) -> SavedResult:
    """Download `url` into `folder` under the template's name; nothing half-written keeps a final name.

    `finish` (run in a worker thread) may convert the temp file and add metadata; it returns what the
    file finally is. Without it, the file is only checked.
    """
    try:
        return await _save(
            download, url, folder=folder, template=template, fields=fields, policy=policy, finish=finish
        )
    except OSError as exc:  # disk full, folder gone, permissions changed mid-batch
        raise OutputError(
            tr("The result could not be written to {folder} ({cause}).").format(
                folder=folder, cause=exc.strerror or exc
            ),
            hint=tr("Check the output folder and free space, then retry."),
        ) from exc


async def _save(
    download: Downloader,
    url: str,
    *,
    folder: Path,
    template: str,
    fields: NameFields,
    policy: ConflictPolicy,
    finish: Callable[[Path], ResultImage] | None,
) -> SavedResult:
    async with _temp_file_off_loop(folder) as (temp, stream):
        await download(url, stream)
        await asyncio.to_thread(_close_durably, stream)  # closed before renaming (Windows needs it)
        # Checked (and converted, metadata added) off the loop; a broken result never gets a name.
        image = await asyncio.to_thread(_checked_in_turn, finish or inspect_result, temp)
        named = NameFields(
            **{**fields.__dict__, "ext": image.extension, "width": image.width, "height": image.height}
        )
        name = render_name(template, named)
        placed = await asyncio.to_thread(place, temp, folder, name, policy)
    log.output.info(
        "saved %s (%sx%s %s)", placed or f"nothing: {name} exists", image.width, image.height, image.format
    )
    return SavedResult(placed, image, name)
