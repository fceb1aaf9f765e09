"""Peak memory (RSS) of finishing a huge result: refused, kept in its format, or converted at the limit.

Each figure comes from a fresh child process (peaks never mix) that runs `finish.finish_result` on one
result file made beforehand (a real PNG of that many pixels, a few MB compressed). "baseline" is the
child with everything imported and nothing done; "old way" converts the 100 MP result as the code did
before the limit (Pillow loads it whole).

- refused: 20000x20000 (400 MP), --format jpeg: over Pillow's own limit, refused as too large.
- kept: 10000x10000 (100 MP), --format jpeg: over MAX_DECODED_PIXELS (64 MP), kept as PNG with a note.
- converted: 8000x8000 (64 MP), --format jpeg: at the limit, converted; opaque, and half transparent
  (laid on white: the costliest conversion).
- old way: the 100 MP result converted to JPEG without the limit.

Peaks are VmHWM (the kernel's high-water mark of the child's own memory).

    .venv/bin/python bench/huge_result.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import PYTHON, ROOT, mib, print_json_line, print_table, verdict

sys.path.insert(0, str(ROOT))
from tests.imagefactory import big_png

GOAL_MIB = 100.0  # refused and kept paths: about what the process holds anyway

CHILD = """
import json, sys, time, warnings
from pathlib import Path
from PIL import Image
from upscaler_gui.core.finish import FinishOptions, finish_result
from upscaler_gui.core import convert
warnings.simplefilter("ignore")
path, how = Path(sys.argv[1]), sys.argv[2]

def hwm():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0

started, outcome = time.perf_counter(), ""
if how == "old":
    Image.MAX_IMAGE_PIXELS = None
    with Image.open(path) as image:
        image.load()
        convert.encode(convert.for_format(image, "JPEG"), open(path.with_suffix(".jpg"), "wb"), "JPEG",
                       quality=92, exif=b"", icc=None)
    outcome = "converted"
elif how != "baseline":
    try:
        found = finish_result(path, source=None, options=FinishOptions(output_format="jpeg"))
        outcome = f"{found.format}{' + note' if found.notes else ''}"
    except Exception as exc:
        outcome = type(exc).__name__
print(json.dumps({"hwm_kib": hwm(), "s": time.perf_counter() - started, "outcome": outcome}))
"""


def child(path: Path, how: str) -> dict[str, object]:
    done = subprocess.run(
        [PYTHON, "-c", CHILD, str(path), how], cwd=ROOT, capture_output=True, text=True, check=True
    )
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 64 MP conversion and the old way")
    args = parser.parse_args()
    cases = [("baseline", (1000, 1000), "baseline"), ("refused", (20000, 20000), "new")]
    cases.append(("kept", (10000, 10000), "new"))
    if not args.quick:
        cases += [
            ("converted at the limit", (8000, 8000), "new"),
            ("transparent at the limit", (8000, 8000), "new"),
        ]
        cases += [("old way", (10000, 10000), "old")]
    rows, figures = [], {}
    with tempfile.TemporaryDirectory(prefix="bench-huge-") as tmp:
        for name, size, how in cases:
            made = time.perf_counter()
            path = Path(tmp) / f"{name.replace(' ', '_')}.png"
            big_png(path, size, pixels=size[0] < 20000, alpha=name.startswith("transparent"))
            made_s = time.perf_counter() - made
            result = child(path, how)
            peak = mib(float(result["hwm_kib"]))  # type: ignore[arg-type]
            megapixels = size[0] * size[1] / 1e6
            goal = verdict(peak < GOAL_MIB) if name in ("refused", "kept") else ""
            rows.append([name, f"{megapixels:.0f} MP", result["outcome"], f"{peak:.0f} MiB", goal])
            figures[name.replace(" ", "_")] = {"mp": megapixels, "peak_mib": round(peak, 1)}
            print(f"  {name}: made in {made_s:.1f} s, finished in {float(result['s']):.2f} s", flush=True)  # type: ignore[arg-type]
    print_table(
        f"finishing a huge result with --format jpeg (peak RSS of the process; goal < {GOAL_MIB:.0f} MiB)",
        ["case", "pixels", "outcome", "peak RSS", "goal"],
        rows,
    )
    print_json_line("huge_result", figures)


if __name__ == "__main__":
    main()
