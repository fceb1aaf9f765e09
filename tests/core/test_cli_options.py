"""The options of `upscaler-gui upscale`, each checked by what a user sees in the folder and the terminal.

The runs are independent (each its own sim process, folders and job store), so one module fixture runs
them all at once; each test then looks at the runs it is about.
"""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageCms

from tests.core.cli_helpers import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    KEY,
    Batch,
    SimProcess,
    check_batch,
    creates_of,
    decoded,
    in_parallel,
    isolated_env,
    make_images,
    run_upscale,
    upscale_command,
)
from tests.imagefactory import image_bytes, write_image

pytestmark = pytest.mark.integration  # the command line in a subprocess against the sim

TEMPLATE = "{n}-{width}x{height}-{task_id}-{date}.{ext}"
USER_FILE = b"the user's own file, not a result"


@dataclass
class Run:
    """One option's runs of the command, the sim's counters after them, and the folder they ran in."""

    root: Path
    batches: list[Batch]
    stats: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def batch(self) -> Batch:
        return self.batches[0]


Scenario = Callable[[SimProcess, Path], Run]
SCENARIOS: dict[str, Scenario] = {}


def scenario(function: Scenario) -> Scenario:
    SCENARIOS[function.__name__] = function
    return function


# --- the runs -----------------------------------------------------------------------------------


@scenario
def template(sim: SimProcess, root: Path) -> Run:
    make_images(root, 1, "PNG", prefix="a")
    make_images(root, 1, "JPEG", prefix="b")
    before = date.today()
    batch = run_upscale(sim.base_url, "a00.png", "b00.jpg", "--out", "out", "--template", TEMPLATE, cwd=root)
    return Run(root, [batch], extra={"dates": {before.isoformat(), date.today().isoformat()}})


def conflict(policy: str) -> Scenario:
    def run(sim: SimProcess, root: Path) -> Run:
        write_image(root / "a.png")
        (root / "out").mkdir()
        (root / "out" / "a_crisp.png").write_bytes(USER_FILE)
        args = ("a.png", "--out", "out", "--on-conflict", policy)
        batches = [run_upscale(sim.base_url, *args, cwd=root)]
        creates_first = sim.settled_stats().creates
        if policy == "skip":  # the same command again, as a user would
            batches.append(run_upscale(sim.base_url, *args, cwd=root))
        return Run(root, batches, sim.settled_stats(), extra={"creates_first": creates_first})

    run.__name__ = f"conflict_{policy}"
    return run


for _policy in ("rename", "skip", "overwrite"):
    scenario(conflict(_policy))


@scenario
def jpeg_quality_50(sim: SimProcess, root: Path) -> Run:
    write_image(root / "a.png", "PNG", (60, 40))
    write_image(root / "b.webp", "WEBP", (50, 30))
    args = ("a.png", "b.webp", "--out", "out", "--format", "jpeg", "--quality", "50")
    return Run(root, [run_upscale(sim.base_url, *args, cwd=root)])


SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def photo_with_metadata(path: Path) -> None:
    image = Image.new("RGB", (60, 40), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0x0112] = 6  # Orientation: the camera was turned
    image.save(path, "JPEG", exif=exif.tobytes(), icc_profile=SRGB)


@scenario
def metadata(sim: SimProcess, root: Path) -> Run:
    photo_with_metadata(root / "photo.jpg")
    return Run(
        root,
        [
            run_upscale(sim.base_url, "photo.jpg", "--out", "kept", cwd=root),
            run_upscale(sim.base_url, "photo.jpg", "--out", "dropped", "--no-keep-metadata", cwd=root),
        ],
    )


@scenario
def folder(sim: SimProcess, root: Path) -> Run:
    photos = root / "photos"
    write_image(photos / "top.jpg", "JPEG", (41, 31))
    write_image(photos / "trip" / "day1" / "deep.png", "PNG", (42, 32))
    write_image(photos / "trip" / "day1" / "deep.webp", "WEBP", (43, 33))
    for name in (".hidden.png", "dl.png.part", "movie.png.crdownload", "~$lock.png", "x.png.tmp"):
        write_image(photos / name, "PNG", (44, 34))
    write_image(photos / ".thumbnails" / "small.png", "PNG", (45, 35))
    (photos / "notes.txt").write_text("sidecar files are passed over")
    return Run(root, [run_upscale(sim.base_url, "photos", "--out", "out", cwd=root)])


