"""Building the HTTP clients and the KieClient on them, and choosing the endpoints.

One long-lived `httpx.AsyncClient` per base URL (DESIGN.md), with timeouts on every phase.
"""

from __future__ import annotations

import ipaddress
import os
import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from urllib.parse import urlsplit

import httpx

from upscaler_gui import __version__
from upscaler_gui.core import log
from upscaler_gui.core.constants import (
    CONNECT_TIMEOUT_S,
    DEFAULT_API_BASE,
    DEFAULT_UPLOAD_BASE,
    ENV_API_BASE,
    ENV_UPLOAD_BASE,
    POOL_TIMEOUT_S,
    READ_TIMEOUT_S,
    WRITE_TIMEOUT_S,
)
from upscaler_gui.core.errors import SettingsError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.kie.client import KieClient
from upscaler_gui.core.kie.pacing import RequestPacer
from upscaler_gui.core.kie.retry import DEFAULT_POLICY, RetryPolicy
from upscaler_gui.core.redact import hide_link_secrets

# choice: the pacer keeps KIE calls well under these; results and uploads are a few at a time.
_MAX_CONNECTIONS = 20
_MAX_KEEPALIVE = 10
_KEEPALIVE_EXPIRY_S = 30.0
# Said explicitly on every request: Cloudflare in front of KIE bans anonymous library defaults
# ("python-httpx/x.y", error 1010); the library stays named, honestly, as a comment.
USER_AGENT = f"crisp-upscaler/{__version__} (python-httpx/{httpx.__version__})"


def make_http_client(
    base_url: str | None = None,
    *,
    follow_redirects: bool | None = None,
    verify: ssl.SSLContext | bool = True,
) -> httpx.AsyncClient:
    """An AsyncClient with our timeouts and limits.

    Redirects are followed only by the client without a base URL (result downloads, whose hosts may
    redirect to a CDN) unless told otherwise: an API call that redirects is an error to see. `verify`
    may be an SSL context shared by several clients (each new one loads the CA bundle: ~60 ms).
    """
    timeout = httpx.Timeout(
        connect=CONNECT_TIMEOUT_S, read=READ_TIMEOUT_S, write=WRITE_TIMEOUT_S, pool=POOL_TIMEOUT_S
    )
    limits = httpx.Limits(
        max_connections=_MAX_CONNECTIONS,
        max_keepalive_connections=_MAX_KEEPALIVE,
        keepalive_expiry=_KEEPALIVE_EXPIRY_S,
    )
    with environment_errors():
        return httpx.AsyncClient(
            base_url=base_url or "",
            timeout=timeout,
            limits=limits,
            follow_redirects=base_url is None if follow_redirects is None else follow_redirects,
            headers={"User-Agent": USER_AGENT},
            verify=verify,
        )


@contextmanager
def environment_errors() -> Iterator[None]:
    """Around whatever makes httpx read SSL_CERT_FILE and the proxy variables (a client, an SSL context)."""
    try:
        yield
    except (OSError, ValueError, ImportError, httpx.InvalidURL) as exc:  # ssl.SSLError is an OSError
        raise environment_error(exc) from exc


# httpx reads these when it builds a client (trust_env); the first set one of each pair is used.
_PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY")


def environment_error(exc: BaseException) -> SettingsError:
    """A bad SSL_CERT_FILE or proxy variable, named, instead of httpx's traceback at client creation."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    if isinstance(exc, ImportError):
        reason = tr("SOCKS proxies are not supported")
    cert_file = os.environ.get("SSL_CERT_FILE")
    if isinstance(exc, OSError | ssl.SSLError) and cert_file:
        return SettingsError(
            tr("The certificate file in SSL_CERT_FILE ({path}) cannot be used: {reason}.").format(
                path=cert_file, reason=reason
            ),
            hint=tr("Point SSL_CERT_FILE at a PEM file of CA certificates, or unset it."),
        )
    proxies = [
        (n, v) for n in _PROXY_VARIABLES for v in (os.environ.get(n) or os.environ.get(n.lower()),) if v
    ]
    if proxies:
        name, value = next(((n, v) for n, v in proxies if v in str(exc)), proxies[0])
        return SettingsError(
            tr("The proxy setting {name}={value} cannot be used: {reason}.").format(
                name=name, value=hide_link_secrets(value), reason=reason
            ),
            hint=tr("Set {name} to an http:// or https:// proxy address, or unset it.").format(name=name),
        )
    return SettingsError(
        tr("The network settings cannot be used: {reason}.").format(reason=reason),
        hint=tr("Check SSL_CERT_FILE, SSL_CERT_DIR and the proxy variables (HTTPS_PROXY, ALL_PROXY)."),
    )


def resolve_endpoints(api_base: str | None = None, upload_base: str | None = None) -> tuple[str, str]:
    """(API base, upload base): explicit values first, then KIE_API_BASE / KIE_UPLOAD_BASE, then defaults."""
    api = _pick(api_base, ENV_API_BASE, DEFAULT_API_BASE)
    upload = _pick(upload_base, ENV_UPLOAD_BASE, DEFAULT_UPLOAD_BASE)
    return _checked(api, ENV_API_BASE), _checked(upload, ENV_UPLOAD_BASE)


def _pick(explicit: str | None, env_name: str, default: str) -> str:
    for value in (explicit, os.environ.get(env_name), default):
        if value and value.strip():
            return value.strip().rstrip("/")
    return default


def _checked(url: str, env_name: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise SettingsError(
            tr("The KIE address {url!r} is not an http(s) URL.").format(url=url),
            hint=tr("Use an address that starts with https:// in Settings or {env}.").format(env=env_name),
        )
    if parts.scheme.lower() == "http" and not _is_loopback(parts.hostname):
        # The key would cross the network in clear text: allowed (a LAN test server), but said.
        log.api.warning("%s uses plain http: the API key is sent unencrypted", url)
    return url


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@asynccontextmanager
async def open_kie_client(
    *,
    api_key: str,
    api_base: str | None = None,
    upload_base: str | None = None,
    policy: RetryPolicy = DEFAULT_POLICY,
    pacer: RequestPacer | None = None,
) -> AsyncIterator[KieClient]:
    """A KieClient on three fresh HTTP clients, all closed on exit.

    `api_base`/`upload_base` go through `resolve_endpoints` (None means environment, then default).
    """
    api_url, upload_url = resolve_endpoints(api_base, upload_base)
    with environment_errors():  # it reads SSL_CERT_FILE / SSL_CERT_DIR
        tls = httpx.create_ssl_context()  # one CA bundle load for the three (bench/first_create.py)
    async with AsyncExitStack() as stack:
        api = await stack.enter_async_context(make_http_client(api_url, verify=tls))
        upload = await stack.enter_async_context(make_http_client(upload_url, verify=tls))
        files = await stack.enter_async_context(make_http_client(verify=tls))
        yield KieClient(api=api, upload=upload, files=files, api_key=api_key, policy=policy, pacer=pacer)
