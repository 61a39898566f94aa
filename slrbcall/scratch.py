"""Scratch folders that an interrupted run leaves behind are swept by the next run.

Documents and workbooks are written to a hidden scratch folder beside their destination
and moved into place only when whole, so that a file is never half-written. A run killed
half-way (SIGKILL, a power cut, a closed terminal) cannot remove its scratch folder, so
every scratch folder holds a lock file that its run keeps locked: the next run that
makes a scratch folder in the same place removes every folder of ours whose lock it can
take, and leaves the folders of runs still at work. The locks are the system's own
(``flock`` on POSIX, ``msvcrt.locking`` on Windows), which it releases when the process
ends, however it ends.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

__all__ = ["PREFIX", "scratch_folder", "sweep"]

#: Every scratch folder's name starts so: hidden, and recognisably ours.
PREFIX = ".slrbcall-"
_LOCK = ".lock"


def _try_lock(stream: IO[bytes]) -> bool:
    """Lock ``stream`` for this process, without waiting; False if another holds it."""
    try:
        if sys.platform == "win32":
            import msvcrt  # noqa: PLC0415 (Windows only)

            msvcrt.locking(stream.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl  # noqa: PLC0415 (POSIX only)

            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def sweep(parent: Path) -> list[Path]:
    """Remove the scratch folders in ``parent`` that no running process holds.

    Returns the folders removed. A folder without a lock file (one being made this
    very moment, or left by an older version) is left alone.
    """
    removed: list[Path] = []
    try:
        candidates = [p for p in parent.iterdir() if p.name.startswith(PREFIX) and p.is_dir()]
    except OSError:
        return removed
    for folder in candidates:
        try:
            stream = (folder / _LOCK).open("rb+")
        except OSError:
            continue
        with stream:
            if not _try_lock(stream):
                continue  # another run is at work in it
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@contextmanager
def scratch_folder(parent: Path, kind: str) -> Iterator[Path]:
    """A new scratch folder in ``parent``, locked while the block runs, then removed.

    The stale scratch folders of earlier runs in ``parent`` are swept first. ``kind``
    names what is made there (``rendering``, ``pdf``, ``workbook``). Raises
    :class:`OSError` when ``parent`` cannot be written.
    """
    sweep(parent)
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-", dir=parent))
    try:
        with (folder / _LOCK).open("wb") as lock:
            lock.write(b"\0")  # Windows locks a byte range: give it one byte
            lock.flush()
            _try_lock(lock)
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
