"""Keep secrets and long payloads out of logs, messages and the job store.

The API key is registered once (`register_secret`) and scrubbed from every string that goes through
`redact`; a logging filter (see `core.log`) applies it to every record.
"""

from __future__ import annotations

import re
import threading
from urllib.parse import urlsplit, urlunsplit

_lock = threading.Lock()
_secrets: set[str] = set()

_BEARER = re.compile(r"(Bearer\s+)[^\s\"',}]+", re.IGNORECASE)
_MIN_SECRET_LEN = 4


def register_secret(value: str | None) -> None:
    """Remember a value that must never be shown (the API key)."""
    if value and len(value) >= _MIN_SECRET_LEN:
        with _lock:
            _secrets.add(value)


def forget_secrets() -> None:
    """Tests start from a clean slate."""
    with _lock:
        _secrets.clear()


def redact(text: str) -> str:
    """The text with every registered secret and any Bearer token replaced by ***."""
    if not text:
        return text
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, "***")
    return _BEARER.sub(r"\1***", text)


def hide_query(url: str) -> str:
    """A URL without its query string or fragment (they may carry signatures or tokens)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return shorten(url)
    if not parts.query and not parts.fragment:
        return url
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "***" if parts.query else "", ""))


def shorten(text: str, limit: int = 80) -> str:
    """A long value cut to `limit` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 20]}...({len(text)} chars)"


def preview_value(value: object) -> str:
    """A loggable preview of one input value: URLs without query, data/base64 shortened."""
    text = str(value)
    if text.startswith("data:"):
        head = text.split(",", 1)[0]
        return f"{head},...({len(text)} chars)"
    if text.startswith(("http://", "https://")):
        return shorten(hide_query(text), 120)
    return shorten(text, 60)
