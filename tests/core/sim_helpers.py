"""Small helpers for talking to a running SimServer from tests (sync httpx, loopback only)."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from upscaler_gui.core.constants import MODEL, PATH_CREATE, PATH_RECORD, PATH_UPLOAD_STREAM
from upscaler_gui.sim import SimServer

KEY = "sim-key"
POLL_S = 0.11  # under KIE's 10 recordInfo calls a second


def client(sim: SimServer, key: str | None = KEY, timeout: float = 5.0) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    return httpx.Client(base_url=sim.base_url, headers=headers, timeout=timeout, trust_env=False)


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    image = Image.new("RGB", size, (200, 80, 40))
    for x in range(0, size[0], 4):
        image.putpixel((x, x % size[1]), (x % 256, 10, 200))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def write_image(path: Path, fmt: str = "PNG", size: tuple[int, int] = (40, 30)) -> Path:
    path.write_bytes(image_bytes(fmt, size))
    return path


def upload_file(
    http: httpx.Client, path: Path, upload_path: str = "tests/up", name: str | None = None
) -> str:
    """Stream-upload `path`; the downloadUrl."""
    fields = {"uploadPath": upload_path, **({"fileName": name} if name else {})}
    with path.open("rb") as handle:
        response = http.post(PATH_UPLOAD_STREAM, files={"file": (path.name, handle)}, data=fields)
    body = response.json()
    assert body["success"] is True, body
    return str(body["data"]["downloadUrl"])


def create(http: httpx.Client, image_url: str, **extra_input: object) -> httpx.Response:
    return http.post(PATH_CREATE, json={"model": MODEL, "input": {"image": image_url, **extra_input}})


def create_task(http: httpx.Client, image_url: str) -> str:
    body = create(http, image_url).json()
    assert body["code"] == 200, body
    return str(body["data"]["taskId"])


def record(http: httpx.Client, task_id: str) -> dict[str, Any]:
    return dict(http.get(PATH_RECORD, params={"taskId": task_id}).json())


def wait_final(http: httpx.Client, task_id: str, timeout: float = 10.0) -> dict[str, Any]:
    """Poll until success or fail; the record's `data`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = record(http, task_id)
        data = body.get("data")
        if body.get("code") == 200 and isinstance(data, dict) and data["state"] in ("success", "fail"):
            return data
        time.sleep(POLL_S)
    raise AssertionError(f"task {task_id} did not finish in {timeout} s")


def result_urls(data: dict[str, Any]) -> list[str]:
    """resultJson is a JSON string inside the JSON: parsed a second time."""
    result_json = data["resultJson"]
    assert isinstance(result_json, str)
    return list(json.loads(result_json)["resultUrls"])
