"""Converting rendered documents to PDF with LibreOffice, in one headless call.

LibreOffice starts slowly (about 2 s with a fresh profile) and converts quickly, so all
files go in one call. The call uses a private, temporary user profile: it neither
clashes with an instance the officer has open nor touches the officer's settings.
LibreOffice may exit 0 and still skip a file it cannot load, so every PDF is checked.
The PDFs are written to a scratch folder inside ``out_dir`` (:mod:`slrbcall.scratch`)
and moved into place when all exist: an old PDF of the same name can never pass for a
new one. Interrupted, the call stops LibreOffice with its children.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from slrbcall.documents.libreoffice import find_libreoffice, no_libreoffice
from slrbcall.errors import EnvironmentProblemError, InputFileError, Problem, RefusedError
from slrbcall.i18n import _, ngettext
from slrbcall.scratch import scratch_folder

__all__ = ["convert_to_pdf"]

#: How many of LibreOffice's last output lines an error quotes.
TAIL_LINES = 8


def convert_to_pdf(
    files: Sequence[Path],
    *,
    out_dir: Path,
    soffice: Path | None = None,
    timeout: float = 600,
) -> list[Path]:
    """Convert ``files`` to ``out_dir/<stem>.pdf`` in one LibreOffice call; return the PDFs.

    Raises :class:`EnvironmentProblemError` (exit 5) when LibreOffice is missing, fails,
    times out or leaves a PDF missing or empty; nothing is written then.
    """
    program = soffice or find_libreoffice()
    if program is None:
        raise EnvironmentProblemError(no_libreoffice())
    sources = [Path(file).resolve() for file in files]
    missing = [Problem(str(file), _("file not found")) for file in sources if not file.is_file()]
    if missing:
        raise InputFileError(missing)
    names = [file.stem + ".pdf" for file in sources]
    folded = Counter(name.casefold() for name in names)
    clashes = sorted({name for name in names if folded[name.casefold()] > 1})
    if clashes:
        raise RefusedError(_("several files would become {names}").format(names=", ".join(clashes)))
    if not sources:
        return []
    if out_dir.exists() and not out_dir.is_dir():
        raise RefusedError(_("the output folder {folder} is a file").format(folder=out_dir))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise EnvironmentProblemError(
            _("cannot write in {folder}: {error}").format(folder=out_dir, error=error)
        ) from error
    # ignore_cleanup_errors: on Windows LibreOffice may hold its profile a moment longer.
    with (
        tempfile.TemporaryDirectory(prefix="slrbcall-lo-", ignore_cleanup_errors=True) as profile,
        scratch_folder(out_dir, "pdf") as staging,
    ):
        command = [
            str(program),
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(staging),
            *map(str, sources),
        ]
        output = _run(command, timeout=timeout, count=len(sources))
        produced = [staging / name for name in names]
        failed = [f.name for f, pdf in zip(sources, produced, strict=True) if not _non_empty(pdf)]
        if failed:
            raise EnvironmentProblemError(
                ngettext(
                    "LibreOffice did not convert {failed} of {count} file to PDF: ",
                    "LibreOffice did not convert {failed} of {count} files to PDF: ",
                    len(sources),
                ).format(failed=len(failed), count=len(sources))
                + ", ".join(failed)
                + output
            )
        return [pdf.replace(out_dir / pdf.name) for pdf in produced]


def _non_empty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


def _run(command: list[str], *, timeout: float, count: int) -> str:
    """Run LibreOffice and return the tail of its output.

    On a timeout, kill it with its children: soffice starts soffice.bin.
    """
    posix = sys.platform != "win32"
    # A Ctrl-C while LibreOffice starts is held until it has started: raised inside
    # Popen, it would leave LibreOffice running in its own session, which nothing stops.
    # LibreOffice inherits the held signal, which changes nothing for it: in a session
    # of its own, the terminal's Ctrl-C never reaches it, and it is stopped by SIGKILL.
    held = posix and _hold_interrupts()
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=posix,
        )
    except BaseException as error:
        if held:
            _release_interrupts()
        if isinstance(error, OSError):
            raise EnvironmentProblemError(
                _("cannot run LibreOffice ({program}): {error}").format(
                    program=command[0], error=error
                )
            ) from error
        raise
    try:
        if held:
            _release_interrupts()  # a Ctrl-C held meanwhile is raised here, and stops it
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process, posix=posix)
        stdout, stderr = process.communicate()
        raise EnvironmentProblemError(
            ngettext(
                "LibreOffice did not convert {count} file to PDF within {seconds} s",
                "LibreOffice did not convert {count} files to PDF within {seconds} s",
                count,
            ).format(count=count, seconds=f"{timeout:g}")
            + _tail(stderr, stdout)
        ) from None
    except BaseException:
        # Ctrl-C or another error while it converts: LibreOffice runs in a session of its
        # own, which the terminal's interrupt does not reach, so stop it here rather than
        # leave it writing into a folder that is being removed.
        _stop(process, posix=posix)
        process.wait()
        raise
    if process.returncode != 0:
        raise EnvironmentProblemError(
            _("LibreOffice failed (exit code {code}) converting to PDF").format(
                code=process.returncode
            )
            + _tail(stderr, stdout)
        )
    return _tail(stderr, stdout)


def _hold_interrupts() -> bool:
    """Hold SIGINT (Ctrl-C) back from this thread until :func:`_release_interrupts`;
    False where it cannot be (not the main thread, or no signal masks)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    try:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    except (AttributeError, OSError, ValueError):
        return False
    return True


def _release_interrupts() -> None:
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _stop(process: subprocess.Popen[bytes], *, posix: bool) -> None:
    """Kill LibreOffice with its children (soffice starts soffice.bin)."""
    try:
        if posix:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass  # already gone


def _tail(stderr: bytes, stdout: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip() or stdout.decode("utf-8", "replace").strip()
    lines = [line for line in text.splitlines() if line.strip()][-TAIL_LINES:]
    return (":\n" + "\n".join(lines)) if lines else ""
