"""/_sim/ endpoints: read the stats, read or change the knobs of a running (maybe separate) sim.

No key needed: the server only listens on 127.0.0.1. These requests are not counted in the stats.
"""

from __future__ import annotations

import dataclasses

from upscaler_gui.sim import replies
from upscaler_gui.sim.config import apply_update
from upscaler_gui.sim.replies import Reply, Request
from upscaler_gui.sim.state import SimState


def get_stats(state: SimState, request: Request) -> Reply:
    return replies.json_reply(state.snapshot().to_dict())


def get_config(state: SimState, request: Request) -> Reply:
    return replies.json_reply(config_dict(state))


def post_config(state: SimState, request: Request) -> Reply:
    """Body like {"faults": {"rate_5xx": 0.1}, "credits": 5}; answers the config as it now is."""
    try:
        update = request.json_object()
        with state.lock:
            apply_update(state.config, update)
            if "seed" in update:
                state.reseed(state.config.seed)
    except ValueError as exc:
        return replies.json_reply({"error": str(exc)}, status=400)
    return replies.json_reply(config_dict(state))


def config_dict(state: SimState) -> dict[str, object]:
    config = dataclasses.asdict(state.config)
    config["storage_dir"] = str(state.storage.root)
    config["state_dir"] = str(state.config.state_dir) if state.config.state_dir is not None else None
    config.pop("api_key", None)  # a control answer may end up in a log
    endpoints = config["faults"]["endpoints"]
    config["faults"]["endpoints"] = sorted(endpoints) if endpoints is not None else None
    return config
