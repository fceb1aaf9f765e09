"""Numbers as the window's locale writes them: counts, sizes, credits, percentages.

QLocale() is the default locale, set with the language (ui/shell/i18n.py): "1 234,5" in Russian,
"1,234.5" in English. Units come from core's catalog (the CLI writes the same words).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale

from upscaler_gui.core.images import format_bytes

translate = QCoreApplication.translate  # literal contexts below: lupdate reads them


def count(n: int) -> str:
    return QLocale().toString(n)


def decimal(value: float, decimals: int = 2) -> str:
    """`value` with at most `decimals` decimals and no trailing zeros: 1234.5 -> "1,234.5"."""
    text = QLocale().toString(float(value), "f", decimals)
    point = QLocale().decimalPoint()
    if point in text:
        text = text.rstrip("0").rstrip(point)
    return text


def size(n_bytes: int) -> str:
    """812 KB, 2.1 MB: core's units with the locale's digits."""
    return format_bytes(n_bytes, lambda value, decimals: QLocale().toString(float(value), "f", decimals))


def credits_amount(value: float) -> str:
    return decimal(value, 2)


def percent(fraction: float) -> str:
    """0.35 -> "35%" ("35 %" in Russian)."""
    number = count(round(fraction * 100))
    return translate("Numbers", "{number}%").format(number=number)
