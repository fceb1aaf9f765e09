"""Bad inputs, many kinds in one batch with good ones: each gets its own clear message, the rest completes.

Nothing is sent for what the local checks refuse (no upload, no billed task); links KIE cannot fetch
fail the way KIE fails them (the sim only fetches from 127.0.0.1, like a KIE that cannot reach a host).
"""

from __future__ import annotations

import base64
import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.core.cli_helpers import (
    EXIT_FAILED,
    KEY,
    Batch,
    check_batch,
    decoded,
    run_upscale,
    sim_stats,
)
from tests.imagefactory import image_bytes, write_image
from upscaler_gui.core.redact import preview_value
from upscaler_gui.sim import SimConfig, SimServer, SimStats

pytestmark = pytest.mark.integration  # the command line in a subprocess against the sim

MB = 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

GOOD = {"good.png": "PNG", "good.jpg": "JPEG", "good.webp": "WEBP"}
DISGUISED = "disguised.jpg"  # PNG bytes under a .jpg name: fine, judged by its bytes
GIF_URI = "data:image/gif;base64," + base64.b64encode(image_bytes("GIF")).decode()
SPACE_URL = "https://example.com/my photo.png"
UNREADABLE = "locked.png"


def cut(data: bytes) -> bytes:
    return data[: len(data) // 2]


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.txt", "not a photo")
    return buffer.getvalue()


# name -> (bytes written to the file, a phrase its message must contain)
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "icon.ico": (image_bytes("ICO", (32, 32)), "This is an ICO icon, not an image we can upscale"),
    "photo.heic": (
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(200),
        "The HEIC image is truncated or damaged",
    ),
    "invoice.pdf": (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "PDF document"),
    "notes.png": (b"just some notes, not an image\n", "This is a text file"),
    "error-page.jpg": (b"<!DOCTYPE html><html><body>Not found</body></html>", "web page (HTML)"),
    "logo.svg": (b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>', "SVG or XML file"),
    "photos.zip": (zip_bytes(), "ZIP archive"),
    "empty.png": (b"", "The file is empty (0 bytes)"),
    "huge.png": (PNG_SIGNATURE + bytes(11 * MB), "The image is 11.0 MB; KIE accepts at most 10.0 MB"),
    "cut.png": (cut(image_bytes("PNG", (300, 200))), "The PNG image is truncated or damaged"),
    "cut.jpg": (cut(image_bytes("JPEG", (300, 200), quality=95)), "The JPEG image is truncated or damaged"),
    "cut.webp": (cut(image_bytes("WEBP", (300, 200))), "The WEBP image is truncated or damaged"),
    "garbage.png": (PNG_SIGNATURE + bytes(range(256)) * 2, "The PNG image is truncated or damaged"),
    "just-over.png": (
        PNG_SIGNATURE + bytes(10 * MB + 2048 - len(PNG_SIGNATURE)),
        "KIE accepts at most 10,485,760 bytes",
    ),
}
# Inputs that are not files in the folder: argument -> a phrase its message must contain.
BAD_ARGS: dict[str, str] = {
    "missing.png": "No such file or folder: missing.png",
    "no-such-dir/sub/": "No such file or folder: no-such-dir/sub/",
    "ftp://example.com/photo.png": "Only http and https links can be upscaled (this one is ftp)",
    "file:///home/me/photo.png": "Only http and https links can be upscaled (this one is file)",
    "http:///photo.png": "This link has no valid host name",
    "data:image/png;base64,this is not base64!": "This data: URI is not valid base64",
    "data:text/plain,hello%20there": "This is a text file",
    "data:image/png;base64": "This data: URI has no data after the comma",
    "https://images.example.invalid/remote.png": "could not be fetched",  # KIE fails the task
}
# Formats converted before upload (issue 12): they end done, saying so. name -> Pillow's format
CONVERTED = {"anim.gif": "GIF", "paint.bmp": "BMP", "scan.tiff": "TIFF"}
FOLDER_OF_SIDECARS = "sidecars"  # a folder with no image in it
MIXED_FOLDER = "mixed"  # an image, a sidecar file, and a broken file with an image's name


@dataclass
class BadBatch:
    root: Path
    given: list[str]
    batch: Batch
    stats: SimStats
    not_found_url: str

    def line(self, given: str) -> dict[str, Any]:
        """The --json line for an input (a data: URI is shown shortened: "data:image/gif;base64,...")."""
        shown = preview_value(given) if given.startswith("data:") else given
        for line in self.batch.lines:
            if line["input"] == shown:
                return line
        raise AssertionError(f"no line for {given!r}:\n{self.batch.stdout}")


def write_inputs(root: Path) -> list[str]:
    for name, fmt in GOOD.items():
        write_image(root / name, fmt, (50 + len(name), 40))
    (root / DISGUISED).write_bytes(image_bytes("PNG", (44, 33)))
    for name, fmt in CONVERTED.items():
        write_image(root / name, fmt, (48, 40))
    for name, (data, _) in BAD_FILES.items():
        (root / name).write_bytes(data)
    sidecars = root / FOLDER_OF_SIDECARS
    sidecars.mkdir()
    (sidecars / "readme.txt").write_text("hello")
    (sidecars / "photo.xmp").write_text("<x:xmpmeta/>")
    mixed = root / MIXED_FOLDER
    write_image(mixed / "inside.png", "PNG", (36, 36))
    (mixed / "notes.txt").write_text("passed over quietly")
    (mixed / "broken.png").write_text("a text file with an image's name")
    given = [*GOOD, DISGUISED, *CONVERTED, GIF_URI, *BAD_FILES, *BAD_ARGS, SPACE_URL]
    given += [FOLDER_OF_SIDECARS, MIXED_FOLDER]
    if not IS_ROOT:  # root reads any file: the permission check cannot be shown then
        write_image(root / UNREADABLE).chmod(0)
        given.append(UNREADABLE)
    return given


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory: pytest.TempPathFactory) -> BadBatch:
    root = tmp_path_factory.mktemp("bad-inputs")
    given = write_inputs(root)
    with SimServer(SimConfig(api_key=KEY, task_seconds=0.2)) as sim:
        not_found = f"{sim.base_url}/photos/missing.png"  # a loopback link that answers HTTP 404
        # --no-fit: the files over 10 MB here are refused by their size, as they were before fitting
        batch = run_upscale(sim.base_url, *given, not_found, "--out", "out", "--no-fit", cwd=root)
        return BadBatch(root, [*given, not_found], batch, sim_stats(sim), not_found)


