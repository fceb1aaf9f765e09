"""upscaler-gui(1), made at build time from the command line's own argparse parsers.

argparse-manpage renders `upscaler_gui.cli.build_parser()` (the commands and their options); the
sections it cannot know (the window's options, environment, files, exit status) are generated here
from `build_window_parser()`, the exit codes module and the constants, and passed as its --include.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import sys
from pathlib import Path

from upscaler_packaging import project

SUMMARY = "make images sharper and larger with KIE AI's Crisp Upscale"
ENVIRONMENT = (
    ("KIE_API_KEY", "The KIE API key, when none is saved in the system keyring."),
    ("KIE_API_BASE, KIE_UPLOAD_BASE", "The KIE API and upload hosts (as --api-base and --upload-base)."),
    ("UPSCALER_GUI_DATA_DIR", "Where the job store lives (as --data-dir)."),
    ("UPSCALER_GUI_CONFIG_DIR, UPSCALER_GUI_CACHE_DIR", "Where the settings and the log file live."),
    ("SSL_CERT_FILE", "A PEM file of CA certificates used instead of the built-in ones."),
    ("HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY", "An http(s) proxy for the connections to KIE."),
    ("QT_QPA_PLATFORM", "Qt's display platform (xcb, wayland, offscreen)."),
)
FILES = (  # platformdirs' defaults on Linux (core/paths.py), each movable by the variables above
    ("~/.config/upscaler-gui/", "Settings (the API key is kept in the system keyring, not here)."),
    ("~/.local/share/upscaler-gui/", "The job store: what was sent, paid for and saved."),
    ("~/.cache/upscaler-gui/", "Thumbnails, made again when missing."),
    ("~/.local/state/upscaler-gui/log/upscaler-gui.log", "The log."),
)


def _escape(text: str) -> str:
    """roff-safe text; a leading '.', "'", '[' or '/' is guarded (roff requests, the include's headers)."""
    text = text.replace("\\", "\\\\").replace("-", "\\-").replace("'", "\\(aq")
    return f"\\&{text}" if text.startswith((".", "'", "[", "/")) else text


def _options(parser: argparse.ArgumentParser) -> list[str]:
    lines = []
    for action in parser._actions:  # argparse has no public list of its actions
        if isinstance(action, argparse._HelpAction) or action.help == argparse.SUPPRESS:
            continue
        names = ", ".join(action.option_strings) or (action.metavar or action.dest)
        value = (
            ""
            if action.nargs == 0 or not action.option_strings
            else f" {action.metavar or action.dest.upper()}"
        )
        lines += [".TP", f"\\fB{_escape(str(names))}\\fR{_escape(str(value))}", _escape(action.help or "")]
    return lines


def _pairs(pairs: tuple[tuple[str, str], ...]) -> list[str]:
    lines = []
    for name, text in pairs:
        lines += [".TP", f"\\fB{_escape(name)}\\fR", _escape(text)]
    return lines


def include_text() -> str:
    """The extra sections, in argparse-manpage's --include format."""
    sys.path.insert(0, str(project.ROOT))
    from upscaler_gui.cli import build_window_parser
    from upscaler_gui.commands import exit_codes

    window = [
        "With no command, or with files, folders or links, upscaler\\-gui opens its window and queues them.",
        ".PP",
        "\\fBupscaler\\-gui\\fR [\\fIOPTIONS\\fR] [\\fIFILE_OR_URL\\fR ...]",
        *_options(build_window_parser()),
    ]
    codes = re.findall(r"^EXIT_\w+ = (\d+)\s*#\s*(.+)$", Path(exit_codes.__file__).read_text(), re.MULTILINE)
    status = _pairs(tuple(codes))
    sections = {
        "WINDOW": window,
        "EXIT STATUS": ["The commands exit with:", *status],
        "ENVIRONMENT": _pairs(ENVIRONMENT),
        "FILES": _pairs(FILES),
        "SEE ALSO": [f"The README and {_escape('https://github.com/crispupscaler/upscaler-gui')}"],
    }
    return "".join(f"[>{heading}]\n" + "\n".join(lines) + "\n\n" for heading, lines in sections.items())


def build(work: Path) -> Path:
    """work/upscaler-gui.1.gz (gzip -9n: no name or time inside, as dpkg's tools make them)."""
    include = work / "manpage-include.txt"
    include.write_text(include_text(), encoding="utf-8")
    page = work / f"{project.NAME}.1"
    command = [
        str(Path(sys.executable).parent / "argparse-manpage"),
        *("--module", "upscaler_gui.cli", "--function", "build_parser"),
        *("--project-name", project.DISPLAY_NAME, "--version", project.version()),
        *("--description", SUMMARY, "--manual-title", "User Commands"),
        *("--url", "https://github.com/crispupscaler/upscaler-gui", "--include", str(include)),
        *("--output", str(page)),
    ]
    env = {**os.environ, "PYTHONPATH": str(project.ROOT)}
    env.setdefault("SOURCE_DATE_EPOCH", str(project.release_epoch()))  # the page's date: the release's
    project.run_quiet(command, env=env)
    out = work / f"{project.NAME}.1.gz"
    with (
        out.open("wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=9, mtime=0) as f,
    ):
        f.write(page.read_bytes())
    return out
