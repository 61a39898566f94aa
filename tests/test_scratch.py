"""Interrupted runs leave no debris: the next run sweeps their scratch folders, and an
interrupted PDF conversion stops LibreOffice (hostile inputs, class 10)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from slrbcall.documents.pdf import convert_to_pdf
from slrbcall.errors import EnvironmentProblemError
from slrbcall.scratch import PREFIX, scratch_folder, sweep
from tests.conftest import REPO

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from slrbcall.scratch import scratch_folder
    with scratch_folder(Path(sys.argv[1]), sys.argv[2]) as folder:
        (folder / "half-written.docx").write_bytes(b"PK")
        print(folder, flush=True)
        time.sleep(600)
    """
)


def hold(parent: Path, kind: str = "rendering") -> tuple[subprocess.Popen[str], Path]:
    """A process at work in a scratch folder of ``parent``, and that folder."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(parent), kind],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert process.stdout is not None
    folder = Path(process.stdout.readline().strip())
    assert folder.is_dir()
    return process, folder


def stop(process: subprocess.Popen[str]) -> None:
    process.kill()
    process.wait()
    if process.stdout is not None:
        process.stdout.close()


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie left for a container's init to reap does not)."""
    stat = Path(f"/proc/{pid}/stat")
    if stat.parent.parent.is_dir() and Path("/proc/self").exists():
        try:
            return stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def ours(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(PREFIX))


def test_a_killed_runs_folder_is_swept_and_a_running_ones_is_kept(tmp_path: Path) -> None:
    killed, stale = hold(tmp_path)
    running, busy = hold(tmp_path, "pdf")
    try:
        stop(killed)  # SIGKILL on POSIX: no clean-up runs
        assert stale.is_dir()
        assert sweep(tmp_path) == [stale]
        assert ours(tmp_path) == [busy.name]
    finally:
        stop(running)
    assert sweep(tmp_path) == [busy]
    assert ours(tmp_path) == []


def test_a_scratch_folder_is_gone_after_its_block_even_on_an_error(tmp_path: Path) -> None:
    def interrupted() -> None:
        with scratch_folder(tmp_path, "writing") as folder:
            (folder / "x").write_text("x", encoding="utf-8")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert ours(tmp_path) == []


def test_the_next_render_and_the_next_workbook_sweep_what_a_killed_run_left(
    tmp_path: Path,
) -> None:
    from slrbcall.sheets import write_atomic

    killed, stale = hold(tmp_path)
    stop(killed)

    class Book:
        def save(self, stream: object) -> None:
            stream.write(b"PK")  # type: ignore[attr-defined]

    write_atomic(Book(), tmp_path / "report.xlsx")
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]


FAKE_SOFFICE = """#!/bin/sh
# Starts a child, as soffice starts soffice.bin, and both wait for ever.
sleep 600 &
echo $! > "$SLRBCALL_TEST_CHILD"
wait
"""

CONVERT = textwrap.dedent(
    """
    import signal
    import sys
    from pathlib import Path
    from slrbcall.documents.pdf import convert_to_pdf
    # Ctrl-C as a terminal gives it, even where the tests run in the background, whose
    # processes start with it ignored (a shell's "&", a CI runner)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    convert_to_pdf([Path(sys.argv[1])], out_dir=Path(sys.argv[2]), soffice=Path(sys.argv[3]))
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="process groups and signals are POSIX")
def test_ctrl_c_during_a_pdf_conversion_stops_libreoffice_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    soffice = tmp_path / "soffice"
    soffice.write_text(FAKE_SOFFICE, encoding="utf-8")
    soffice.chmod(0o755)
    document = tmp_path / "convention.docx"
    document.write_bytes(b"PK")
    out = tmp_path / "out"
    child_file = tmp_path / "child.pid"
    process = subprocess.Popen(
        [sys.executable, "-c", CONVERT, str(document), str(out), str(soffice)],
        cwd=REPO,
        env={**os.environ, "SLRBCALL_TEST_CHILD": str(child_file)},
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not (child_file.exists() and child_file.read_text(encoding="utf-8").strip()):
        assert time.monotonic() < deadline, "the fake LibreOffice did not start"
        time.sleep(0.05)
    child = int(child_file.read_text(encoding="utf-8"))
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode != 0
    assert "KeyboardInterrupt" in stderr
    deadline = time.monotonic() + 10
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)
    assert ours(out) == []


@pytest.mark.skipif(sys.platform == "win32", reason="signal masks are POSIX")
@pytest.mark.parametrize("program", ["#!/bin/sh\nexit 3\n", None], ids=["fails", "cannot-run"])
def test_ctrl_c_is_let_through_again_after_libreoffice(tmp_path: Path, program: str | None) -> None:
    """Ctrl-C is held back only while LibreOffice starts: after a conversion that failed,
    or a LibreOffice that could not be run, the tool's process takes it again."""
    soffice = tmp_path / "soffice"
    soffice.write_text(program or "not a program", encoding="utf-8")
    soffice.chmod(0o755 if program else 0o644)
    document = tmp_path / "convention.docx"
    document.write_bytes(b"PK")
    with pytest.raises(EnvironmentProblemError):
        convert_to_pdf([document], out_dir=tmp_path / "out", soffice=soffice)
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
