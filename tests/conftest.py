"""Fixtures for every test: no test touches the real home, the real keyring or the internet."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from upscaler_gui.core import redact, settings


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Path]]:
    """Point data, config, cache and runtime dirs at tmp_path and drop any real key from the environment.

    The runtime dir (the one-window socket) is a short path of its own: a Unix socket's path must stay
    under ~100 bytes, and tmp_path under xdist comes close."""
    dirs = {name: tmp_path / f"_{name}" for name in ("data", "config", "cache")}
    dirs["runtime"] = Path(tempfile.mkdtemp(prefix="ug-"))
    monkeypatch.setenv("UPSCALER_GUI_DATA_DIR", str(dirs["data"]))
    monkeypatch.setenv("UPSCALER_GUI_CONFIG_DIR", str(dirs["config"]))
    monkeypatch.setenv("UPSCALER_GUI_CACHE_DIR", str(dirs["cache"]))
    monkeypatch.setenv("UPSCALER_GUI_RUNTIME_DIR", str(dirs["runtime"]))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "_xdg_data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "_xdg_config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "_xdg_cache"))
    for name in ("KIE_API_KEY", "KIE_API_BASE", "KIE_UPLOAD_BASE"):
        monkeypatch.delenv(name, raising=False)
    # No session bus: no dock progress or notification reaches the desktop of whoever runs the tests
    # (tests/ui/test_notifications.py starts a bus of its own).
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/upscaler-gui-tests-bus")
    # The null keyring: nothing read from or written to the machine's credential store.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    yield dirs
    shutil.rmtree(dirs["runtime"], ignore_errors=True)


@pytest.fixture(autouse=True)
def clean_secrets() -> Iterator[None]:
    redact.forget_secrets()
    settings.forget_session_key()
    yield
    redact.forget_secrets()
    settings.forget_session_key()


@pytest.fixture(autouse=True)
def fail_on_unexpected_warning_logs(
    caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest
) -> Iterator[None]:
    """Fail a test on a WARNING or worse from our loggers, unless marked `allow_warning_logs`."""
    caplog.set_level(logging.INFO, logger="upscaler")
    yield
    if request.node.get_closest_marker("allow_warning_logs"):
        return
    bad = [
        r
        for r in caplog.get_records("call")
        if r.name.startswith("upscaler") and r.levelno >= logging.WARNING
    ]
    if bad:
        lines = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in bad)
        pytest.fail(f"unexpected warning logs:\n{lines}")
