"""Time and peak memory (RSS) of converting an input before upload: a 40 MP HEIC and a 40 MP TIFF.

The script makes its inputs: a photo-like 40 MP image (gradients and sensor-like noise, so that a PNG
does not fit 10 MB and the JPEG steps run), saved as HEIC with pillow-heif's encoder (in 512 px tiles,
as phones write them) and as an uncompressed TIFF. Each figure comes from a fresh child process running
`prepare.prepare_file` on one input (peaks never mix); "baseline" is the child with everything imported
and nothing done. Peaks are VmHWM, the kernel's high-water mark of the child's own memory.

- default: converted at full size (PNG when a sample says it may fit, then JPEG qualities until one fits);
- --fit-pixels: scaled down to 16 MP first, as `upscale --fit-pixels` does.

    .venv/bin/python bench/convert.py [--quick]     # --quick: 12 MP inputs
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import PYTHON, ROOT, mib, print_json_line, print_table

NOISE_SIGMA = 5  # grey levels: a clean photo's sensor noise (12 made a 40 MP JPEG of quality 70 pass 10 MB)
CHILD = """
import json, sys, time
from pathlib import Path
from upscaler_gui.core.prepare import PrepareOptions, prepare_file
from upscaler_gui.core import input_formats
path, how, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])

def hwm():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0

input_formats.register_heif()  # the codec loaded in the baseline too: its size is not the conversion's
started, outcome = time.perf_counter(), "nothing done"
try:
    if how != "baseline":
        made = prepare_file(path, into=out, key=how, options=PrepareOptions(fit_pixels=how == "fit-pixels"))
        info = made.info
        outcome = f"{info.format} {info.width}x{info.height}, {info.size_bytes / 1048576:.1f} MB"
        if "quality" in made.done[0]:
            outcome += " q" + made.done[0].split("quality ")[1].split(")")[0]
except Exception as exc:  # a refusal is a figure too
    outcome = f"refused: {exc}"
print(json.dumps({"hwm_kib": hwm(), "s": time.perf_counter() - started, "outcome": outcome}))
"""


def photo_like(megapixels: float) -> object:
    """An RGB image of about `megapixels` (3:2), smooth gradients with noise like a camera's."""
    from PIL import Image, ImageChops

    width = int(math.sqrt(megapixels * 1e6 * 1.5)) // 2 * 2
    height = int(width / 1.5) // 2 * 2
    ramps = [Image.linear_gradient("L").resize((width, height)) for _ in range(3)]
    ramps[1] = ramps[1].transpose(Image.Transpose.ROTATE_90).resize((width, height))
    noise = Image.effect_noise((width, height), NOISE_SIGMA).point(lambda v: v - 128 + 20)
    channels = [ImageChops.add(ramp, noise, scale=1.0, offset=-20) for ramp in ramps]
    return Image.merge("RGB", channels)


def child(path: Path, how: str, out: Path) -> dict[str, object]:
    done = subprocess.run(
        [PYTHON, "-c", CHILD, str(path), how, str(out)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="12 MP inputs instead of 40 MP")
    args = parser.parse_args()
    megapixels = 12.0 if args.quick else 40.0
    sys.path.insert(0, str(ROOT))
    import pillow_heif

    rows, figures = [], {}
    with tempfile.TemporaryDirectory(prefix="bench-convert-") as tmp:
        folder = Path(tmp)
        made = time.perf_counter()
        image = photo_like(megapixels)
        heic, tiff = folder / "photo.heic", folder / "scan.tiff"
        # In 512 px tiles, as phones write them: one HEVC frame this large is past the picture size of
        # HEVC's highest level (35.6 MP), and libde265 refuses it.
        pillow_heif.from_pillow(image).save(heic, quality=90, tile_size=512)  # type: ignore[arg-type]
        image.save(tiff)  # type: ignore[attr-defined]
        size = image.size  # type: ignore[attr-defined]
        del image
        print(f"  inputs made in {time.perf_counter() - made:.1f} s: {size[0]}x{size[1]}", flush=True)
        cases = [("baseline", heic, "baseline")]
        cases += [("HEIC", heic, "default"), ("HEIC", heic, "fit-pixels")]
        cases += [("TIFF", tiff, "default"), ("TIFF", tiff, "fit-pixels")]
        for name, path, how in cases:
            result = child(path, how, folder / "prepared")
            peak = mib(float(result["hwm_kib"]))  # type: ignore[arg-type]
            seconds = float(result["s"])  # type: ignore[arg-type]
            file_mb = path.stat().st_size / 1048576
            rows.append(
                [name, how, f"{file_mb:.1f} MB", result["outcome"], f"{seconds:.1f} s", f"{peak:.0f} MiB"]
            )
            figures[f"{name}_{how}".lower().replace("-", "_")] = {
                "s": round(seconds, 2),
                "peak_mib": round(peak, 1),
            }
    print_table(
        f"converting a {megapixels:.0f} MP input before upload (a fresh process each; peak RSS = VmHWM)",
        ["input", "how", "file", "uploaded as", "time", "peak RSS"],
        rows,
    )
    print_json_line("convert", {"megapixels": megapixels, **figures})


if __name__ == "__main__":
    main()
