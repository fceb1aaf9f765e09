"""The sim server: KIE's paths, shapes and quirks, its limits, every fault knob, its stats and lifecycle."""

from __future__ import annotations

import base64
import io
import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.core import sim_helpers as h
from upscaler_gui.core.constants import (
    PATH_CREDIT,
    PATH_DOWNLOAD_URL,
    PATH_RECORD,
    PATH_UPLOAD_BASE64,
    PATH_UPLOAD_STREAM,
    PATH_UPLOAD_URL,
)
from upscaler_gui.sim import Faults, SimConfig, SimServer

MakeSim = Callable[..., SimServer]


@pytest.fixture
def make_sim() -> Iterator[MakeSim]:
    """Start sims with fast tasks and no recordInfo limit unless a test asks otherwise; stop them all."""
    started: list[SimServer] = []

    def make(**overrides: Any) -> SimServer:
        settings: dict[str, Any] = {"task_seconds": 0.2, "record_limit": 0, **overrides}
        sim = SimServer(SimConfig(**settings))
        sim.start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


@pytest.fixture
def sim(make_sim: MakeSim) -> SimServer:
    return make_sim()


@pytest.fixture
def http(sim: SimServer) -> Iterator[httpx.Client]:
    with h.client(sim) as client:
        yield client


@pytest.fixture
def png_url(http: httpx.Client, tmp_path: Path) -> str:
    return h.upload_file(http, h.write_image(tmp_path / "photo.png"))


# --- auth and validation ----------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "wrong-key"])
def test_bad_key_answers_http_200_with_body_401(sim: SimServer, key: str | None, tmp_path: Path) -> None:
    with h.client(sim, key=key) as client:
        for response in (
            h.create(client, "http://127.0.0.1/x.png"),
            client.get(PATH_RECORD, params={"taskId": "task_recraft_1"}),
            client.get(PATH_CREDIT),
        ):
            assert response.status_code == 200
            assert response.json()["code"] == 401
            assert response.json()["msg"] == "You do not have access permissions"
        upload = client.post(PATH_UPLOAD_BASE64, json={"base64Data": "AAAA", "uploadPath": "a"})
        assert upload.json()["success"] is False and upload.json()["code"] == 401
    assert sim.stats.creates == 0 and sim.stats.uploads == 0


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"model": "topaz/image-upscale", "input": {"image": "http://127.0.0.1/a.png"}}, ["topaz"]),
        ({"model": "recraft/crisp-upscale", "input": {"image": "http://127.0.0.1/a", "scale": 4}}, ["scale"]),
        ({"model": "recraft/crisp-upscale", "input": {"image": ""}}, ["image"]),
        ({"model": "recraft/crisp-upscale", "input": {"image": "ftp://127.0.0.1/a.png"}}, ["http"]),
        ({"model": "recraft/crisp-upscale", "input": {}}, ["image"]),
        ({"model": "recraft/crisp-upscale", "input": "http://127.0.0.1/a.png"}, ["input"]),
    ],
)
def test_create_validation_answers_422_naming_the_problem(
    sim: SimServer, http: httpx.Client, body: dict[str, object], words: list[str]
) -> None:
    response = http.post("/api/v1/jobs/createTask", json=body)
    assert response.status_code == 200
    assert response.json()["code"] == 422
    for word in words:
        assert word in response.json()["msg"]
    assert sim.stats.creates == 0 and sim.stats.credits == 1000.0


def test_create_with_a_body_that_is_not_json_is_422(http: httpx.Client) -> None:
    response = http.post("/api/v1/jobs/createTask", content=b"{nope")
    assert response.json()["code"] == 422