@scenario
def dedupe(sim: SimProcess, root: Path) -> Run:
    write_image(root / "a.png", "PNG", (52, 37))
    (root / "copy.png").write_bytes((root / "a.png").read_bytes())
    with httpx.Client(trust_env=False, timeout=5) as http, (root / "a.png").open("rb") as image:
        answer = http.post(
            f"{sim.base_url}/api/file-stream-upload",
            headers={"Authorization": f"Bearer {KEY}"},
            files={"file": ("web.png", image, "image/png")},
            data={"uploadPath": "elsewhere", "fileName": "web.png"},
        ).json()
    url = answer["data"]["downloadUrl"]  # the same bytes, on a web server
    batch = run_upscale(sim.base_url, "a.png", "a.png", "copy.png", url, "--out", "out", cwd=root)
    return Run(root, [batch], sim.settled_stats(), extra={"url": url})


def three_inputs(root: Path) -> tuple[str, ...]:
    write_image(root / "a.png")
    write_image(root / "b.jpg", "JPEG", (50, 40))
    (root / "c.ico").write_bytes(image_bytes("ICO", (32, 32)))  # a format not converted: refused
    return ("a.png", "b.jpg", "c.ico")


@scenario
def json_mode(sim: SimProcess, root: Path) -> Run:
    return Run(root, [run_upscale(sim.base_url, *three_inputs(root), "--out", "out", cwd=root)])


@scenario
def plain_mode(sim: SimProcess, root: Path) -> Run:
    inputs = three_inputs(root)
    return Run(root, [run_upscale(sim.base_url, *inputs, "--out", "out", cwd=root, json_lines=False)])


@scenario
def terminal(sim: SimProcess, root: Path) -> Run:
    """stderr on a pseudo-terminal, as in a user's shell."""
    make_images(root, 4)
    command = upscale_command(sim.base_url, *(f"img{i:02d}.png" for i in range(4)), "--out", "out")
    leader, follower = pty.openpty()
    with subprocess.Popen(
        command,
        cwd=root,
        env=isolated_env(root),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=follower,
    ) as process:
        os.close(follower)
        seen = io.BytesIO()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if not select.select([leader], [], [], 0.5)[0]:
                continue
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the command exited and closed its terminal
                break
            if not chunk:
                break
            seen.write(chunk)
        stdout = process.stdout.read().decode() if process.stdout else ""
        process.wait(timeout=30)
    os.close(leader)
    return Run(root, [Batch(process.returncode, stdout, seen.getvalue().decode(errors="replace"))])


@scenario
def retry_failed(sim: SimProcess, root: Path) -> Run:
    make_images(root / "in", 2)
    sim.configure({"faults": {"rate_task_fail": 1.0, "transient_fail_share": 0.0}})  # KIE refuses both
    first = run_upscale(sim.base_url, "in", "--out", "out", cwd=root)
    again = run_upscale(sim.base_url, "in", "--out", "out", cwd=root)
    before = sim.settled_stats()
    sim.configure({"faults": {"rate_task_fail": 0.0}})
    retried = run_upscale(sim.base_url, "in", "--out", "out", "--retry-failed", cwd=root)
    return Run(root, [first, again, retried], sim.settled_stats(), extra={"before": before})


@scenario
def retry_unknown(sim: SimProcess, root: Path) -> Run:
    make_images(root / "in", 2)
    sim.configure({"faults": {"rate_drop": 1.0, "endpoints": ["create"]}})  # tasks made, answers lost
    first = run_upscale(sim.base_url, "in", "--out", "out", cwd=root)
    again = run_upscale(sim.base_url, "in", "--out", "out", cwd=root)
    before = sim.settled_stats()
    sim.configure({"faults": {"rate_drop": 0.0}})
    retried = run_upscale(sim.base_url, "in", "--out", "out", "--retry-unknown", cwd=root)
    return Run(root, [first, again, retried], sim.settled_stats(), extra={"before": before})


@scenario
def secret_key(sim: SimProcess, root: Path) -> Run:
    write_image(root / "a.png")
    write_image(root / "b.png", "PNG", (70, 20))
    sim.configure({"faults": {"rate_5xx": 0.3, "rate_drop": 0.2, "rate_malformed": 0.2}})
    good = run_upscale(sim.base_url, "a.png", "b.png", "--out", "out", "-v", cwd=root)
    wrong_key = "k-wrong-key-but-also-secret-77"
    wrong = run_upscale(sim.base_url, "a.png", "--out", "out2", "-v", cwd=root, key=wrong_key)
    return Run(root, [good, wrong], extra={"wrong_key": wrong_key})


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run | BaseException]:
    def attempt(name: str, run: Scenario) -> Callable[[], Run | BaseException]:
        root = tmp_path_factory.mktemp(name)  # here: mktemp is not thread-safe

        def call() -> Run | BaseException:
            try:
                with SimProcess(latency=0.2) as sim:
                    return run(sim, root)
            except Exception as exc:
                return exc

        return call

    results = in_parallel(*(attempt(name, run) for name, run in SCENARIOS.items()))
    return dict(zip(SCENARIOS, results, strict=True))


