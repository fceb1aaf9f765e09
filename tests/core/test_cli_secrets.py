"""A link's password and tokens, and huge data: URIs, as a user gives them to the command line.

KIE must get the working link (its secrets are what make it fetchable); nobody else may see them: not
stderr, not --json, not the logs, not the job store once the job ended.
"""

from __future__ import annotations

import base64
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.core.cli_helpers import EXIT_FAILED, EXIT_OK, KEY, decoded, run_upscale
from tests.imagefactory import image_bytes
from upscaler_gui.sim import SimConfig, SimServer

pytestmark = pytest.mark.integration  # the command line in a subprocess against the sim

PASSWORD = "pw-7Hq2xLm9"
TOKEN = "tok-Zr51Kp0w"
SIGNATURE = "sig-Ua83Nn4e"
SECRETS = (PASSWORD, TOKEN, SIGNATURE)
AUTH = "Basic " + base64.b64encode(f"ann:{PASSWORD}".encode()).decode()
MB = 1024 * 1024


class _PrivateImages(http.server.BaseHTTPRequestHandler):
    """Serves one image, only with the right password and token (a private bucket's signed link)."""

    image = image_bytes("PNG", (48, 36))

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        allowed = self.headers.get("Authorization") == AUTH and query.get("token") == [TOKEN]
        if not allowed:
            self.send_response(403)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.image)))
        self.end_headers()
        self.wfile.write(self.image)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent."""


@pytest.fixture
def private_host() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PrivateImages)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def sim() -> Iterator[SimServer]:
    with SimServer(SimConfig(api_key=KEY, task_seconds=0.2)) as server:
        yield server


def files_holding(folder: Path, secrets: tuple[str, ...]) -> list[str]:
    """Every file under `folder` (the job store, its -wal and -shm, saved inputs) holding a secret."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {secret}" for secret in secrets if secret.encode() in data]
    return found


def test_a_link_with_a_password_and_tokens_works_and_its_secrets_show_nowhere(
    sim: SimServer, private_host: str, tmp_path: Path
) -> None:
    good = f"http://ann:{PASSWORD}@{private_host}/photo.png?token={TOKEN}&sig={SIGNATURE}"
    wrong = f"http://ann:{PASSWORD}@{private_host}/other.png?token=expired-{TOKEN}"
    batch = run_upscale(sim.base_url, good, wrong, "--out", "out", "--verbose", cwd=tmp_path)
    assert batch.returncode == EXIT_FAILED, batch.explain()  # the wrong token fails, the other is done
    shown_good = f"http://***@{private_host}/photo.png?token=***&sig=***"
    shown_wrong = f"http://***@{private_host}/other.png?token=***"
    lines = batch.by_input()
    assert sorted(lines) == sorted([shown_good, shown_wrong]), batch.explain()
    assert lines[shown_good]["status"] == "done", batch.explain()
    assert decoded(Path(lines[shown_good]["output"])) == ("PNG", (96, 72))
    assert lines[shown_wrong]["status"] == "failed" and "could not be fetched" in lines[shown_wrong]["error"]
    for secret in SECRETS:
        assert secret not in batch.stdout and secret not in batch.stderr, batch.explain()
    assert "createTask" in batch.stderr  # --verbose: the logs were there to be checked
    assert files_holding(tmp_path / "data", SECRETS) == []


def test_a_link_given_again_runs_again_with_its_secrets(
    sim: SimServer, private_host: str, tmp_path: Path
) -> None:
    link = f"http://ann:{PASSWORD}@{private_host}/photo.png?token={TOKEN}"
    first = run_upscale(sim.base_url, link, "--out", "out", cwd=tmp_path)
    assert first.returncode == EXIT_OK, first.explain()
    (output,) = (Path(line["output"]) for line in first.lines)
    again = run_upscale(sim.base_url, link, "--out", "out", cwd=tmp_path)
    assert [line["status"] for line in again.lines] == ["skipped"], again.explain()  # one job per link
    output.unlink()  # the result is gone: the same command makes it again, from the link just given
    third = run_upscale(sim.base_url, link, "--out", "out", cwd=tmp_path)
    assert [line["status"] for line in third.lines] == ["done"], third.explain()
    assert decoded(output)[1] == (96, 72)
    assert files_holding(tmp_path / "data", SECRETS) == []


def test_a_huge_data_uri_is_shown_short_and_not_kept_when_refused(sim: SimServer, tmp_path: Path) -> None:
    payload = base64.b64encode(b"\x89PNG\r\n\x1a\n" + os.urandom(22 * MB)).decode()
    huge = f"data:image/png;base64,{payload}"  # ~30 MB of text; only stdin can take that much
    small = "data:image/png;base64," + base64.b64encode(image_bytes("PNG", (40, 30))).decode()
    batch = run_upscale(sim.base_url, "-", "--out", "out", cwd=tmp_path, stdin=f"{huge}\n{small}\n")
    assert batch.returncode == EXIT_FAILED, batch.explain()[:2000]
    assert len(batch.stdout) + len(batch.stderr) < 4000, "the data: URI was printed"
    refused, done = batch.lines
    assert refused["input"] == f"data:image/png;base64,...({len(huge)} chars)", refused
    assert refused["status"] == "failed" and "KIE accepts at most 10.0 MB" in refused["error"], refused
    assert done["status"] == "done", done
    data = tmp_path / "data"
    kept = sorted(p.name for p in (data / "inputs").iterdir()) if (data / "inputs").exists() else []
    assert len(kept) == 1 and kept[0].endswith(".png"), kept  # the small image only: a restart needs it
    assert sum(p.stat().st_size for p in data.rglob("*") if p.is_file()) < 2 * MB