def test_each_bad_input_has_its_own_message_and_the_good_ones_complete(bad_batch: BadBatch) -> None:
    batch = bad_batch.batch
    assert batch.returncode == EXIT_FAILED, batch.explain()
    for name in [*GOOD, DISGUISED, f"{MIXED_FOLDER}/inside.png"]:
        line = bad_batch.line(name)
        assert line["status"] == "done", line
        width, height = decoded(bad_batch.root / name)[1]
        assert decoded(Path(line["output"])) == (
            "PNG" if name == DISGUISED else GOOD.get(name, "PNG"),
            (width * 2, height * 2),
        )
    for name, fmt in [*CONVERTED.items(), (GIF_URI, "GIF")]:
        line = bad_batch.line(name)
        assert line["status"] == "done", line
        assert line["notes"] == [f"Converted from {fmt} to PNG before upload."], line
        assert decoded(Path(line["output"])) == ("PNG", (96, 80) if name != GIF_URI else (128, 96))
    expected = {name: phrase for name, (_, phrase) in BAD_FILES.items()}
    expected |= BAD_ARGS
    expected[f"{MIXED_FOLDER}/broken.png"] = "This is a text file"
    expected[bad_batch.not_found_url] = "could not be fetched (HTTP 404)"
    assert len(expected) >= 20
    for given, phrase in expected.items():
        line = bad_batch.line(given)
        assert line["status"] == "failed", line
        assert phrase in line["error"], line
        assert line["output"] is None, line
    assert bad_batch.line(SPACE_URL)["status"] == "failed"


