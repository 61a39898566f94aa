"""Files out: written whole or not at all, and one line when the system refuses.

Every file the tool writes on its own (workbooks, the 360Giving exports, calendars, a
renewed call, copies of the templates) goes through :func:`write_file`: it is written in
a scratch folder beside its destination (:mod:`slrbcall.scratch`), flushed to disk, and
moved into place in one rename. Whatever happens on the way (a full disk, a read-only
folder, an interruption), the destination holds its old content or the new one, never
a part. A refusal of the system is an :class:`~slrbcall.errors.EnvironmentProblemError`
(exit 5) naming the file and what to do, never a traceback.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO

from slrbcall.errors import EnvironmentProblemError, RefusedError
from slrbcall.scratch import scratch_folder

__all__ = ["cannot_write", "write_bytes", "write_file"]

_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))  # no quotas on Windows


def cannot_write(path: Path, exc: OSError) -> EnvironmentProblemError:
    """The line for a file or folder the system refused to write, with what to do."""
    reason = exc.strerror or str(exc)
    if exc.errno in _FULL:
        hint = "the disk is full: free some space, or write it elsewhere"
    elif exc.errno == errno.EROFS:
        hint = "the disk is read-only: write it elsewhere"
    elif isinstance(exc, PermissionError):
        hint = "is it open in Excel or LibreOffice? close it, or write it elsewhere"
    else:
        hint = "check the folder and try again"
    return EnvironmentProblemError(
        f"cannot write {path}: {reason} ({hint}); nothing was changed there"
    )


def write_file(
    path: Path,
    save: Callable[[IO[bytes]], object],
    *,
    exclusive: bool = False,
    check: Callable[[Path], object] | None = None,
) -> None:
    """Write ``path`` with ``save(stream)``, all at once or not at all.

    ``check``, if given, is called with the whole temporary file before it is moved into
    place (it raises to stop the write). With ``exclusive``, an existing ``path`` is
    never replaced: a :class:`RefusedError` says so. Refuses (:class:`RefusedError`) a
    ``path`` that is a folder or whose folder does not exist.
    """
    folder = path.parent
    if path.is_dir():
        raise RefusedError(f"{path} is a folder: give the name of the file to write")
    if not folder.is_dir():
        raise RefusedError(f"cannot write {path.name}: the folder {folder} does not exist")
    try:
        with scratch_folder(folder, "writing") as scratch:
            temporary = scratch / path.name
            with temporary.open("xb") as stream:
                save(stream)
                stream.flush()
                os.fsync(stream.fileno())
            if check is not None:
                check(temporary)
            if exclusive:
                _place_new(temporary, path)
            else:
                temporary.replace(path)
    except FileExistsError:
        if not exclusive:
            raise
        raise RefusedError(f"{path} already exists: refusing to overwrite it") from None
    except OSError as exc:
        raise cannot_write(path, exc) from exc


def _place_new(temporary: Path, path: Path) -> None:
    """Move ``temporary`` to ``path``, which must not exist: a link fails if the name
    exists, where a rename would replace it. A disk without links (FAT) is checked
    first, then renamed to."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:
        if path.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
        temporary.replace(path)


def write_bytes(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write ``data`` to ``path``, all at once or not at all (see :func:`write_file`)."""
    write_file(path, lambda stream: stream.write(data), exclusive=exclusive)
