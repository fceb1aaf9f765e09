"""Installing translations: Qt's own (dialog buttons) and ours, compiled into resources/i18n/*.qm; and
the locale numbers are written in.

English needs a catalog too, for its plural forms only ("%n image(s)" -> "1 image", "3 images"):
upscaler_en.qm holds just those (lupdate -pluralonly). Numbers follow the system's locale when it speaks
the chosen language (its own separators), else the language's (Russian chosen on an English system
writes "1 234,5").
"""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from upscaler_gui.core import i18n, log
from upscaler_gui.ui.shell.resources import translations_dir

_installed: list[QTranslator] = []  # kept alive: a translator deleted by the GC stops translating


def language_for(setting: str) -> str:
    """'en' or 'ru' from the setting ('' follows the system)."""
    if setting in i18n.SUPPORTED:
        return setting
    return "ru" if QLocale.system().name().startswith("ru") else i18n.system_language()


def install_translations(app: QApplication, setting: str) -> str:
    lang = language_for(setting)
    i18n.set_language(lang)
    QLocale.setDefault(locale_for(lang))
    catalogs = [(f"upscaler_{lang}", str(translations_dir()))]
    if lang != "en":
        catalogs.insert(0, (f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)))
    for name, folder in catalogs:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            log.ui.info("no translation %s in %s", name, folder)
    return lang


def locale_for(lang: str) -> QLocale:
    system = QLocale.system()
    return system if system.name().split("_")[0] == lang else QLocale(lang)
