"""Messages a job keeps are shown in the language chosen now, not the one active when they were made."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.engine_helpers import engine_on, images, run_batch, running_sim
from upscaler_gui.core import i18n
from upscaler_gui.core.errors import InputError
from upscaler_gui.core.i18n import Text, decode, encode, joined, shown, tr
from upscaler_gui.core.jobs import JobState
from upscaler_gui.core.redact import register_secret
from upscaler_gui.core.store import JobStore
from upscaler_gui.sim import Faults


@pytest.fixture
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language("")


def test_a_formatted_message_comes_back_in_the_language_of_now(english: None) -> None:
    cannot_read = tr("Cannot read {name} ({reason}).")
    made = joined(cannot_read.format(name="a.png", reason="gone"), tr("Check the file."))
    assert made == "Cannot read a.png (gone). Check the file."
    stored = decode(str(made), encode(made))
    i18n.set_language("ru")
    russian = tr("Cannot read {name} ({reason}).").format(name="a.png", reason="gone")
    assert russian.startswith("Не удаётся прочитать a.png")
    assert shown(stored) == f"{russian} Check the file."  # no Russian for this hint: English, as made
    assert shown("a plain string stays as it is") == "a plain string stays as it is"


def test_an_error_keeps_no_secret_in_what_it_was_made_from(english: None) -> None:
    register_secret("k-secret-123456")
    error = InputError(tr("Cannot read {name} ({reason}).").format(name="k-secret-123456.png", reason="x"))
    text = error.user_text()
    assert isinstance(text, Text) and "k-secret-123456" not in text
    assert "k-secret-123456" not in (encode(text) or "")
    i18n.set_language("ru")
    assert "k-secret-123456" not in shown(decode(str(text), encode(text)))


async def test_a_failed_jobs_error_is_shown_in_russian_after_the_switch(
    english: None, tmp_path: Path
) -> None:
    (a,) = images(tmp_path / "in", 1)
    with running_sim(tmp_path, faults=Faults(rate_task_fail=1.0, transient_fail_share=0.0)) as sim:
        async with engine_on(sim, tmp_path / "jobs.db") as engine:
            _, (failed,) = await run_batch(engine, [a], tmp_path / "out")
    assert failed.state == JobState.FAILED and (failed.error or "").startswith("KIE could not upscale")
    store = JobStore(tmp_path / "jobs.db")
    (kept,) = store.all()
    store.close()
    i18n.set_language("ru")
    again = shown(kept.error)
    assert again.startswith("KIE не удалось") or again.startswith("KIE не смог"), again
    assert "could not be processed" in again  # KIE's own words stay as KIE said them
