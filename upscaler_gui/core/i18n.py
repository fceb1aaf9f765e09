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


# --- messages that can be shown again in another language ------------------------------------------

Source = tuple[tuple[str, dict[str, object]], ...]  # (English template, its arguments), in order


class Text(str):
    """A translated message that remembers how it was made: its English templates and their
    arguments. A job's error is stored with them, so the window shows it in the language chosen
    later, not the one active when the job failed (see `shown`)."""

    source: Source

    def __new__(cls, shown: str, source: Source = ()) -> Text:
        text = super().__new__(cls, shown)
        text.source = source
        return text

    def format(self, *args: object, **kwargs: object) -> Text:
        """Formatted like str.format; keeps its template and arguments (keyword arguments only)."""
        shown = str.format(self, *args, **kwargs)
        if args or len(self.source) != 1 or self.source[0][1]:
            return Text(shown)  # not one plain template: shown as it is, in the language of now
        return Text(shown, ((self.source[0][0], dict(kwargs)),))


def tr(text: str) -> Text:
    """The message in the chosen language (English when no translation exists)."""
    return Text(_catalog(language()).get(text, text), ((text, {}),))


def joined(*parts: str) -> Text:
    """Sentences joined by a space (a message and its hint), keeping what each was made from."""
    present = [part for part in parts if part]
    source: Source = ()
    for part in present:
        if not isinstance(part, Text) or not part.source:
            return Text(" ".join(present))  # a part of unknown making: shown as it is
        source += part.source
    return Text(" ".join(present), source)


def shown(text: str | None, language_code: str | None = None) -> str:
    """A stored message in the chosen language: made again from its templates when they are known."""
    if not isinstance(text, Text) or not text.source:
        return text or ""
    catalog = _catalog(language_code or language())
    return " ".join(_render(template, args, catalog) for template, args in text.source)


def _render(template: str, args: dict[str, object], catalog: dict[str, str]) -> str:
    values = {name: shown(value) if isinstance(value, Text) else value for name, value in args.items()}
    try:
        return catalog.get(template, template).format(**values)
    except (KeyError, IndexError, ValueError):  # a catalog entry that lost a placeholder: English
        return template.format(**values)


def encode(text: str | None) -> str | None:
    """A Text's making as JSON for the job store (its string arguments as given, which the caller has
    already cleared of secrets); None for a plain string."""
    if not isinstance(text, Text) or not text.source:
        return None
    return json.dumps([[template, _encoded_args(args)] for template, args in text.source])


def _encoded_args(args: dict[str, object]) -> dict[str, object]:
    return {
        name: {"text": json.loads(encode(value) or "[]"), "shown": str(value)}
        if isinstance(value, Text)
        else value
        if isinstance(value, int | float)
        else str(value)
        for name, value in args.items()
    }


def decode(shown_text: str | None, stored: str | None) -> str | None:
    """The Text a stored message was, or the plain string when its making was not stored."""
    if shown_text is None or not stored:
        return shown_text
    try:
        source: Source = tuple((str(t), _decoded_args(a)) for t, a in json.loads(stored))
    except (ValueError, TypeError):
        return shown_text
    return Text(shown_text, source)


def _decoded_args(args: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, value in args.items():
        if isinstance(value, dict) and "text" in value:
            out[name] = decode(str(value.get("shown", "")), json.dumps(value["text"]))
        else:
            out[name] = value
    return out
