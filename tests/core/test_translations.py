"""Core's Russian catalog: every message core passes to `tr` has an entry, with the same placeholders.

No Qt here. The messages are found by reading the source (`ast`): each call to the `tr` imported from
`upscaler_gui.core.i18n` whose argument is a string literal or a module-level string constant. The few
calls that translate a variable (a table of messages) are listed in `KNOWN_DYNAMIC`, and their tables are
read from the imported modules, so a new message cannot slip past the catalog unnoticed.
"""

from __future__ import annotations

import ast
import json
import string
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import upscaler_gui.core
from upscaler_gui.core import i18n, images, localfiles, sources, store_errors
from upscaler_gui.core.errors import ImageError, KieError
from upscaler_gui.core.kie import answers

CORE = Path(upscaler_gui.core.__file__).parent
CATALOG = CORE / "locale" / "ru.json"
I18N_MODULE = "upscaler_gui.core.i18n"

# Calls that translate a variable, by file (relative to core) and the call as written; their messages
# come from `table_messages()`. A new one fails `test_every_tr_call_is_understood` until listed here.
KNOWN_DYNAMIC = {
    ("images.py", "tr(name)"),
    ("localfiles.py", "tr(name)"),
    ("images.py", "tr(_FTYP_BRANDS.get(head[8:12], 'an ISO media file (HEIC/AVIF/MP4)'))"),
    ("kie/answers.py", "tr(message)"),
    ("kie/answers.py", "tr(hint)"),
    ("store_errors.py", "tr(message)"),
    ("store_errors.py", "tr(hint)"),
}
# Catalog entries whose Russian is the English text on purpose (nothing in them to translate).
SAME_IN_RUSSIAN = {"HTTP {status}: {preview}"}


@dataclass(frozen=True)
class TrCall:
    path: str  # relative to core, with '/'
    line: int
    text: str | None  # None: the argument is neither a literal nor a module-level string constant
    source: str  # the call as written (normalised by ast.unparse)
    inner: tuple[str, ...] = ()  # string literals inside a dynamic argument (a .get default)


def _tr_names(tree: ast.Module) -> set[str]:
    """The local names of `tr` imported from core's i18n."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == I18N_MODULE
        for alias in node.names
        if alias.name == "tr"
    }


def _string_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level `NAME = "text"` (annotated or not)."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            found.update({target.id: value.value for target in targets if isinstance(target, ast.Name)})
    return found


def _calls_in(path: Path, root: Path) -> Iterator[TrCall]:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    names = _tr_names(tree)
    constants = _string_constants(tree)
    relative = path.relative_to(root).as_posix()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names):
            continue
        arg = node.args[0] if node.args else None
        text: str | None = None
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            text = arg.value
        elif isinstance(arg, ast.Name):
            text = constants.get(arg.id)
        inner = ()
        if text is None and arg is not None:
            inner = tuple(
                n.value for n in ast.walk(arg) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            )
        yield TrCall(relative, node.lineno, text, ast.unparse(node), inner)


def tr_calls(root: Path = CORE) -> list[TrCall]:
    """Every call to core's `tr` under `root`, in file and line order."""
    calls = [call for path in sorted(root.rglob("*.py")) for call in _calls_in(path, root)]
    return sorted(calls, key=lambda call: (call.path, call.line))


def table_messages() -> list[str]:
    """The messages core keeps in tables and translates through a variable (see KNOWN_DYNAMIC)."""
    found = [name for _offset, _magic, name in images._OTHER_MAGIC]
    found += images._FTYP_BRANDS.values()
    found += [name for _test, name in localfiles._KINDS]
    found += [text for _words, message, hint in store_errors._KINDS for text in (message, hint)]
    found += list(store_errors._OTHER)
    specs = [
        value
        for value in vars(answers).values()
        if isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], type)
    ]
    specs += answers._BY_CODE.values()
    found += [text for cls, message, hint in specs if issubclass(cls, KieError) for text in (message, hint)]
    return found


def core_messages(root: Path = CORE) -> list[str]:
    """Every English message core translates, each once, in source order (tables last)."""
    found: list[str] = []
    for call in tr_calls(root):
        found += [call.text] if call.text is not None else call.inner
    return list(dict.fromkeys([*found, *table_messages()]))


def placeholders(text: str) -> Counter[tuple[str, str, str]]:
    """The `{name!conversion:spec}` fields of a str.format template, as (name, conversion, spec)."""
    return Counter(
        (name, conversion or "", spec or "")
        for _literal, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    )


