"""Fitting a cell's text into the lines a row holds: wrapped at words, long words elided keeping their
end, and an error's first sentence (what is wrong, what to do) kept readable before anything else.

The layouts are remembered by text, font and size (`FittedLines`): a queue repaints its rows many
times a second during a batch, and their texts change far less often.
"""

from __future__ import annotations

import re
from collections import OrderedDict

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QTextLayout, QTextOption

END_KEPT = 16  # characters at most kept whole at the end of an elided word ("_crisp-12.webp")
ELLIPSIS = "…"
LAYOUTS_KEPT = 4000  # a few per row of a long queue; each is a few short strings
# A sentence ends at . ! or ? followed by a space and a capital (or a quote or bracket before one):
# "…cannot be read (a.b.png). Convert it…" ends after "(a.b.png).", not inside the file name.
_SENTENCE_END = re.compile(r"[.!?](?=\s+[\"'«(\[]?[^\W\d_])")


def fitted_lines(text: str, font: QFont, width: int, most: int) -> list[str]:
    """`text` wrapped at words into at most `most` lines of `width` pixels, each line elided to fit."""
    metrics = QFontMetrics(font)
    lines = wrapped(text, font, width)
    if len(lines) > most:
        rest = " ".join(lines[most - 1 :])
        return [*lines[: most - 1], metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)]
    return [elided_keeping_end(line, metrics, width) for line in lines]


def error_lines(text: str, font: QFont, width: int, most: int) -> list[str]:
    """An error in at most `most` lines: its first sentence whole when it fits, else its beginning and
    its end with the middle elided (what is wrong, and what to do, are both read); the rest of the
    text after it while there is room (the whole text is in the tooltip)."""
    headline, rest = split_headline(text)
    lines = wrapped(headline, font, width)
    metrics = QFontMetrics(font)
    if len(lines) <= most and _all_fit(lines, metrics, width):
        if rest and len(lines) < most:
            return [*lines, *fitted_lines(rest, font, width, most - len(lines))]
        return lines
    return _middle_elided(headline, font, width, most)


def split_headline(text: str) -> tuple[str, str]:
    """The first sentence, and what follows it (stripped; empty when the text is one sentence)."""
    end = _SENTENCE_END.search(text)
    if end is None:
        return text.strip(), ""
    return text[: end.end()].strip(), text[end.end() :].strip()


def wrapped(text: str, font: QFont, width: int) -> list[str]:
    """`text` wrapped at words into lines of `width` pixels (a word wider than that keeps its line)."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    spans: list[tuple[int, int]] = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        spans.append((line.textStart(), line.textLength()))
    layout.endLayout()
    return [text[start : start + length].strip() for start, length in spans]


def elided_keeping_end(text: str, metrics: QFontMetrics, width: int) -> str:
    """`text` elided to `width`, keeping whole its last part from the last "_" ("_crisp-1.png"), which
    tells two results apart; the start is elided after what fits. Halving the text (Qt's ElideMiddle)
    would cut into that end ("IMG_2024…risp.png")."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    cut = text.rfind("_")
    end = text[cut:] if cut > 0 and len(text) - cut <= END_KEPT else text[-END_KEPT:]
    room = width - metrics.horizontalAdvance(end)
    if room < metrics.horizontalAdvance("W…"):  # not even the end fits: Qt's own middle elision
        return metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, width)
    return metrics.elidedText(text[: len(text) - len(end)], Qt.TextElideMode.ElideRight, room) + end


def _all_fit(lines: list[str], metrics: QFontMetrics, width: int) -> bool:
    return all(metrics.horizontalAdvance(line) <= width for line in lines)


def _middle_elided(text: str, font: QFont, width: int, most: int) -> list[str]:
    """The most of `text`'s beginning and end (as much of each) that fits in `most` lines."""
    metrics = QFontMetrics(font)
    best = [ELLIPSIS]
    low, high = 0, len(text)
    while low <= high:  # the number of characters kept: more never fits where fewer did not
        kept = (low + high) // 2
        head, tail = text[: (kept + 1) // 2].rstrip(), text[len(text) - kept // 2 :].lstrip()
        lines = wrapped(f"{head}{ELLIPSIS}{tail}", font, width)
        if len(lines) <= most and _all_fit(lines, metrics, width):
            best, low = lines, kept + 1
        else:
            high = kept - 1
    return best


class FittedLines:
    """`fitted_lines` and `error_lines`, remembered for the texts last drawn."""

    def __init__(self, kept: int = LAYOUTS_KEPT) -> None:
        self._kept = kept
        self._lines: OrderedDict[tuple[str, str, int, int, bool], list[str]] = OrderedDict()

    def get(self, text: str, font: QFont, width: int, most: int, *, error: bool = False) -> list[str]:
        key = (text, font.key(), width, most, error)
        lines = self._lines.get(key)
        if lines is None:
            lines = (error_lines if error else fitted_lines)(text, font, width, most)
            self._lines[key] = lines
            if len(self._lines) > self._kept:
                self._lines.popitem(last=False)
        else:
            self._lines.move_to_end(key)
        return lines
