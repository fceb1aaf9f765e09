"""Fetch an image the way KIE fetches `input.image` — but only from loopback: the sim never reaches out."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from upscaler_gui.core.constants import MAX_IMAGE_BYTES

FETCH_TIMEOUT_S = 5.0  # loopback only: anything slower is a stuck test server
_FETCH_CAP = MAX_IMAGE_BYTES + 1  # enough to tell "too large" without reading a huge body

#: maps a URL the sim itself issued to its file (None: not one of ours)
LocalResolver = Callable[[str], Path | None]


class FetchError(Exception):
    """The image could not be fetched; the message is the task's failMsg."""


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_http_url(url: object) -> str | None:
    """Why `url` is not a usable http(s) URL, or None when it is."""
    if not isinstance(url, str) or not url.strip():
        return "must be a non-empty URL string"
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be an http(s) URL"
    return None


def fetch(url: str, resolve_local: LocalResolver) -> bytes:
    """The bytes at `url`: the sim's own files straight from disk, other loopback hosts by HTTP GET."""
    own = resolve_local(url)
    if own is not None:
        return _read_own(own)
    host = urlsplit(url).hostname
    if not is_loopback_host(host):
        raise FetchError(
            f"The image could not be fetched from {host}: the demo server only fetches from this computer"
        )
    return _http_get(url)


def _read_own(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(_FETCH_CAP)
    except OSError:
        raise FetchError("The image could not be fetched: the file does not exist (HTTP 404)") from None


def _http_get(url: str) -> bytes:
    try:
        # trust_env=False: a proxy from the environment must not catch loopback requests.
        with (
            httpx.Client(timeout=FETCH_TIMEOUT_S, trust_env=False) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise FetchError(f"The image could not be fetched (HTTP {response.status_code})")
            return _read_capped(response)
    except httpx.HTTPError as exc:
        raise FetchError(f"The image could not be fetched: {type(exc).__name__}") from None


def _read_capped(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= _FETCH_CAP:
            break
    return b"".join(chunks)
