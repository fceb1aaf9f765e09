"""Check a source image the way KIE would, and really upscale it (Pillow, LANCZOS).

Results never carry EXIF or other metadata: a real service re-encodes, and tests can rely on it.
"""

from __future__ import annotations

import io
import mimetypes
import warnings

from PIL import Image, UnidentifiedImageError

from upscaler_gui.core.constants import ALLOWED_FORMATS, MAX_IMAGE_BYTES

# format -> (extension, MIME type)
FORMATS: dict[str, tuple[str, str]] = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "WEBP": ("webp", "image/webp"),
}
_EXTRA_MIME = {".webp": "image/webp", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
PERMANENT_FAIL_CODE = "422"


class ImageCheckError(Exception):
    """The task fails with this failMsg (and failCode "422": the input, not the server, is at fault)."""


def mime_for_name(name: str) -> str:
    """Like the upload host: the type comes from the file name's extension, not from the bytes."""
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    return _EXTRA_MIME.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def check_source(data: bytes) -> str:
    """The real format of `data` (PNG, JPEG or WEBP), or ImageCheckError saying why KIE would refuse it."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageCheckError(f"The image is larger than 10 MB ({len(data)} bytes)")
    image = _open(data)
    if image.format not in ALLOWED_FORMATS:
        raise ImageCheckError(f"The image format {image.format} is not supported (use JPEG, PNG or WEBP)")
    try:
        image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ImageCheckError(f"The image could not be decoded: {exc}") from None
    return str(image.format)


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ImageCheckError("The file is not an image (use JPEG, PNG or WEBP)") from None


def upscale(data: bytes, scale: int, out_format: str | None) -> tuple[bytes, str]:
    """`data` scaled by `scale` and encoded as `out_format` (None: the source's format): (bytes, format)."""
    source_format = check_source(data)
    target = out_format or source_format
    with _open(data) as source:
        image = _normalised(source, target)
        size = (image.width * scale, image.height * scale)
        result = image.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    result.save(buffer, target, **_save_options(target))
    return buffer.getvalue(), target


def _normalised(image: Image.Image, target: str) -> Image.Image:
    """A mode LANCZOS and the target format both handle (palette images cannot be resampled)."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if target == "JPEG":
        return image.convert("L" if image.mode == "L" else "RGB")
    if image.mode in ("RGB", "RGBA", "L"):
        return image
    return image.convert("RGBA" if has_alpha else "RGB")


def _save_options(target: str) -> dict[str, object]:
    """Fast encoder settings: the sim's results are read by tests, not kept, and many run at once."""
    if target == "JPEG":
        return {"quality": 92}
    if target == "WEBP":
        return {"quality": 90, "method": 0}
    return {"compress_level": 1}
