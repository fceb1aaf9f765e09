"""An input made ready for KIE before upload: converted from HEIC/AVIF/TIFF/BMP/GIF, or re-encoded to fit.

KIE takes PNG, JPEG or WEBP of at most 10 MB. A PNG, JPEG or WEBP within that goes as it is (checked by
`images.check_file`). Anything else we can decode is remade: EXIF orientation applied, the first frame of
an animation, optionally scaled down to upstream's pixel limits, then written as PNG when that fits, else
as JPEG at the first quality of FIT_JPEG_QUALITIES that fits, with the EXIF (Orientation now 1) and ICC
profile carried. The copy lives in the data dir until its job is done; each note says what was done.

Runs in a worker thread. The decoded pixels count against `convert.PIXELS`, which results share, so
conversions at once never hold more than MAX_DECODED_PIXELS together; an encode that passes 10 MB is
stopped at once rather than finished.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from upscaler_gui.core import constants, convert, fit_size, images, input_formats, log, metadata
from upscaler_gui.core.errors import ImageError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.localfiles import open_regular


@dataclass(frozen=True)
class PrepareOptions:
    fit_bytes: bool = True  # re-encode a PNG/JPEG/WEBP over 10 MB (False: refuse it, as before issue 12)
    fit_pixels: bool = False  # scale an image over upstream's pixel limits down to them


@dataclass(frozen=True)
class Prepared:
    path: Path  # what to upload: the input itself, or the copy made for it
    info: images.ImageInfo  # what that file is
    done: tuple[
        str, ...
    ] = ()  # what was done to it (converted from HEIC...): said on the row, also once done
    warnings: tuple[str, ...] = ()  # over the pixel limits, and what to do about it
    made: bool = False  # a copy in the data dir (removed once the job is done)

    @property
    def notes(self) -> tuple[str, ...]:
        return (*self.done, *self.warnings)


@dataclass(frozen=True)
class _Input:
    """The file being remade, and where its copy goes (`dest` without the extension)."""

    path: Path
    fmt: str  # Pillow's name, from the bytes
    shown: str  # the name users know (HEIC)
    size: int
    dest: Path


def prepare_file(path: Path, *, into: Path, key: str, options: PrepareOptions) -> Prepared:
    """The file to upload for the input at `path`; `ImageError` says what is wrong and what to do."""
    try:
        with open_regular(path) as stream:
            head, size = stream.read(images.HEAD_BYTES), os.fstat(stream.fileno()).st_size
    except OSError:
        return Prepared(path, images.check_file(path))  # says why it cannot be read
    if size == 0:
        images.check_size(size)  # refuses: empty
    found = images.sniff_format(head)
    if found is None and input_formats.sniff_convertible(head) is None:
        raise ImageError(
            tr(
                "This is {what}, not an image we can upscale (PNG, JPEG, WEBP, HEIC, AVIF, TIFF, BMP, GIF)."
            ).format(what=images.describe_other(head)),
            hint=tr("Convert it to PNG or JPEG first."),
        )
    if found is not None and not (options.fit_bytes and size > constants.MAX_IMAGE_BYTES):
        info = images.check_file(path)  # over 10 MB without fitting: refused there, as before
        if not (options.fit_pixels and over_pixel_limits(info.width, info.height)):
            return Prepared(path, info, warnings=(*info.warnings, *_pixel_hint(info.width, info.height)))
    fmt = found or input_formats.sniff_convertible(head) or ""
    if not input_formats.can_open(fmt):
        raise ImageError(
            tr("This {fmt} image cannot be opened: this build has no {fmt} decoder.").format(
                fmt=input_formats.shown_name(head)
            ),
            hint=tr("Convert it to PNG or JPEG first."),
        )
    shown = input_formats.shown_name(head) if found is None else found
    return _remake(_Input(path, fmt, shown, size, into / key), options)


def over_pixel_limits(width: int, height: int) -> bool:
    return width * height > constants.WARN_MAX_PIXELS or max(width, height) > constants.WARN_MAX_SIDE


def fitted_size(width: int, height: int) -> tuple[int, int]:
    """The largest size of the same aspect within 16 MP and 4096 px a side."""
    scale = min(
        1.0,
        constants.WARN_MAX_SIDE / max(width, height),
        math.sqrt(constants.WARN_MAX_PIXELS / (width * height)),
    )
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


def _pixel_hint(width: int, height: int) -> tuple[str, ...]:
    """What to do about an image over upstream's limits, when it is sent as it is."""
    if not over_pixel_limits(width, height):
        return ()
    return (tr("To send it within them: --fit-pixels, or “Scale down to KIE's pixel limits” in Settings."),)


