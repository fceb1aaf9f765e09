"""`upscaler_gui.core` (and the sim) import and work in a Python where PySide6 cannot be imported."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import upscaler_gui

BLOCK_QT = """
import importlib.abc, sys
class _NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"PySide6", "shiboken6", "qasync", "PyQt5", "PyQt6"}:
            raise ImportError(f"{name} is blocked in this test")
        return None
sys.meta_path.insert(0, _NoQt())
"""

WORK = """
import base64, io, pkgutil, importlib, asyncio, httpx
import upscaler_gui.core as core
names = [m.name for m in pkgutil.walk_packages(core.__path__, "upscaler_gui.core.")]
for name in names:
    importlib.import_module(name)
import upscaler_gui.sim
from PIL import Image
from upscaler_gui.core.engine.inputs import build_input
from upscaler_gui.core.images import check_bytes
from upscaler_gui.core.kie import KieClient
buf = io.BytesIO(); Image.new("RGB", (40, 30)).save(buf, "PNG")
assert check_bytes(buf.getvalue()).format == "PNG"
assert build_input({"image_url": "https://x.test/a.png"}) == ({"image": "https://x.test/a.png"}, None)
def handler(request):
    return httpx.Response(200, json={"code": 200, "msg": "success", "data": 12.5})
async def main():
    transport = httpx.MockTransport(handler)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as api:
        client = KieClient(api=api, upload=api, files=api, api_key="k-123456")
        return await client.credits()
assert asyncio.run(main()) == 12.5
assert not any(m.split(".")[0] in {"PySide6", "qasync", "shiboken6"} for m in sys.modules)
print("OK", len(names))
"""


def test_core_imports_and_works_with_qt_blocked() -> None:
    code = BLOCK_QT + "import sys\n" + textwrap.dedent(WORK)
    root = Path(upscaler_gui.__file__).parent.parent
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, cwd=root, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK")


def test_the_block_really_blocks() -> None:
    code = BLOCK_QT + "import PySide6.QtCore\n"
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0 and "blocked in this test" in result.stderr
