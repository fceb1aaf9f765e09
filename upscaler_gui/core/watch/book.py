"""The ledger as the loop sees it: every entry of the folder in memory, written through to SQLite.

Lookups happen on every event and every rescan (10,000 files a minute): they must cost a dict access,
never a query. Writes update memory at once, then go to the ledger's worker thread in order.
"""

from __future__ import annotations

from pathlib import Path

from upscaler_gui.core.watch.files import FileStat
from upscaler_gui.core.watch.ledger import EXISTING, Ledger, LedgerEntry


class Book:
    def __init__(self, ledger: Ledger, entries: dict[str, LedgerEntry], *, include_existing: bool) -> None:
        self.ledger = ledger
        self._entries = entries
        self.include_existing = include_existing

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, path: Path) -> LedgerEntry | None:
        return self._entries.get(str(path))

    def is_new(self, path: Path | str, stat: FileStat) -> bool:
        """Never seen, changed since (size or mtime), or left at the first start and now asked for."""
        entry = self._entries.get(str(path))
        if entry is None or entry.stat != stat:
            return True
        return self.include_existing and entry.outcome == "ignored" and entry.note == EXISTING

    def queued(self) -> list[LedgerEntry]:
        """Files whose jobs had not ended when the ledger last heard of them."""
        return [entry for entry in self._entries.values() if entry.outcome == "queued" and entry.job_id]

    def entries(self) -> list[LedgerEntry]:
        return list(self._entries.values())

    def forget(self, paths: list[str]) -> None:
        for path in paths:
            self._entries.pop(path, None)
        self.ledger.forget_soon(paths)

    def remember(self, *entries: LedgerEntry) -> None:
        """Memory only (the caller writes them with `record` or `ledger.begin_folder`)."""
        for entry in entries:
            self._entries[entry.path] = entry

    def record(self, *entries: LedgerEntry) -> None:
        """Memory now; the ledger's thread writes them in order."""
        self.remember(*entries)
        self.ledger.write_soon(*entries)
