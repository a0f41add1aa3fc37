"""What the workbench writes to disk: the query history, saved queries, and exported results.

Every write runs in a worker thread on the screen (the UI never waits on the disk), and a
failing write is a notification, never an error that ends the app.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from textual.screen import Screen

from montui.model.logs import QueryResult
from montui.model.result_format import export_format, rows_as_csv, rows_as_json, rows_as_jsonl
from montui.querybook import HistoryEntry, QueryBook, QueryBookError, SavedQuery


class QueryFiles:
    """The workbench's `QueryBook` (None: no history, nothing saved) and its exports."""

    def __init__(self, screen: Screen[None], book: QueryBook | None) -> None:
        self.screen = screen
        self.book = book

    def recall_list(self) -> tuple[str, ...]:
        """The queries of the history, newest first, each once (the editor's ctrl+↑)."""
        if self.book is None:
            return ()
        return tuple(dict.fromkeys(entry.query for entry in self.book.history))

    def remember(self, entry: HistoryEntry, then: Callable[[], None]) -> None:
        """Add `entry` to the history, then call `then` (not when the write failed)."""
        book = self.book
        if book is None:
            return

        async def write() -> None:
            try:
                await asyncio.to_thread(book.add_history, entry)
            except QueryBookError as exc:
                self.screen.notify(f"The query history was not saved: {exc}", severity="warning")
                return
            then()

        self.screen.run_worker(write(), group="history", exit_on_error=False)

    def save(self, saved: SavedQuery) -> None:
        """Save `saved` (the same name replaces)."""
        if self.book is not None:
            book = self.book
            self._write(lambda: book.save_query(saved), f"Saved as {saved.name!r}")

    def delete(self, name: str) -> None:
        """Forget the saved query `name`."""
        if self.book is not None:
            book = self.book
            self._write(lambda: book.delete_saved(name))

    def _write(self, write: Callable[[], object], done: str = "") -> None:
        async def run() -> None:
            try:
                await asyncio.to_thread(write)
            except QueryBookError as exc:
                self.screen.notify(str(exc), title="Not saved", severity="error")
                return
            if done:
                self.screen.notify(done)

        self.screen.run_worker(run(), group="book", exit_on_error=False)

    def export(self, result: QueryResult, path: Path) -> None:
        """Write `result`'s rows to `path` (its suffix picks CSV, JSON Lines or JSON)."""
        kind = export_format(str(path)) or ""
        render = {"csv": rows_as_csv, "jsonl": rows_as_jsonl}.get(kind, rows_as_json)
        body = render(result)

        async def write() -> None:
            try:
                await asyncio.to_thread(path.write_text, body, encoding="utf-8")
            except OSError as exc:
                self.screen.notify(
                    f"{path}: {exc.strerror or exc}", title="Not exported", severity="error"
                )
                return
            self.screen.notify(f"{len(result.rows):,} rows written to {path}")

        self.screen.run_worker(write(), group="export", exit_on_error=False)
