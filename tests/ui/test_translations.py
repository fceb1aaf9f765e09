"""The window's Russian: the .ts matches the code and is fully translated, the .qm is current and loads,
and a Russian window and settings dialog show Russian (screenshots saved to look at).

The window's texts are found by reading the source (`ast`), as lupdate does: `self.tr("...")` inside a
class (context: the class) and `QCoreApplication.translate("Context", "...")` (or its `translate`
alias). lupdate cannot see through a wrapper or a variable, so any other form fails here.
"""

from __future__ import annotations

import ast
import re
import string
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QMimeData, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QGroupBox, QLabel
from pytestqt.qtbot import QtBot

import upscaler_gui.ui
from tests.imagefactory import image_bytes, write_image
from tests.ui.settings_driver import SettingsDialogDriver
from tests.ui.window_helpers import SCREENSHOTS, drop, file_mime, run, until, window_env
from upscaler_gui.core import i18n as core_i18n
from upscaler_gui.core.settings import Settings
from upscaler_gui.ui.queue.model import elapsed_text
from upscaler_gui.ui.shell import i18n as ui_i18n
from upscaler_gui.ui.shell.resources import translations_dir
from upscaler_gui.ui.window.pages import PAGE_DROP, PAGE_FIRST_RUN

UI = Path(upscaler_gui.ui.__file__).parent
TS = translations_dir() / "upscaler_ru.ts"
QM = translations_dir() / "upscaler_ru.qm"
TR_NAMES = {"tr", "translate"}


# --- reading the code and the .ts ----------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    context: str
    source: str
    translation: str
    kind: str  # the <translation type="..."> attribute: "" when finished


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


class _Collector(ast.NodeVisitor):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.classes: list[str] = []
        self.found: set[tuple[str, str]] = set()
        self.unreadable: list[str] = []  # calls lupdate cannot read

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "tr" and isinstance(func, ast.Attribute) and self.classes:
            self._add(node, self.classes[-1], _literal(node.args[0] if node.args else None))
        elif name == "translate":
            args = [*node.args, None, None]
            self._add(node, _literal(args[0]), _literal(args[1]))
        elif name in TR_NAMES or name.endswith("_tr"):
            self.unreadable.append(f"{self.path.name}:{node.lineno}: {ast.unparse(node)}")
        self.generic_visit(node)

    def _add(self, node: ast.Call, context: str | None, text: str | None) -> None:
        if context is None or text is None:
            self.unreadable.append(f"{self.path.name}:{node.lineno}: {ast.unparse(node)}")
        else:
            self.found.add((context, text))


def ui_texts() -> tuple[set[tuple[str, str]], list[str]]:
    """(every (context, text) the window translates, the calls lupdate could not read)."""
    found: set[tuple[str, str]] = set()
    unreadable: list[str] = []
    for path in sorted(UI.rglob("*.py")):
        collector = _Collector(path)
        collector.visit(ast.parse(path.read_text("utf-8"), str(path)))
        found |= collector.found
        unreadable += collector.unreadable
    return found, unreadable


def ts_entries(path: Path = TS) -> list[Entry]:
    entries = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            entries.append(
                Entry(
                    name,
                    message.findtext("source", ""),
                    translation.text or "",
                    translation.get("type", ""),
                )
            )
    return entries


def placeholders(text: str) -> Counter[tuple[str, str, str]]:
    return Counter(
        (name, conversion or "", spec or "")
        for _literal, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    )


def mnemonic(text: str) -> str | None:
    found = re.search(r"&([^&\s])", text)
    return found.group(1).lower() if found else None


# --- the catalog ---------------------------------------------------------------------------------------


def test_lupdate_can_read_every_translated_text() -> None:
    _found, unreadable = ui_texts()
    assert not unreadable, "use literal tr()/translate() calls:\n" + "\n".join(unreadable)


