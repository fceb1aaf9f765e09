"""The bundle's entry point: the same `main` as the `upscaler-gui` console script (window, CLI and sim)."""

from upscaler_gui.cli import main

raise SystemExit(main())