def run_of(runs: dict[str, Run | BaseException], name: str) -> Run:
    result = runs[name]
    if isinstance(result, BaseException):
        raise result
    return result


# --- naming ------------------------------------------------------------------------------------------


def test_template_fields_name_each_result(runs: dict[str, Run | BaseException]) -> None:
    run = run_of(runs, "template")
    sources = {"a00.png": run.root / "a00.png", "b00.jpg": run.root / "b00.jpg"}
    lines = check_batch(run.batch, given=list(sources), sources=sources, out=run.root / "out")
    assert run.batch.returncode == EXIT_OK, run.batch.explain()
    numbers = set()
    for given, line in lines.items():
        name = Path(line["output"]).name
        found = re.fullmatch(r"(\d+)-(\d+)x(\d+)-(.+)-(\d{4}-\d\d-\d\d)\.(png|jpg)", name)
        assert found, name
        n, width, height, task_id, day, ext = found.groups()
        assert (int(width), int(height)) == decoded(Path(line["output"]))[1]
        assert task_id == line["task_id"]
        assert day in run.extra["dates"]
        assert ext == {"a00.png": "png", "b00.jpg": "jpg"}[given]
        numbers.add(n)
    assert len(numbers) == 2


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--template", "{stem}_{colour}.{ext}"], "{colour}"),
        (["--template", "{stem}_crisp"], "{ext}"),
        (["--template", "{stem_crisp.{ext}"], "naming template is not valid"),
        (["--concurrency", "0"], "--concurrency"),
        (["--quality", "101"], "--quality"),
        (["--on-conflict", "replace"], "--on-conflict"),
        (["--format", "gif"], "--format"),
    ],
)
def test_bad_options_exit_2_naming_the_problem(tmp_path: Path, args: list[str], named: str) -> None:
    write_image(tmp_path / "a.png")
    batch = run_upscale("http://127.0.0.1:9", "a.png", "--out", "out", *args, cwd=tmp_path)
    assert batch.returncode == EXIT_USAGE, batch.explain()
    assert named in batch.stderr
    assert batch.stdout == ""
    assert not (tmp_path / "out").exists() and not (tmp_path / "data").exists()  # nothing started


# --- conflicts ---------------------------------------------------------------------------------------


def test_rename_keeps_the_users_file_and_numbers_the_result(runs: dict[str, Run | BaseException]) -> None:
    run = run_of(runs, "conflict_rename")
    out = run.root / "out"
    assert run.batch.returncode == EXIT_OK, run.batch.explain()
    assert (out / "a_crisp.png").read_bytes() == USER_FILE
    line = run.batch.by_input()["a.png"]
    assert line["status"] == "done" and Path(line["output"]) == out / "a_crisp-1.png"
    assert decoded(out / "a_crisp-1.png") == ("PNG", (128, 96))


def test_skip_leaves_the_users_file_alone(runs: dict[str, Run | BaseException]) -> None:
    run = run_of(runs, "conflict_skip")
    out = run.root / "out"
    assert run.batch.returncode == EXIT_OK, run.batch.explain()
    line = run.batch.by_input()["a.png"]
    assert line["status"] == "skipped" and line["output"] is None, line
    assert "already exists" in line["error"]
    assert sorted(p.name for p in out.iterdir()) == ["a_crisp.png"]
    assert (out / "a_crisp.png").read_bytes() == USER_FILE


def test_skip_rerun_does_not_pay_again(runs: dict[str, Run | BaseException]) -> None:
    run = run_of(runs, "conflict_skip")
    assert run.batches[1].returncode == EXIT_OK
    assert (run.root / "out" / "a_crisp.png").read_bytes() == USER_FILE
    assert run.stats.creates == run.extra["creates_first"]


