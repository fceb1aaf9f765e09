"""KIE's answers turned into their `data` payload, or into the typed error a user can read.

A call succeeded only when the HTTP status is 2xx AND the body `code` is 200: KIE answers a bad key
with HTTP 200 and body code 401. The upload host adds `success`. The message is in `msg` or `message`.
"""

from __future__ import annotations

import email.utils
import re
import time
from typing import cast

import httpx

from upscaler_gui.core.errors import (
    KieAuthError,
    KieCreditsError,
    KieError,
    KieFeatureDisabledError,
    KieFirewallError,
    KieGenerationError,
    KieMaintenanceError,
    KieNotFoundError,
    KieRateLimitError,
    KieServerError,
    KieSubKeyLimitError,
    KieUploadError,
    KieValidationError,
    ResultLinkExpiredError,
)
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.kie.records import malformed
from upscaler_gui.core.redact import shorten

_MSG_LIMIT = 300  # KIE's own message is shown as given, but never a whole HTML error page

# body code -> (class, message with {detail}, hint); English here, translated when raised.
_BY_CODE: dict[int, tuple[type[KieError], str, str]] = {
    401: (KieAuthError, "KIE refused the API key{detail}.", "Check the key in Settings or KIE_API_KEY."),
    402: (KieCreditsError, "Your KIE account is out of credits{detail}.", "Top up on kie.ai, then resume."),
    404: (
        KieNotFoundError,
        "KIE could not find the task or address{detail}.",
        "The task may have expired; submit the image again.",
    ),
    422: (
        KieValidationError,
        "KIE refused the request as invalid{detail}.",
        "Check the image link, its format (JPEG, PNG or WEBP) and its size (at most 10 MB).",
    ),
    429: (
        KieRateLimitError,
        "KIE is limiting how fast requests are sent{detail}.",
        "The app slows down and tries again by itself.",
    ),
    433: (
        KieSubKeyLimitError,
        "This KIE sub-key went over its own limit{detail}.",
        "Raise the sub-key's limit on kie.ai or use another key, then resume.",
    ),
    455: (
        KieMaintenanceError,
        "KIE is under maintenance{detail}.",
        "The app tries again later; nothing is lost.",
    ),
    500: (KieServerError, "KIE had a server error{detail}.", "Try again in a few minutes."),
    501: (
        KieGenerationError,
        "KIE could not generate the result{detail}.",
        "Retry the job if you wish (a retry is a new, billed task).",
    ),
    505: (
        KieFeatureDisabledError,
        "This KIE feature is disabled{detail}.",
        "Check the model's status on kie.ai.",
    ),
}
_OTHER_SERVER = (
    KieServerError,
    "KIE had a server error (code {code}){detail}.",
    "Try again in a few minutes.",
)
_HTTP_SERVER = (
    KieServerError,
    "KIE had a server error (HTTP {code}){detail}.",
    "Try again in a few minutes.",
)
_UPLOAD_REFUSED = (
    KieUploadError,
    "The upload host refused the file{detail}.",
    "Check the file, then try again.",
)
_OTHER_UPLOAD = (
    KieUploadError,
    "The upload host refused the file (code {code}){detail}.",
    "Check the file, then try again.",
)
_OTHER = (
    KieError,
    "KIE answered with error code {code}{detail}.",
    "Try again; if it keeps happening, check KIE's status.",
)


# Cloudflare's own error pages: "error code: 1010" in plain text, "Error 1010" in its HTML page.
_PAGE_LIMIT = 20_000  # Cloudflare's error page names the code near its top
_CLOUDFLARE_CODE = re.compile(r"error(?: code)?:?\s*(10\d\d)\b", re.IGNORECASE)
FIREWALL_MESSAGE = (
    "KIE's firewall (Cloudflare) blocked the request (error {code}); this is not about your API key."
)
FIREWALL_HINT = (
    "Update the app and try without a VPN or proxy; if it keeps happening, tell KIE support the error code."
)


def firewall_error(response: httpx.Response) -> KieFirewallError | None:
    """The firewall error for a Cloudflare ban (HTTP 403 with its 10xx error code), else None."""
    if response.status_code != 403:
        return None
    found = _CLOUDFLARE_CODE.search(_body_text(response)[:_PAGE_LIMIT])
    if found is None:
        return None
    code = found.group(1)
    return KieFirewallError(
        tr(FIREWALL_MESSAGE).format(code=code), hint=tr(FIREWALL_HINT), code=403, http_status=403
    )


