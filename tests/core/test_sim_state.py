"""The sim with a state dir (the offline demo's): a restarted sim answers for what the last one made, like
KIE between two runs of the app, and forgets it after KIE's own delays. Without one, nothing is kept."""

from __future__ import annotations

import dataclasses
import io
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.core import sim_helpers as h
from upscaler_gui.core.constants import PATH_DOWNLOAD_URL
from upscaler_gui.sim import SimConfig, SimServer
from upscaler_gui.sim.demo import demo_state_dir, start_demo_server
from upscaler_gui.sim.journal import Journal, read_tasks
from upscaler_gui.sim.retention import RESULT_KEEP_S, UPLOAD_KEEP_S


def kept_sim(state_dir: Path, **overrides: Any) -> SimServer:
    return SimServer(SimConfig(state_dir=state_dir, **{"task_seconds": 0.2, "record_limit": 0, **overrides}))


def get(url: str) -> httpx.Response:
    return httpx.get(url, timeout=5, trust_env=False)


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.size


@dataclasses.dataclass
class EarlierRun:
    port: int
    upload_url: str
    task_id: str
    result_url: str


def earlier_run(state_dir: Path, tmp_path: Path, upload_path: str = "tests/up") -> EarlierRun:
    """A demo run that uploaded an image, had it upscaled, and stopped."""
    with kept_sim(state_dir) as sim, h.client(sim) as http:
        upload_url = h.upload_file(http, h.write_image(tmp_path / "photo.png"), upload_path)
        task_id = h.create_task(http, upload_url)
        (result_url,) = h.result_urls(h.wait_final(http, task_id))
        return EarlierRun(sim.port, upload_url, task_id, result_url)


def shift_journal_back(state_dir: Path, seconds: float) -> None:
    """As if `seconds` had passed since everything in the journal happened (no sim running)."""
    journal = Journal(state_dir)
    try:
        for path, at in journal.uploads().items():
            journal.add_upload(path, at - seconds)
        for task in journal.tasks():
            task.created -= seconds
            if task.work_done_at is not None:
                task.work_done_at -= seconds
            journal.save_task(task)
    finally:
        journal.close()


# --- a restart answers for the last run -------------------------------------------------------------------


def test_a_restarted_sim_answers_for_the_tasks_uploads_and_results_of_the_last(tmp_path: Path) -> None:
    state = tmp_path / "state"
    before = earlier_run(state, tmp_path)
    with kept_sim(state) as sim, h.client(sim) as http:
        assert sim.port == before.port  # the links in the app's job store still reach it
        record = h.record(http, before.task_id)
        assert record["code"] == 200 and record["data"]["state"] == "success"
        assert h.result_urls(record["data"]) == [before.result_url]
        assert size_of(get(before.result_url).content) == (80, 60)
        assert get(before.upload_url).content == h.image_bytes()
        again = h.wait_final(http, h.create_task(http, before.upload_url))  # the old link is a usable input
        assert again["state"] == "success"
        assert sim.stats.creates == 1  # this run's stats count this run's creates


def test_a_task_whose_work_the_last_sim_never_did_finishes_after_the_restart(tmp_path: Path) -> None:
    state = tmp_path / "state"
    before = earlier_run(state, tmp_path)
    journal = Journal(state)  # as a sim killed mid-work leaves it: created, no outcome, no result
    (task,) = journal.tasks()
    journal.save_task(dataclasses.replace(task, work_done_at=None, result_name=None))
    journal.close()
    next(state.glob("results/*")).unlink()
    shift_journal_back(state, 3600)  # the app comes back an hour later
    with kept_sim(state, task_seconds=0.5) as sim, h.client(sim) as http:
        data = h.wait_final(http, before.task_id)
        assert data["state"] == "success"
        assert size_of(get(h.result_urls(data)[0]).content) == (80, 60)
        # Its times are those of a task that ended long ago (an app learns task durations from them).
        assert 199 <= data["costTime"] <= 201  # ms: the task's own 0.2 s, not the hour in between
        assert 199 <= data["completeTime"] - data["createTime"] <= 201
        assert sim.stats.creates == 0
    (done,) = read_tasks(state)
    assert done.result_name is not None and done.image_sha256 is not None


def test_a_missing_result_is_made_again_on_restart(tmp_path: Path) -> None:
    state = tmp_path / "state"
    before = earlier_run(state, tmp_path)
    next(state.glob("results/*")).unlink()
    with kept_sim(state) as sim, h.client(sim) as http:
        assert h.wait_final(http, before.task_id)["state"] == "success"
        assert size_of(get(before.result_url).content) == (80, 60)


# --- and forgets what KIE would have deleted ----------------------------------------------------------------


