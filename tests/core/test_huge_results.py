"""Results too large to hold: converting, checking and adding metadata never decode all their pixels.

The images here are real (hundreds of megapixels, a few MB of compressed PNG), so a change that loads
them whole would take gigabytes and seconds: the pass/fail assertions are about what the user gets
(the format kept, a note, a clear error), and `Image.load` is watched for calls on big images.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.core.test_finish import ICC, source_jpeg
from tests.imagefactory import big_png, image_bytes
from upscaler_gui.core import constants
from upscaler_gui.core.convert import PixelBudget
from upscaler_gui.core.decode_check import DamagedImageError, check_riff_sizes
from upscaler_gui.core.errors import ResultTooLargeError, ResultUnusableError
from upscaler_gui.core.finish import FinishOptions, finish_result
from upscaler_gui.core.results import inspect_result

# Pillow's warning past 89 MP (the app silences it: results are checked by streaming).
pytestmark = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
SIDE = 10_000  # 100 MP: over MAX_DECODED_PIXELS (64 MP), under Pillow's refusal (179 MP)


@pytest.fixture(scope="module")
def huge_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return big_png(tmp_path_factory.mktemp("huge") / "master.png", (SIDE, SIDE))


@pytest.fixture
def no_full_decode(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[int, int]]]:
    """Fails any `Image.load` of more than MAX_DECODED_PIXELS; yields the sizes that were loaded."""
    loaded: list[tuple[int, int]] = []
    real_load = Image.Image.load

    def load(self: Image.Image) -> object:
        loaded.append(self.size)
        if self.width * self.height > constants.MAX_DECODED_PIXELS:
            raise AssertionError(f"{self.width}x{self.height} decoded whole")
        return real_load(self)

    monkeypatch.setattr(Image.Image, "load", load)
    yield loaded


def copy_of(master: Path, folder: Path) -> Path:
    temp = folder / ".crisp-result.part"
    temp.write_bytes(master.read_bytes())
    return temp


@pytest.mark.parametrize("fmt", ["jpeg", "webp", "png"])
def test_a_result_too_large_to_convert_keeps_its_format_with_a_note(
    tmp_path: Path, huge_png: Path, no_full_decode: list[tuple[int, int]], fmt: str
) -> None:
    temp = copy_of(huge_png, tmp_path)
    found = finish_result(temp, source=None, options=FinishOptions(output_format=fmt, keep_metadata=False))
    assert (found.format, found.width, found.height) == ("PNG", SIDE, SIDE)
    assert temp.read_bytes() == huge_png.read_bytes()
    if fmt == "png":
        assert found.notes == ()  # nothing to convert: nothing to say
    else:
        (note,) = found.notes
        assert "Kept as PNG" in note and "10000x10000" in note and fmt.upper() in note and "64" in note


def test_source_metadata_reaches_a_huge_result_without_decoding_it(
    tmp_path: Path, huge_png: Path, no_full_decode: list[tuple[int, int]]
) -> None:
    temp = copy_of(huge_png, tmp_path)
    source = source_jpeg(tmp_path / "photo.jpg")
    found = finish_result(temp, source=source, options=FinishOptions())
    assert (found.width, found.height) == (SIDE, SIDE)
    with Image.open(temp) as image:  # the header only: the chunks before the pixels
        info, fmt = dict(image.info), image.format
    assert fmt == "PNG" and info.get("icc_profile") == ICC and info.get("exif")  # spliced in
    assert all(w * h <= constants.MAX_DECODED_PIXELS for w, h in no_full_decode)


def test_a_result_with_more_pixels_than_any_upscale_is_refused_clearly(tmp_path: Path) -> None:
    temp = big_png(tmp_path / ".crisp-result.part", (20_000, 20_000), pixels=False)  # 400 MP
    with pytest.raises(ResultTooLargeError, match="more pixels than any upscaled image") as caught:
        finish_result(temp, source=None, options=FinishOptions(output_format="jpeg"))
    assert not caught.value.transient  # fetching it again would not make it smaller


def test_a_result_at_the_limit_is_still_converted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "MAX_DECODED_PIXELS", 64 * 48)
    temp = tmp_path / ".crisp-result.part"
    temp.write_bytes(image_bytes("PNG", (64, 48)))
    found = finish_result(temp, source=None, options=FinishOptions(output_format="jpeg"))
    assert found.format == "JPEG" and found.notes == ()


# --- WEBP: checked by its chunk sizes past the limit ---------------------------------------------------


def test_a_large_webp_is_checked_by_its_chunks_not_decoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_full_decode: list[tuple[int, int]]
) -> None:
    whole = image_bytes("WEBP", (64, 48))
    no_full_decode.clear()  # making the image loaded it
    monkeypatch.setattr(constants, "MAX_DECODED_PIXELS", 1000)  # this 64x48 WEBP counts as large
    temp = tmp_path / "r.webp"
    temp.write_bytes(whole)
    assert inspect_result(temp).format == "WEBP"
    assert no_full_decode == []
    temp.write_bytes(whole[: len(whole) - 10])
    with pytest.raises(ResultUnusableError, match="not a complete image"):
        inspect_result(temp)


@pytest.mark.parametrize(
    "data",
    [
        b"RIFF\x10\x00\x00\x00WEBPVP8 \x20\x00\x00\x00" + bytes(8),  # a chunk longer than the file says
        b"RIFX\x04\x00\x00\x00WEBP",
    ],
)
def test_broken_riff_sizes_are_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "x.webp"
    path.write_bytes(data)
    with path.open("rb") as stream, pytest.raises(DamagedImageError):
        check_riff_sizes(stream)


# --- the pixel budget shared by conversions ---------------------------------------------------------------


def test_conversions_together_hold_at_most_the_budget() -> None:
    import threading

    budget = PixelBudget(100)
    inside: list[int] = []
    peak = 0
    lock = threading.Lock()

    def convert(pixels: int) -> None:
        nonlocal peak
        with budget.hold(pixels):
            with lock:
                inside.append(pixels)
                peak = max(peak, sum(inside))
            threading.Event().wait(0.02)
            with lock:
                inside.remove(pixels)

    threads = [threading.Thread(target=convert, args=(p,)) for p in (60, 60, 30, 30, 500, 10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert peak <= 100 or peak == 500  # the one image over the budget runs alone
    assert budget.used == 0
