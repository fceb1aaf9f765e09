"""`upscaler-gui demo-server`: the local KIE-compatible server, for trying the app and for tests."""

from __future__ import annotations

import argparse
import sys

from upscaler_gui.commands.exit_codes import EXIT_OK


def run_demo_server(args: argparse.Namespace) -> int:
    from upscaler_gui.sim import SimConfig, run_forever

    def announce(base_url: str) -> None:
        print(base_url, flush=True)  # stdout: just the URL, for scripts
        print(
            f"Demo KIE server on {base_url} (key: {args.key}); faults and stats at {base_url}/_sim/.\n"
            f"  KIE_API_KEY={args.key} upscaler-gui upscale --api-base {base_url} --upload-base {base_url} "
            "IMAGE... --out DIR\nPress Ctrl+C to stop.",
            file=sys.stderr,
            flush=True,
        )

    config = SimConfig(api_key=args.key, task_seconds=args.latency, credits=args.credits)
    run_forever(args.port, config, on_start=announce)
    return EXIT_OK
