"""Refresh the window's translations: lupdate (keeps what is translated), then lrelease, then a count.

Run from anywhere with the project's venv:

    .venv/bin/python resources/i18n/update.py           # update every upscaler_*.ts, compile the .qm
    .venv/bin/python resources/i18n/update.py --check   # only count; exit 1 if anything is unfinished

lupdate reads `upscaler_gui/ui/**/*.py` only (core's messages live in `upscaler_gui/core/locale/*.json`)
and drops entries whose text left the code (`-no-obsolete`), so the .ts never carries stale strings.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
UI_SOURCES = ROOT / "upscaler_gui" / "ui"


def tool(name: str) -> str:
    """pyside6-<name> beside this Python (the venv), else on PATH, else PySide6's own binary."""
    for candidate in (Path(sys.executable).parent / f"pyside6-{name}", shutil.which(f"pyside6-{name}")):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    import PySide6  # only when the wrapper scripts are missing

    return str(Path(PySide6.__file__).parent / name)


def sources() -> list[str]:
    return [str(path.relative_to(ROOT)) for path in sorted(UI_SOURCES.rglob("*.py"))]


def ts_files() -> list[Path]:
    return sorted(HERE.glob("upscaler_*.ts"))


def update(ts: Path) -> None:
    # English is the source language: its catalog holds only the plural forms ("%n image(s)").
    plurals_only = ["-pluralonly"] if ts.name == "upscaler_en.ts" else []
    command = [tool("lupdate"), *sources(), "-ts", str(ts), "-no-obsolete", *plurals_only]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def release(ts: Path) -> None:
    command = [tool("lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def unfinished(ts: Path) -> tuple[int, int]:
    """(entries, entries not translated yet): unfinished, or with an empty translation or plural form."""
    messages = ET.parse(ts).getroot().iter("message")
    total = missing = 0
    for message in messages:
        total += 1
        translation = message.find("translation")
        if translation is None or translation.get("type") == "unfinished" or not translated(translation):
            missing += 1
    return total, missing


def translated(translation: ET.Element) -> bool:
    forms = translation.findall("numerusform")
    if forms:
        return all((form.text or "").strip() for form in forms)
    return bool((translation.text or "").strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only count; exit 1 if any is unfinished")
    args = parser.parse_args(argv)
    missing_total = 0
    for ts in ts_files():
        if not args.check:
            update(ts)
            release(ts)
        total, missing = unfinished(ts)
        missing_total += missing
        print(f"{ts.name}: {total} entries, {missing} unfinished")
    return 1 if args.check and missing_total else 0


if __name__ == "__main__":
    sys.exit(main())
