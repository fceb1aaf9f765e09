"""KIE answers -> data or the typed, user-readable error (kie-api.md "Body codes")."""

from __future__ import annotations

import email.utils

import httpx
import pytest

from upscaler_gui.core.errors import (
    KieAuthError,
    KieCreditsError,
    KieError,
    KieFeatureDisabledError,
    KieFirewallError,
    KieGenerationError,
    KieMaintenanceError,
    KieMalformedAnswerError,
    KieNotFoundError,
    KieRateLimitError,
    KieServerError,
    KieSubKeyLimitError,
    KieUploadError,
    KieValidationError,
    ResultLinkExpiredError,
)
from upscaler_gui.core.kie.answers import answer_data, download_status_error, retry_after_seconds

from .test_kie_fakes import body, ok


def test_success_needs_2xx_and_code_200() -> None:
    assert answer_data(ok({"taskId": "t1"})) == {"taskId": "t1"}
    assert answer_data(ok(100)) == 100
    assert answer_data(httpx.Response(200, json={"code": "200", "data": 7})) == 7  # a numeric string


@pytest.mark.parametrize(
    ("code", "cls", "words", "hint_words"),
    [
        (401, KieAuthError, "KIE refused the API key", "Check the key in Settings or KIE_API_KEY."),
        (402, KieCreditsError, "Your KIE account is out of credits", "Top up on kie.ai, then resume."),
        (404, KieNotFoundError, "could not find", "submit the image again"),
        (422, KieValidationError, "refused the request as invalid", "at most 10 MB"),
        (429, KieRateLimitError, "limiting how fast", "tries again by itself"),
        (433, KieSubKeyLimitError, "sub-key went over its own limit", "then resume"),
        (455, KieMaintenanceError, "under maintenance", "tries again later"),
        (500, KieServerError, "server error", "Try again in a few minutes."),
        (501, KieGenerationError, "could not generate the result", "new, billed task"),
        (505, KieFeatureDisabledError, "feature is disabled", "status on kie.ai"),
    ],
)
def test_every_body_code_maps_to_its_class(
    code: int, cls: type[KieError], words: str, hint_words: str
) -> None:
    with pytest.raises(cls) as caught:
        answer_data(body(code, "the KIE message"))
    err = caught.value
    assert type(err) is cls
    assert err.code == code
    assert err.http_status == 200
    assert words in err.message
    assert "(the KIE message)." in err.message  # KIE's own words are kept
    assert hint_words in err.hint
    assert str(err) == f"{err.message} {err.hint}"


def test_401_quirk_http_200_with_body_401_is_an_auth_error() -> None:
    with pytest.raises(KieAuthError) as caught:
        answer_data(body(401, "You do not have access permissions"))
    assert caught.value.message == "KIE refused the API key (You do not have access permissions)."
    assert caught.value.hint == "Check the key in Settings or KIE_API_KEY."
    assert not caught.value.transient


def test_402_reads_like_a_sentence() -> None:
    with pytest.raises(KieCreditsError) as caught:
        answer_data(body(402, "Credits insufficient"))
    assert caught.value.message == "Your KIE account is out of credits (Credits insufficient)."
    assert caught.value.hint == "Top up on kie.ai, then resume."


def test_message_may_be_in_message_instead_of_msg() -> None:
    with pytest.raises(KieValidationError) as caught:
        answer_data(body(422, "image is too large", key="message"))
    assert "(image is too large)" in caught.value.message


def test_no_message_gives_a_clean_sentence() -> None:
    with pytest.raises(KieNotFoundError) as caught:
        answer_data(body(404))
    assert caught.value.message == "KIE could not find the task or address."


@pytest.mark.parametrize("status", [401, 403])
def test_http_401_403_are_auth_errors_with_any_other_page(status: int) -> None:
    with pytest.raises(KieAuthError) as caught:
        answer_data(httpx.Response(status, text="<html>Forbidden</html>"))
    assert caught.value.http_status == status


def test_http_429_with_retry_after_seconds() -> None:
    response = httpx.Response(429, headers={"Retry-After": "7"}, text="slow down")
    with pytest.raises(KieRateLimitError) as caught:
        answer_data(response)
    assert caught.value.retry_after == 7.0
    assert caught.value.transient
    assert caught.value.http_status == 429


def test_body_429_with_http_200_is_rate_limited_too() -> None:
    with pytest.raises(KieRateLimitError) as caught:
        answer_data(body(429, "Too many requests"))
    assert caught.value.retry_after is None
    assert "(Too many requests)" in caught.value.message


def test_retry_after_as_http_date() -> None:
    when = email.utils.formatdate(1_000_030, usegmt=True)
    response = httpx.Response(429, headers={"Retry-After": when})
    assert retry_after_seconds(response, now=1_000_000) == pytest.approx(30.0)
    assert retry_after_seconds(httpx.Response(429, headers={"Retry-After": "soon"})) is None
    assert retry_after_seconds(httpx.Response(429, headers={"Retry-After": "-3"})) == 0.0