# --- the full flow ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "suffix"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_upload_create_poll_download_gives_a_real_image_twice_the_size(
    sim: SimServer, http: httpx.Client, tmp_path: Path, fmt: str, suffix: str
) -> None:
    url = h.upload_file(http, h.write_image(tmp_path / f"in.{suffix}", fmt, (40, 30)), "tests/flow")
    assert url.startswith(sim.base_url + "/files/tests/flow/")
    task_id = h.create_task(http, url)
    assert task_id.startswith("task_recraft_") and task_id.removeprefix("task_recraft_").isdigit()

    data = h.wait_final(http, task_id)
    assert data["state"] == "success" and data["failCode"] == "" and data["failMsg"] == ""
    assert json.loads(str(data["param"]))["input"] == {"image": url}
    assert isinstance(data["costTime"], int) and data["costTime"] >= 150  # ms, ~task_seconds
    assert data["creditsConsumed"] == 0.5
    assert isinstance(data["completeTime"], int) and data["completeTime"] >= data["createTime"]
    [result_url] = h.result_urls(data)

    response = httpx.get(result_url, trust_env=False)
    assert response.status_code == 200
    assert response.headers["Content-Length"] == str(len(response.content))
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.size == (80, 60) and image.format == fmt
        assert not image.getexif()
    assert sim.stats.credits == 999.5


def test_states_start_at_waiting_with_empty_results(make_sim: MakeSim, tmp_path: Path) -> None:
    slow = make_sim(task_seconds=30.0)  # "waiting" lasts 3 s: no race with a busy machine
    with h.client(slow) as client:
        url = h.upload_file(client, h.write_image(tmp_path / "x.png"))
        data = h.record(client, h.create_task(client, url))["data"]
    assert isinstance(data, dict)
    assert data["state"] == "waiting" and data["resultJson"] == "" and data["completeTime"] is None
    assert data["costTime"] == 0 and "creditsConsumed" not in data


def test_a_tail_share_of_tasks_take_the_tail_time(make_sim: MakeSim, tmp_path: Path) -> None:
    # A 0.2 s task is past "waiting" within 0.02 s; a 600 s one stays "waiting" for its first 60 s.
    sim = make_sim(task_tail_share=0.5, task_tail_s=600.0, create_limit=0)
    with h.client(sim) as client:
        url = h.upload_file(client, h.write_image(tmp_path / "x.png"))
        ids = [h.create_task(client, url) for _ in range(40)]
        time.sleep(0.3)
        states = [h.record(client, task_id)["data"]["state"] for task_id in ids]
    tail = states.count("waiting")
    assert 8 <= tail <= 32, states  # about half (the seed fixes which)


def test_result_format_and_cost_time_unit_follow_the_config(
    sim: SimServer, http: httpx.Client, png_url: str
) -> None:
    sim.config.result_format = "JPEG"
    sim.config.cost_time_unit = "s"
    data = h.wait_final(http, h.create_task(http, png_url))
    assert data["costTime"] == 1  # 0.2 s, rounded up to whole seconds
    with Image.open(io.BytesIO(httpx.get(h.result_urls(data)[0], trust_env=False).content)) as image:
        assert image.format == "JPEG"


def test_an_image_from_another_loopback_server_is_fetched_over_http(
    make_sim: MakeSim, http: httpx.Client, tmp_path: Path
) -> None:
    other = make_sim()
    with h.client(other) as other_client:
        url = h.upload_file(other_client, h.write_image(tmp_path / "there.webp", "WEBP"))
    data = h.wait_final(http, h.create_task(http, url))
    assert data["state"] == "success"
    assert h.result_urls(data)[0].endswith(".webp")


# --- uploads ----------------------------------------------------------------------------------------------


def test_stream_upload_answers_kies_shape(sim: SimServer, http: httpx.Client, tmp_path: Path) -> None:
    path = h.write_image(tmp_path / "a.png")
    with path.open("rb") as handle:
        response = http.post(
            PATH_UPLOAD_STREAM,
            files={"file": ("a.png", handle)},
            data={"uploadPath": "p/q", "fileName": "b.jpg"},
        )
    body = response.json()
    assert body["success"] is True and body["code"] == 200 and body["msg"] == "File uploaded successfully"
    data = body["data"]
    assert data["fileName"] == "b.jpg" and data["filePath"] == "p/q/b.jpg"
    assert data["mimeType"] == "image/jpeg"  # from the name, like the real host, not from the bytes
    assert data["fileSize"] == path.stat().st_size
    assert data["uploadedAt"].endswith("Z")
    assert httpx.get(data["downloadUrl"], trust_env=False).content == path.read_bytes()


