"""Spending knowingly in the window: a costly batch asks first with its count, cost and balance; a
budget keeps the rest waiting as over budget until it is raised; the history shows what each job cost."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.imagefactory import write_image
from tests.ui.window_helpers import drop, file_mime, run, until, window_env
from upscaler_gui.core.jobs import JobState
from upscaler_gui.ui.shell import desktop
from upscaler_gui.ui.window.history import HistoryDialog

pytestmark = pytest.mark.integration  # the window driven against the sim


def _visible(kind: type) -> list:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def _question() -> QMessageBox | None:
    boxes = _visible(QMessageBox)
    return boxes[-1] if boxes else None


def _answer(box: QMessageBox, text: str) -> None:
    (button,) = [b for b in box.buttons() if b.text() == text]
    button.click()


def _images(folder: Path, count: int) -> list[Path]:
    return [write_image(folder / f"in{i}.png", size=(20 + i, 20)) for i in range(count)]


def test_a_costly_batch_asks_first_with_its_count_cost_and_balance(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        files = _images(tmp_path, 3)
        async with window_env(tmp_path, credits=1.0) as env:
            env.controller.settings.confirm_over_credits = 1.0  # 3 x 0.5 credits is more
            await env.connect()
            assert drop(env.window, file_mime(*files))
            await until(lambda: _question() is not None, what="the question")
            box = _question()
            assert box is not None and box.text() == "Upscale 3 images?"
            details = box.informativeText()
            assert "About 1.5 credits for 3 new tasks." in details
            assert "Balance: 1 credits." in details
            assert "does not cover this batch" in details
            _answer(box, "Cancel")
            await until(lambda: _question() is None, what="the question gone")
            assert env.jobs() == [] and env.sim.stats.uploads == 0 and env.sim.stats.creates == 0
            env.sim.config.credits = 100.0
            assert drop(env.window, file_mime(*files))
            await until(lambda: _question() is not None, what="the question again")
            box = _question()
            assert box is not None and "Balance: 100 credits." in box.informativeText()
            assert "does not cover" not in box.informativeText()
            _answer(box, "Upscale")
            await env.all_finished(3)
            assert env.states() == [JobState.DONE] * 3 and env.sim.stats.creates == 3

    run(qloop, scenario())


def test_a_cheap_batch_is_added_at_once_and_warned_about_when_the_balance_is_short(
    tmp_path: Path, qloop
) -> None:
    async def scenario() -> None:
        files = _images(tmp_path, 3)
        async with window_env(tmp_path, credits=1.0) as env:  # 1.5 credits, under the default 20
            await env.connect()
            await until(lambda: env.controller.balance == 1.0, what="the balance read at the start")
            said: list[str] = []
            env.window.status.messageChanged.connect(said.append)
            assert drop(env.window, file_mime(*files))
            await until(lambda: any("may not cover" in text for text in said), what="the warning")
            assert "The balance (1 credits) may not cover these images (~1.5)." in said
            assert _question() is None
            await until(lambda: env.sim.stats.creates == 2, what="what the credits pay for")
            assert len(env.jobs()) == 3  # all added; the third waits for credits

    run(qloop, scenario())


def test_the_batch_budget_keeps_the_rest_over_budget_until_it_is_raised(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        files = _images(tmp_path, 5)
        async with window_env(tmp_path) as env:
            settings = env.controller.settings
            settings.batch_credits = 1.0
            await env.connect()
            assert drop(env.window, file_mime(*files))
            await until(
                lambda: sorted(env.states()) == sorted([JobState.DONE] * 2 + [JobState.PAUSED] * 3),
                what="two done, three over budget",
            )
            assert env.sim.stats.creates == 2
            waiting = [job for job in env.jobs() if job.state == JobState.PAUSED]
            assert all((job.paused_reason or "").startswith("Over budget") for job in waiting)
            await env.window.settings_flow.apply(replace(settings, batch_credits=5.0), None)
            await env.all_finished(5)
            assert env.states() == [JobState.DONE] * 5
            assert env.sim.stats.creates == 5 and set(env.sim.stats.creates_by_image.values()) == {1}

    run(qloop, scenario())


def test_the_history_shows_each_job_its_cost_the_totals_per_day_and_opens_a_result(
    tmp_path: Path, qloop, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_path", lambda path: opened.append(path) or True)

    async def scenario() -> None:
        files = _images(tmp_path, 3)
        async with window_env(tmp_path) as env:
            await env.connect()
            assert drop(env.window, file_mime(*files))
            await env.all_finished(3)
            env.window.history_action.trigger()
            await until(lambda: bool(_visible(HistoryDialog)), what="the history")
            (dialog,) = _visible(HistoryDialog)
            assert dialog.total_label.text() == "Total: 3 jobs, 3 tasks, 1.5 credits"
            assert dialog.jobs.rowCount() == 3
            credits = {dialog.jobs.item(row, 5).text() for row in range(3)}
            assert credits == {"0.5"}
            task_ids = {dialog.jobs.item(row, 3).text() for row in range(3)}
            assert task_ids == {job.task_id for job in env.jobs()}
            assert dialog.days.rowCount() == 1
            today = [dialog.days.item(0, column).text() for column in range(3)]
            assert today == [dt.date.today().isoformat(), "3", "1.5"]
            assert not dialog.open_button.isEnabled()  # nothing selected yet
            dialog.jobs.selectRow(0)
            assert dialog.open_button.isEnabled()
            dialog.open_button.click()
            assert opened == [Path(dialog.jobs.item(0, 2).text())] and opened[0].is_file()
            dialog.reject()

    run(qloop, scenario())
