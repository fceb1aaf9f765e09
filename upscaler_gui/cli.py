"""The front door: the window (default), `upscale`, `watch`, `history`, `demo-server`.

Only argparse is imported at the top: `upscaler-gui --version` must start fast, without Qt or httpx.
Each command's module is imported when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from upscaler_gui import __version__
from upscaler_gui.commands.exit_codes import EXIT_FAILED, EXIT_STORE, EXIT_USAGE


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection")
    group.add_argument(
        "--api-base", metavar="URL", help="KIE API base URL (default: $KIE_API_BASE or https://api.kie.ai)"
    )
    group.add_argument(
        "--upload-base",
        metavar="URL",
        help="KIE upload host (default: $KIE_UPLOAD_BASE or https://kieai.redpandaai.co)",
    )
    group.add_argument(
        "--data-dir", metavar="DIR", help="where the job store lives (default: the platform's data dir)"
    )
    group.add_argument(
        "--demo",
        action="store_true",
        help="use a local KIE-compatible server started in this process (no key, no network, no cost)",
    )
    group.add_argument("-v", "--verbose", action="store_true", help="log every request and state change")


def add_output_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("results")
    group.add_argument("--out", "-o", required=True, metavar="DIR", help="folder for the results")
    group.add_argument(
        "--template",
        default="{stem}_crisp.{ext}",
        help="result names; fields {stem} {ext} {n} {date} {time} {task_id} {width} {height} {relpath}",
    )
    group.add_argument(
        "--keep-tree",
        action="store_true",
        help="put each result of a folder in the same subfolder of --out as its image (the {relpath} field)",
    )
    group.add_argument(
        "--on-conflict",
        choices=["rename", "skip", "overwrite"],
        default="rename",
        help="when the name is taken: x_crisp-1.png (default), leave it, or replace it",
    )
    group.add_argument(
        "--format",
        default="keep",
        choices=["keep", "png", "jpeg", "jpg", "webp"],
        help="keep the result's format (default) or convert",
    )
    group.add_argument(
        "--quality", type=int, default=92, metavar="1-100", help="JPEG/WEBP quality (default 92)"
    )
    group.add_argument(
        "--keep-metadata",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="copy the source's EXIF and colour profile into the result (default: yes)",
    )
    inputs = parser.add_argument_group("inputs")
    inputs.add_argument(
        "--no-fit",
        dest="fit",
        action="store_false",
        help="refuse a PNG/JPEG/WEBP over KIE's 10 MB instead of re-encoding it to fit",
    )
    inputs.add_argument(
        "--fit-pixels",
        action="store_true",
        help="scale an image over 16 megapixels or 4096 px a side down to those limits before upload",
    )
    group.add_argument(
        "--concurrency",
        type=int,
        default=10,
        metavar="N",
        help="images checked, uploaded or downloaded at once (default 10)",
    )
    group.add_argument("--json", action="store_true", help="one JSON line per input on stdout when it ends")


def add_watch_options(parser: argparse.ArgumentParser) -> None:
    """`watch`'s own options (defaults as in core/watch/options.py)."""
    parser.add_argument("folder", metavar="DIR", help="the folder to watch")
    group = parser.add_argument_group("watching")
    group.add_argument("--recursive", action="store_true", help="watch subfolders too")
    group.add_argument(
        "--settle", type=float, default=2.0, metavar="S", help="seconds a file must hold still (default 2)"
    )
    group.add_argument(
        "--include-existing", action="store_true", help="also process the images already in the folder"
    )
    group.add_argument("--poll", action="store_true", help="poll instead of OS events (network shares)")
    group.add_argument(
        "--move-processed", metavar="DIR", help="move each original here once its result is saved"
    )
    group.add_argument(
        "--rescan",
        type=float,
        default=60.0,
        metavar="S",
        help="full look for missed files (default 60; 0: off)",
    )


def add_budget_options(parser: argparse.ArgumentParser, *, dry_run: bool) -> None:
    group = parser.add_argument_group("spending")
    group.add_argument(
        "--max-credits",
        type=float,
        metavar="N",
        help="start no task that would take this run past N credits; the rest wait as over budget "
        "(a later run with a larger budget goes on). The daily budget is a setting of the window",
    )
    if dry_run:
        group.add_argument(
            "--dry-run",
            action="store_true",
            help="check every input and show what would be uploaded and created, the result names "
            "and the cost; nothing billed is sent, nothing is written",
        )


