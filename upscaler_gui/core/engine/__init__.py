"""The job engine: a persistent, paced, pausable queue that never loses a job or pays twice."""

from upscaler_gui.core.engine.engine import Engine, EngineOptions
from upscaler_gui.core.engine.events import EngineEvents, Hook, PauseReason, QueueSummary
from upscaler_gui.core.engine.intake import Admission
from upscaler_gui.core.engine.pacer import Limit, Pacer
from upscaler_gui.core.engine.session import open_engine

__all__ = [
    "Admission",
    "Engine",
    "EngineEvents",
    "EngineOptions",
    "Hook",
    "Limit",
    "Pacer",
    "PauseReason",
    "QueueSummary",
    "open_engine",
]