@pytest.mark.parametrize("prefix", ["", "data:image/png;base64,"])
def test_base64_upload(sim: SimServer, http: httpx.Client, prefix: str) -> None:
    raw = h.image_bytes("PNG")
    body = {"base64Data": prefix + base64.b64encode(raw).decode(), "uploadPath": "b64", "fileName": "x.png"}
    data = http.post(PATH_UPLOAD_BASE64, json=body).json()["data"]
    assert data["fileSize"] == len(raw) and data["mimeType"] == "image/png"
    assert httpx.get(data["downloadUrl"], trust_env=False).content == raw
    assert sim.stats.uploads == 1


def test_chunked_request_bodies_are_read(http: httpx.Client) -> None:
    payload = json.dumps(
        {"base64Data": base64.b64encode(b"hello").decode(), "uploadPath": "c", "fileName": "h.txt"}
    )
    response = http.post(PATH_UPLOAD_BASE64, content=iter([payload[:10].encode(), payload[10:].encode()]))
    assert response.json()["data"]["fileSize"] == 5


def test_url_upload_fetches_loopback_only(http: httpx.Client, png_url: str) -> None:
    ok = http.post(PATH_UPLOAD_URL, json={"fileUrl": png_url, "uploadPath": "copies"}).json()
    assert ok["success"] is True and ok["data"]["fileName"] == "photo.png"
    far = http.post(PATH_UPLOAD_URL, json={"fileUrl": "https://example.com/a.png", "uploadPath": "c"}).json()
    assert far["success"] is False and far["code"] == 500


@pytest.mark.parametrize(
    ("fields", "with_file", "words"),
    [
        ({"uploadPath": "/lead"}, True, "slash"),
        ({"uploadPath": "trail/"}, True, "slash"),
        ({"uploadPath": "a/../b"}, True, "invalid"),
        ({}, True, "uploadPath"),
        ({"uploadPath": "ok"}, False, "file"),
    ],
)
def test_stream_upload_refusals_are_400(
    http: httpx.Client, fields: dict[str, str], with_file: bool, words: str
) -> None:
    files = {"file": ("a.png", b"123")} if with_file else {"other": ("a.png", b"123")}
    response = http.post(PATH_UPLOAD_STREAM, files=files, data=fields)
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and body["code"] == 400 and words in body["msg"]


def test_same_upload_path_and_name_overwrites(http: httpx.Client) -> None:
    for content in (b"first", b"second"):
        body = {"base64Data": base64.b64encode(content).decode(), "uploadPath": "same", "fileName": "f.bin"}
        url = http.post(PATH_UPLOAD_BASE64, json=body).json()["data"]["downloadUrl"]
    assert httpx.get(url, trust_env=False).content == b"second"


def test_many_concurrent_uploads_all_land(sim: SimServer, http: httpx.Client) -> None:
    blob = bytes(range(256)) * 4096  # 1 MB
    results: list[int] = []

    def send(index: int) -> None:
        with h.client(sim) as client:
            response = client.post(
                PATH_UPLOAD_STREAM, files={"file": (f"f{index}.bin", blob)}, data={"uploadPath": "many"}
            )
            results.append(response.json()["data"]["fileSize"])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [len(blob)] * 12 and sim.stats.uploads == 12


# --- tasks that fail ------------------------------------------------------------------------------------