def add_history_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", metavar="DATE", help="only tasks created on or after DATE (YYYY-MM-DD)")
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--csv", action="store_true", help="one CSV row per job on stdout")
    form.add_argument("--json", action="store_true", help="one JSON document on stdout: jobs, days, totals")
    parser.add_argument(
        "--data-dir", metavar="DIR", help="where the job store lives (default: the platform's data dir)"
    )
    parser.add_argument("--demo", action="store_true", help="the offline demo's own record")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="upscaler-gui",
        description="Make images sharper and larger with KIE AI's recraft/crisp-upscale.",
    )
    parser.add_argument("--version", action="version", version=f"upscaler-gui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    up = commands.add_parser("upscale", help="upscale files, folders, links or data: URIs into a folder")
    up.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="file, folder, http(s) URL, data: URI, or - for stdin"
    )
    add_output_options(up)
    up.add_argument("--retry-failed", action="store_true", help="run again the inputs that failed before")
    up.add_argument(
        "--retry-unknown",
        action="store_true",
        help="create again tasks whose outcome was unknown (KIE may bill them twice)",
    )
    add_budget_options(up, dry_run=True)
    add_connection_options(up)

    demo = commands.add_parser("demo-server", help="run the local KIE-compatible server and print its URL")
    demo.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    demo.add_argument("--latency", type=float, default=2.0, metavar="S", help="seconds each task takes")
    demo.add_argument("--key", default="sim-key", help="the API key it accepts (default: sim-key)")
    demo.add_argument("--credits", type=float, default=1000.0, help="starting credit balance")

    watch = commands.add_parser("watch", help="upscale every image that arrives in a folder, exactly once")
    add_watch_options(watch)
    add_output_options(watch)
    add_budget_options(watch, dry_run=False)
    add_connection_options(watch)

    history = commands.add_parser("history", help="what each job cost: jobs, tasks, credits, totals per day")
    add_history_options(history)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or not _is_command(argv[0], parser):
        return _open_window(argv)
    args = parser.parse_args(argv)
    from upscaler_gui.core.errors import StoreError, UpscalerError

    try:
        return _run_command(args, parser)
    except UpscalerError as exc:  # one sentence, never a traceback: a data folder that cannot be made...
        print(f"upscaler-gui {args.command}: {exc.user_text()}", file=sys.stderr)
        return EXIT_STORE if isinstance(exc, StoreError) else EXIT_FAILED


def _run_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.command == "upscale":
        from upscaler_gui.commands.upscale import run_upscale

        return run_upscale(args)
    if args.command == "demo-server":
        from upscaler_gui.commands.demo import run_demo_server

        return run_demo_server(args)
    if args.command == "watch":
        from upscaler_gui.commands.watch import run_watch

        return run_watch(args)
    if args.command == "history":
        from upscaler_gui.commands.history import run_history

        return run_history(args)
    parser.print_help(sys.stderr)
    return EXIT_USAGE


COMMANDS = ("upscale", "demo-server", "watch", "history")


def _is_command(word: str, parser: argparse.ArgumentParser) -> bool:
    """True for a subcommand or an option argparse handles itself (--help, --version)."""
    return word in {*COMMANDS, "-h", "--help", "--version"}


def build_window_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="upscaler-gui", description="Open the window, with these files, folders or links queued."
    )
    parser.add_argument("inputs", nargs="*", metavar="FILE_OR_URL", help="images, folders or links to queue")
    add_connection_options(parser)
    parser.add_argument("--minimized", action="store_true", help="start in the tray (when watching a folder)")
    parser.add_argument(
        "--paste", action="store_true", help="queue the image (or its link) on the clipboard, as Ctrl+V does"
    )
    parser.add_argument(
        "--quit-after",
        type=float,
        metavar="S",
        help="close the window after S seconds, as a user would (smoke tests)",
    )
    return parser


def _open_window(argv: list[str]) -> int:
    args, qt_args = build_window_parser().parse_known_args(argv)
    typo = _looks_like_a_command(args.inputs)
    if typo:
        print(typo, file=sys.stderr)
        return EXIT_USAGE
    args.qt_args = qt_args
    if args.data_dir:
        import os

        from upscaler_gui.core.constants import ENV_DATA_DIR

        os.environ[ENV_DATA_DIR] = os.path.abspath(args.data_dir)
    from upscaler_gui.ui.app import run_app

    return run_app(args)


def _looks_like_a_command(inputs: list[str]) -> str | None:
    """`upscaler-gui upscal x.png` is a typo, not a file named "upscal": say so instead of opening."""
    import difflib
    import os

    if not inputs:
        return None
    word = inputs[0]
    if os.path.exists(word) or "://" in word or "." in word or "/" in word or word.startswith("data:"):
        return None
    close = difflib.get_close_matches(word, [*COMMANDS, "watch"], n=1)
    if not close:
        return None
    return f"upscaler-gui: unknown command {word!r}; did you mean {close[0]!r}? (see upscaler-gui --help)"


if __name__ == "__main__":
    raise SystemExit(main())
