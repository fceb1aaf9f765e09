"""Translation of core messages, without Qt (core must import with PySide6 absent).

Messages are written in English in the code and looked up in `locale/<lang>.json` catalogs
(English text -> translation). The window uses Qt's `tr` for its own text; the texts that come out of
core (errors, hints) go through `tr` here so that the window and the CLI show the same translation.
"""

from __future__ import annotations

import json
import os
from functools import cache
from importlib import resources

SUPPORTED = ("en", "ru")
ENV_LANG = "UPSCALER_GUI_LANG"

_language = ""


def system_language() -> str:
    """'ru' when the environment asks for Russian, else 'en'."""
    for var in (ENV_LANG, "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "").strip().lower()
        if value:
            return "ru" if value.startswith("ru") else "en"
    return "en"


def set_language(code: str) -> None:
    """Choose the language of core messages; '' means follow the system."""
    global _language  # noqa: PLW0603 - one process-wide choice, like QTranslator's install
    _language = code if code in SUPPORTED else ""


def language() -> str:
    return _language or system_language()


@cache
def _catalog(code: str) -> dict[str, str]:
    if code == "en":
        return {}
    text = resources.files("upscaler_gui.core.locale").joinpath(f"{code}.json").read_text("utf-8")
    catalog: dict[str, str] = json.loads(text)
    return catalog


def tr(text: str) -> str:
    """The message in the chosen language (English when no translation exists)."""
    return _catalog(language()).get(text, text)
