"""A keyring that keeps its passwords in a JSON file named by `TEST_KEYRING_FILE`: a "working keyring"
that a test and the command line it starts in a subprocess both see (`PYTHON_KEYRING_BACKEND=
tests.core.keyring_backends.JsonFileKeyring`, with the repository on PYTHONPATH). Never the machine's."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

ENV_FILE = "TEST_KEYRING_FILE"
BACKEND = f"{__name__}.JsonFileKeyring"


class JsonFileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]  # keyring declares a classproperty; a number is what it reads

    @staticmethod
    def _path() -> Path:
        return Path(os.environ[ENV_FILE])

    def _read(self) -> dict[str, str]:
        try:
            data: dict[str, str] = json.loads(self._path().read_text("utf-8"))
        except FileNotFoundError:
            return {}
        return data

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._read()
        data[f"{service}/{username}"] = password
        self._path().write_text(json.dumps(data), "utf-8")

    def delete_password(self, service: str, username: str) -> None:
        data = self._read()
        if data.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError("no such password")
        self._path().write_text(json.dumps(data), "utf-8")
