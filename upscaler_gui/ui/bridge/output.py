"""Where results go and how they are named, from the settings: what the engine and the watcher are given."""

from __future__ import annotations

from pathlib import Path

from upscaler_gui.core.jobs import OutputOptions
from upscaler_gui.core.settings import Settings, default_output_dir


def output_options(settings: Settings) -> OutputOptions:
    """The settings' result options, checked like the command line's (`InputError` says what is wrong)."""
    return OutputOptions.checked(
        settings.output_dir or default_output_dir(),
        template=settings.template,
        on_conflict=settings.on_conflict,
        output_format=settings.output_format,
        quality=settings.quality,
        keep_metadata=settings.keep_metadata,
    )


def default_folder_text(settings: Settings) -> str:
    return settings.output_dir or str(default_output_dir())


def folder_path(settings: Settings) -> Path:
    return Path(default_folder_text(settings))
