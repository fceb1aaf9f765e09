"""Where results go and how they are named, from the settings: what the engine and the watcher are given."""

from __future__ import annotations

from pathlib import Path

from upscaler_gui.core.connection import demo_results_folder
from upscaler_gui.core.jobs import OutputOptions
from upscaler_gui.core.settings import Settings, default_output_dir


def output_options(settings: Settings, *, demo: bool = False) -> OutputOptions:
    """The settings' result options, checked like the command line's (`InputError` says what is wrong);
    the demo's results in their own folder inside the chosen one, as `upscale --demo` puts them."""
    return OutputOptions.checked(
        folder_path(settings, demo=demo),
        template=settings.template,
        on_conflict=settings.on_conflict,
        output_format=settings.output_format,
        quality=settings.quality,
        keep_metadata=settings.keep_metadata,
        fit_bytes=settings.fit_to_limit,
        fit_pixels=settings.fit_pixels,
        keep_tree=settings.keep_tree,
    )


def default_folder_text(settings: Settings) -> str:
    return settings.output_dir or str(default_output_dir())


def folder_path(settings: Settings, *, demo: bool = False) -> Path:
    """Where results go: the chosen folder, or its `demo` folder while the demo runs."""
    folder = Path(default_folder_text(settings))
    return demo_results_folder(folder) if demo else folder