def test_every_input_has_one_line_and_nothing_half_written(bad_batch: BadBatch) -> None:
    lines = bad_batch.batch.lines
    given = [g for g in bad_batch.given if g != MIXED_FOLDER]  # a folder without images has its own line
    given += [f"{MIXED_FOLDER}/broken.png", f"{MIXED_FOLDER}/inside.png"]  # a folder stands for its images
    assert len(lines) == len(given), bad_batch.batch.explain()
    out = bad_batch.root / "out"
    check_batch(bad_batch.batch, given=[line["input"] for line in lines], sources={}, out=out)
    results = sorted(path.name for path in out.iterdir())
    assert results == [
        "anim_crisp.png",
        "disguised_crisp.png",
        "good_crisp.jpg",
        "good_crisp.png",
        "good_crisp.webp",
        "inside_crisp.png",
        "paint_crisp.png",
        "pasted_crisp.png",
        "scan_crisp.png",
    ]
    summary = bad_batch.batch.summary
    assert re.match(rf"{len(given)} input\(s\): 9 done, {len(given) - 9} failed", summary), summary


def test_what_the_local_checks_refuse_costs_nothing(bad_batch: BadBatch) -> None:
    stats = bad_batch.stats
    assert stats.uploads == 9  # the five good local images and the four converted, nothing else
    # Billed tasks: the nine images and the two links only KIE can judge (it failed both).
    assert stats.creates == 11


def test_a_file_without_read_permission_says_so(bad_batch: BadBatch) -> None:
    if IS_ROOT:
        pytest.skip("root can read any file")
    line = bad_batch.line(UNREADABLE)
    assert line["status"] == "failed"
    assert "permission denied" in line["error"].lower(), line


def test_stdin_list_mixes_good_and_bad_lines(tmp_path: Path) -> None:
    write_image(tmp_path / "a.png")
    write_image(tmp_path / "b.jpg", "JPEG", (50, 40))
    (tmp_path / "c.gif").write_bytes(image_bytes("GIF"))
    listing = "a.png\n\n  \nc.gif\nmissing.webp\nftp://example.com/x.png\nb.jpg\n"
    with SimServer(SimConfig(api_key=KEY, task_seconds=0.2)) as sim:
        batch = run_upscale(sim.base_url, "-", "--out", "out", cwd=tmp_path, stdin=listing)
    lines = check_batch(
        batch,
        given=[
            "a.png",
            "c.gif",
            "missing.webp",
            "ftp://example.com/x.png",
            "b.jpg",
        ],  # blank lines are no inputs
        sources={"a.png": tmp_path / "a.png", "b.jpg": tmp_path / "b.jpg"},
        out=tmp_path / "out",
    )
    assert batch.returncode == EXIT_FAILED
    assert {name: line["status"] for name, line in lines.items()} == {
        "a.png": "done",
        "b.jpg": "done",
        "c.gif": "done",  # converted before upload
        "missing.webp": "failed",
        "ftp://example.com/x.png": "failed",
    }
    assert lines["c.gif"]["notes"] == ["Converted from GIF to PNG before upload."]
    assert "No such file or folder" in lines["missing.webp"]["error"]


# --- messages that are not yet what a user needs --------------------------------------------------


def test_a_folder_without_images_is_reported(bad_batch: BadBatch) -> None:
    line = bad_batch.line(FOLDER_OF_SIDECARS)
    assert line["status"] in ("failed", "skipped"), line
    assert "no image" in line["error"].lower(), line


def test_messages_carry_no_python_internals(bad_batch: BadBatch) -> None:
    for line in bad_batch.batch.lines:
        if line["error"]:
            assert not re.search(r"<_io\.|BufferedReader|object at 0x", line["error"]), line


def test_a_link_with_a_space_says_so(bad_batch: BadBatch) -> None:
    error = bad_batch.line(SPACE_URL)["error"]
    assert "host" not in error and "space" in error.lower(), error


def test_a_file_just_over_the_limit_shows_two_different_sizes(bad_batch: BadBatch) -> None:
    error = bad_batch.line("just-over.png")["error"]
    sizes = re.findall(r"(\d+(?:\.\d+)?) ?([KM]B|B|bytes)", error)
    assert len(sizes) == 2 and sizes[0] != sizes[1], error