@pytest.mark.parametrize("status", [500, 501, 502, 503, 504, 505])
def test_http_5xx_with_a_non_json_body_is_a_server_error(status: int) -> None:
    with pytest.raises(KieServerError) as caught:
        answer_data(httpx.Response(status, text="<html>Bad Gateway</html>"))
    assert type(caught.value) is KieServerError  # HTTP 501/505 are not KIE's body codes 501/505
    assert caught.value.code == status
    assert f"HTTP {status}" in caught.value.message
    assert caught.value.transient


def test_http_5xx_with_a_kie_body_uses_the_body_code() -> None:
    with pytest.raises(KieMaintenanceError):
        answer_data(body(455, "maintenance", status=503))


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>hello</html>"),
        httpx.Response(200, content=b""),
        httpx.Response(200, json=["a", "list"]),
        httpx.Response(200, json={"data": {"taskId": "t"}}),  # no code
        httpx.Response(200, json={"code": True, "data": 1}),
        httpx.Response(200, content=b"\xff\xfe\x00garbage"),
    ],
)
def test_2xx_that_is_not_kie_json_is_malformed(response: httpx.Response) -> None:
    with pytest.raises(KieMalformedAnswerError) as caught:
        answer_data(response)
    assert caught.value.transient
    assert "could not be read" in caught.value.message


def test_malformed_message_previews_the_body_briefly() -> None:
    with pytest.raises(KieMalformedAnswerError) as caught:
        answer_data(httpx.Response(200, text="<html>" + "x" * 5000 + "</html>"))
    assert len(caught.value.message) < 250


def test_unknown_body_code_is_a_plain_kie_error_with_that_code() -> None:
    with pytest.raises(KieError) as caught:
        answer_data(body(418, "teapot"))
    assert type(caught.value) is KieError
    assert caught.value.code == 418
    assert "error code 418 (teapot)" in caught.value.message
    assert not caught.value.transient


def test_unknown_5xx_body_code_is_a_server_error() -> None:
    with pytest.raises(KieServerError) as caught:
        answer_data(body(503, "busy"))
    assert caught.value.code == 503


@pytest.mark.parametrize(
    ("status", "cls"), [(404, KieNotFoundError), (422, KieValidationError), (402, KieCreditsError)]
)
def test_http_4xx_without_a_body_code_maps_by_status(status: int, cls: type[KieError]) -> None:
    with pytest.raises(cls):
        answer_data(httpx.Response(status, text="nope"))


def test_http_error_with_body_code_200_is_still_an_error() -> None:
    with pytest.raises(KieServerError):
        answer_data(httpx.Response(502, json={"code": 200, "data": {"taskId": "t"}}))


def test_long_kie_message_is_shortened() -> None:
    with pytest.raises(KieValidationError) as caught:
        answer_data(body(422, "y" * 2000))
    assert len(caught.value.message) < 400


# --- upload host answers ------------------------------------------------------------------------


def test_upload_answer_with_success_false_is_an_upload_error() -> None:
    response = httpx.Response(200, json={"success": False, "code": 200, "msg": "bad file"})
    with pytest.raises(KieUploadError) as caught:
        answer_data(response, upload=True)
    assert "(bad file)" in caught.value.message


@pytest.mark.parametrize("code", [400, 405])
def test_upload_host_refusals(code: int) -> None:
    response = httpx.Response(200, json={"success": False, "code": code, "msg": "refused"})
    with pytest.raises(KieUploadError) as caught:
        answer_data(response, upload=True)
    assert caught.value.code == code
    assert not caught.value.transient


def test_upload_host_500_is_a_server_error() -> None:
    response = httpx.Response(500, json={"success": False, "code": 500, "msg": "oops"})
    with pytest.raises(KieServerError):
        answer_data(response, upload=True)


# --- result downloads -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [403, 404, 410])
def test_download_gone_statuses_mean_the_link_expired(status: int) -> None:
    error = download_status_error(httpx.Response(status))
    assert isinstance(error, ResultLinkExpiredError)
    assert not error.transient
    assert "fresh link" in error.hint


def test_download_status_other_cases() -> None:
    assert download_status_error(httpx.Response(200)) is None
    assert isinstance(download_status_error(httpx.Response(503)), KieServerError)
    limited = download_status_error(httpx.Response(429, headers={"Retry-After": "2"}))
    assert isinstance(limited, KieRateLimitError)
    assert limited.retry_after == 2.0
    other = download_status_error(httpx.Response(400))
    assert type(other) is KieError
    assert other is not None and not other.transient


# --- Cloudflare in front of KIE ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        "error code: 1010",  # what Cloudflare sends a client that does not ask for HTML
        "<html><title>Access denied | api.kie.ai used Cloudflare to restrict access</title>"
        '<span class="cf-error-code">1010</span><h2>Error 1010</h2></html>',
    ],
)
def test_a_cloudflare_ban_is_the_firewall_not_the_key(page: str) -> None:
    with pytest.raises(KieFirewallError) as caught:
        answer_data(httpx.Response(403, text=page))
    error = caught.value
    assert not isinstance(error, KieAuthError)
    assert "firewall" in error.message and "1010" in error.message
    assert "not about your API key" in error.message
