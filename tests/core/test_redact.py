"""The API key never shows: not in errors, not in logs, not behind a Bearer header."""

from __future__ import annotations

import logging
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from upscaler_gui.core import log
from upscaler_gui.core.errors import KieAuthError, KieTaskFailedError
from upscaler_gui.core.redact import (
    hide_link_secrets,
    hide_query,
    is_hidden_link,
    link_key,
    preview_value,
    redact,
    register_secret,
)

KEY = "kie-live-Zq81VbT0pLwXs92"


def test_registered_key_is_scrubbed_from_errors_and_bearer_anywhere() -> None:
    register_secret(KEY)
    err = KieAuthError(f"refused key {KEY}", hint=f"header was Authorization: Bearer {KEY}")
    assert KEY not in str(err) and KEY not in err.user_text() and "***" in str(err)
    assert redact("Authorization: Bearer abcdefghijklmnop") == "Authorization: Bearer ***"


@pytest.mark.allow_warning_logs
def test_log_records_are_scrubbed_at_the_source(caplog: pytest.LogCaptureFixture) -> None:
    register_secret(KEY)
    caplog.set_level(logging.DEBUG, logger="upscaler")
    log.api.info("calling with key %s", KEY)
    try:
        raise ValueError(f"boom {KEY}")
    except ValueError:
        log.api.exception("failed")
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert KEY not in text
    assert "calling with key ***" in text


def test_query_strings_and_long_values_are_hidden() -> None:
    assert hide_query("https://x.com/a.png?sig=1#frag") == "https://x.com/a.png?***"
    assert hide_query("https://x.com/a.png") == "https://x.com/a.png"
    assert "chars" in preview_value("x" * 500)


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger(log.ROOT_NAME)
    handlers, propagate, level = list(root.handlers), root.propagate, root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    log.close_file()
    for handler in handlers:
        root.addHandler(handler)
    root.propagate, root.level = propagate, level


def test_a_log_file_is_private_from_its_creation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restored_logging: None
) -> None:
    def no_chmod(*args: object) -> None:
        raise AssertionError("made private after its creation: others could open it meanwhile")

    monkeypatch.setattr(os, "chmod", no_chmod)
    monkeypatch.setattr(os, "fchmod", no_chmod)
    old_umask = os.umask(0o022)  # the usual umask: a plain open() would make it readable by all
    try:
        log.setup(log_file=tmp_path / "logs" / "upscaler-gui.log", stream=False)
    finally:
        os.umask(old_umask)
    log.api.info("a line with %s in it", "caf\udce9.png")  # a file name that is not UTF-8: written escaped
    log.flush()
    path = tmp_path / "logs" / "upscaler-gui.log"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "a line with caf\\xe9.png in it" in path.read_text("utf-8")


def test_an_older_log_readable_by_others_is_made_private(tmp_path: Path, restored_logging: None) -> None:
    path = tmp_path / "upscaler-gui.log"
    path.write_text("an older line\n")
    path.chmod(0o644)
    log.setup(log_file=path, stream=False)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_links_lose_their_password_and_query_values_wherever_they_appear() -> None:
    link = "https://ann:pw-secret@cdn.example.com/a.png?token=tok-secret&X-Amz-Signature=sig#frag"
    hidden = "https://***@cdn.example.com/a.png?token=***&X-Amz-Signature=***#***"
    assert hide_link_secrets(link) == hidden
    assert hide_link_secrets("https://cdn.example.com/a.png") == "https://cdn.example.com/a.png"
    message = f"KIE could not fetch {link}. Check the link."
    assert redact(message) == f"KIE could not fetch {hidden}. Check the link."
    assert KieTaskFailedError(message).user_text() == redact(message)
    assert link_key(link).startswith("url-sha256:") and "secret" not in link_key(link)
    assert link_key("https://cdn.example.com/a.png") == "url:https://cdn.example.com/a.png"
    assert is_hidden_link(hidden) and not is_hidden_link(link)
    assert "pw-secret" not in hide_query(link)


@pytest.mark.allow_warning_logs
def test_a_link_in_a_log_record_loses_its_secrets(caplog: pytest.LogCaptureFixture) -> None:
    log.jobs.warning("fetching %s", "https://ann:pw-secret@x.com/a.png?sig=sig-secret")
    text = caplog.text
    assert "pw-secret" not in text and "sig-secret" not in text
    assert "https://***@x.com/a.png?sig=***" in text


def test_a_log_write_stuck_on_the_disk_holds_up_nobody_who_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restored_logging: None
) -> None:
    """The window's thread logs each engine event; a write waiting on a busy disk held it (30-60 ms)."""
    disk_busy = threading.Event()
    real_emit = log.PrivateFileHandler.emit

    writing_threads: set[str] = set()

    def slow_emit(self: logging.Handler, record: logging.LogRecord) -> None:
        writing_threads.add(threading.current_thread().name)
        disk_busy.wait(10)
        real_emit(self, record)  # type: ignore[arg-type]

    monkeypatch.setattr(log.PrivateFileHandler, "emit", slow_emit)
    path = tmp_path / "upscaler-gui.log"
    log.setup(log_file=path, stream=False)

    def worker(n: int) -> threading.Thread:
        return threading.Thread(target=log.jobs.info, args=("worker %d", n), name=f"worker-{n}")

    threads = [worker(n) for n in range(3)]
    for thread in threads:
        thread.start()
    log.ui.info("from the window")  # returns while the disk is still busy
    for thread in threads:
        thread.join(timeout=5)
        assert not thread.is_alive()
    assert not disk_busy.is_set()
    disk_busy.set()
    log.flush()
    text = path.read_text("utf-8")
    assert "from the window" in text and all(f"worker {n}" in text for n in range(3))
    assert text.count("upscaler.ui: from the window") == 1  # formatted once, as every other line
    assert writing_threads and not writing_threads & {"MainThread", "worker-0", "worker-1", "worker-2"}
