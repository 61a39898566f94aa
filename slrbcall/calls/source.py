"""A definition file's bytes (a call, the registry, the team's officers), read before
anything parses them: a missing file, a folder, a device or a pipe, and a file far too
big for a definition are refused with one line each.

Apart from :mod:`slrbcall.calls.yamlstrict`, the strict YAML parser: ``calls list`` reads
the bytes of every call file to find its cached summary, and parses none.
"""

from __future__ import annotations

import stat
from pathlib import Path

from slrbcall.errors import InputFileError, Problem
from slrbcall.i18n import _, format_count

__all__ = ["MAX_BYTES", "read_source"]

#: Larger YAML files are refused before parsing: a call definition is a few KB.
MAX_BYTES = 2 * 1024 * 1024


def read_source(path: Path, *, label: str | None = None) -> bytes:
    """The bytes of a YAML file; InputFileError when it is missing, a folder, not a
    plain file (a device such as /dev/zero, a pipe, a link that loops) or too big."""
    source = label or str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputFileError(
                [Problem(source, _("is a directory, not a YAML file (name a .yaml file)"))]
            )
        if not stat.S_ISREG(info.st_mode):
            raise InputFileError(
                [Problem(source, _("is not a plain file (a device or a pipe): name a .yaml file"))]
            )
        if info.st_size > MAX_BYTES:
            raise _too_big(source, info.st_size)
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)  # a file may grow while it is read
    except FileNotFoundError as exc:
        raise InputFileError(
            [Problem(source, _("file not found (check the path and its spelling)"))]
        ) from exc
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputFileError(
            [Problem(source, _("cannot be read: {reason}").format(reason=reason))]
        ) from exc
    if len(raw) > MAX_BYTES:
        raise _too_big(source, len(raw))
    return raw


def _too_big(source: str, size: int) -> InputFileError:
    return InputFileError(
        [
            Problem(
                source,
                _("is {size} bytes; a call definition is at most {most}").format(
                    size=format_count(size), most=format_count(MAX_BYTES)
                ),
            )
        ]
    )