def _remake(source: _Input, options: PrepareOptions) -> Prepared:
    try:
        with open_regular(source.path) as stream, input_formats.open_image(stream, source.fmt) as image:
            return _remade(image, source, options)
    except ImageError:
        raise
    except (MemoryError, Image.DecompressionBombError):
        raise _too_many_pixels() from None
    except Exception as exc:  # whatever a decoder raises: one sentence for this input, the batch goes on
        raise ImageError(
            tr("The {fmt} image is truncated or damaged and cannot be decoded ({cause}).").format(
                fmt=source.shown, cause=images.decode_cause(exc)
            ),
            hint=tr("Export it again from its source."),
        ) from None


def _too_many_pixels() -> ImageError:
    return ImageError(
        tr("The image has too many pixels to convert here (at most {limit} megapixels).").format(
            limit=constants.MAX_DECODED_PIXELS // 1_000_000
        ),
        hint=tr("Scale it down in an image editor and add it again."),
    )


def _remade(image: Image.Image, source: _Input, options: PrepareOptions) -> Prepared:
    width, height = image.size
    if width * height > constants.MAX_DECODED_PIXELS:
        raise _too_many_pixels()
    notes: list[str] = []
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
        notes.append(tr("An animated {fmt}: only its first frame is upscaled.").format(fmt=source.shown))
    with convert.PIXELS.hold(width * height):
        image.load()
        carried = _metadata_of(image)
        ImageOps.exif_transpose(image, in_place=True)  # turned upright: the Orientation becomes 1
        if options.fit_pixels and over_pixel_limits(*image.size):
            before = image.size
            image = image.resize(fitted_size(*before), Image.Resampling.LANCZOS, reducing_gap=3.0)
            notes.append(
                tr("Scaled down from {w}x{h} to {nw}x{nh}, within KIE's limits.").format(
                    w=before[0], h=before[1], nw=image.width, nh=image.height
                )
            )
        target, quality, written = fit_size.write_fitting(image, source.fmt, source.dest, carried)
    found = images.pixel_warnings(image.width, image.height)
    made = images.ImageInfo(target, written.stat().st_size, image.width, image.height, found)
    notes.insert(0, _what_was_done(source, made, quality))
    log.inputs.info("%s: %s", written.name, notes[0])
    warnings = (*found, *_pixel_hint(image.width, image.height))
    return Prepared(written, made, tuple(notes), warnings, made=True)


def _what_was_done(source: _Input, made: images.ImageInfo, quality: int | None) -> str:
    as_what = made.format if quality is None else tr("JPEG (quality {q})").format(q=quality)
    if source.fmt in constants.CONVERTED_FORMATS:
        return tr("Converted from {fmt} to {target} before upload.").format(fmt=source.shown, target=as_what)
    if source.size > constants.MAX_IMAGE_BYTES:
        return tr("Re-encoded to fit KIE's 10 MB limit: {before} as {fmt}, {after} as {target}.").format(
            before=images.format_bytes(source.size),
            fmt=source.shown,
            after=images.format_bytes(made.size_bytes),
            target=as_what,
        )
    return tr("Re-encoded as {target} after scaling down.").format(target=as_what)


def _metadata_of(image: Image.Image) -> metadata.ResultMetadata:
    """The EXIF (TIFF data, Orientation set to 1: the pixels are turned upright) and ICC to carry."""
    raw = image.info.get("exif")
    tiff = metadata.tiff_data(raw) if isinstance(raw, bytes) else None
    if image.format == "TIFF":
        tiff = _tiff_tags_as_exif(image)
    try:
        upright = metadata.upright_exif(tiff) if tiff else None
    except (ValueError, IndexError) as exc:
        log.inputs.info("input EXIF is damaged (%s); not carried", exc)
        upright = None
    icc = image.info.get("icc_profile")
    return metadata.ResultMetadata(upright, icc if isinstance(icc, bytes) and icc else None)


# A TIFF's EXIF is its own tags, strip offsets and all: only these describe the picture, not the file.
_TIFF_DESCRIPTIVE = (0x010E, 0x010F, 0x0110, 0x0131, 0x0132, 0x013B, 0x8298)  # description ... copyright
_TIFF_SUB_IFDS = (0x8769, 0x8825)  # the Exif and GPS IFDs


def _tiff_tags_as_exif(image: Image.Image) -> bytes | None:
    """The descriptive tags and the Exif/GPS IFDs of a TIFF, as EXIF TIFF data; None when it has none."""
    tags = image.getexif()
    exif = Image.Exif()
    for tag in _TIFF_DESCRIPTIVE:
        if tag in tags:
            exif[tag] = tags[tag]
    for ifd in _TIFF_SUB_IFDS:
        if found := tags.get_ifd(ifd):
            exif[ifd] = dict(found)
    return metadata.tiff_data(exif.tobytes()) if len(exif) else None
