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