def detail(msg: str) -> str:
    """KIE's message in parentheses, ready to follow a sentence (empty when KIE gave none)."""
    return f" ({shorten(msg, _MSG_LIMIT)})" if msg else ""


def error_for_code(
    code: int, msg: str = "", *, http_status: int = 0, upload: bool = False, retry_after: float | None = None
) -> KieError:
    """The typed error for a body code (or an HTTP status when the body has none)."""
    spec = _BY_CODE.get(code) or _fallback(code, upload=upload)
    return _build(spec, code, msg, http_status=http_status, retry_after=retry_after)


def _build(
    spec: tuple[type[KieError], str, str],
    code: int,
    msg: str,
    *,
    http_status: int,
    retry_after: float | None = None,
) -> KieError:
    cls, message, hint = spec
    text = tr(message).format(code=code, detail=detail(msg))
    if cls is KieRateLimitError:
        return KieRateLimitError(text, retry_after=retry_after, hint=tr(hint), http_status=http_status)
    return cls(text, hint=tr(hint), code=code, http_status=http_status)


def _fallback(code: int, *, upload: bool) -> tuple[type[KieError], str, str]:
    if 500 <= code <= 599:
        return _OTHER_SERVER
    return _OTHER_UPLOAD if upload else _OTHER


# --- reading a body --------------------------------------------------------------------------------


def json_body(response: httpx.Response) -> dict[str, object] | None:
    """The body as a JSON object, or None when it is not one (HTML error page, empty, a list...)."""
    try:
        body = response.json()
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        return None
    return cast(dict[str, object], body) if isinstance(body, dict) else None


def body_code(body: dict[str, object] | None) -> int | None:
    """The body's `code` as an int (KIE may send "200"); None when absent or not a number."""
    value = None if body is None else body.get("code")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def body_message(body: dict[str, object] | None) -> str:
    if body is None:
        return ""
    for key in ("msg", "message"):
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def retry_after_seconds(response: httpx.Response, *, now: float | None = None) -> float | None:
    """The Retry-After header in seconds (a number or an HTTP date); None when absent or unreadable."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _body_text(response: httpx.Response) -> str:
    try:
        return response.text
    except (UnicodeDecodeError, httpx.ResponseNotRead):
        return ""


def _preview(response: httpx.Response) -> str:
    return shorten(" ".join(_body_text(response).split()), 120) or tr("empty body")


# --- the one entry point -----------------------------------------------------------------------------


def answer_data(response: httpx.Response, *, upload: bool = False) -> object:
    """The `data` of a successful answer; otherwise raise the typed error."""
    status = response.status_code
    body = json_body(response)
    code, msg = body_code(body), body_message(body)
    if status == 429 or code == 429:
        raise error_for_code(429, msg, http_status=status, retry_after=retry_after_seconds(response))
    if (banned := firewall_error(response)) is not None:
        raise banned
    if status in (401, 403):
        raise error_for_code(401, msg, http_status=status)
    if code is not None and code != 200:
        raise error_for_code(code, msg, http_status=status, upload=upload)
    if not 200 <= status <= 299:
        raise _status_error(status, msg, upload=upload)
    if body is None or code is None:
        raise malformed(tr("HTTP {status}: {preview}").format(status=status, preview=_preview(response)))
    if upload and body.get("success") is False:
        raise _build(_UPLOAD_REFUSED, 400, msg, http_status=status)
    return body.get("data")


def _status_error(status: int, msg: str, *, upload: bool) -> KieError:
    """A non-2xx answer whose body carries no error code of its own."""
    if status >= 500:  # a proxy's or server's page: 501/505 here are HTTP's, not KIE's body codes
        return _build(_HTTP_SERVER, status, msg, http_status=status)
    return error_for_code(status, msg, http_status=status, upload=upload)


def download_status_error(response: httpx.Response) -> KieError | None:
    """The error for a result download's non-2xx status, or None when the download may go on."""
    status = response.status_code
    if 200 <= status <= 299:
        return None
    if status in (403, 404, 410):
        return ResultLinkExpiredError(
            tr("The result link has expired or no longer answers (HTTP {status}).").format(status=status),
            hint=tr("The app asks KIE for a fresh link; if that fails, run the job again."),
            code=status,
            http_status=status,
        )
    if status == 429:
        return error_for_code(429, http_status=status, retry_after=retry_after_seconds(response))
    if status >= 500:
        return _status_error(status, "", upload=False)
    return KieError(
        tr("The result could not be downloaded (HTTP {status}).").format(status=status),
        hint=tr("Try the job again later."),
        code=status,
        http_status=status,
    )
