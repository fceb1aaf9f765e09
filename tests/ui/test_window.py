"""The main window as a user drives it: drops of each kind, paste, a batch to done, actions, compare,
first run, error rows, quitting mid-batch. Real window offscreen, qasync loop, the sim on loopback."""

from __future__ import annotations

import asyncio
import base64
import os
from pathlib import Path
from typing import ClassVar

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QColor, QGuiApplication, QImage

from tests.imagefactory import image_bytes, write_image
from tests.ui.window_helpers import KEY, drop, file_mime, run, until, window_env
from upscaler_gui.core.connection import Connection
from upscaler_gui.core.jobs import JobState
from upscaler_gui.ui.window.pages import PAGE_DROP, PAGE_FIRST_RUN, PAGE_QUEUE

pytestmark = pytest.mark.integration  # the window driven against the sim


def _decoded_size(path: str | None) -> tuple[int, int]:
    assert path is not None
    with Image.open(path) as image:
        image.load()
        return image.size


def _loopback_image_url(sim_base: str, tmp_path: Path, name: str = "web.png") -> str:
    """An image the sim serves itself (a stand-in for an image on a web page)."""
    import httpx

    data = image_bytes("PNG", (50, 40))
    with httpx.Client(base_url=sim_base, trust_env=False) as client:
        answer = client.post(
            "/api/file-stream-upload",
            headers={"Authorization": f"Bearer {KEY}"},
            data={"uploadPath": "web/page", "fileName": name},
            files={"file": (name, data, "image/png")},
        )
    return str(answer.json()["data"]["downloadUrl"])


