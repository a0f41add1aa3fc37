"""The incident timeline on disk: `timeline.json` in montui's data directory.

Every step (`montui.model.timeline.Step`) is added in memory and the whole file is then
replaced atomically (`montui.atomic_file`: temp file, fsync, rename, fsync of the directory),
so a kill or a failed write leaves the previous file intact, never half of one; the step stays
in memory and is written with the next one. A file that cannot be read is renamed aside with a
warning and the timeline starts empty. At most `LIMIT` steps are kept (the oldest go first).
Nothing is sent anywhere: `montui timeline export` reads this file.

Writes are serialised by a lock: the UI adds a step in its own thread and writes from a worker
thread (`flush`), and the last flush always writes every step added before it.

Like querybook.py it imports only the stdlib, msgspec and `montui.model`.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import Annotated

import msgspec

from montui.atomic_file import reason, remove_leftover_temp_files, set_aside, write_atomic
from montui.model.timeline import Step, StepKind

__all__ = ["TIMELINE_FILE", "Timeline", "TimelineError"]

FORMAT_VERSION = 1
TIMELINE_FILE = "timeline.json"
LIMIT = 5000

_KINDS = frozenset(k.value for k in StepKind)
AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]


class TimelineError(Exception):
    """The timeline could not be written; `str(e)` names the path and the reason."""


class _Record(msgspec.Struct, forbid_unknown_fields=False, omit_defaults=True):
    at: AwareDatetime
    kind: str
    text: str
    region: str = ""
    alarm: str = ""
    composite: bool = False
    query: str = ""
    groups: list[str] = msgspec.field(default_factory=list)
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    rows: int | None = None
    related: list[tuple[str, str, bool]] = msgspec.field(default_factory=list)


class _Document(msgspec.Struct):
    version: int
    steps: list[_Record]


class Timeline:
    """The steps of the investigations, oldest first."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._steps: list[Step] = []
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        return self.directory / TIMELINE_FILE

    @property
    def steps(self) -> tuple[Step, ...]:
        """Oldest first."""
        return tuple(self._steps)

    def since(self, moment: datetime) -> tuple[Step, ...]:
        """The steps at or after `moment`, oldest first."""
        return tuple(s for s in self._steps if s.at >= moment)

    def load(self) -> list[str]:
        """Read the file, once, at the start; warnings for the user (a missing file is an
        empty timeline). Steps added before the load (the app loads after its first frame)
        are kept after the ones read."""
        remove_leftover_temp_files(self.path)
        warnings: list[str] = []
        steps: list[Step] = []
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            data = b""
        except OSError as exc:
            data = b""
            warnings.append(set_aside(self.path, f"could not be read ({reason(exc)})"))
        if data:
            try:
                document = msgspec.json.decode(data, type=_Document)
                if document.version != FORMAT_VERSION:
                    raise ValueError(f"format version {document.version}, not {FORMAT_VERSION}")
                # A kind a newer montui wrote is skipped, not a reason to set the file aside.
                steps = [_step(r) for r in document.steps if r.kind in _KINDS]
            except (msgspec.DecodeError, msgspec.ValidationError, ValueError) as exc:
                warnings.append(set_aside(self.path, f"is not valid ({exc})"))
        with self._lock:
            self._steps = [*steps, *self._steps][-LIMIT:]
        return warnings

    def add(self, step: Step) -> None:
        """Add `step` in memory (see `flush`)."""
        with self._lock:
            self._steps.append(step)
            del self._steps[:-LIMIT]

    def flush(self) -> None:
        """Write every step added so far; raises TimelineError (the steps stay in memory)."""
        with self._lock:
            records = [_record(s) for s in self._steps]
            data = msgspec.json.encode(_Document(FORMAT_VERSION, records))
            try:
                write_atomic(self.path, data)
            except OSError as exc:
                raise TimelineError(f"could not write {self.path}: {reason(exc)}") from exc

    def record(self, step: Step) -> None:
        """Add `step` and write the file (both at once: for commands and tests)."""
        self.add(step)
        self.flush()


def _record(s: Step) -> _Record:
    return _Record(
        at=s.at,
        kind=s.kind.value,
        text=s.text,
        region=s.region,
        alarm=s.alarm,
        composite=s.composite,
        query=s.query,
        groups=list(s.groups),
        start=s.start,
        end=s.end,
        rows=s.rows,
        related=list(s.related),
    )


def _step(r: _Record) -> Step:
    return Step(
        at=r.at,
        kind=StepKind(r.kind),
        text=r.text,
        region=r.region,
        alarm=r.alarm,
        composite=r.composite,
        query=r.query,
        groups=tuple(r.groups),
        start=r.start,
        end=r.end,
        rows=r.rows,
        related=tuple((region, name, composite) for region, name, composite in r.related),
    )
