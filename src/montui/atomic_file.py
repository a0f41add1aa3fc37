"""Replacing a small file atomically, and cleaning what a killed writer left behind.

`write_atomic` writes a temp file beside the target (`.history.json.k3j9.tmp`), fsyncs it,
renames it over the target and fsyncs the directory: readers see the old file or the new
one, never a mix, even across a crash. A process killed between the temp file's creation and
the rename leaves the temp file behind; every write (and `remove_leftover_temp_files`, called
when a file is loaded) removes the ones no live process is writing, so they never pile up.

Which temp files are in use is known exactly where `fcntl` exists: the writer holds an
exclusive `flock` on its temp file until the rename is done, the kernel drops it when the
writer dies, and a cleaner removes only a file it can lock itself. Elsewhere (Windows) a temp
file is taken as abandoned once it is older than `IN_USE_SECONDS`.

Like config.py it imports only the stdlib: no textual, no AWS libraries.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["IN_USE_SECONDS", "remove_leftover_temp_files", "set_aside", "write_atomic"]

IN_USE_SECONDS = 60.0
"""Without `flock`: a temp file younger than this may be another process's write in progress."""


def temp_pattern(path: Path) -> str:
    """The glob of `path`'s temp files (`.history.json.*.tmp`)."""
    return f".{path.name}.*.tmp"


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically (see the module's docstring); temp files of
    `path` that killed writers left are removed first. Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_leftover_temp_files(path)
    fd, temp = _locked_temp_file(path)
    try:
        with os.fdopen(fd, "wb", closefd=False) as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    finally:
        os.close(fd)  # drops the lock, after the rename
    _fsync_directory(path.parent)


def _locked_temp_file(path: Path) -> tuple[int, str]:
    """A new temp file beside `path`, open and locked. A cleaner may remove it between its
    creation and the lock (it looked abandoned): then it is made again."""
    while True:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        if fcntl is None:
            return fd, temp
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink > 0:
            return fd, temp
        os.close(fd)


def remove_leftover_temp_files(path: Path) -> int:
    """Remove the temp files of `path` that no live process is writing; how many."""
    removed = 0
    with contextlib.suppress(OSError):
        for leftover in path.parent.glob(temp_pattern(path)):
            with contextlib.suppress(OSError):
                if _remove_if_abandoned(leftover):
                    removed += 1
    return removed


def _remove_if_abandoned(temp: Path) -> bool:
    if fcntl is None:
        if time.time() - temp.stat().st_mtime <= IN_USE_SECONDS:
            return False
        temp.unlink()
        return True
    fd = os.open(temp, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # its writer is alive and writing
        if os.stat(temp).st_ino != os.fstat(fd).st_ino:
            return False  # renamed into place meanwhile; the name is someone else's now
        temp.unlink()
        return True
    finally:
        os.close(fd)


def set_aside(path: Path, problem: str) -> str:
    """Rename an unreadable `path` to `path.corrupt-<UTC stamp>[-n]`; the warning to show."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    try:
        os.replace(path, aside)
    except OSError as exc:
        return f"{path} {problem}; it could not be moved aside ({reason(exc)}), starting empty"
    return f"{path} {problem}; moved it to {aside} and started empty"


def reason(exc: OSError) -> str:
    """The OS's words for `exc` (`Permission denied`)."""
    return exc.strerror or str(exc)


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable; some platforms (Windows) cannot open a directory: skip there."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