def load_catalog() -> dict[str, str]:
    def no_duplicates(pairs: list[tuple[str, str]]) -> dict[str, str]:
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), [key for key, n in Counter(keys).items() if n > 1]
        return dict(pairs)

    catalog: dict[str, str] = json.loads(CATALOG.read_text("utf-8"), object_pairs_hook=no_duplicates)
    return catalog


@pytest.fixture
def russian() -> Iterator[None]:
    i18n.set_language("ru")
    try:
        yield
    finally:
        i18n.set_language("")


# --- the walker itself ---------------------------------------------------------------------------------


def test_walker_resolves_literals_and_module_constants() -> None:
    messages = core_messages()
    assert "No such file or folder: {path}" in messages  # a literal
    assert sources.NO_IMAGES_IN_FOLDER in messages  # tr(NO_IMAGES_IN_FOLDER)
    assert "an ISO media file (HEIC/AVIF/MP4)" in messages  # a literal inside a dynamic argument
    assert "Your KIE account is out of credits{detail}." in messages  # a table
    assert len(messages) > 150


def test_walker_reads_aliases_and_ignores_other_tr(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "from upscaler_gui.core.i18n import tr as _\nfrom x import tr\nWHY = 'b'\n"
        "_('a {n}')\n_(WHY)\ntr('not ours')\n",
        "utf-8",
    )
    assert [call.text for call in tr_calls(tmp_path)] == ["a {n}", "b"]


def test_every_tr_call_is_understood() -> None:
    dynamic = {(call.path, call.source) for call in tr_calls() if call.text is None}
    assert dynamic == KNOWN_DYNAMIC, "list a new table-driven tr() in KNOWN_DYNAMIC and table_messages()"


# --- the catalog ---------------------------------------------------------------------------------------


def test_every_core_message_has_a_russian_entry() -> None:
    catalog = load_catalog()
    missing = [text for text in core_messages() if not catalog.get(text, "").strip()]
    assert not missing, "add to upscaler_gui/core/locale/ru.json:\n" + "\n".join(missing)


def test_translations_keep_the_placeholders() -> None:
    wrong = {
        text: russian
        for text, russian in load_catalog().items()
        if placeholders(text) != placeholders(russian)
    }
    assert not wrong


def test_catalog_has_no_stale_entries() -> None:
    stale = set(load_catalog()) - set(core_messages())
    assert not stale, "no longer in the code (remove from ru.json):\n" + "\n".join(sorted(stale))


def test_entries_are_russian() -> None:
    cyrillic = {chr(code) for code in range(ord("а"), ord("я") + 1)}
    untranslated = [
        text
        for text, russian in load_catalog().items()
        if text not in SAME_IN_RUSSIAN and not cyrillic & set(russian.lower())
    ]
    assert not untranslated


# --- core messages switch language ---------------------------------------------------------------------


def test_core_messages_follow_set_language() -> None:
    i18n.set_language("en")
    try:
        with pytest.raises(ImageError, match="The file is empty"):
            images.check_bytes(b"")
        i18n.set_language("ru")
        with pytest.raises(ImageError) as caught:
            images.check_bytes(b"")
        assert caught.value.user_text() == "Файл пуст (0 байт). Выберите изображение заново."
    finally:
        i18n.set_language("")


@pytest.mark.usefixtures("russian")
def test_table_messages_and_fragments_are_russian() -> None:
    error = answers.error_for_code(402, "no money")
    assert error.user_text() == (
        "На счёте KIE закончились кредиты (no money). Пополните баланс на kie.ai и продолжите."
    )
    png_named_gif = b"GIF89a" + b"\0" * 40
    with pytest.raises(ImageError) as caught:
        images.check_bytes(png_named_gif)
    assert caught.value.message == "Это изображение GIF, а не PNG, JPEG или WEBP."


@pytest.mark.usefixtures("russian")
def test_rejected_inputs_are_russian(tmp_path: Path) -> None:
    (empty := tmp_path / "empty").mkdir()
    reasons = [getattr(item, "error", "") for given in ("", str(empty)) for item in sources.classify(given)]
    assert reasons == [
        "Пустая строка — не входные данные.",
        "В этой папке нет изображений (учитываются PNG, JPEG, WEBP, HEIC, AVIF, TIFF, BMP и GIF;"
        " скрытые и недокачанные файлы — нет).",
    ]