def test_overwrite_replaces_the_file(runs: dict[str, Run | BaseException]) -> None:
    run = run_of(runs, "conflict_overwrite")
    out = run.root / "out"
    assert run.batch.returncode == EXIT_OK, run.batch.explain()
    assert run.batch.by_input()["a.png"]["output"] == str(out / "a_crisp.png")
    assert decoded(out / "a_crisp.png") == ("PNG", (128, 96))
    assert sorted(p.name for p in out.iterdir()) == ["a_crisp.png"]


# --- format and metadata ----------------------------------------------------------------------------


def test_format_jpeg_with_quality_50_gives_jpeg_results(runs: dict[str, Run | BaseException]) -> None:
    run = run_of(runs, "jpeg_quality_50")
    sources = {"a.png": run.root / "a.png", "b.webp": run.root / "b.webp"}
    lines = check_batch(run.batch, given=list(sources), sources=sources, out=run.root / "out")
    assert run.batch.returncode == EXIT_OK, run.batch.explain()
    reference = io.BytesIO()
    Image.new("RGB", (16, 16)).save(reference, "JPEG", quality=50)
    with Image.open(reference) as made_at_50:
        tables_at_50 = made_at_50.quantization  # type: ignore[attr-defined]
    for given, line in lines.items():
        output = Path(line["output"])
        assert output.name == f"{Path(given).stem}_crisp.jpg"
        with Image.open(output) as image:
            assert image.format == "JPEG"
            assert image.quantization == tables_at_50  # type: ignore[attr-defined]


def test_metadata_is_copied_by_default_and_not_with_no_keep_metadata(
    runs: dict[str, Run | BaseException],
) -> None:
    run = run_of(runs, "metadata")
    kept, dropped = run.batches
    assert kept.returncode == dropped.returncode == EXIT_OK
    with Image.open(kept.by_input()["photo.jpg"]["output"]) as image:
        exif = image.getexif()
        assert exif.get(0x010F) == "TestCam" and exif.get(0x0112) == 6
        assert image.info.get("icc_profile") == SRGB
        assert image.size == (120, 80)
    with Image.open(dropped.by_input()["photo.jpg"]["output"]) as image:
        assert dict(image.getexif()) == {}
        assert not image.info.get("icc_profile")
        assert image.size == (120, 80)


# --- which inputs ---------------------------------------------------------------------------------


def test_folders_are_recursive_and_hidden_or_partial_files_are_passed_over(
    runs: dict[str, Run | BaseException],
) -> None:
    run = run_of(runs, "folder")
    photos = run.root / "photos"
    images = ["photos/top.jpg", "photos/trip/day1/deep.png", "photos/trip/day1/deep.webp"]
    check_batch(run.batch, given=images, sources={g: run.root / g for g in images}, out=run.root / "out")
    assert run.batch.statuses() == {"done": 3}
    assert sorted(p.name for p in (run.root / "out").iterdir()) == [
        "deep_crisp.png",
        "deep_crisp.webp",
        "top_crisp.jpg",
    ]
    assert (photos / "dl.png.part").exists()  # passed over, not touched


def test_the_same_file_twice_is_one_job_and_a_link_to_the_same_bytes_another(
    runs: dict[str, Run | BaseException],
) -> None:
    run = run_of(runs, "dedupe")
    url = run.extra["url"]
    lines = check_batch(
        run.batch,
        given=["a.png", "a.png", "copy.png", url],
        sources={"a.png": run.root / "a.png", "copy.png": run.root / "copy.png"},
        out=run.root / "out",
    )
    assert run.batch.returncode == EXIT_OK, run.batch.explain()
    same = [line for line in run.batch.lines if line["input"] in ("a.png", "copy.png")]
    assert len({(line["task_id"], line["output"]) for line in same}) == 1  # one job, one result
    assert lines[url]["task_id"] != lines["a.png"]["task_id"]
    assert lines[url]["output"] != lines["a.png"]["output"]
    assert len(list((run.root / "out").iterdir())) == 2
    assert creates_of(run.stats, run.root / "a.png") == 2  # one task for the file, one for the link


# --- what the terminal shows ------------------------------------------------------------------------


def test_json_mode_prints_only_json_lines_on_stdout_and_human_text_on_stderr(
    runs: dict[str, Run | BaseException],
) -> None:
    batch = run_of(runs, "json_mode").batch
    assert batch.returncode == EXIT_FAILED
    assert [line["input"] for line in batch.lines] and batch.statuses() == {"done": 2, "failed": 1}
    assert all(text.startswith("{") for text in batch.stdout.splitlines())
    assert not any(text.lstrip().startswith("{") for text in batch.stderr.splitlines())
    assert "done" in batch.stderr and "c.ico" in batch.stderr


