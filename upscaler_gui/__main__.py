"""`python -m upscaler_gui` is the same as `upscaler-gui`."""

from upscaler_gui.cli import main

raise SystemExit(main())
