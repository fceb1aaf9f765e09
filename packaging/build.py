"""`./dev package` runs this with the project's venv: see upscaler_packaging/build.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from upscaler_packaging.build import main

raise SystemExit(main())
