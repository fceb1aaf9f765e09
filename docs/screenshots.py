"""Screenshots of the window in each of its states, and README's docs/screenshot.png.

    .venv/bin/python docs/screenshots.py            # every state into docs/screenshots/, about a minute
    .venv/bin/python docs/screenshots.py finished   # only the states named

The window runs offscreen on a 1920 x 1080 screen (tests/ui/offscreen-screen.json) against the sim on
127.0.0.1, with a few drawn photos; nothing leaves this machine. States: empty, drop-hover (a drag held
over a queue), busy (a batch with its overall progress), finished (also docs/screenshot.png),
full-window (the compare view alone), errors, russian, small (800 x 600); scale-2 (finished, on a
2560 x 1440 screen at 200 %: finished-scale-2.png); settings-small (the Settings dialog on an 800 x 600
screen, English and Russian); and settings: the Settings dialog with each key source and the question
without a keyring, in English and Russian, taken by docs/screenshots_settings.py (run as its own process:
it needs a machine without a keyring). Look at each picture after a change to the window.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
sys.path.insert(0, str(ROOT))
AT_SCALE_2 = "--at-scale-2" in sys.argv  # the child process that takes the HiDPI shot
if AT_SCALE_2:
    from tests.ui.screen_child import use_screen

    use_screen(2560, 1440, 2)  # a 27" 1440p monitor at 200 %: 1280 x 720 logical pixels
else:
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={ROOT / 'tests' / 'ui' / 'offscreen-screen.json'}"

from PIL import Image, ImageDraw, ImageFilter  # noqa: E402
from PySide6.QtCore import QTranslator  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.ui.window_helpers import WindowEnv  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
README_SHOT = ROOT / "docs" / "screenshot.png"
STATE_LIMIT_S = 120.0  # one state; the busy one waits for a third of a 12-image batch
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


def photos(folder: Path, count: int = len(SCENES), prefix: str = "") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(count):
        name, tint = SCENES[i % len(SCENES)]
        fmt, ext = [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")][i % 3]
        label = name if i < len(SCENES) else f"{name}-{i}"
        path = folder / f"{prefix}{label}.{ext}"
        scene(label, tint).save(path, fmt, quality=90)
        made.append(path)
    return made


def web_link(env: WindowEnv, image: Path) -> str:
    """The image served by the sim on 127.0.0.1: a stand-in for a picture on a web page."""
    import httpx

    from tests.ui.window_helpers import KEY

    with httpx.Client(base_url=env.sim.base_url, trust_env=False) as client:
        answer = client.post(
            "/api/file-stream-upload",
            headers={"Authorization": f"Bearer {KEY}"},
            data={"uploadPath": "web/page", "fileName": image.name},
            files={"file": (image.name, image.read_bytes(), "image/webp")},
        )
    return str(answer.json()["data"]["downloadUrl"])


# --- the states -------------------------------------------------------------------------------------------


async def empty(env: WindowEnv, work: Path) -> None:
    from tests.ui.window_helpers import until

    env.window.first_run.demo_requested.emit()
    await until(lambda: env.window.pages.on_drop_zone, what="the drop zone")


async def finished(env: WindowEnv, work: Path) -> None:
    from PySide6.QtCore import QMimeData, QUrl

    from tests.ui.window_helpers import drop, until

    await env.connect()
    files = photos(work / "photos")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in files[:-1]] + [QUrl(web_link(env, files[-1]))])
    drop(env.window, mime)
    await env.all_finished(len(files))
    env.window.view.selectRow(0)
    await until(lambda: "After" in env.window.compare.after_label_text(), what="the comparison")


async def drop_hover(env: WindowEnv, work: Path) -> None:
    from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent
    from PySide6.QtWidgets import QApplication

    await finished(env, work)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(work / "photos" / "more.jpg"))])
    enter = QDragEnterEvent(
        QPoint(300, 300),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(env.window, enter)


async def busy(env: WindowEnv, work: Path) -> None:
    from tests.ui.window_helpers import drop, file_mime, until

    env.sim.config.task_seconds, env.sim.config.task_jitter = 40.0, 0.9
    await env.connect()
    assert env.controller.engine is not None
    env.controller.engine.planner.learn(40.0)  # as after earlier tasks of about 40 s
    drop(env.window, file_mime(*photos(work / "photos", 12)))
    await until(lambda: len(env.jobs()) == 12, what="the rows")
    env.window.view.clearSelection()  # the new rows were selected: let their bars show
    await until(
        lambda: (
            sum(job.finished for job in env.jobs()) >= 3 and "left" in env.window.status.batch_label.text()
        ),
        limit_s=90,
        what="a third of the batch done",
    )


async def full_window(env: WindowEnv, work: Path) -> None:
    await finished(env, work)
    env.window.menus.full_window.trigger()


async def errors(env: WindowEnv, work: Path) -> None:
    from PySide6.QtCore import QMimeData

    from tests.ui.window_helpers import drop, file_mime

    await env.connect()
    bad = work / "bad"
    bad.mkdir()
    # A real little icon (GIF, BMP, TIFF, HEIC are converted; ICO is not): the preview shows what it is.
    scene("", SCENES[0][1], (96, 64)).crop((16, 0, 80, 64)).resize((32, 32)).save(
        bad / "icon.ico", sizes=[(32, 32)]
    )
    (bad / "notes.png").write_text("not an image")
    good = photos(work / "photos", 2)
    drop(env.window, file_mime(bad / "icon.ico", bad / "notes.png", bad / "missing.png", *good))
    await env.all_finished(5)
    links = QMimeData()
    links.setText("ftp://example.com/a.png\nftp://example.com/b.png")
    drop(env.window, links)
    env.window.view.selectRow(0)


async def russian(env: WindowEnv, work: Path) -> None:
    await errors(env, work)


async def small(env: WindowEnv, work: Path) -> None:
    await finished(env, work)


STATES: dict[str, tuple[Callable[[WindowEnv, Path], Awaitable[None]], tuple[int, int]]] = {
    "empty": (empty, (1180, 720)),
    "drop-hover": (drop_hover, (1180, 720)),
    "busy": (busy, (1180, 720)),
    "finished": (finished, (1180, 720)),
    "full-window": (full_window, (1180, 720)),
    "errors": (errors, (1180, 720)),
    "russian": (russian, (1180, 720)),
    "small": (small, (800, 600)),
}


CHILD_STATES = ("scale-2", "settings-small")  # child_shots takes these


async def shoot(name: str, work: Path) -> Path:
    from tests.ui.window_helpers import window_env

    state, size = STATES[name]
    async with window_env(work) as env:
        if not AT_SCALE_2:  # there the window keeps the size it was fitted to on its smaller screen
            env.window.resize(*size)
        await state(env, work)
        # Thumbnails, the compare view's previews, a status line. No processEvents() here: called inside
        # a task it runs other tasks' steps nested in this one ("Cannot enter into task"), which broke
        # the busy state's jobs and left the window's close waiting for them for good.
        await asyncio.sleep(0.8)
        OUT.mkdir(exist_ok=True)
        path = OUT / (f"{name}-scale-2.png" if AT_SCALE_2 else f"{name}.png")
        env.window.grab().save(str(path))
        if name == "finished" and not AT_SCALE_2:
            env.window.grab().save(str(README_SHOT))
    return path


async def shoot_all(app: QApplication, names: list[str]) -> list[Path]:
    """Every state in one task: qasync's run_until_complete is called once, as the app and tests do."""
    from upscaler_gui.ui.shell.i18n import install_translations

    made = []
    for name in names:
        started = time.monotonic()
        with tempfile.TemporaryDirectory() as tmp:
            for variable in ("UPSCALER_GUI_DATA_DIR", "UPSCALER_GUI_CONFIG_DIR", "UPSCALER_GUI_CACHE_DIR"):
                os.environ[variable] = tmp
            install_translations(app, "ru" if name == "russian" else "en")
            try:
                made.append(await asyncio.wait_for(shoot(name, Path(tmp)), STATE_LIMIT_S))
            finally:
                for translator in _installed():
                    app.removeTranslator(translator)
        print(f"{made[-1].relative_to(ROOT)}  ({time.monotonic() - started:.1f} s)", flush=True)
    return made


