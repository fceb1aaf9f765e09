"""Pictures of inputs the window's own decoders cannot read (HEIC, AVIF), for thumbnails and the
compare view's "before" side.

Qt reads PNG, JPEG, WEBP, TIFF, BMP and GIF itself; a HEIC or AVIF source would show an empty
thumbnail and no "before" picture. Pillow (with pi-heif) decodes them here, in the caller's worker
thread, within the pixel budget conversions share, so previews never add to the peak memory of a
batch; the picture is turned upright and shrunk before it is handed on.
"""

from __future__ import annotations

from PIL import Image, ImageOps

from upscaler_gui.core import convert, images, input_formats, log


def preview_image(path: str, max_pixels: int) -> Image.Image | None:
    """The HEIC/AVIF (or other converted format) at `path`, upright, at most `max_pixels`, as RGB (RGBA
    when it has transparency), its upright size before shrinking in `info["original_size"]`; None when
    it is not such a file, cannot be decoded here, or is larger than the pixel budget."""
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed below, after the decode
    except OSError:
        return None  # missing or unreadable: the caller has said so already
    with stream:
        try:
            fmt = input_formats.sniff_convertible(stream.read(images.HEAD_BYTES))
            if fmt is None or not input_formats.can_open(fmt):
                return None
            stream.seek(0)
            with input_formats.open_image(stream, fmt) as image:
                return _shrunk_upright(image, max_pixels)
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            log.ui.info("preview: cannot decode %s (%s)", path, exc)
            return None


def _shrunk_upright(image: Image.Image, max_pixels: int) -> Image.Image | None:
    pixels = image.width * image.height
    if pixels > convert.PIXELS.total:
        return None  # more than a run would ever decode (it refuses such an input): not for a thumbnail
    with convert.PIXELS.hold(pixels):
        image.load()
        upright = ImageOps.exif_transpose(image)
        original = upright.size
        if pixels > max_pixels:
            factor = (max_pixels / pixels) ** 0.5
            size = (max(1, int(upright.width * factor)), max(1, int(upright.height * factor)))
            upright = upright.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        shown = upright.convert("RGBA" if _has_alpha(upright) else "RGB")
        shown.info["original_size"] = original
        return shown


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info
