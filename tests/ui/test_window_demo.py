"""The window's offline demo across a restart: jobs in flight at KIE when the window quits are finished by
the next start of the demo, never created again (the demo server keeps its state in the data dir)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.imagefactory import write_image
from tests.ui.window_helpers import drop, file_mime, run, until, window_env
from upscaler_gui.core.jobs import JobState
from upscaler_gui.sim.demo import demo_state_dir
from upscaler_gui.sim.journal import read_tasks

pytestmark = pytest.mark.integration  # the window driven against the demo server, across a restart


def test_quitting_the_demo_mid_batch_then_starting_it_again_finishes_every_job(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        files = [write_image(tmp_path / f"in{i}.png", size=(20 + i, 20)) for i in range(3)]
        async with window_env(tmp_path) as env:
            await env.controller.start_demo()
            await env.controller.start_demo()  # asked twice: the same demo server, its links still valid
            assert drop(env.window, file_mime(*files))
            await until(lambda: len(env.jobs()) == 3 and all(j.task_id for j in env.jobs()), what="tasks")
            await env.controller.close()  # quit: the demo server stops with the window
            assert not any(job.finished for job in env.jobs())
            await env.controller.start_demo()
            await env.all_finished(3)
            assert env.states() == [JobState.DONE] * 3
        creates = Counter(task.image_sha256 for task in read_tasks(demo_state_dir()))
        assert sorted(creates.values()) == [1, 1, 1]  # polled after the restart, never created again

    run(qloop, scenario())


def test_demo_results_go_to_their_own_folder_so_a_real_run_keeps_its_names(tmp_path: Path, qloop) -> None:
    image = write_image(tmp_path / "photo.png", size=(30, 20))

    async def scenario() -> None:
        async with window_env(tmp_path) as env:
            await env.controller.start_demo()
            assert env.window.output_row.folder_label.text() == str(env.out / "demo")
            assert drop(env.window, file_mime(image))
            await env.all_finished(1)
            assert env.states() == [JobState.DONE]
        assert [p.name for p in env.out.iterdir()] == ["demo"]
        assert [p.name for p in (env.out / "demo").iterdir()] == ["photo_crisp.png"]
        async with window_env(tmp_path) as real:  # the next start, with a real account: the same image
            await real.connect()
            assert real.window.output_row.folder_label.text() == str(real.out)
            assert drop(real.window, file_mime(image))
            await real.all_finished(1)
            assert real.states() == [JobState.DONE]
        assert sorted(p.name for p in real.out.iterdir()) == ["demo", "photo_crisp.png"]  # no photo_crisp-1

    run(qloop, scenario())


def test_the_demo_starts_on_a_clean_queue_and_finishes_what_the_last_one_left(tmp_path: Path, qloop) -> None:
    files = [write_image(tmp_path / f"in{i}.png", size=(20 + i, 20)) for i in range(3)]

    async def scenario() -> None:
        async with window_env(tmp_path) as env:
            await env.controller.start_demo()
            assert drop(env.window, file_mime(*files[:2]))
            await env.all_finished(2)
            assert drop(env.window, file_mime(files[2]))
            await until(lambda: len(env.jobs()) == 3 and bool(env.jobs()[2].task_id), what="the third task")
        async with window_env(tmp_path) as again:  # the next demo: yesterday's results are not listed
            await again.controller.start_demo()
            await again.all_finished(1)
            assert [job.source_path for job in again.jobs()] == [str(files[2])]  # only what was under way
            assert again.states() == [JobState.DONE]
        names = sorted(p.name for p in (tmp_path / "out" / "demo").iterdir())
        assert names == ["in0_crisp.png", "in1_crisp.png", "in2_crisp.png"]

    run(qloop, scenario())