def test_uploads_and_results_older_than_kie_keeps_them_are_gone_after_start(tmp_path: Path) -> None:
    state = tmp_path / "state"
    old = earlier_run(state, tmp_path)
    shift_journal_back(state, max(UPLOAD_KEEP_S, RESULT_KEEP_S) + 3600)
    recent = earlier_run(state, tmp_path, "tests/later")  # its start tidied; its own files are new
    with kept_sim(state) as sim, h.client(sim) as http:
        assert get(old.upload_url).status_code == 404
        assert get(old.result_url).status_code == 404
        assert h.record(http, old.task_id)["code"] == 404  # "recordInfo is null": the task is gone
        assert get(recent.upload_url).status_code == 200
        assert get(recent.result_url).status_code == 200
    stored = sorted(path.relative_to(state).as_posix() for path in state.glob("[fr]*/**/*") if path.is_file())
    assert stored == ["files/tests/later/photo.png", f"results/{recent.task_id}.png"]
    assert [task.task_id for task in read_tasks(state)] == [recent.task_id]


def test_a_file_the_journal_never_heard_of_is_kept_a_day_from_now(tmp_path: Path) -> None:
    state = tmp_path / "state"
    earlier_run(state, tmp_path)
    orphan = state / "files" / "left" / "by-a-killed-sim.png"  # written, then killed before the journal
    orphan.parent.mkdir()
    orphan.write_bytes(h.image_bytes())
    with kept_sim(state) as sim:
        assert get(f"{sim.base_url}/files/left/by-a-killed-sim.png").status_code == 200
    shift_journal_back(state, UPLOAD_KEEP_S + 60)
    with kept_sim(state):
        assert not orphan.exists() and not orphan.parent.exists()


# --- the port --------------------------------------------------------------------------------------------


def test_on_another_port_the_sim_still_takes_its_old_links(tmp_path: Path) -> None:
    state = tmp_path / "state"
    before = earlier_run(state, tmp_path)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", before.port))
        squatter.listen()
        with kept_sim(state) as sim, h.client(sim) as http:
            assert sim.port != before.port
            data = h.wait_final(http, h.create_task(http, before.upload_url))  # resolved from its own files
            assert data["state"] == "success"
            fresh = http.post(PATH_DOWNLOAD_URL, json={"url": before.result_url}).json()
            assert fresh["code"] == 200 and fresh["data"].startswith(sim.base_url + "/results/")
            assert size_of(get(fresh["data"]).content) == (80, 60)
    with kept_sim(state) as sim:
        assert sim.port not in (before.port, 0)  # the last port it served on is the one it prefers now


# --- two sims on one state dir at once (the window's demo and `upscale --demo`) ---------------------------


def test_a_sim_answers_for_a_task_another_live_sim_on_its_state_dir_created(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with kept_sim(state, task_seconds=0.5) as first, kept_sim(state) as second:
        assert first.port != second.port
        with h.client(first) as http_first, h.client(second) as http_second:
            task_id = h.create_task(http_first, h.upload_file(http_first, h.write_image(tmp_path / "a.png")))
            other = h.create_task(http_second, h.upload_file(http_second, h.write_image(tmp_path / "b.png")))
            assert task_id != other
            data = h.wait_final(http_second, task_id)
    assert data["state"] == "success"
    assert len(read_tasks(state)) == 2


# --- who keeps state ------------------------------------------------------------------------------------


@pytest.mark.integration  # two sims, one after the other, with long tasks
def test_without_a_state_dir_nothing_outlives_the_sim(tmp_path: Path) -> None:
    sim = SimServer(SimConfig(storage_dir=tmp_path / "parent"))
    with sim, h.client(sim) as http:
        h.wait_final(http, h.create_task(http, h.upload_file(http, h.write_image(tmp_path / "a.png"))))
    assert list((tmp_path / "parent").iterdir()) == []


def test_the_demo_keeps_its_state_in_the_demo_data_dir(isolated_dirs: dict[str, Path]) -> None:
    sim = start_demo_server(task_seconds=0.1)
    try:
        assert sim.storage_dir == isolated_dirs["data"] / "demo" / "server" == demo_state_dir()
    finally:
        sim.stop()
    assert (demo_state_dir() / "journal.sqlite3").is_file()


def test_a_demo_that_cannot_keep_its_state_still_runs(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    demo_state_dir().parent.mkdir(parents=True)
    demo_state_dir().write_text("not a folder")
    sim = start_demo_server(task_seconds=0.1)
    try:
        with h.client(sim, key="demo-key") as http:
            upload_url = h.upload_file(http, h.write_image(tmp_path / "a.png"))
            data = h.wait_final(http, h.create_task(http, upload_url))
        assert data["state"] == "success"
    finally:
        sim.stop()
    assert "cannot keep its files" in caplog.text
