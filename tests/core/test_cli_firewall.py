"""KIE sits behind Cloudflare, whose browser-signature rule (error 1010) refuses requests that look
like an anonymous script. The app says who it is, and a ban is reported as what it is: never a bad key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.core.cli_helpers import EXIT_BLOCKED, EXIT_OK, KEY, run_upscale
from tests.imagefactory import write_image
from upscaler_gui.sim import Faults, SimConfig, SimServer

pytestmark = pytest.mark.integration  # the command line in a subprocess against the sim


@pytest.fixture
def sim() -> Iterator[SimServer]:
    # Like a Cloudflare rule against library defaults: "python-httpx/0.28.1" is refused.
    with SimServer(
        SimConfig(api_key=KEY, task_seconds=0.2, faults=Faults(firewall_agents=("python-httpx/",)))
    ) as server:
        yield server


def test_a_client_without_its_own_user_agent_is_banned_by_the_firewall(sim: SimServer) -> None:
    with httpx.Client(trust_env=False) as http:
        response = http.get(f"{sim.base_url}/api/v1/chat/credit", headers={"Authorization": f"Bearer {KEY}"})
    assert response.status_code == 403 and response.text == "error code: 1010"


def test_the_app_names_itself_and_passes(sim: SimServer, tmp_path: Path) -> None:
    write_image(tmp_path / "a.png")
    batch = run_upscale(sim.base_url, "a.png", "--out", "out", cwd=tmp_path)
    assert batch.returncode == EXIT_OK, batch.explain()
    assert sim.stats.faults_served.get("firewall", 0) == 0


def test_a_firewall_ban_says_firewall_not_key_and_keeps_the_jobs(sim: SimServer, tmp_path: Path) -> None:
    write_image(tmp_path / "a.png")
    write_image(tmp_path / "b.png", size=(30, 20))
    sim.config.faults.firewall_agents = ("crisp-upscaler/",)  # a rule that catches the app too
    batch = run_upscale(sim.base_url, "a.png", "b.png", "--out", "out", cwd=tmp_path)
    assert batch.returncode == EXIT_BLOCKED, batch.explain()
    assert [line["status"] for line in batch.lines] == ["paused", "paused"], batch.explain()
    for line in batch.lines:
        assert "firewall" in line["error"] and "1010" in line["error"], line
    assert "key" not in batch.stderr.replace("not about your API key", ""), batch.explain()
    assert "firewall" in batch.stderr
    assert sim.stats.creates == 0
    sim.config.faults.firewall_agents = ()  # KIE lifted the rule: the same command finishes the jobs
    again = run_upscale(sim.base_url, "a.png", "b.png", "--out", "out", cwd=tmp_path)
    assert again.returncode == EXIT_OK, again.explain()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a_crisp.png", "b_crisp.png"]