def test_progress_off_a_terminal_is_one_line_per_job_then_a_summary(
    runs: dict[str, Run | BaseException],
) -> None:
    run = run_of(runs, "plain_mode")
    batch = run.batch
    assert batch.returncode == EXIT_FAILED
    assert batch.stdout == ""
    lines = batch.stderr.splitlines()
    out = run.root / "out"
    assert sorted(lines[:3]) == sorted(
        [
            f"done     a.png -> {out / 'a_crisp.png'}",
            f"done     b.jpg -> {out / 'b_crisp.jpg'}",
            "failed   c.ico: This is an ICO icon, not an image we can upscale (PNG, JPEG, WEBP, HEIC,"
            " AVIF, TIFF, BMP, GIF). Convert it to PNG or JPEG first.",
        ]
    )
    assert re.fullmatch(r"3 input\(s\): 2 done, 1 failed · 1 credits · \d+\.\ds", lines[3]), lines[3]
    assert len(lines) == 4
    assert "\r" not in batch.stderr and "\x1b[" not in batch.stderr  # no bar off a terminal


def test_progress_on_a_terminal_is_a_live_bar(runs: dict[str, Run | BaseException]) -> None:
    batch = run_of(runs, "terminal").batch
    assert batch.returncode == EXIT_OK, batch.explain()
    assert "\r\x1b[K[" in batch.stderr  # the bar is redrawn in place
    assert re.search(r"\[#{24}\] 4/4", batch.stderr), batch.stderr
    assert re.search(r"4 input\(s\): 4 done", batch.stderr)
    assert len(batch.lines) == 4  # stdout is not a terminal: JSON as asked


# --- running again --------------------------------------------------------------------------------


def test_retry_failed_runs_the_failed_inputs_again(runs: dict[str, Run | BaseException]) -> None:
    run = run_of(runs, "retry_failed")
    first, again, retried = run.batches
    assert first.returncode == again.returncode == EXIT_FAILED
    assert first.statuses() == again.statuses() == {"failed": 2}
    assert all("--retry-failed" in line["error"] for line in again.lines)
    assert run.extra["before"].creates == 2  # the rerun without the option created nothing
    assert retried.returncode == EXIT_OK, retried.explain()
    assert retried.statuses() == {"done": 2}
    assert run.stats.creates == 4


def test_retry_unknown_runs_the_unknown_inputs_again(runs: dict[str, Run | BaseException]) -> None:
    run = run_of(runs, "retry_unknown")
    first, again, retried = run.batches
    assert first.returncode == again.returncode == EXIT_FAILED
    assert first.statuses() == again.statuses() == {"unknown": 2}
    assert all("--retry-unknown" in line["error"] for line in again.lines)
    assert run.extra["before"].creates == 2  # made once by KIE; not again without the option
    assert retried.returncode == EXIT_OK, retried.explain()
    assert retried.statuses() == {"done": 2}
    assert run.stats.creates == 4


# --- the key ------------------------------------------------------------------------------------------


def test_the_api_key_never_appears_in_output_or_files(runs: dict[str, Run | BaseException]) -> None:
    run = run_of(runs, "secret_key")
    good, wrong = run.batches
    assert good.returncode in (EXIT_OK, EXIT_FAILED), good.explain()  # faults may leave a job unknown
    assert "INFO" in good.stderr  # -v really logged every request
    assert wrong.returncode == 4, wrong.explain()
    secrets = [KEY, run.extra["wrong_key"]]
    for batch in run.batches:
        for secret in secrets:
            assert secret not in batch.stdout + batch.stderr
    files = [path for path in run.root.rglob("*") if path.is_file()]
    assert any(path.name.startswith("jobs.sqlite3") for path in files)
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, path


@pytest.mark.parametrize(
    ("variable", "value"), [("SSL_CERT_FILE", "/nonexistent/ca.pem"), ("HTTPS_PROXY", "foo://proxy:3128")]
)
def test_a_bad_certificate_or_proxy_variable_is_one_sentence_not_a_traceback(
    tmp_path: Path, variable: str, value: str
) -> None:
    write_image(tmp_path / "a.png")
    done = subprocess.run(
        upscale_command("http://127.0.0.1:9", "a.png", "--out", "out", json_lines=False),
        cwd=tmp_path,
        env={**isolated_env(tmp_path), variable: value},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == EXIT_FAILED, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{variable}" in done.stderr and "unset it" in done.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
