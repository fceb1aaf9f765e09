"""The command line finds the key where the window keeps it, in the same order: KIE_API_KEY, then the
keyring, then the key file (core/settings.py's `find_api_key`). Each run talks to a sim that accepts only
the key that should win, while the other places hold other keys; none of them is ever printed or stored.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.core.cli_helpers import EXIT_OK, isolated_env, upscale_command
from tests.core.keyring_backends import BACKEND, ENV_FILE, JsonFileKeyring
from tests.imagefactory import write_image
from upscaler_gui.core import key_file, settings
from upscaler_gui.sim import SimConfig, SimServer

pytestmark = pytest.mark.integration  # the command line in a subprocess against the sim

REPO = Path(__file__).resolve().parents[2]
ENV_KEY, KEYRING_KEY, FILE_KEY = "k-from-env-31Fq", "k-from-keyring-62Gw", "k-from-file-93Hx"
ALL_KEYS = (ENV_KEY, KEYRING_KEY, FILE_KEY)
FAIL = "keyring.backends.fail.Keyring"
NULL = "keyring.backends.null.Keyring"


@dataclass(frozen=True)
class Keys:
    """Where an isolated user's keys are, and which one the sim accepts (the one that should win)."""

    env: bool
    keyring_backend: str
    in_keyring: bool
    in_file: bool
    accepted: str


def user_with_keys(root: Path, monkeypatch: pytest.MonkeyPatch, keys: Keys) -> dict[str, str]:
    """An isolated user whose keys are where `keys` says (the file made as the window makes it)."""
    environment = isolated_env(root, key=ENV_KEY if keys.env else None)
    environment.update(
        {
            "PYTHON_KEYRING_BACKEND": keys.keyring_backend,
            ENV_FILE: str(root / "keyring.json"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), environment.get("PYTHONPATH", "")])),
        }
    )
    if keys.in_keyring:
        monkeypatch.setenv(ENV_FILE, environment[ENV_FILE])  # this process writes the same keyring file
        JsonFileKeyring().set_password(settings.KEYRING_SERVICE, settings.KEYRING_USER, KEYRING_KEY)
    if keys.in_file:
        (root / "_config").mkdir(parents=True, exist_ok=True)
        key_file.write_key_file(FILE_KEY, root / "_config" / key_file.FILE_NAME)
    return environment


def upscale_with(root: Path, accepted: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    write_image(root / "a.png", size=(24, 18))
    with SimServer(SimConfig(api_key=accepted, task_seconds=0.2)) as sim:
        return subprocess.run(
            [*upscale_command(sim.base_url, "a.png", "--out", "out"), "--verbose"],
            cwd=root,
            env=environment,
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )


def no_key_anywhere(root: Path, done: subprocess.CompletedProcess[str]) -> None:
    shown = done.stdout + done.stderr
    assert not any(key in shown for key in ALL_KEYS), shown
    for path in (root / "data").rglob("*"):  # the job store, its -wal and -shm
        if path.is_file():
            assert not any(key.encode() in path.read_bytes() for key in ALL_KEYS), path


CASES = {
    "environment wins over the keyring and the file": Keys(True, BACKEND, True, True, ENV_KEY),
    "the keyring wins over the file": Keys(False, BACKEND, True, True, KEYRING_KEY),
    "no keyring at all: the file": Keys(False, FAIL, False, True, FILE_KEY),
    "a keyring with nothing stored: the file": Keys(False, NULL, False, True, FILE_KEY),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_command_line_uses_the_first_key_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    keys = CASES[case]
    done = upscale_with(tmp_path, keys.accepted, user_with_keys(tmp_path, monkeypatch, keys))
    assert done.returncode == EXIT_OK, f"{case}\n{done.stdout}\n{done.stderr}"
    assert (tmp_path / "out" / "a_crisp.png").is_file()
    no_key_anywhere(tmp_path, done)


def test_with_no_key_anywhere_the_command_line_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nowhere = Keys(False, FAIL, False, False, "k-nobody-has-it")
    done = upscale_with(tmp_path, nowhere.accepted, user_with_keys(tmp_path, monkeypatch, nowhere))
    assert done.returncode == 2
    assert "No API key" in done.stderr
