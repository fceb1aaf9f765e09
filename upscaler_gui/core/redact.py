"""Keep secrets and long payloads out of logs, messages and the job store.

The API key is registered once (`register_secret`) and scrubbed from every string that goes through
`redact`; a logging filter (see `core.log`) applies it to every record. A link's own secrets (a
`user:password@` and query values such as `?token=...&sig=...`) are hidden the same way, wherever a
link appears in a message.
"""

from __future__ import annotations

import hashlib
import re
import threading
from urllib.parse import urlsplit, urlunsplit

_lock = threading.Lock()
_secrets: set[str] = set()

_BEARER = re.compile(r"(Bearer\s+)[^\s\"',}]+", re.IGNORECASE)
_MIN_SECRET_LEN = 4
HIDDEN = "***"
# A link inside a sentence: its scheme up to the next space or quote, without a closing full stop.
_DATA_PREVIEW = re.compile(r"data:[^,]*,\.\.\.\(\d+ chars\)\Z")
_ROUGH_USERINFO = re.compile(r"(//)[^/]*@")
_LINK = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>]*[^\s\"'<>.,;:)\]}]")


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
    if "://" in text:
        text = _LINK.sub(lambda found: hide_link_secrets(found.group()), text)
    return _BEARER.sub(r"\1***", text)


def _hidden_netloc(netloc: str) -> str:
    """`user:password@host` as `***@host`: a user name alone can be a token too."""
    return f"{HIDDEN}@{netloc.rpartition('@')[2]}" if "@" in netloc else netloc


def _hidden_values(text: str) -> str:
    """`token=abc&w=80` as `token=***&w=***`: the names stay, to tell links apart; a bare value goes."""
    pairs = (part.partition("=") for part in text.split("&") if part)
    return "&".join(f"{name}={HIDDEN}" if sep else HIDDEN for name, sep, _ in pairs)


def hide_link_secrets(url: str) -> str:
    """The link with its user:password and every query and fragment value replaced by ***.

    A link without them comes back unchanged (`has_link_secrets` says which is which).
    """
    try:
        parts = urlsplit(url)
    except ValueError:  # not a valid URL (a broken IPv6 host): hide whatever could be a secret
        return shorten(_ROUGH_USERINFO.sub(r"\1***@", url.split("?", 1)[0].split("#", 1)[0]))
    if "@" not in parts.netloc and not parts.query and not parts.fragment:
        return url
    query, fragment = _hidden_values(parts.query), _hidden_values(parts.fragment)
    return urlunsplit((parts.scheme, _hidden_netloc(parts.netloc), parts.path, query, fragment))


def has_link_secrets(url: str) -> bool:
    """True when a link carries a user:password or query values that `hide_link_secrets` hides."""
    return hide_link_secrets(url) != url


def is_hidden_link(url: str) -> bool:
    """True for a link whose secrets were already hidden (`***`): it cannot be fetched any more."""
    return HIDDEN in url and not has_link_secrets(url)


def link_key(url: str) -> str:
    """What tells two links apart in the job store: the link itself, or (when it carries secrets)
    its SHA-256, so the store holds no password or token for it."""
    return f"url-sha256:{hashlib.sha256(url.encode()).hexdigest()}" if has_link_secrets(url) else f"url:{url}"


def hide_query(url: str) -> str:
    """A URL without its user:password, query string or fragment (they may carry tokens)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return shorten(url)
    if "@" not in parts.netloc and not parts.query and not parts.fragment:
        return url
    query = HIDDEN if parts.query else ""
    return urlunsplit((parts.scheme, _hidden_netloc(parts.netloc), parts.path, query, ""))


def shorten(text: str, limit: int = 80) -> str:
    """A long value cut to `limit` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 20]}...({len(text)} chars)"


def preview_value(value: object) -> str:
    """A loggable preview of one input value: URLs without query, data/base64 shortened."""
    text = str(value)
    if _DATA_PREVIEW.match(text):
        return text  # shortened already
    if text.startswith("data:"):
        head = shorten(text.split(",", 1)[0], 60)
        return f"{head},...({len(text)} chars)"
    if text.startswith(("http://", "https://")):
        return shorten(hide_query(text), 120)
    return shorten(text, 60)
