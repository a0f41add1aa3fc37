"""The workbench's query history and saved queries, kept as two JSON files in one directory
(`montui.config.user_data_dir()` in the app): `history.json` and `saved.json`.

Each file is replaced atomically on every change (`montui.atomic_file`: temp file in the same
directory, fsync, `os.replace`, fsync of the directory), so a crash or a kill mid-write leaves
either the old file or the new one, never half of one; the temp file such a kill leaves is
removed at the next write or load. A file that cannot be read or decoded is renamed
aside (`history.json.corrupt-20261121T033000Z`) with a warning, and the book starts empty:
bad content never stops the app. Two montui processes writing at once do not corrupt the
files, but the last writer's list wins.

Like config.py it imports only the stdlib and msgspec: no textual, no AWS libraries.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, TypeVar

import msgspec
from msgspec import Struct

from montui.atomic_file import reason, remove_leftover_temp_files, set_aside, write_atomic

__all__ = ["HistoryEntry", "QueryBook", "QueryBookError", "SavedQuery"]

FORMAT_VERSION = 1
HISTORY_FILE = "history.json"
SAVED_FILE = "saved.json"

AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]


class QueryBookError(Exception):
    """A history or saved-queries file could not be written; `str(e)` names the path and the
    reason, ready to show the user."""


class HistoryEntry(Struct, frozen=True):
    """A query as it was run: text, log groups, region and window; `relative` holds the
    seconds when the range was relative (`15m` → 900), so re-running can use "now"."""

    query: str
    groups: tuple[str, ...]
    region: str
    start: datetime
    end: datetime
    ran_at: datetime
    relative: int | None = None

    @property
    def key(self) -> tuple[str, tuple[str, ...], str]:
        """What makes two runs "the same query" in the history."""
        return (self.query, self.groups, self.region)


class SavedQuery(Struct, frozen=True):
    """A query the user named and kept, with the log groups it was saved with."""

    name: str
    query: str
    groups: tuple[str, ...] = ()


class _HistoryRecord(msgspec.Struct, forbid_unknown_fields=False):
    query: str
    groups: list[str]
    region: str
    start: AwareDatetime
    end: AwareDatetime
    ran_at: AwareDatetime
    relative: Annotated[int, msgspec.Meta(gt=0)] | None = None


class _HistoryDocument(msgspec.Struct):
    version: int
    entries: list[_HistoryRecord]


class _SavedRecord(msgspec.Struct, forbid_unknown_fields=False):
    name: str
    query: str
    groups: list[str] = msgspec.field(default_factory=list)


class _SavedDocument(msgspec.Struct):
    version: int
    queries: list[_SavedRecord]


class _Version(msgspec.Struct):
    version: int


_D = TypeVar("_D", _HistoryDocument, _SavedDocument)


class QueryBook:
    """History (newest first, at most `HISTORY_LIMIT`) and saved queries (by name)."""

    HISTORY_LIMIT = 500

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._history: list[HistoryEntry] = []
        self._saved: dict[str, SavedQuery] = {}

    @property
    def history_path(self) -> Path:
        return self.directory / HISTORY_FILE

    @property
    def saved_path(self) -> Path:
        return self.directory / SAVED_FILE

    @property
    def history(self) -> tuple[HistoryEntry, ...]:
        """Newest first."""
        return tuple(self._history)

    @property
    def saved(self) -> tuple[SavedQuery, ...]:
        """Sorted by name (case-insensitively, then exactly)."""
        return tuple(sorted(self._saved.values(), key=lambda q: (q.name.casefold(), q.name)))

    def load(self) -> list[str]:
        """Read both files; return warnings for the user (empty when all is well).

        Missing files mean an empty book. A file that cannot be read or decoded is renamed
        aside and its part of the book starts empty; the warning says where it went.
        """
        warnings: list[str] = []
        self._remove_stale_temp_files()
        history = self._read(self.history_path, _HistoryDocument, warnings)
        self._history = [] if history is None else _entries(history)[: self.HISTORY_LIMIT]
        saved = self._read(self.saved_path, _SavedDocument, warnings)
        self._saved = {}
        for record in saved.queries if saved else ():
            self._saved[record.name] = SavedQuery(record.name, record.query, tuple(record.groups))
        return warnings

    def add_history(self, entry: HistoryEntry) -> None:
        """Put `entry` first (an earlier run of the same query, groups and region is dropped),
        keep at most `HISTORY_LIMIT`, and write history.json. Raises QueryBookError when the
        file cannot be written (the entry stays in memory and is written with the next one)."""
        self._history = [entry, *(e for e in self._history if e.key != entry.key)]
        del self._history[self.HISTORY_LIMIT :]
        document = _HistoryDocument(FORMAT_VERSION, [_record(e) for e in self._history])
        self._write(self.history_path, msgspec.json.encode(document))

    def save_query(self, query: SavedQuery) -> None:
        """Keep `query` under its name (replacing one of the same name); write saved.json."""
        self._saved[query.name] = query
        self._write_saved()

    def delete_saved(self, name: str) -> bool:
        """Forget the saved query called `name`; False when there was none."""
        if self._saved.pop(name, None) is None:
            return False
        self._write_saved()
        return True

    def _write_saved(self) -> None:
        records = [_SavedRecord(q.name, q.query, list(q.groups)) for q in self.saved]
        self._write(self.saved_path, msgspec.json.encode(_SavedDocument(FORMAT_VERSION, records)))

    def _read(self, path: Path, kind: type[_D], warnings: list[str]) -> _D | None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            warnings.append(self._set_aside(path, f"could not be read ({_reason(exc)})"))
            return None
        try:
            version = msgspec.json.decode(data, type=_Version).version
            if version != FORMAT_VERSION:
                problem = f"has format version {version}; this montui reads {FORMAT_VERSION}"
                warnings.append(self._set_aside(path, problem))
                return None
            return msgspec.json.decode(data, type=kind)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            warnings.append(self._set_aside(path, f"is not valid ({exc})"))
            return None

    def _set_aside(self, path: Path, problem: str) -> str:
        return set_aside(path, problem)

    def _write(self, path: Path, data: bytes) -> None:
        try:
            write_atomic(path, data)
        except OSError as exc:
            raise QueryBookError(f"could not write {path}: {_reason(exc)}") from exc

    def _remove_stale_temp_files(self) -> None:
        """Temp files left by a process killed mid-write (each write removes its file's too)."""
        for path in (self.history_path, self.saved_path):
            remove_leftover_temp_files(path)


def _entries(document: _HistoryDocument) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            r.query, tuple(r.groups), r.region, r.start, r.end, r.ran_at, relative=r.relative
        )
        for r in document.entries
    ]


def _record(e: HistoryEntry) -> _HistoryRecord:
    return _HistoryRecord(e.query, list(e.groups), e.region, e.start, e.end, e.ran_at, e.relative)


_reason = reason
