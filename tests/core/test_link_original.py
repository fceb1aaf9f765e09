"""A link's original, fetched once for the window: bounded, without the key, kept for the next look."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.core.engine_helpers import serve_folder
from tests.imagefactory import image_bytes, write_image
from upscaler_gui.core import constants
from upscaler_gui.core.link_original import fetch_original
from upscaler_gui.core.redact import register_secret

KEY = "sk-link-test-key"


def mock_client(answer: httpx.Response, seen: list[httpx.Request]) -> httpx.AsyncClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


async def test_a_links_image_is_fetched_from_loopback_once_and_kept(tmp_path: Path) -> None:
    write_image(tmp_path / "web" / "photo.jpg", "JPEG", (120, 80))
    folder = tmp_path / "originals"
    with serve_folder(tmp_path / "web") as base:
        first = await fetch_original(f"{base}/photo.jpg", folder)
    assert first is not None
    assert (first.width, first.height) == (120, 80)
    assert first.size_bytes == (tmp_path / "web" / "photo.jpg").stat().st_size
    assert first.path.parent == folder and first.path.suffix == ".jpg"
    again = await fetch_original(f"{base}/photo.jpg", folder)  # the server is gone: the kept copy
    assert again == first


async def test_the_fetch_carries_no_key_and_no_cookie(tmp_path: Path) -> None:
    register_secret(KEY)
    seen: list[httpx.Request] = []
    async with mock_client(httpx.Response(200, content=image_bytes("PNG")), seen) as client:
        found = await fetch_original("https://images.example/a.png?sig=abc", tmp_path, client)
    assert found is not None
    (request,) = seen
    headers = " ".join(f"{name}: {value}" for name, value in request.headers.items())
    assert KEY not in headers and "authorization" not in headers.lower() and "cookie" not in headers.lower()


@pytest.mark.parametrize("announced", [True, False])
async def test_more_than_kie_takes_is_not_fetched(tmp_path: Path, announced: bool) -> None:
    body = b"\x89PNG\r\n\x1a\n" + b"0" * constants.MAX_IMAGE_BYTES
    headers = {} if announced else {"transfer-encoding": "chunked"}
    answer = httpx.Response(200, content=body, headers=headers)
    async with mock_client(answer, []) as client:
        assert await fetch_original("https://images.example/huge.png", tmp_path, client) is None
    assert not any(tmp_path.iterdir())  # noqa: ASYNC240 - a test's look at its own folder


async def test_a_page_or_a_refusal_gives_no_preview(tmp_path: Path) -> None:
    async with mock_client(httpx.Response(200, text="<html>hello</html>"), []) as client:
        assert await fetch_original("https://example.com/page", tmp_path, client) is None
    async with mock_client(httpx.Response(403), []) as client:
        assert await fetch_original("https://example.com/private.png", tmp_path, client) is None


async def test_a_link_whose_secrets_were_hidden_is_not_fetched(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    async with mock_client(httpx.Response(200, content=image_bytes()), seen) as client:
        assert await fetch_original("https://example.com/a.png?token=***", tmp_path, client) is None
        assert await fetch_original("ftp://example.com/a.png", tmp_path, client) is None
    assert seen == []


async def test_the_oldest_copies_go_beyond_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("upscaler_gui.core.link_original.LINK_ORIGINALS_KEPT", 2)
    async with mock_client(httpx.Response(200, content=image_bytes()), []) as client:
        for n in range(4):
            assert await fetch_original(f"https://example.com/{n}.png", tmp_path, client) is not None
    assert len(list(tmp_path.iterdir())) == 2  # noqa: ASYNC240
