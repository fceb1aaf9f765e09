"""A KIE-compatible HTTP server on 127.0.0.1: the offline demo and the test double.

One port serves both KIE's API paths (`/api/v1/...`) and the upload host's (`/api/file-*-upload`),
plus uploaded files (`/files/...`), results (`/results/...`) and control endpoints (`/_sim/stats`,
`/_sim/config`). It reproduces KIE's quirks (errors as HTTP 200 + body code, `resultJson` as a JSON
string, `message` instead of `msg` in some answers, failCode as int or str) and injects faults on demand
(see `Faults`). Images are really fetched (loopback only), checked and upscaled with Pillow.

    with SimServer(SimConfig(task_seconds=0.2)) as sim:
        client.post(sim.base_url + "/api/v1/jobs/createTask", ...)
        sim.config.faults.rate_5xx = 0.2
        assert sim.stats.creates == 1

No Qt here: like `core`, this package runs under plain asyncio, qasync, or in its own process.
"""

from __future__ import annotations

from upscaler_gui.sim.config import Faults, SimConfig
from upscaler_gui.sim.server import SimServer, run_forever
from upscaler_gui.sim.stats import SimStats

__all__ = ["Faults", "SimConfig", "SimServer", "SimStats", "run_forever"]