def test_an_image_on_a_public_host_fails_the_task(http: httpx.Client) -> None:
    data = h.wait_final(http, h.create_task(http, "https://example.com/photo.png"))
    assert data["state"] == "fail" and data["failCode"] == "422"
    assert "could not be fetched" in str(data["failMsg"]) and data["resultJson"] == ""


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"just some text, not an image", "not an image"),
        (h.image_bytes("GIF"), "GIF"),
        (h.image_bytes("PNG")[:60], "decoded"),
        (b"\x00" * (10 * 1024 * 1024 + 1), "larger than 10 MB"),
    ],
)
def test_a_file_kie_cannot_use_fails_the_task_with_a_message(
    http: httpx.Client, tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "upload.png"
    path.write_bytes(content)
    data = h.wait_final(http, h.create_task(http, h.upload_file(http, path)))
    assert data["state"] == "fail" and words in str(data["failMsg"])


def test_unknown_and_missing_task_ids(http: httpx.Client) -> None:
    unknown = h.record(http, "task_recraft_0")
    assert unknown["code"] == 404 and unknown["msg"] == "recordInfo is null" and unknown["data"] is None
    assert http.get(PATH_RECORD).json()["code"] == 400


# --- credits and limits ---------------------------------------------------------------------------------


def test_credits_run_out_with_402_and_the_balance_is_reported(make_sim: MakeSim, tmp_path: Path) -> None:
    sim = make_sim(credits=1.0)
    with h.client(sim) as client:
        url = h.upload_file(client, h.write_image(tmp_path / "a.png"))
        assert client.get(PATH_CREDIT).json() == {"code": 200, "msg": "success", "data": 1}
        codes = [h.create(client, url).json()["code"] for _ in range(3)]
        assert codes == [200, 200, 402]
        assert h.create(client, url).json()["msg"] == "Credits insufficient"
        assert client.get(PATH_CREDIT).json()["data"] == 0
    assert sim.stats.creates == 2 and sim.stats.credits == 0.0


def test_creates_over_the_limit_get_429_and_nothing_is_created(make_sim: MakeSim) -> None:
    sim = make_sim(create_limit=3, create_window_s=10.0)
    with h.client(sim) as client:
        answers = [h.create(client, "http://127.0.0.1:9/a.png") for _ in range(5)]
    assert [a.json()["code"] for a in answers] == [200, 200, 200, 429, 429]
    assert answers[3].status_code == 429 and int(answers[3].headers["Retry-After"]) >= 1
    stats = sim.stats
    assert stats.creates == 3 and stats.rate_limited_by_limit == 2 and stats.peak_creates_per_window == 3
    assert stats.credits == 1000.0 - 3 * 0.5


def test_record_calls_over_the_limit_get_429(make_sim: MakeSim) -> None:
    sim = make_sim(record_limit=2, record_window_s=1.0)
    with h.client(sim) as client:
        codes = [h.record(client, "task_recraft_1")["code"] for _ in range(3)]
    assert codes == [404, 404, 429]
    assert sim.stats.record_calls == 3 and sim.stats.peak_records_per_window == 2


def test_peak_is_measured_with_the_limit_off(make_sim: MakeSim) -> None:
    sim = make_sim(create_limit=0)
    with h.client(sim) as client:
        for _ in range(25):
            h.create(client, "http://127.0.0.1:9/a.png")
    assert sim.stats.peak_creates_per_window == 25 and sim.stats.rate_limited_by_limit == 0


def test_sub_key_limit_answers_433(make_sim: MakeSim) -> None:
    sim = make_sim(subkey_limit=1)
    with h.client(sim) as client:
        codes = [h.create(client, "http://127.0.0.1:9/a.png").json()["code"] for _ in range(2)]
    assert codes == [200, 433]


# --- faults -------------------------------------------------------------------------------------------------


def test_fault_5xx_comes_as_http_500_then_as_http_200_with_body_500(
    sim: SimServer, http: httpx.Client
) -> None:
    sim.config.faults.rate_5xx = 1.0
    first, second = (h.create(http, "http://127.0.0.1:9/a.png") for _ in range(2))
    assert (first.status_code, first.json()) == (500, {"code": 500, "msg": "Server error", "data": None})
    assert (second.status_code, second.json()["code"]) == (200, 500)
    assert sim.stats.creates == 0 and sim.stats.faults_served["5xx"] == 2


def test_fault_429_comes_in_both_forms(sim: SimServer, http: httpx.Client) -> None:
    sim.config.faults.rate_429 = 1.0
    first, second = (http.get(PATH_CREDIT) for _ in range(2))
    assert first.status_code == 429 and first.headers["Retry-After"] == "1" and first.json()["code"] == 429
    assert second.status_code == 200 and second.json()["code"] == 429 and "Retry-After" not in second.headers
    assert sim.stats.rate_limited_by_fault == 2 and sim.stats.rate_limited_by_limit == 0


def test_fault_455_says_message_not_msg(sim: SimServer, http: httpx.Client) -> None:
    sim.config.faults.rate_455 = 1.0
    body = h.create(http, "http://127.0.0.1:9/a.png").json()
    assert body["code"] == 455 and "maintenance" in body["message"] and "msg" not in body
    assert sim.stats.creates == 0


def test_fault_drop_on_create_closes_the_connection_but_the_task_exists(
    sim: SimServer, http: httpx.Client, png_url: str
) -> None:
    sim.config.faults = Faults(rate_drop=1.0, endpoints={"create"})
    with pytest.raises(httpx.RemoteProtocolError):
        h.create(http, png_url)
    assert sim.wait_idle()
    stats = sim.stats
    assert stats.creates == 1 and stats.credits == 999.5 and list(stats.creates_by_image.values()) == [1]
    assert stats.faults_served == {"drop": 1}


def test_fault_slow_makes_a_short_client_timeout_fire_after_the_create(sim: SimServer, png_url: str) -> None:
    sim.config.faults = Faults(rate_slow=1.0, slow_s=3.0, endpoints={"create"})
    with h.client(sim, timeout=0.3) as impatient, pytest.raises(httpx.ReadTimeout):
        h.create(impatient, png_url)
    assert sim.stats.creates == 1


def test_answer_delay_applies_to_api_answers(sim: SimServer) -> None:
    sim.config.answer_delay_s = 3.0
    with h.client(sim, timeout=0.3) as impatient, pytest.raises(httpx.ReadTimeout):
        impatient.get(PATH_CREDIT)


def test_fault_malformed_is_not_json_then_the_wrong_shape(sim: SimServer, http: httpx.Client) -> None:
    sim.config.faults.rate_malformed = 1.0
    first, second = http.get(PATH_CREDIT), http.get(PATH_CREDIT)
    assert first.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        first.json()
    assert second.status_code == 200 and "msg" not in second.json() and second.json()["data"] == []


def test_task_fail_transient(sim: SimServer, http: httpx.Client, png_url: str) -> None:
    sim.config.faults = Faults(rate_task_fail=1.0, transient_fail_share=1.0)
    data = h.wait_final(http, h.create_task(http, png_url))
    assert (data["state"], data["failCode"], data["failMsg"]) == (
        "fail",
        "500",
        "internal error, try again later",
    )


def test_task_fail_permanent_has_fail_code_as_str_or_int(
    sim: SimServer, http: httpx.Client, png_url: str
) -> None:
    sim.config.faults = Faults(rate_task_fail=1.0, transient_fail_share=0.0)
    codes = [h.wait_final(http, h.create_task(http, png_url))["failCode"] for _ in range(2)]
    assert codes == ["422", 422]
    assert sim.stats.faults_served["task_fail"] == 2


def test_expired_result_link_is_404_and_download_url_gives_a_fresh_one(
    sim: SimServer, http: httpx.Client, png_url: str
) -> None:
    [url] = h.result_urls(h.wait_final(http, h.create_task(http, png_url)))
    assert httpx.get(url, trust_env=False).status_code == 200
    sim.config.faults.result_link_ttl_s = 0.0
    assert httpx.get(url, trust_env=False).status_code == 404

    fresh = http.post(PATH_DOWNLOAD_URL, json={"url": url}).json()
    assert fresh["code"] == 200 and fresh["message"] == "success" and "token=" in fresh["data"]
    assert fresh["data"] != url
    assert Image.open(io.BytesIO(httpx.get(fresh["data"], trust_env=False).content)).size == (80, 60)
    assert httpx.get(url + "?token=forged", trust_env=False).status_code == 404
    assert http.post(PATH_DOWNLOAD_URL, json={"url": "https://example.com/a.png"}).json()["code"] == 422
    assert sim.stats.faults_served["link_expired"] == 1


def test_truncated_download_is_shorter_than_its_content_length(
    sim: SimServer, http: httpx.Client, png_url: str
) -> None:
    [url] = h.result_urls(h.wait_final(http, h.create_task(http, png_url)))
    sim.config.faults = Faults(rate_truncate=1.0, endpoints={"result"})
    received = b""
    with (
        httpx.Client(trust_env=False) as client,
        client.stream("GET", url) as response,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        announced = int(response.headers["Content-Length"])
        for chunk in response.iter_raw():
            received += chunk
    assert 0 < len(received) < announced


def test_faults_apply_only_to_the_named_endpoints(sim: SimServer, http: httpx.Client, png_url: str) -> None:
    sim.config.faults = Faults(rate_5xx=1.0, endpoints={"record"})
    task_id = h.create_task(http, png_url)
    assert h.record(http, task_id)["code"] == 500
    assert http.get(PATH_CREDIT).json()["code"] == 200


def test_the_seed_makes_faults_repeatable(make_sim: MakeSim) -> None:
    def outcomes(sim: SimServer) -> list[int]:
        with h.client(sim) as client:
            return [client.get(PATH_CREDIT).json()["code"] for _ in range(20)]

    runs = [outcomes(make_sim(seed=7, faults=Faults(rate_455=0.5))) for _ in range(2)]
    assert runs[0] == runs[1] and set(runs[0]) == {200, 455}


# --- stats, control, logging, lifecycle ---------------------------------------------------------------------


def test_stats_count_what_happened(sim: SimServer, http: httpx.Client, png_url: str) -> None:
    task_ids = [h.create_task(http, png_url) for _ in range(2)]
    for task_id in task_ids:
        httpx.get(h.result_urls(h.wait_final(http, task_id))[0], trust_env=False)
    stats = sim.stats
    assert stats.creates == 2 and stats.uploads == 1 and stats.downloads == 2
    assert list(stats.creates_by_image.values()) == [2]  # the same image, created twice
    assert set(stats.record_calls_by_task) == set(task_ids)
    assert stats.record_calls == sum(stats.record_calls_by_task.values())
    assert stats.requests == 1 + 2 + stats.record_calls + 2
    assert sim.stats_dict()["creates"] == 2


def test_control_endpoints_read_stats_and_change_knobs(sim: SimServer, http: httpx.Client) -> None:
    assert http.get("/_sim/stats").json() == sim.stats_dict()
    answer = http.post(
        "/_sim/config", json={"faults": {"rate_5xx": 0.25, "endpoints": ["create"]}, "credits": 5}
    )
    assert answer.status_code == 200 and "api_key" not in answer.json()
    assert sim.config.faults.rate_5xx == 0.25 and sim.config.faults.endpoints == {"create"}
    assert http.get(PATH_CREDIT).json()["data"] == 5
    refused = http.post("/_sim/config", json={"credits": 7, "faults": {"rate_nope": 1}})
    assert refused.status_code == 400 and "rate_nope" in refused.json()["error"]
    assert sim.config.credits == 5  # a bad update changes nothing
    assert sim.stats.requests == 1  # control calls are not counted


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_one_debug_line_per_request_and_never_the_key(sim: SimServer, http: httpx.Client) -> None:
    records = _Records()  # on the logger itself: independent of propagation and caplog levels
    sim_logger = logging.getLogger("upscaler.sim")
    level = sim_logger.level
    sim_logger.addHandler(records)
    sim_logger.setLevel(logging.DEBUG)
    try:
        http.get(PATH_CREDIT)
        http.get(PATH_RECORD, params={"taskId": "task_recraft_5"})
    finally:
        sim_logger.removeHandler(records)
        sim_logger.setLevel(level)
    lines = [line for line in records.lines if " -> " in line]
    assert len(lines) == 2 and "GET /api/v1/chat/credit -> 200" in lines[0]
    assert all(h.KEY not in line for line in records.lines)


def test_stop_removes_the_storage_dir_but_not_a_given_parent(tmp_path: Path) -> None:
    for parent in (None, tmp_path / "sim-parent"):
        sim = SimServer(SimConfig(storage_dir=parent))
        with sim, h.client(sim) as client:
            h.upload_file(client, h.write_image(tmp_path / "s.png"))
            storage = sim.storage_dir
            assert any(storage.rglob("s.png"))
        assert not storage.exists()
        if parent is not None:
            assert parent.is_dir()


def test_run_forever_serves_until_sigterm(tmp_path: Path) -> None:
    code = (
        "import sys; from upscaler_gui.sim import SimConfig, run_forever; "
        "run_forever(0, SimConfig(), on_start=lambda url: print(url, flush=True))"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert httpx.get(base_url + "/_sim/stats", trust_env=False).json()["creates"] == 0
        process.terminate()
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
