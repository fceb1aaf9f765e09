"""The desktop window (PySide6 on a qasync loop), grouped by feature; `app` starts it."""
