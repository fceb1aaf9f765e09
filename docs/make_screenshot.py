"""Make docs/screenshot.png: the window offscreen, the demo server, a few drawn photos, one compared.

Run from the repository: `.venv/bin/python docs/make_screenshot.py`. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

SCENES = [
    ("harbour", (40, 110, 190)),
    ("meadow", (70, 150, 90)),
    ("dunes", (200, 150, 80)),
    ("glacier", (150, 190, 220)),
    ("orchard", (110, 160, 60)),
    ("canyon", (180, 90, 50)),
]


def scene(name: str, tint: tuple[int, int, int], size: tuple[int, int] = (360, 240)) -> Image.Image:
    """A small landscape: sky, sun, hills, a house and a few trees; soft, like a phone photo."""
    w, h = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(h):
        k = y / h
        draw.line([(0, y), (w, y)], fill=(int(120 + 100 * k), int(170 + 60 * k), int(235 - 40 * k)))
    draw.ellipse([w * 0.72, h * 0.1, w * 0.86, h * 0.31], fill=(255, 226, 130))
    for i, (dx, dy) in enumerate(((0.0, 0.55), (0.35, 0.6), (0.65, 0.5))):
        shade = tuple(max(0, c - 25 * i) for c in tint)
        draw.polygon([(w * dx - 60, h), (w * (dx + 0.2), h * dy), (w * (dx + 0.5), h)], fill=shade)
    draw.rectangle([w * 0.18, h * 0.62, w * 0.34, h * 0.82], fill=(235, 230, 220))
    draw.polygon([(w * 0.16, h * 0.63), (w * 0.26, h * 0.5), (w * 0.36, h * 0.63)], fill=(170, 50, 40))
    draw.rectangle([w * 0.24, h * 0.7, w * 0.28, h * 0.82], fill=(90, 60, 40))
    for x in (0.5, 0.56, 0.63):
        draw.ellipse([w * x, h * 0.6, w * (x + 0.06), h * 0.74], fill=(40, 110, 50))
        draw.rectangle([w * (x + 0.027), h * 0.73, w * (x + 0.035), h * 0.8], fill=(80, 55, 35))
    draw.text((8, h - 16), name, fill=(255, 255, 255))
    return image.filter(ImageFilter.GaussianBlur(1.2))


async def shoot(out_png: Path, work: Path) -> None:
    from PySide6.QtCore import QMimeData, QUrl

    from tests.ui.window_helpers import drop, until, window_env
    from upscaler_gui.core.jobs import JobState

    inbox = work / "photos"
    inbox.mkdir()
    for i, (name, tint) in enumerate(SCENES):
        fmt, ext = [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")][i % 3]
        scene(name, tint).save(inbox / f"{name}.{ext}", fmt, quality=90)
    async with window_env(work) as env:
        env.sim.config.task_seconds = 1.0
        await env.connect()
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(inbox))])
        drop(env.window, mime)
        await env.all_finished(len(SCENES))
        assert all(job.state == JobState.DONE for job in env.jobs())
        env.window.view.selectRow(0)
        await until(lambda: "After" in env.window.compare.after_label_text(), what="the comparison")
        await asyncio.sleep(0.5)
        env.window.grab().save(str(out_png))


def main() -> int:
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["UPSCALER_GUI_DATA_DIR"] = os.environ["UPSCALER_GUI_CONFIG_DIR"] = tmp
        os.environ["UPSCALER_GUI_CACHE_DIR"] = tmp
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        loop.run_until_complete(shoot(ROOT / "docs" / "screenshot.png", Path(tmp)))
        loop.close()  # stops qasync's executor threads before the interpreter exits
    print(ROOT / "docs" / "screenshot.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
