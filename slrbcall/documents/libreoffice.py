"""Finding LibreOffice, which converts the rendered DOCX files to PDF.

Officers mostly work on Windows, so the usual Windows and macOS install places are
searched as well as ``PATH``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from slrbcall.i18n import N_, _

__all__ = ["INSTALL_HINT", "find_libreoffice", "libreoffice_version", "no_libreoffice"]

INSTALL_HINT = N_(
    "install LibreOffice (https://www.libreoffice.org; on Debian/Ubuntu: "
    "apt-get install libreoffice-writer) or set SLRBCALL_SOFFICE to its soffice program"
)
#: Why ``--pdf`` cannot be honoured here, with :data:`INSTALL_HINT`.
NO_LIBREOFFICE = N_("--pdf needs LibreOffice, which was not found: {hint}")


def no_libreoffice() -> str:
    """The line for a ``--pdf`` without LibreOffice, in the officer's language."""
    return _(NO_LIBREOFFICE).format(hint=_(INSTALL_HINT))


def _candidates() -> list[Path]:
    found: list[Path] = []
    env = os.environ.get("SLRBCALL_SOFFICE")
    if env:
        found.append(Path(env))
    for name in ("soffice", "libreoffice"):
        where = shutil.which(name)
        if where:
            found.append(Path(where))
    for base in (os.environ.get("PROGRAMFILES"), os.environ.get("PROGRAMFILES(X86)")):
        if base:
            found.append(Path(base) / "LibreOffice" / "program" / "soffice.exe")
    found.append(Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"))
    found.append(Path("/usr/lib/libreoffice/program/soffice"))
    found.append(Path("/opt/libreoffice/program/soffice"))
    return found


def find_libreoffice() -> Path | None:
    """The soffice program, or ``None`` when LibreOffice is not installed."""
    if os.environ.get("SLRBCALL_SOFFICE") == "":  # explicitly disabled (tests, doctor)
        return None
    for candidate in _candidates():
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def libreoffice_version(program: Path) -> str | None:
    """What ``soffice --version`` prints (first line), or ``None`` if it fails."""
    try:
        done = subprocess.run(
            [str(program), "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            encoding="utf-8",
            errors="replace",
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    line = done.stdout.strip().splitlines()[0] if done.stdout.strip() else ""
    return line or None
