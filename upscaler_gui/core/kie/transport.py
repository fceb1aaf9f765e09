"""httpx's exceptions turned into KIE errors that say whether the request may have reached KIE.

`sent=False` only when the request certainly never left (connect failed, connect or pool timeout):
that is the one case in which a billed create may be sent again.
"""

from __future__ import annotations

import httpx

from upscaler_gui.core.errors import KieConnectionError, KieError, KieTimeoutError
from upscaler_gui.core.i18n import tr

_RETRY_HINT = "Check the internet connection; the app tries again by itself."


def transport_error(exc: httpx.RequestError, *, host: str) -> KieError:
    """The KIE error for an httpx failure to get an answer from `host`."""
    hint = tr(_RETRY_HINT)
    if isinstance(exc, httpx.ConnectTimeout):
        return KieTimeoutError(
            tr("Could not connect to {host} in time.").format(host=host), sent=False, hint=hint
        )
    if isinstance(exc, httpx.PoolTimeout):
        return KieTimeoutError(
            tr("Too many requests were waiting for a connection to {host}.").format(host=host),
            sent=False,
            hint=hint,
        )
    if isinstance(exc, httpx.ConnectError | httpx.ProxyError):
        return KieConnectionError(
            tr("Could not connect to {host} ({reason}).").format(host=host, reason=_reason(exc)),
            sent=False,
            hint=hint,
        )
    if isinstance(exc, httpx.TimeoutException):  # read or write timeout: the request went out
        return KieTimeoutError(tr("{host} did not answer in time.").format(host=host), sent=True, hint=hint)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.TooManyRedirects):
        # Sending again cannot help: the address itself is wrong.
        return KieError(
            tr("The address on {host} cannot be used ({reason}).").format(host=host, reason=_reason(exc)),
            hint=tr("Check the address in Settings."),
        )
    return KieConnectionError(
        tr("The connection to {host} dropped before the answer arrived ({reason}).").format(
            host=host, reason=_reason(exc)
        ),
        sent=True,
        hint=hint,
    )


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    return text[:160] if text else type(exc).__name__


def host_of(client: httpx.AsyncClient, url: str) -> str:
    """The host a request goes to, for messages (never the path or query, which may carry tokens)."""
    try:
        host = httpx.URL(url).host or client.base_url.host
    except httpx.InvalidURL:
        host = ""
    return host or tr("the server")


async def send(client: httpx.AsyncClient, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
    """Send one request; every httpx failure comes out as a KieError."""
    try:
        return await client.send(request, stream=stream)
    except httpx.RequestError as exc:
        raise transport_error(exc, host=host_of(client, str(request.url))) from exc
