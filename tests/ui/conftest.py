"""Qt tests run offscreen: no display needed, and no window flashes on a developer's screen."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
