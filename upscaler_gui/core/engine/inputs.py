"""The seed's input rules for recraft/crisp-upscale.

`image` is the one field. It may arrive as `image`, `image_url` or `image_base64`; it is normalised to
`image` and the other two are removed. Anything else (`scale`, `upscale_factor`, ...) is refused by
name: nothing unknown is ever sent. No defaults are applied.
"""

from __future__ import annotations

from collections.abc import Mapping

from upscaler_gui.core import log
from upscaler_gui.core.constants import MODEL, MODEL_TYPE
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.redact import is_hidden_link, preview_value

IMAGE_KEY = "image"
ALIASES = ("image", "image_url", "image_base64")  # in order of precedence

# The seed's two errors (English; the seed's Russian is the translation in locale/ru.json).
ERR_REQUIRED = "Field 'image' is required. Upload an image to upscale."
ERR_EMPTY = "Field 'image' cannot be empty. Give a valid image URL."
ERR_UNKNOWN = "Unknown field '{name}': recraft/crisp-upscale takes only 'image'. Remove '{name}'."
ERR_NOT_TEXT = "Field '{name}' must be text (an image URL or base64 data), not {kind}."
# Not the seed's: a link whose password or token the store no longer holds cannot be fetched by KIE.
ERR_HIDDEN_LINK = (
    "This link's password or token was not kept after its job ended: add the link again to run it."
)

TaskInput = dict[str, str]


def build_input(payload: Mapping[str, object]) -> tuple[TaskInput | None, str | None]:
    """The seed's entry point: (input, None) when valid, (None, error message) otherwise."""
    unknown = sorted(key for key in payload if key not in ALIASES)
    if unknown:
        return None, tr(ERR_UNKNOWN).format(name=unknown[0])
    present = [key for key in ALIASES if key in payload]
    if not present:
        return None, tr(ERR_REQUIRED)
    for key in present:
        if payload[key] is not None and not isinstance(payload[key], str):
            return None, tr(ERR_NOT_TEXT).format(name=key, kind=type(payload[key]).__name__)
    value = _first_filled(payload, present)
    if value is None:
        return None, tr(ERR_EMPTY)
    if is_remote_url(value) and is_hidden_link(value):
        return None, tr(ERR_HIDDEN_LINK)
    task_input = {IMAGE_KEY: value}
    log_input(task_input)
    return task_input, None


def _first_filled(payload: Mapping[str, object], keys: list[str]) -> str | None:
    for key in keys:
        value = payload[key]
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def input_log_line(task_input: Mapping[str, object]) -> str:
    """The seed's log line: keys, and a preview with long values and base64 cut and URL queries hidden."""
    preview = {key: preview_value(value) for key, value in task_input.items()}
    return f"MODEL={MODEL} TYPE={MODEL_TYPE} INPUT_KEYS={sorted(task_input)} INPUT_PREVIEW={preview}"


def log_input(task_input: Mapping[str, object]) -> None:
    log.inputs.info("%s", input_log_line(task_input))


def is_remote_url(value: str) -> bool:
    """True for an http(s) URL (sent as is); False for data that must be uploaded first."""
    return value.lower().startswith(("http://", "https://"))
