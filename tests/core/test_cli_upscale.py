"""The batch command line end to end against the sim over loopback, with real and bad images."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.cli_helpers import decoded, run_cli
from tests.imagefactory import image_bytes, noisy_png, write_image
from upscaler_gui import __version__
from upscaler_gui.sim import SimConfig, SimServer

pytestmark = pytest.mark.integration  # the command line in a subprocess against the sim


def test_version(tmp_path: Path) -> None:
    result = run_cli("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"upscaler-gui {__version__}"


def test_demo_upscales_png_jpeg_webp_to_twice_the_size(tmp_path: Path) -> None:
    write_image(tmp_path / "a.png", "PNG", (120, 90))
    write_image(tmp_path / "b.jpg", "JPEG", (100, 80))
    write_image(tmp_path / "c.webp", "WEBP", (64, 64))
    result = run_cli("upscale", "--demo", "a.png", "b.jpg", "c.webp", "--out", "out/", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["demo"]  # the demo's results apart
    out = tmp_path / "out" / "demo"
    assert sorted(p.name for p in out.iterdir()) == ["a_crisp.png", "b_crisp.jpg", "c_crisp.webp"]
    assert decoded(out / "a_crisp.png") == ("PNG", (240, 180))
    assert decoded(out / "b_crisp.jpg") == ("JPEG", (200, 160))
    assert decoded(out / "c_crisp.webp") == ("WEBP", (128, 128))


def test_each_bad_input_gets_its_own_message_and_the_rest_complete(tmp_path: Path) -> None:
    write_image(tmp_path / "good.png")
    (tmp_path / "icon.ico").write_bytes(image_bytes("ICO", (32, 32)))
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "huge.png").write_bytes(noisy_png((1900, 1900)))
    cut = image_bytes("JPEG", (300, 200), quality=95)
    (tmp_path / "cut.jpg").write_bytes(cut[: len(cut) // 2])
    inputs = [
        "good.png",
        "icon.ico",
        "notes.txt",
        "empty.png",
        "huge.png",
        "cut.jpg",
        "missing.png",
        "ftp://example.com/x.png",
        "https://example.com/remote.png",
    ]
    # --no-fit: huge.png is refused by its size (fitting has its own tests)
    result = run_cli("upscale", "--demo", *inputs, "--out", "out", "--no-fit", cwd=tmp_path)
    assert result.returncode == 1
    err = result.stderr
    expected = {
        "icon.ico": "ICO icon, not an image we can upscale",
        "notes.txt": "text file",
        "empty.png": "empty (0 bytes)",
        "huge.png": "KIE accepts at most 10.0 MB",
        "cut.jpg": "truncated or damaged",
        "missing.png": "No such file or folder",
        "ftp://example.com/x.png": "Only http and https",
        "https://example.com/remote.png": "could not be fetched",
    }
    for given, message in expected.items():
        line = next(line for line in err.splitlines() if line.split(None, 1)[-1].startswith(f"{given}:"))
        assert line.startswith("failed"), line
        assert message in line, line
    assert [p.name for p in (tmp_path / "out" / "demo").iterdir()] == ["good_crisp.png"]
    assert "9 input(s): 1 done, 8 failed" in err


def test_against_a_separate_server_with_key_from_environment(tmp_path: Path) -> None:
    write_image(tmp_path / "a.png")
    with SimServer(SimConfig(api_key="k-right-123", task_seconds=0.2)) as sim:
        base = ["upscale", "a.png", "--out", "out", "--api-base", sim.base_url, "--upload-base", sim.base_url]
        refused = run_cli(*base, cwd=tmp_path, env={"KIE_API_KEY": "k-wrong-456"})
        assert refused.returncode == 4
        assert "refused the API key" in refused.stderr
        assert "k-wrong-456" not in refused.stderr + refused.stdout
        ok = run_cli(*base, cwd=tmp_path, env={"KIE_API_KEY": "k-right-123"})
        assert ok.returncode == 0, ok.stderr
        assert decoded(tmp_path / "out" / "a_crisp.png")[1] == (128, 96)


def test_env_base_urls_and_out_of_credits(tmp_path: Path) -> None:
    write_image(tmp_path / "a.png")
    with SimServer(SimConfig(api_key="k-123456", task_seconds=0.2, credits=0.2)) as sim:
        env = {"KIE_API_KEY": "k-123456", "KIE_API_BASE": sim.base_url, "KIE_UPLOAD_BASE": sim.base_url}
        result = run_cli("upscale", "a.png", "--out", "out", cwd=tmp_path, env=env)
    assert result.returncode == 3
    assert "Out of credits" in result.stderr and "run the same command again" in result.stderr


def test_no_key_says_what_to_do(tmp_path: Path) -> None:
    write_image(tmp_path / "a.png")
    result = run_cli("upscale", "a.png", "--out", "out", cwd=tmp_path)
    assert result.returncode == 2
    assert "KIE_API_KEY" in result.stderr and "--demo" in result.stderr


@pytest.mark.parametrize("args", [["upscale"], ["upscale", "a.png"], ["upscal", "a.png"]])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    assert run_cli(*args, cwd=tmp_path).returncode == 2