def test_first_run_shows_the_key_panel_then_the_demo_opens_the_drop_zone(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        async with window_env(tmp_path) as env:
            assert env.window.pages.currentIndex() == PAGE_FIRST_RUN
            env.screenshot("first-run")
            env.window.first_run.demo_requested.emit()
            await until(lambda: env.window.pages.currentIndex() == PAGE_DROP, what="the drop zone")
            assert env.window.status.connection_label.text() == "Offline demo"
            env.screenshot("empty")

    run(qloop, scenario())


def test_dropped_files_and_a_folder_run_to_done_and_land_in_the_folder(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        a = write_image(tmp_path / "in" / "a.png", "PNG", (60, 40))
        b = write_image(tmp_path / "in" / "b.jpg", "JPEG", (50, 50))
        write_image(tmp_path / "folder" / "sub" / "c.webp", "WEBP", (30, 40))
        write_image(tmp_path / "folder" / ".hidden.png")
        async with window_env(tmp_path) as env:
            await env.connect()
            assert drop(env.window, file_mime(a, b, tmp_path / "folder"))
            await until(lambda: len(env.jobs()) == 3, what="three rows")
            assert env.window.pages.currentIndex() == PAGE_QUEUE
            await env.all_finished(3)
            assert env.states() == [JobState.DONE] * 3
            sizes = sorted(_decoded_size(job.output_path) for job in env.jobs())
            assert sizes == [(60, 80), (100, 100), (120, 80)]
            assert "3 done" in env.window.status.counts_label.text()

    run(qloop, scenario())


def test_a_browser_image_drag_is_one_job_by_url(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        async with window_env(tmp_path) as env:
            await env.connect()
            url = _loopback_image_url(env.sim.base_url, tmp_path)
            mime = QMimeData()  # Firefox: the same URL as uri-list, x-moz-url and html, plus the pixels
            mime.setUrls([QUrl(url)])
            mime.setData("text/x-moz-url", f"{url}\nweb".encode("utf-16-le"))
            mime.setHtml(f'<img src="{url}" alt="web">')
            mime.setImageData(QImage(50, 40, QImage.Format.Format_RGB32))
            assert drop(env.window, mime)
            await env.all_finished(1)
            (job,) = env.jobs()
            assert job.kind == "url" and job.state == JobState.DONE
            assert _decoded_size(job.output_path) == (100, 80)
            assert Path(job.output_path or "").name == "web_crisp.png"

    run(qloop, scenario())


def test_raw_image_data_is_saved_then_upscaled(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        image = QImage(30, 20, QImage.Format.Format_RGB32)
        image.fill(QColor("teal"))
        mime = QMimeData()
        mime.setImageData(image)
        async with window_env(tmp_path) as env:
            await env.connect()
            assert drop(env.window, mime)
            await env.all_finished(1)
            (job,) = env.jobs()
            assert job.state == JobState.DONE and _decoded_size(job.output_path) == (60, 40)

    run(qloop, scenario())


def test_paste_from_the_clipboard(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        a = write_image(tmp_path / "pasted.png", "PNG", (20, 20))
        async with window_env(tmp_path) as env:
            await env.connect()
            # Text, as a copied path pastes; a QMimeData made here would stay owned by Python while
            # the clipboard keeps a pointer to it (a crash at the next clipboard access or at exit).
            QGuiApplication.clipboard().setText(str(a))
            env.window.paste_action.trigger()
            await env.all_finished(1)
            assert env.jobs()[0].state == JobState.DONE

    run(qloop, scenario())


@pytest.mark.qt_log_ignore("^This plugin does not support raise\\(\\)$")  # offscreen: no window stacking
def test_the_clipboard_action_of_a_later_launch_pastes_in_the_open_window(tmp_path: Path, qloop) -> None:
    """The desktop file's "Upscale Clipboard Image" runs `upscaler-gui --paste`: with a window open, that
    launch hands the request over and the open window pastes, as Ctrl+V would."""
    from upscaler_gui.ui.app import bring_forward
    from upscaler_gui.ui.shell.one_window import Handover

    async def scenario() -> None:
        copied = write_image(tmp_path / "copied.png", "PNG", (20, 20))
        async with window_env(tmp_path) as env:
            await env.connect()
            QGuiApplication.clipboard().setText(str(copied))
            bring_forward(env.window, Handover([], paste=True))
            await env.all_finished(1)
            (job,) = env.jobs()
            assert job.state == JobState.DONE and job.display_name == "copied.png"

    run(qloop, scenario())


def test_bad_items_become_rows_with_reasons_and_one_summary(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        (tmp_path / "icon.ico").write_bytes(image_bytes("ICO", (32, 32)))
        (tmp_path / "notes.png").write_text("not an image")
        good = write_image(tmp_path / "good.png")
        mime = file_mime(tmp_path / "icon.ico", tmp_path / "notes.png", good, tmp_path / "missing.png")
        async with window_env(tmp_path) as env:
            await env.connect()
            assert drop(env.window, mime)
            await env.all_finished(4)
            info = {job.display_name: env.window.model.info_text(job) for job in env.jobs()}
            assert "ICO icon" in info["icon.ico"] and "Convert it" in info["icon.ico"]
            assert "text file" in info["notes.png"]
            assert info["good.png"].startswith("Saved as good_crisp.png")
            assert "No such file or folder" in next(t for name, t in info.items() if "missing.png" in name)
            links = QMimeData()  # things that cannot even become a row: one line in the status bar
            links.setText("ftp://example.com/a.png\nftp://example.com/b.png\nftp://example.com/c.png")
            drop(env.window, links)
            message = env.window.status.currentMessage()
            assert "ftp" in message and "2 more" in message
            assert len(env.jobs()) == 4
            env.screenshot("errors")

    run(qloop, scenario())


def test_retry_cancel_and_remove(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        a = write_image(tmp_path / "a.png")
        b = write_image(tmp_path / "b.png", size=(30, 30))
        async with window_env(tmp_path) as env:
            env.sim.config.faults.rate_task_fail = 1.0
            env.sim.config.faults.transient_fail_share = 0.0  # permanent: fails at once, no automatic retry
            await env.connect()
            assert drop(env.window, file_mime(a))
            await env.all_finished(1)
            (failed,) = env.jobs()
            assert failed.state == JobState.FAILED and "could not be processed" in (failed.error or "")
            env.sim.config.faults.rate_task_fail = 0.0
            env.sim.config.task_seconds = 30.0
            env.window.view.selectRow(0)
            env.window.view.job_actions.retry.trigger()
            await until(lambda: env.jobs()[0].state == JobState.POLLING, what="the retried task")
            env.window.view.job_actions.cancel.trigger()
            await until(lambda: env.jobs()[0].state == JobState.CANCELLED, what="cancelled")
            assert "still bills" in env.window.model.info_text(env.jobs()[0])
            assert drop(env.window, file_mime(b))
            await until(lambda: len(env.jobs()) == 2, what="a second row")
            env.window.view.selectRow(0)
            env.window.view.job_actions.remove.trigger()
            await until(lambda: len(env.jobs()) == 1, what="the removed row gone")
            assert env.jobs()[0].display_name == "b.png"

    run(qloop, scenario())


def test_the_compare_view_shows_before_and_after_of_the_selected_job(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        a = write_image(tmp_path / "photo.png", "PNG", (160, 120))
        async with window_env(tmp_path) as env:
            await env.connect()
            assert drop(env.window, file_mime(a))
            await env.all_finished(1)
            env.window.view.selectRow(0)
            compare = env.window.compare
            await until(lambda: "320" in compare.after_label_text(), what="the compare images")
            assert compare.before_label_text().startswith("Before 160 × 120")
            assert compare.after_label_text().startswith("After 320 × 240")
            env.screenshot("compare")

    run(qloop, scenario())


def test_unknown_jobs_say_kie_may_have_billed_them(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        a = write_image(tmp_path / "a.png")
        async with window_env(tmp_path) as env:
            env.sim.config.faults.rate_drop = 1.0
            env.sim.config.faults.endpoints = {"create"}
            await env.connect()
            assert drop(env.window, file_mime(a))
            await env.all_finished(1)
            (job,) = env.jobs()
            assert job.state == JobState.UNKNOWN
            text = env.window.model.info_text(job)
            assert "may have billed" in text and "Retry" in text

    run(qloop, scenario())


def test_quitting_mid_batch_keeps_jobs_and_the_next_start_finishes_them(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        files = [write_image(tmp_path / f"in{i}.png", size=(20 + i, 20)) for i in range(3)]
        async with window_env(tmp_path) as env:
            env.sim.config.task_seconds = 2.0
            await env.connect()
            assert drop(env.window, file_mime(*files))
            await until(lambda: len(env.jobs()) == 3 and all(j.task_id for j in env.jobs()), what="tasks")
            await env.controller.close()  # the window closes: jobs stay in the store
            creates = env.sim.stats.creates
            assert not any(job.finished for job in env.jobs())
            await env.controller.connect_kie(Connection(KEY, env.sim.base_url, env.sim.base_url))
            await env.all_finished(3)
            assert env.states() == [JobState.DONE] * 3
            assert env.sim.stats.creates == creates  # polled on the next start, never created again

    run(qloop, scenario())


def test_busy_screenshot(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        files = [
            write_image(tmp_path / f"photo{i}.{ext}", fmt, (300 + 20 * i, 200))
            for i, (fmt, ext) in enumerate([("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")] * 3)
        ]
        async with window_env(tmp_path) as env:
            env.sim.config.task_seconds = 3.0
            await env.connect()
            assert drop(env.window, file_mime(*files))
            await until(
                lambda: sum(j.state == JobState.POLLING for j in env.jobs()) >= 5, what="running jobs"
            )
            await asyncio.sleep(0.3)
            assert "running" in env.window.status.counts_label.text()
            env.screenshot("busy")

    run(qloop, scenario())


@pytest.mark.parametrize("kind", ["uri-list", "plain text"])
def test_links_dropped_as_text(tmp_path: Path, qloop, kind: str) -> None:
    async def scenario() -> None:
        async with window_env(tmp_path) as env:
            await env.connect()
            url = _loopback_image_url(env.sim.base_url, tmp_path, "linked.png")
            mime = QMimeData()
            if kind == "uri-list":
                mime.setData("text/uri-list", f"# a comment\r\n{url}\r\n".encode())
            else:
                mime.setText(f"look at this {url} please")
            assert drop(env.window, mime)
            await env.all_finished(1)
            assert env.jobs()[0].state == JobState.DONE

    run(qloop, scenario())


def test_the_next_start_lists_earlier_jobs_and_can_retry_them(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        good = write_image(tmp_path / "good.png")
        bad = write_image(tmp_path / "bad.png", size=(30, 30))
        async with window_env(tmp_path) as env:
            await env.connect()
            env.sim.config.faults.rate_task_fail = 1.0
            env.sim.config.faults.transient_fail_share = 0.0
            assert drop(env.window, file_mime(bad))
            await env.all_finished(1)
            env.sim.config.faults.rate_task_fail = 0.0
            assert drop(env.window, file_mime(good))
            await env.all_finished(2)
            await env.controller.close()
            env.window.model.remove(1)  # a fresh window: nothing listed until the store says so
            env.window.model.remove(2)
            await env.connect()
            await until(lambda: len(env.jobs()) == 2, what="the earlier jobs listed")
            assert sorted(str(job.state) for job in env.jobs()) == ["done", "failed"]
            env.window.view.selectRow(env.window.model.row_of(1) or 0)
            env.window.view.job_actions.retry.trigger()
            await until(
                lambda: (
                    env.window.model.job(1) is not None and env.window.model.job(1).state == JobState.DONE
                ),
                what="the old failed job done after retry",
            )

    run(qloop, scenario())


def test_settings_and_window_state_are_saved_and_restored(tmp_path: Path, qloop) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    from upscaler_gui.core import settings as settings_store

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]
        store: ClassVar[dict[tuple[str, str], str]] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())

    async def scenario() -> None:
        async with window_env(tmp_path) as env:
            window = env.window
            window.settings.api_base = window.settings.upload_base = env.sim.base_url
            window.first_run.key_entered.emit(KEY)  # the first-run panel: tested, saved, used
            await until(lambda: env.controller.connection is not None, what="connected with the new key")
            await until(lambda: window.settings_flow.has_saved_key, what="the key saved")
            assert settings_store.api_key() == KEY
            assert KEY not in settings_store.settings_path().read_text()
            new = settings_store.Settings(
                **{
                    **window.settings.__dict__,
                    "concurrency": 3,
                    "template": "{n}-{stem}.{ext}",
                    "on_conflict": "skip",
                }
            )
            await window.settings_flow.apply(new, None)
            assert env.controller.engine is not None and env.controller.engine.options.concurrency == 3
            window.splitter.setSizes([900, 280])
            window.view.setColumnWidth(0, 333)
            window.saved_geometry.save()
        saved = settings_store.load()
        assert (saved.concurrency, saved.template, saved.on_conflict) == (3, "{n}-{stem}.{ext}", "skip")
        async with window_env(tmp_path) as again:
            assert again.window.view.columnWidth(0) == 333
            restored = bytes(again.window.splitter.saveState().data())
            assert restored == base64.b64decode(saved.ui_splitter) and saved.ui_geometry

    try:
        run(qloop, scenario())
    finally:
        keyring.set_keyring(previous)


def test_a_refused_first_run_key_is_not_saved_and_says_why(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        async with window_env(tmp_path) as env:
            env.window.settings.api_base = env.sim.base_url
            env.window.first_run.key_entered.emit("not-the-right-key")
            await until(lambda: not env.window.first_run.problem.isHidden(), what="the problem shown")
            assert "refused" in env.window.first_run.problem.text()
            assert env.controller.connection is None and not env.window.settings_flow.has_saved_key

    run(qloop, scenario())


def test_watching_a_folder_beside_drops_and_again_after_a_restart(tmp_path: Path, qloop) -> None:
    watched = tmp_path / "inbox"
    watched.mkdir()

    async def scenario() -> None:
        async with window_env(tmp_path) as env:
            env.window.settings.watch_settle_s = 0.3
            await env.connect()
            await env.controller.start_watching(str(watched))
            assert env.window.watch_row.watch_box.isChecked() and env.controller.watch.watching
            write_image(watched / "arrived.png", size=(30, 20))
            assert drop(env.window, file_mime(write_image(tmp_path / "dropped.png", size=(20, 20))))
            await env.all_finished(2)
            assert sorted(job.display_name for job in env.jobs()) == ["arrived.png", "dropped.png"]
            await env.controller.close()  # quit while watching: remembered
            assert env.window.settings.watch_enabled
            await env.connect()  # the next start watches again by itself
            await until(lambda: env.controller.watch.watching, what="watching again")
            write_image(watched / "later.png", size=(24, 20))
            await env.all_finished(3)
            assert (env.out / "later_crisp.png").exists()
            env.window.watch_row.watch_box.click()  # the user turns it off
            await until(lambda: not env.controller.watch.watching, what="stopped")
            assert not env.window.settings.watch_enabled

    run(qloop, scenario())


def test_starts_in_the_tray_only_while_watching_and_where_a_tray_exists() -> None:
    import argparse

    from upscaler_gui.core.settings import Settings
    from upscaler_gui.ui.app import starts_in_tray

    args = argparse.Namespace(minimized=True)
    watching = Settings(watch_enabled=True, watch_dir="/photos")
    assert starts_in_tray(args, watching, tray_available=True)
    assert not starts_in_tray(args, watching, tray_available=False)
    assert not starts_in_tray(args, Settings(), tray_available=True)
    assert starts_in_tray(
        argparse.Namespace(minimized=False), Settings(**{**watching.__dict__, "start_minimized": True}), True
    )


def test_the_dock_progress_counts_the_current_batch(tmp_path: Path, qloop) -> None:
    shown: list[tuple[int, int]] = []

    async def scenario() -> None:
        files = [write_image(tmp_path / f"p{i}.png", size=(20 + i, 20)) for i in range(3)]
        async with window_env(tmp_path) as env:
            env.window.taskbar.show = lambda finished, total: shown.append((finished, total))  # type: ignore[method-assign]
            await env.connect()
            assert drop(env.window, file_mime(*files))
            await env.all_finished(3)
            # the drained event follows the last job's change: the bar is hidden once it arrives
            await until(lambda: bool(shown) and shown[-1] == (0, 0), what="the dock bar hidden")

    run(qloop, scenario())
    assert (0, 3) in shown and (3, 3) in shown  # the bar went from none to all of this batch


def test_a_burst_of_job_events_redraws_the_status_once_more_with_the_final_counts(
    tmp_path: Path, qloop
) -> None:
    from dataclasses import replace

    from upscaler_gui.core.jobs import Job, OutputOptions

    async def scenario() -> None:
        async with window_env(tmp_path) as env:
            await env.connect()
            window = env.window
            refreshes: list[str] = []
            window.status.show_counts = (  # type: ignore[method-assign]
                lambda jobs, cost, show=window.status.show_counts: (refreshes.append("x"), show(jobs, cost))
            )
            options = OutputOptions(folder=str(tmp_path / "out"))
            jobs = [
                Job(id=n, kind="url", given=f"https://e.test/{n}.png", dedupe_key=str(n), options=options)
                for n in range(1, 201)
            ]
            for job in jobs:  # 200 rows arrive, then each moves on twice: 600 events in one go
                window._job_changed(job)
            for job in jobs:
                window._job_changed(replace(job, state=JobState.UPLOADING))
                window._job_changed(replace(job, state=JobState.DONE))
            assert window.model.rowCount() == 200  # the rows themselves follow at once
            await until(lambda: bool(refreshes), what="the status redrawn")
            await asyncio.sleep(0.3)
            assert len(refreshes) == 2  # at the first row (the queue replaces the drop zone), then once
            assert window.status.counts_label.text() == "200 done"
            assert window.pages.currentIndex() == PAGE_QUEUE

    run(qloop, scenario())


def test_rows_show_no_link_secret_and_names_that_are_not_utf8_readably(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        latin1 = write_image(tmp_path / os.fsdecode(b"caf\xe9.png"))  # a Latin-1 name from an old share
        async with window_env(tmp_path) as env:
            await env.connect()
            link = _loopback_image_url(env.sim.base_url, tmp_path, "signed.png") + "?token=tok-W1nd0wS3cr3t"
            mime = QMimeData()
            mime.setText(link)
            assert drop(env.window, mime)
            await env.controller.add_inputs([str(latin1)])  # what a drop of that file comes to
            await env.all_finished(2)
            model = env.window.model
            shown = [
                model.data(model.index(row, column), role)
                for row in range(model.rowCount())
                for column in range(model.columnCount())
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
            ]
            texts = [text for text in shown if isinstance(text, str)]
            assert not [text for text in texts if "tok-W1nd0wS3cr3t" in text]
            assert any(text.endswith("signed.png?token=***") for text in texts), texts
            assert "caf\\xe9.png" in texts and "Saved as caf\\xe9_crisp.png" in texts, texts
            assert {job.state for job in env.jobs()} == {JobState.DONE}

    run(qloop, scenario())
