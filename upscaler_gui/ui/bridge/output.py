"""Where results go and how they are named, from the settings: what the engine and the watcher are given."""

from __future__ import annotations

from pathlib import Path

from upscaler_gui.core.jobs import OutputOptions
from upscaler_gui.core.settings import Settings, default_output_dir


def output_options(settings: Settings) -> OutputOptions:
    folder = str(Path(settings.output_dir or default_output_dir()).expanduser().resolve())
    return OutputOptions(
        folder=folder,
        template=settings.template,
        on_conflict=settings.on_conflict,  # type: ignore[arg-type]
        output_format=settings.output_format,
        quality=settings.quality,
        keep_metadata=settings.keep_metadata,
    )


def default_folder_text(settings: Settings) -> str:
    return settings.output_dir or str(default_output_dir())


def folder_path(settings: Settings) -> Path:
    return Path(default_folder_text(settings))
