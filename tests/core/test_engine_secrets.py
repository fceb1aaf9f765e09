"""A link's secrets in the engine: KIE gets the working link; the store forgets it once the job ended."""

from __future__ import annotations

from pathlib import Path

from tests.core.engine_helpers import engine_on, items, options_for, running_sim, serve_folder, settle
from tests.imagefactory import write_image
from upscaler_gui.core.jobs import JobState
from upscaler_gui.core.store import JobStore

TOKEN = "tok-Yq48Hs2v"


async def test_retry_after_a_restart_asks_for_the_link_again_and_sends_nothing(tmp_path: Path) -> None:
    write_image(tmp_path / "site" / "a.png")
    store_path, out = tmp_path / "jobs.db", tmp_path / "out"
    with serve_folder(tmp_path / "site") as site, running_sim(tmp_path) as sim:
        link = f"{site}/a.png?token={TOKEN}"
        async with engine_on(sim, store_path) as engine:
            await engine.add(items(link), options_for(out))
            (done,) = await settle(engine)
            assert done.state == JobState.DONE and done.given == f"{site}/a.png?token=***"
            (out / "a_crisp.png").unlink()
            again = await engine.run_again(done.id)  # the same session still holds the link
            assert again is not None and again.source_url == link
            (done,) = await settle(engine)
            assert done.state == JobState.DONE and sim.stats.creates == 2
        store = JobStore(store_path)
        kept = store.all()
        store.close()
        assert [job.source_url for job in kept] == [f"{site}/a.png?token=***"]
        async with engine_on(sim, store_path) as window:  # the window after a restart: run the row again
            window.track(kept)
            await window.run_again(done.id)
            (job,) = await settle(window)
        assert job.state == JobState.FAILED
        assert job.error is not None and "add the link again" in job.error, job.error
        assert sim.stats.creates == 2  # nothing sent with a link that cannot work