def test_the_ts_matches_the_code() -> None:
    in_code, _ = ui_texts()
    in_ts = {(entry.context, entry.source) for entry in ts_entries()}
    assert not in_code - in_ts, "run resources/i18n/update.py, then translate the new entries"
    assert not in_ts - in_code, "stale entries: run resources/i18n/update.py (lupdate -no-obsolete)"


def test_every_entry_is_translated_and_finished() -> None:
    entries = ts_entries()
    assert len(entries) > 100
    assert [e for e in entries if e.kind or not e.translation.strip()] == []


def test_translations_keep_placeholders_mnemonics_and_spacing() -> None:
    for entry in ts_entries():
        source, russian = entry.source, entry.translation
        assert placeholders(russian) == placeholders(source), entry
        assert (mnemonic(source) is None) == (mnemonic(russian) is None), entry
        assert russian.count("…") == source.count("…"), entry
        assert (russian[:1] == " ", russian[-1:] == " ") == (source[:1] == " ", source[-1:] == " "), entry
        assert russian.count("<br>") == source.count("<br>"), entry


def test_settings_mnemonics_do_not_clash() -> None:
    # S&how and &Hide are one button's two texts, never shown together.
    letters = [
        mnemonic(e.translation)
        for e in ts_entries()
        if e.context == "SettingsDialog" and e.source != "&Hide" and mnemonic(e.translation)
    ]
    assert len(letters) == len(set(letters)), Counter(letters).most_common(3)


def test_the_qm_is_compiled_from_the_current_ts() -> None:
    translator = QTranslator()
    assert translator.load(str(QM))
    assert translator.language() == "ru_RU"
    stale = [e for e in ts_entries() if translator.translate(e.context, e.source) != e.translation]
    assert not stale, "run resources/i18n/update.py to compile the .qm again"


def test_the_qm_translates_window_texts_under_their_contexts() -> None:
    translator = QTranslator()
    assert translator.load("upscaler_ru", str(translations_dir()))
    samples = {
        ("MainToolbar", "Add files…"): "Добавить файлы…",
        ("OutputFolderRow", "Results go to:"): "Папка результатов:",
        ("SettingsDialog", "Output &folder:"): "Папка &результатов:",
        ("JobTableModel", "Done"): "Готово",
        ("Drop", "This file link has no path."): "В ссылке на файл нет пути.",
        ("KeyTest", "Key works: {balance} credits"): "Ключ работает. Кредитов на счёте: {balance}",
        ("SettingsFlow", "The language changes at the next start."): "Язык сменится при следующем запуске.",
    }
    for (context, source), russian in samples.items():
        assert translator.translate(context, source) == russian
    assert translator.translate("NoSuchContext", "Add files…") == ""  # contexts matter


# --- a Russian window ----------------------------------------------------------------------------------


@pytest.fixture
def russian_ui(qapp: QApplication) -> Iterator[None]:
    """Qt's and our Russian installed as the app does it; removed after, so other tests stay English."""
    before = len(ui_i18n._installed)
    assert ui_i18n.install_translations(qapp, "ru") == "ru"
    added = ui_i18n._installed[before:]
    assert added, "no translator was installed"
    try:
        yield
    finally:
        for translator in added:
            QCoreApplication.removeTranslator(translator)
            ui_i18n._installed.remove(translator)
        core_i18n.set_language("")
        assert QCoreApplication.translate("MainToolbar", "Add files…") == "Add files…"


