"""Finishing a downloaded result before it takes its name: the chosen format, the source's metadata.

Runs in a worker thread, between the download into the hidden temp file and `output.place`. The temp
file is only ever replaced by a complete, decodable file: each new version is written to a second
hidden temp file next to it, decoded, and swapped in with `os.replace`.

- "keep" leaves the downloaded bytes as they are, unless metadata is added; so does asking for the
  format the result already has (re-encoding a JPEG as JPEG would only lose quality).
- Converting re-encodes through Pillow, with the metadata passed to its encoder. A result over
  MAX_DECODED_PIXELS is not converted (it would take gigabytes): it keeps KIE's format, with a note.
- Otherwise metadata is spliced into the file without touching the pixels (see `metadata`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from PIL import Image

# Module imports (not `from results import ResultImage`): either module may be imported first.
from upscaler_gui.core import constants, convert, log, metadata, output, results, splice
from upscaler_gui.core.errors import InputError, OutputError
from upscaler_gui.core.i18n import tr

FORMATS: tuple[str, ...] = ("keep", "png", "jpeg", "webp")
_ALIASES = {"jpg": "jpeg", "jpe": "jpeg"}


def validate_format(name: str) -> str:
    """The option value for `name` ("JPG" -> "jpeg"); InputError naming the allowed values otherwise."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in FORMATS:
        raise InputError(
            tr("The output format {name} is not one we can write.").format(name=repr(name)),
            hint=tr("Use one of: {formats}.").format(formats=", ".join(FORMATS)),
        )
    return key


@dataclass(frozen=True)
class FinishOptions:
    output_format: str = "keep"  # keep | png | jpeg | webp
    quality: int = 92  # JPEG and lossy WEBP; 100 makes WEBP lossless; PNG ignores it
    keep_metadata: bool = True  # copy the source's EXIF and ICC profile

    def __post_init__(self) -> None:
        object.__setattr__(self, "output_format", validate_format(self.output_format))
        if not 1 <= self.quality <= 100:
            raise InputError(
                tr("The quality must be between 1 and 100, not {value}.").format(value=self.quality)
            )


def finish_result(temp: Path, *, source: Path | None, options: FinishOptions) -> results.ResultImage:
    """Give the result at `temp` its final format and metadata, in place; what it now really is.

    `source` is the local input file (None for a URL input: no metadata to copy). A result that does
    not decode raises what `results.inspect_result` raises; a failed conversion raises OutputError.
    """
    found = results.inspect_result(temp)  # a broken download fails here, as it did before finishing
    meta = metadata.read_source(source) if source is not None and options.keep_metadata else None
    target = convert.TARGETS.get(options.output_format, found.format)
    if target != found.format and found.width * found.height > constants.MAX_DECODED_PIXELS:
        found = replace(found, notes=(_not_converted(found, target),))
    elif target != found.format:
        return _convert(temp, target, options.quality, meta)
    if meta is not None:
        _add_metadata(temp, found, meta)
    return found


def _not_converted(found: results.ResultImage, target: str) -> str:
    """The note for a result too large to convert: it is kept in KIE's format."""
    size = f"{found.width}x{found.height}"
    log.output.info("%s result not converted to %s: over the pixel limit", size, target)
    return tr(
        "Kept as {fmt}: the result ({width}x{height}) is too large to convert to {target}"
        " (at most {limit} megapixels)."
    ).format(
        fmt=found.format,
        width=found.width,
        height=found.height,
        target=target,
        limit=constants.MAX_DECODED_PIXELS // 1_000_000,
    )


def _convert(
    temp: Path, target: str, quality: int, meta: metadata.SourceMetadata | None
) -> results.ResultImage:
    try:
        with Image.open(temp) as image, convert.PIXELS.hold(image.width * image.height):
            image.load()
            pixels = convert.for_format(image, target)
            exif, icc = _metadata_for(pixels, image, target, meta)
            made = _replace(
                temp, lambda out: convert.encode(pixels, out, target, quality=quality, exif=exif, icc=icc)
            )
    except Exception as exc:  # whatever Pillow raises, the user gets one sentence and the temp file is intact
        raise OutputError(
            tr("The result could not be converted to {fmt} ({cause}).").format(
                fmt=target, cause=str(exc) or type(exc).__name__
            )
        ) from None
    log.output.debug("converted result to %s", target)
    return made


def _metadata_for(
    pixels: Image.Image, original: Image.Image, target: str, meta: metadata.SourceMetadata | None
) -> tuple[bytes, bytes | None]:
    """EXIF (with its header, as Pillow's encoders take it) and ICC for a converted result.

    The source's win; a result's own (KIE's carry none today) are kept rather than lost.
    """
    adapted = metadata.for_result(meta, pixels.size, pixels.mode, target) if meta else metadata.NOTHING
    own = metadata.from_info(original.info)
    exif, icc = adapted.exif or own.exif, adapted.icc or own.icc
    icc = icc if icc and metadata.icc_matches(icc, pixels.mode) else None
    return (metadata.EXIF_HEADER + exif if exif else b""), icc


def _add_metadata(temp: Path, found: results.ResultImage, meta: metadata.SourceMetadata) -> None:
    """Splice the source's metadata in; on any problem keep the result as it is (logged)."""
    size = (found.width, found.height)
    try:
        with Image.open(temp) as image:
            mode = image.mode
        adapted = metadata.for_result(meta, size, mode, found.format)
        if adapted.empty:
            return
        data = splice.splice(temp.read_bytes(), found.format, adapted, size)
        _replace(temp, lambda out: out.write(data))
    except Exception as exc:  # metadata never fails a job
        log.output.info("result kept without the source's metadata: %s", exc)
        return
    log.output.debug("source metadata added to the %s result", found.format)


def _replace(temp: Path, write: Callable[[BinaryIO], object]) -> results.ResultImage:
    """Write a new version next to `temp`, check that it decodes, then swap it in atomically."""
    with output.temp_file(temp.parent) as (new, stream):  # removed on any failure
        write(stream)
        stream.flush()
        os.fsync(stream.fileno())  # durable before the rename, as the download itself is
        stream.close()  # Windows cannot rename an open file
        made = _decoded(new)
        os.replace(new, temp)
    return made


def _decoded(path: Path) -> results.ResultImage:
    """What a new version is, proved to decode the way a download is (never all its pixels at once)."""
    return results.inspect_result(path)
