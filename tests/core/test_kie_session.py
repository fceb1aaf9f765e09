"""Endpoints, HTTP client settings, and the open/close lifecycle of the KIE client."""

from __future__ import annotations

import httpx
import pytest

from upscaler_gui.core import constants
from upscaler_gui.core.errors import SettingsError
from upscaler_gui.core.kie import KieClient, make_http_client, open_kie_client, resolve_endpoints

from .test_kie_fakes import KEY


def test_defaults_when_nothing_is_set() -> None:
    assert resolve_endpoints(None, None) == (constants.DEFAULT_API_BASE, constants.DEFAULT_UPLOAD_BASE)


def test_environment_beats_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIE_API_BASE", "http://127.0.0.1:8765/")
    monkeypatch.setenv("KIE_UPLOAD_BASE", "http://localhost:8766//")
    assert resolve_endpoints(None, None) == ("http://127.0.0.1:8765", "http://localhost:8766")


def test_explicit_values_beat_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIE_API_BASE", "http://127.0.0.1:1")
    monkeypatch.setenv("KIE_UPLOAD_BASE", "http://127.0.0.1:2")
    assert resolve_endpoints("https://a.example/kie/", " https://u.example ") == (
        "https://a.example/kie",
        "https://u.example",
    )


def test_blank_values_fall_through(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIE_API_BASE", "  ")
    assert resolve_endpoints("", None)[0] == constants.DEFAULT_API_BASE


@pytest.mark.parametrize(
    "bad", ["ftp://api.kie.ai", "api.kie.ai", "file:///etc/passwd", "https://", "javascript:x"]
)
def test_non_http_addresses_are_refused_clearly(bad: str) -> None:
    with pytest.raises(SettingsError) as caught:
        resolve_endpoints(bad, None)
    assert "is not an http(s) URL" in caught.value.message
    assert "KIE_API_BASE" in caught.value.hint


def test_bad_upload_address_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIE_UPLOAD_BASE", "kieai.redpandaai.co")
    with pytest.raises(SettingsError) as caught:
        resolve_endpoints(None, None)
    assert "KIE_UPLOAD_BASE" in caught.value.hint


@pytest.mark.allow_warning_logs
def test_plain_http_to_another_machine_is_allowed_but_warned(caplog: pytest.LogCaptureFixture) -> None:
    assert resolve_endpoints("http://192.168.1.5:8000", None)[0] == "http://192.168.1.5:8000"
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "unencrypted" in warnings[0].getMessage()


def test_plain_http_on_loopback_is_quiet(caplog: pytest.LogCaptureFixture) -> None:
    resolve_endpoints("http://127.0.0.1:8000", "http://[::1]:8001")
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


async def test_http_client_has_every_timeout_and_limits() -> None:
    async with make_http_client("https://api.kie.ai") as client:
        assert client.timeout.connect == constants.CONNECT_TIMEOUT_S
        assert client.timeout.read == constants.READ_TIMEOUT_S
        assert client.timeout.write == constants.WRITE_TIMEOUT_S
        assert client.timeout.pool == constants.POOL_TIMEOUT_S
        assert str(client.base_url) == "https://api.kie.ai"
        assert not client.follow_redirects
        assert "authorization" not in client.headers  # the key goes per request, never on the client
        assert client.headers["user-agent"].startswith("crisp-upscaler/")


async def test_result_client_follows_redirects() -> None:
    async with make_http_client() as client:
        assert client.follow_redirects
        assert str(client.base_url) == ""


async def test_open_kie_client_builds_and_closes_three_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIE_API_BASE", "http://127.0.0.1:9")
    made: list[httpx.AsyncClient] = []
    real = make_http_client

    def spy(base_url: str | None = None, **kwargs: object) -> httpx.AsyncClient:
        made.append(real(base_url))
        return made[-1]

    monkeypatch.setattr("upscaler_gui.core.kie.session.make_http_client", spy)
    async with open_kie_client(api_key=KEY) as client:
        assert isinstance(client, KieClient)
        assert [str(c.base_url) for c in made] == ["http://127.0.0.1:9", constants.DEFAULT_UPLOAD_BASE, ""]
        assert not any(c.is_closed for c in made)
        assert KEY not in repr(client)
    assert all(c.is_closed for c in made)


async def test_open_kie_client_refuses_a_bad_address_before_opening_anything() -> None:
    with pytest.raises(SettingsError):
        async with open_kie_client(api_key=KEY, api_base="ftp://x"):
            pass  # pragma: no cover


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("SSL_CERT_FILE", "/nonexistent/ca.pem", "SSL_CERT_FILE"),
        ("SSL_CERT_FILE", __file__, "SSL_CERT_FILE"),  # a file, but no certificate in it
        ("HTTPS_PROXY", "foo://proxy.example:3128", "HTTPS_PROXY"),
        ("HTTP_PROXY", "http://proxy.example:notaport", "HTTP_PROXY"),
        ("ALL_PROXY", "socks5://127.0.0.1:9", "ALL_PROXY"),
    ],
)
def test_a_bad_certificate_or_proxy_setting_is_one_clear_settings_error(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, said: str
) -> None:
    for other in ("SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(other, raising=False)
        monkeypatch.delenv(other.lower(), raising=False)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        make_http_client("https://api.kie.ai")
    text = caught.value.user_text()
    assert said in text and ("unset" in text or "Unset" in text)


@pytest.mark.parametrize("value", ["/nonexistent/ca.pem", __file__])
async def test_the_shared_ssl_context_of_a_kie_client_names_a_bad_certificate_file(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.setenv("SSL_CERT_FILE", value)
    with pytest.raises(SettingsError) as caught:
        async with open_kie_client(api_key=KEY, api_base="http://127.0.0.1:9"):
            pass  # pragma: no cover
    assert "SSL_CERT_FILE" in caught.value.user_text() and value in caught.value.user_text()


def test_a_proxy_password_is_not_repeated_in_the_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "foo://me:s3cret-pw@proxy.example:3128")
    with pytest.raises(SettingsError) as caught:
        make_http_client("https://api.kie.ai")
    assert "s3cret-pw" not in caught.value.user_text() and "HTTPS_PROXY" in caught.value.user_text()
