"""Named loggers per subsystem, and the filter that keeps the API key out of every record.

Use `from upscaler_gui.core import log` then `log.api.info(...)`; never the root logger.
"""

from __future__ import annotations

import atexit
import io
import logging
import os
import queue
import sys
from logging.handlers import QueueHandler, QueueListener
from pathlib import Path

from upscaler_gui.core.localfiles import readable
from upscaler_gui.core.redact import redact

ROOT_NAME = "upscaler"

api = logging.getLogger(f"{ROOT_NAME}.api")  # KIE requests, answers, retries
upload = logging.getLogger(f"{ROOT_NAME}.upload")  # the upload helper
inputs = logging.getLogger(f"{ROOT_NAME}.inputs")  # the seed's input log line, local checks
jobs = logging.getLogger(f"{ROOT_NAME}.jobs")  # the engine and the store
output = logging.getLogger(f"{ROOT_NAME}.output")  # writing results
watch = logging.getLogger(f"{ROOT_NAME}.watch")  # watch-folder mode
settings = logging.getLogger(f"{ROOT_NAME}.settings")
sim = logging.getLogger(f"{ROOT_NAME}.sim")  # the local KIE-compatible server
ui = logging.getLogger(f"{ROOT_NAME}.ui")
cli = logging.getLogger(f"{ROOT_NAME}.cli")


class RedactingFilter(logging.Filter):
    """Rewrites each record's final text with secrets removed, whatever its arguments were."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = readable(redact(message))  # a file name that is not UTF-8 written as \xe9
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            # The traceback text is rendered later by the formatter: render and clean it now.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
PRIVATE_MODE = 0o600  # a log names the user's files and links: for the user's eyes only


class PrivateFileHandler(logging.FileHandler):
    """A log file readable by its owner only, created so (never loosened, then tightened)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, encoding="utf-8", errors="backslashreplace")  # never a lost record

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_MODE)
        try:
            if os.fstat(fd).st_mode & 0o077 and hasattr(os, "fchmod"):  # an older log, readable by others
                os.fchmod(fd, PRIVATE_MODE)
            return open(fd, "a", encoding=self.encoding, errors=self.errors)
        except BaseException:
            os.close(fd)
            raise


def setup(level: int = logging.INFO, *, log_file: Path | None = None, stream: bool = True) -> None:
    """Configure the `upscaler` logger tree once: stderr and/or a file, always redacted.

    The file is written by a thread of its own: a write that waits on a busy disk (seen: 30-60 ms) then
    holds neither the thread that logged (the window's) nor a lock that thread would wait on."""
    root = logging.getLogger(ROOT_NAME)
    root.setLevel(level)
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    close_file()
    if stream:
        root.addHandler(_formatted(logging.StreamHandler(sys.stderr)))
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        root.addHandler(_written_in_background(_formatted(PrivateFileHandler(log_file))))
    root.propagate = False


def _formatted(handler: logging.Handler) -> logging.Handler:
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactingFilter())
    return handler


_file_writers: list[QueueListener] = []  # the one running, if a log file is set up


def _written_in_background(handler: logging.Handler) -> logging.Handler:
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    writer = QueueListener(records, handler, respect_handler_level=True)
    writer.start()
    _file_writers.append(writer)
    return QueueHandler(records)


def flush() -> None:
    """Every record logged so far is in the log file (before reading it, and at exit)."""
    for writer in _file_writers:
        writer.stop()  # writes what is queued, then its thread ends
        writer.start()


def close_file() -> None:
    """Write what is queued, stop the file's writer and close the file (at exit, or before a new setup)."""
    while _file_writers:
        writer = _file_writers.pop()
        writer.stop()
        for handler in writer.handlers:
            handler.close()


atexit.register(close_file)  # after the last record; before logging's own shutdown (atexit is LIFO)


def install_filter_on(logger: logging.Logger) -> None:
    """Add the redacting filter to a logger (tests capture records at the logger, not a handler)."""
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())


# Redaction at the source: records are clean before any handler (ours, pytest's or a user's) sees them.
for _logger in (api, upload, inputs, jobs, output, watch, settings, sim, ui, cli):
    install_filter_on(_logger)