def settings_shots() -> None:
    subprocess_run([sys.executable, str(ROOT / "docs" / "screenshots_settings.py")])


def child_shots(names: list[str]) -> None:
    """The shots that need a screen of their own, each in a process of its own (Qt reads the screen
    once): the finished window at scale 2, the Settings dialog on an 800 x 600 screen."""
    from tests.ui.screen_child import run_child

    if "scale-2" in names:
        subprocess_run([sys.executable, str(Path(__file__).resolve()), "--at-scale-2", "finished"])
    if "settings-small" in names:
        with tempfile.TemporaryDirectory() as tmp:
            for language, suffix in (("en", ""), ("ru", "-ru")):
                path = OUT / f"settings-800x600{suffix}.png"
                run_child(Path(tmp), (800, 600), 1, "settings", language, str(path))
                print(path.relative_to(ROOT), flush=True)


def subprocess_run(command: list[str]) -> None:
    import subprocess

    subprocess.run(command, check=True, cwd=ROOT)


def main(names: list[str]) -> int:
    names = [name for name in names if name != "--at-scale-2"]
    known = {*STATES, *CHILD_STATES, "settings"}
    unknown = set(names) - known
    if unknown:
        print(f"unknown states: {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
        return 2
    started = time.monotonic()
    if not names or "settings" in names:
        settings_shots()
    if not AT_SCALE_2:
        child_shots(names or list(CHILD_STATES))
    names = [name for name in names if name in STATES] if names else list(STATES)
    if names:
        from upscaler_gui.ui.shell.event_loop import QtAsyncLoop

        app = QApplication([])
        app.setQuitOnLastWindowClosed(False)  # one state's window closing must not stop the loop
        loop = QtAsyncLoop(app)  # the app's own loop, as the window runs on it
        asyncio.set_event_loop(loop)
        loop.run_until_complete(shoot_all(app, names))
        loop.close()  # stops the loop's executor threads before the interpreter exits
    if not AT_SCALE_2:
        print(f"done in {time.monotonic() - started:.0f} s")
    return 0


def _installed() -> list[QTranslator]:
    from upscaler_gui.ui.shell import i18n

    installed = list(i18n._installed)
    i18n._installed.clear()
    return installed


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