@pytest.mark.usefixtures("russian_ui")
def test_a_russian_window_first_run_and_drop_zone(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        async with window_env(tmp_path) as env:
            window = env.window
            assert window.pages.currentIndex() == PAGE_FIRST_RUN
            toolbar = [action.text() for action in (window.toolbar.add_files, window.toolbar.open_settings)]
            assert toolbar == ["Добавить файлы…", "Настройки…"]
            assert window.toolbar.start_pause.text() == "Пауза"
            labels = [label.text() for label in window.first_run.findChildren(QLabel)]
            assert "Добро пожаловать в Crisp Upscaler" in labels
            assert window.first_run.save_button.text() == "Сохранить ключ"
            assert window.status.connection_label.text() == "Нет ключа"
            env.screenshot("ru-first-run")
            window.first_run.demo_requested.emit()
            await until(lambda: window.pages.currentIndex() == PAGE_DROP, what="the drop zone")
            assert window.status.connection_label.text() == "Офлайн-демо"
            env.screenshot("ru-empty")

    run(qloop, scenario())


@pytest.mark.integration  # the window driven against the sim
@pytest.mark.usefixtures("russian_ui")
def test_a_russian_queue_with_core_reasons(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        (tmp_path / "anim.gif").write_bytes(image_bytes("GIF"))
        (tmp_path / "icon.ico").write_bytes(image_bytes("ICO", (32, 32)))
        good = write_image(tmp_path / "good.png", "PNG", (160, 120))
        async with window_env(tmp_path) as env:
            await env.connect()
            inputs = (tmp_path / "anim.gif", tmp_path / "icon.ico", good, tmp_path / "missing.png")
            assert drop(env.window, file_mime(*inputs))
            await env.all_finished(4)
            model = env.window.model
            info = {job.display_name: model.info_text(job) for job in env.jobs()}
            # a GIF is converted before upload, and its row says so once it is done
            assert (
                info["anim.gif"] == "Сохранено как anim_crisp.png Преобразовано из GIF в PNG перед загрузкой."
            )
            assert info["icon.ico"] == (
                "Это значок ICO, а не изображение, которое можно увеличить (PNG, JPEG, WEBP, HEIC, AVIF,"
                " TIFF, BMP, GIF). Сначала преобразуйте его в PNG или JPEG."
            )
            assert info["good.png"] == "Сохранено как good_crisp.png"
            done = next(job for job in env.jobs() if job.display_name == "good.png")
            assert model.size_text(done).endswith(" КБ")  # units are Russian too
            assert elapsed_text(5) == "5 с" and elapsed_text(75) == "1:15"
            missing = next(text for name, text in info.items() if "missing.png" in name)
            assert missing.startswith("Нет такого файла или папки: ")
            states = {model.state_text(job) for job in env.jobs()}
            assert states == {"Готово", "Ошибка"}
            assert (
                model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == "Изображение"
            )
            assert env.window.status.counts_label.text() == "2 готово · 2 с ошибкой"
            links = QMimeData()
            links.setText("ftp://example.com/a.png\nftp://example.com/b.png")
            drop(env.window, links)
            message = env.window.status.currentMessage()
            assert "(а эта — ftp)" in message and message.endswith(" (и ещё 1)")
            row = next(i for i, job in enumerate(env.jobs()) if job.display_name == "good.png")
            env.window.view.selectRow(row)
            compare = env.window.compare
            await until(lambda: "320" in compare.after_label_text(), what="the compare images")
            assert compare.before_label_text().startswith("До 160 × 120")
            env.screenshot("ru-queue")

    run(qloop, scenario())


@pytest.mark.usefixtures("russian_ui")
def test_a_russian_settings_dialog(qtbot: QtBot) -> None:
    user = SettingsDialogDriver.open(qtbot, Settings(language="ru"), has_saved_key=True)
    dialog = user.dialog
    assert dialog.windowTitle() == "Настройки"
    assert "Аккаунт KIE" in [box.title() for box in dialog.findChildren(QGroupBox)]
    assert user.test_key_button.text() == "&Проверить ключ"
    assert user.choose_folder_button.text() == "В&ыбрать…"
    assert user.example.text().startswith("Пример: ")
    user.press_test_key()
    works = QCoreApplication.translate("KeyTest", "Key works: {balance} credits")
    dialog.show_key_test_result(True, works.format(balance="123.5"))
    assert user.key_status.text() == "Ключ работает. Кредитов на счёте: 123.5"
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    SCREENSHOTS.mkdir(exist_ok=True)
    assert dialog.grab().save(str(SCREENSHOTS / "ru-settings.png"))
