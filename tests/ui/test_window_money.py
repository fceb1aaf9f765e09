"""The window never spends by accident: Retry over a selection leaves done work alone, "Upscale again"
says it is billed, a retry of many jobs asks with the cost, and Quit asks while jobs are in flight."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.imagefactory import write_image
from tests.ui.window_helpers import drop, file_mime, run, until, window_env
from upscaler_gui.core.jobs import JobState
from upscaler_gui.core.store_errors import store_error
from upscaler_gui.ui.queue.job_actions import CONFIRM_OVER

pytestmark = pytest.mark.integration  # the window driven against the sim


def _question() -> QMessageBox | None:
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    return boxes[-1] if boxes else None


def _answer(box: QMessageBox, text: str) -> None:
    (button,) = [b for b in box.buttons() if b.text() == text]
    button.click()


def test_retry_over_everything_leaves_done_jobs_alone(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        good = write_image(tmp_path / "good.png")
        bad = write_image(tmp_path / "bad.png", size=(30, 30))
        async with window_env(tmp_path) as env:
            await env.connect()
            assert drop(env.window, file_mime(good))
            await env.all_finished(1)
            env.sim.config.faults.rate_task_fail = 1.0
            env.sim.config.faults.transient_fail_share = 0.0
            assert drop(env.window, file_mime(bad))
            await env.all_finished(2)
            assert sorted(env.states()) == sorted([JobState.DONE, JobState.FAILED])
            env.sim.config.faults.rate_task_fail = 0.0
            creates = env.sim.stats.creates
            env.window.view.selectAll()  # Ctrl+A, then Ctrl+R
            actions = env.window.view.job_actions
            actions.update()
            assert actions.retry.isEnabled() and actions.run_again.isEnabled()
            assert "billed" in actions.run_again.text()
            actions.retry.trigger()
            await until(lambda: env.states() == [JobState.DONE, JobState.DONE], what="the failed one redone")
            assert env.sim.stats.creates == creates + 1  # the failed one only
            env.window.view.selectRow(0)
            actions.run_again.trigger()  # the done one, on purpose: a new task
            await until(lambda: env.sim.stats.creates == creates + 2, what="the new, billed task")
            await env.all_finished(2)

    run(qloop, scenario())


def test_retrying_many_jobs_asks_first_with_the_cost(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        files = [write_image(tmp_path / f"in{i}.png", size=(20 + i, 20)) for i in range(CONFIRM_OVER + 1)]
        async with window_env(tmp_path) as env:
            env.sim.config.faults.rate_task_fail = 1.0
            env.sim.config.faults.transient_fail_share = 0.0
            await env.connect()
            assert drop(env.window, file_mime(*files))
            await env.all_finished(len(files))
            env.sim.config.faults.rate_task_fail = 0.0
            creates = env.sim.stats.creates
            env.window.view.selectAll()
            env.window.view.job_actions.retry.trigger()
            await until(lambda: _question() is not None, what="the question")
            box = _question()
            assert box is not None
            assert f"New KIE tasks: {len(files)}, about 2 credits" in box.informativeText()
            _answer(box, "Cancel")
            await until(lambda: _question() is None, what="the question gone")
            assert env.sim.stats.creates == creates  # nothing sent
            env.window.view.job_actions.retry.trigger()
            await until(lambda: _question() is not None, what="the question again")
            _answer(_question(), "Run again")  # type: ignore[arg-type]
            await until(lambda: env.states() == [JobState.DONE] * len(files), what="all redone")
            assert env.sim.stats.creates == creates + len(files)

    run(qloop, scenario())


def test_quit_with_jobs_in_flight_asks_and_sends_nothing_after(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        files = [write_image(tmp_path / f"in{i}.png", size=(20 + i, 20)) for i in range(3)]
        async with window_env(tmp_path) as env:
            env.sim.config.task_seconds = 30.0
            await env.connect()
            quits: list[bool] = []
            env.window.close_requested.connect(lambda: quits.append(True))
            assert drop(env.window, file_mime(*files))
            await until(lambda: all(j.task_id for j in env.jobs()) and len(env.jobs()) == 3, what="tasks")
            env.window.close()
            await until(lambda: _question() is not None, what="the question")
            box = _question()
            assert box is not None
            assert "3 images are not finished" in box.text()
            assert "keep running there and are billed" in box.informativeText()
            assert "next start" in box.informativeText()
            _answer(box, "Keep working")
            await until(lambda: _question() is None, what="the question gone")
            assert env.window.isVisible() and quits == []
            env.window.close()
            await until(lambda: _question() is not None, what="the question again")
            _answer(_question(), "Quit")  # type: ignore[arg-type]
            await until(lambda: quits == [True], what="the quit")
            assert not env.window.isVisible()
            creates = env.sim.stats.creates
            assert drop(env.window, file_mime(write_image(tmp_path / "late.png", size=(50, 50))))
            await until(lambda: len(env.jobs()) == 4, what="the late row")
            await env.controller.close()
            assert env.sim.stats.creates == creates  # nothing left after Quit

    run(qloop, scenario())


@pytest.mark.allow_warning_logs  # the lost taskIds are logged as errors on purpose
def test_a_store_that_fails_says_each_lost_task_id_in_a_box_that_stays(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        files = [write_image(tmp_path / f"in{i}.png", size=(20 + i, 20)) for i in range(2)]
        # Each answer comes 1 s late, so the second create is on the wire before the first taskId's failed
        # write stops the queue. Without it, on a loaded machine the queue stopped (rightly) before the
        # second create, and there was one task id to tell of, not two.
        async with window_env(tmp_path, answer_delay_s=1.0) as env:
            await env.connect()
            engine = env.controller.engine
            assert engine is not None
            real_save = engine.db.store.save

            def full(job, *, durable=False):  # type: ignore[no-untyped-def]
                if job.task_id:
                    raise store_error(sqlite3.OperationalError("database or disk is full"), Path("jobs.db"))
                return real_save(job, durable=durable)

            engine.db.store.save = full  # type: ignore[method-assign]
            assert drop(env.window, file_mime(*files))
            await until(lambda: len(_boxes()) == 2, what="a box per task id the store could not keep")
            await until(lambda: env.window.controller.paused is not None, what="the stopped queue")
            await asyncio.sleep(0.3)
            boxes = _boxes()
            assert len(boxes) == 2  # each sentence once
            task_ids = {job.task_id for job in env.controller.engine.jobs()}  # type: ignore[union-attr]
            for box in boxes:
                assert "is full" in box.text() and any(str(t) in box.text() for t in task_ids)
                box.accept()

    run(qloop, scenario())


def _boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
