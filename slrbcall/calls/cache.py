"""A small on-disk cache of validated definitions, keyed by the exact input bytes.

Validating a call definition costs a fraction of a second (mostly building the
pydantic schema), and officers run ``slrbcall calls list`` all day. The result of a
validation depends only on the tool's code, the bytes of the files involved and the
officer's language (a file's problems are cached worded), so it is cached under a hash
of exactly those; an edited file simply misses.

The cache lives in the user's cache folder (``$SLRBCALL_CACHE_DIR`` overrides it, and
an empty value turns it off). Anything unreadable there is ignored and rebuilt.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from slrbcall import __version__
from slrbcall.i18n import language

__all__ = ["cache_dir", "cached"]

T = TypeVar("T")


def cache_dir() -> Path | None:
    """Where the cache lives, or ``None`` when it is turned off."""
    env = os.environ.get("SLRBCALL_CACHE_DIR")
    if env is not None:
        return Path(env) if env else None
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "slrbcall" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "slrbcall"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "slrbcall"


@functools.cache
def _code() -> bytes:
    """The digest of the code that shapes the cached values (the model, the calls
    package): a pickle made by other code, under the same version number (a
    developer's checkout, another branch), is never read back as today's objects."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in [here.parent / "model.py", *sorted(here.glob("*.py"))]:
        digest.update(path.read_bytes())
    return digest.digest()


def cached(kind: str, parts: Sequence[bytes | str], build: Callable[[], T]) -> T:
    """``build()``, or its earlier result for exactly the same ``parts``.

    ``build`` must be a pure function of ``parts``. Exceptions are not cached;
    callers that want to cache a failure return it as a value.
    """
    folder = cache_dir()
    if folder is None:
        return build()
    digest = hashlib.sha256(f"{__version__}/{language()}".encode())
    digest.update(_code())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    path = folder / f"{kind}-{digest.hexdigest()}.pickle"
    try:
        with path.open("rb") as handle:
            value: T = pickle.load(handle)  # our own files, in the user's own cache
        return value
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        pass
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        Path(tmp).replace(path)
    except OSError:
        pass  # a read-only home folder: work uncached
    return value
