"""Where the API key comes from, in one order, and where it goes when the system has no keyring.

Keyrings are the ones `PYTHON_KEYRING_BACKEND` names (loaded the way keyring loads that variable):
`keyring.backends.fail.Keyring` is a machine with no keyring at all, `keyring.backends.null.Keyring` one
that answers "nothing stored" and keeps nothing; `JsonFileKeyring` (tests/core/keyring_backends.py) one
that works.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest

from tests.core.keyring_backends import BACKEND, ENV_FILE
from upscaler_gui.core import key_file, settings
from upscaler_gui.core.errors import KeyringUnavailableError
from upscaler_gui.core.settings import KeySource

KEY = "k-sources-7Qe4Lw9x"
FAIL = "keyring.backends.fail.Keyring"
NULL = "keyring.backends.null.Keyring"


@pytest.fixture
def use_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """use_keyring(name): the keyring PYTHON_KEYRING_BACKEND=name gives, for this test only."""
    monkeypatch.setenv(ENV_FILE, str(tmp_path / "keyring.json"))
    previous = keyring.get_keyring()

    def use(name: str) -> None:
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", name)
        keyring.set_keyring(keyring.core.load_keyring(name))

    yield use
    keyring.set_keyring(previous)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def no_key_in_logs(caplog: pytest.LogCaptureFixture, *keys: str) -> None:
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert caplog.records, "the test should have logged something to look at"
    assert not any(key in text for key in keys)


# --- no keyring -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "said"),
    [(FAIL, "The system keyring is not available (NoKeyringError)."), (NULL, "did not keep the key")],
)
def test_a_keyring_that_cannot_keep_the_key_says_so_and_the_key_is_not_lost_in_it(
    use_keyring: Callable[[str], None], backend: str, said: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="upscaler")
    use_keyring(backend)
    with pytest.raises(KeyringUnavailableError) as raised:
        settings.save_api_key(KEY)
    assert said in raised.value.user_text() and KEY not in raised.value.user_text()
    assert settings.find_api_key() is None  # nothing pretends to be saved
    no_key_in_logs(caplog, KEY)


def test_the_key_file_is_readable_only_by_the_user_and_is_found_next_time(
    use_keyring: Callable[[str], None], isolated_dirs: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="upscaler")
    use_keyring(FAIL)
    path = settings.save_api_key_to_file(KEY)
    assert path == isolated_dirs["config"] / "api-key" == key_file.key_file_path()
    assert mode_of(path) == 0o600
    assert path.read_text("utf-8").strip() == KEY
    found = settings.find_api_key()
    assert found is not None and (found.key, found.source) == (KEY, KeySource.FILE)
    assert KEY not in repr(found)
    settings.save(settings.Settings())
    assert KEY not in settings.settings_path().read_text("utf-8")
    no_key_in_logs(caplog, KEY)


def test_the_key_is_never_on_disk_in_a_file_others_can_read(
    monkeypatch: pytest.MonkeyPatch, isolated_dirs: dict[str, Path]
) -> None:
    """Created with 0600, not written first and narrowed after: the mode when the bytes reach the disk."""
    os.umask(0o022)  # the usual umask: a plain open() would make the file 0644
    seen: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        seen.append(stat.S_IMODE(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    key_file.write_key_file(KEY)
    assert seen == [0o600]
    assert [p.name for p in isolated_dirs["config"].iterdir()] == ["api-key"]  # no temp file left


def test_a_key_file_made_readable_by_others_is_narrowed_before_it_is_used() -> None:
    path = key_file.key_file_path()
    path.write_text(KEY + "\n", "utf-8")
    path.chmod(0o644)
    assert key_file.read_key_file() == KEY
    assert mode_of(path) == 0o600


def test_an_unreadable_key_file_is_no_key_not_a_crash() -> None:
    key_file.key_file_path().mkdir()  # something that is not a file where the key should be
    assert settings.find_api_key() is None


# --- the order ----------------------------------------------------------------------------------------


def test_the_order_is_environment_session_keyring_file(
    use_keyring: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_keyring(BACKEND)
    key_file.write_key_file("k-in-file-1")
    keyring.set_password(settings.KEYRING_SERVICE, settings.KEYRING_USER, "k-in-keyring-2")
    settings.keep_api_key_for_session("k-in-session-3")
    monkeypatch.setenv("KIE_API_KEY", "k-in-env-4")
    expected = [
        ("k-in-env-4", KeySource.ENVIRONMENT),
        ("k-in-session-3", KeySource.SESSION),
        ("k-in-keyring-2", KeySource.KEYRING),
        ("k-in-file-1", KeySource.FILE),
    ]
    removals = [
        lambda: monkeypatch.delenv("KIE_API_KEY"),
        settings.forget_session_key,
        lambda: keyring.delete_password(settings.KEYRING_SERVICE, settings.KEYRING_USER),
        key_file.delete_key_file,
    ]
    for (key, source), remove in zip(expected, removals, strict=True):
        found = settings.find_api_key()
        assert found is not None and (found.key, found.source) == (key, source)
        assert settings.api_key() == key
        remove()
    assert settings.find_api_key() is None


def test_a_key_the_keyring_keeps_leaves_no_plaintext_copy_behind(use_keyring: Callable[[str], None]) -> None:
    use_keyring(BACKEND)
    settings.save_api_key_to_file("k-old-in-file")
    settings.keep_api_key_for_session("k-old-in-session")
    settings.save_api_key(KEY)
    assert not key_file.key_file_path().exists()
    found = settings.find_api_key()
    assert found is not None and (found.key, found.source) == (KEY, KeySource.KEYRING)


@pytest.mark.parametrize("backend", [BACKEND, FAIL])
def test_removing_the_saved_key_removes_it_everywhere(
    use_keyring: Callable[[str], None], backend: str
) -> None:
    use_keyring(backend)
    if backend == BACKEND:
        settings.save_api_key("k-keyring")
    settings.save_api_key_to_file("k-file")
    settings.keep_api_key_for_session("k-session")
    settings.save_api_key("")  # the dialog's "Remove saved key"
    assert settings.find_api_key() is None
    assert not key_file.key_file_path().exists()
