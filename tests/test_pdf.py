"""PDF conversion: stand-in soffice scripts for the failures, one real LibreOffice run."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from slrbcall.documents.libreoffice import INSTALL_HINT, find_libreoffice
from slrbcall.documents.pdf import convert_to_pdf
from slrbcall.documents.render import Renderer
from slrbcall.errors import EnvironmentProblemError, RefusedError

REPO = Path(__file__).resolve().parent.parent
posix_only = pytest.mark.skipif(
    sys.platform == "win32", reason="the stand-in soffice is a shell script"
)


def fake_soffice(tmp_path: Path, body: str) -> Path:
    """A shell script that LibreOffice's command line is handed to; it logs its arguments."""
    script = tmp_path / "bin" / "soffice"
    script.parent.mkdir()
    log = tmp_path / "soffice.args"
    script.write_text(
        "#!/bin/sh\n" + f'printf "%s\\n" "$@" > "{log}"\n' + textwrap.dedent(body),
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


# Converts like LibreOffice: every file after --outdir DIR becomes DIR/<stem>.pdf.
CONVERT = """
    while [ "$1" != "--outdir" ]; do shift; done
    out="$2"; shift 2
    for f in "$@"; do b=$(basename "$f"); echo "%PDF-1.7 $b" > "$out/${b%.*}.pdf"; done
"""


@pytest.fixture
def docs(tmp_path: Path) -> list[Path]:
    files = [tmp_path / "docs" / "a.docx", tmp_path / "docs" / "b.docx"]
    files[0].parent.mkdir()
    for file in files:
        file.write_bytes(b"docx")
    return files


def test_without_libreoffice_pdf_exits_5_and_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, docs: list[Path], tmp_path: Path
) -> None:
    monkeypatch.setenv("SLRBCALL_SOFFICE", "")
    with pytest.raises(EnvironmentProblemError) as caught:
        convert_to_pdf(docs, out_dir=tmp_path / "pdf")
    assert caught.value.exit_code == 5
    assert str(caught.value) == f"--pdf needs LibreOffice, which was not found: {INSTALL_HINT}"
    assert not (tmp_path / "pdf").exists()


@posix_only
def test_one_call_with_a_private_profile_that_is_removed(tmp_path: Path, docs: list[Path]) -> None:
    soffice = fake_soffice(tmp_path, CONVERT)
    out = tmp_path / "pdf"
    pdfs = convert_to_pdf(docs, out_dir=out, soffice=soffice)
    assert pdfs == [out / "a.pdf", out / "b.pdf"]
    assert sorted(p.name for p in out.iterdir()) == ["a.pdf", "b.pdf"]  # no temporary folder left
    args = (tmp_path / "soffice.args").read_text(encoding="utf-8").splitlines()
    assert args[:3] == ["--headless", "--norestore", "--nolockcheck"]
    assert args[3].startswith("-env:UserInstallation=file:///")
    profile = Path(args[3].removeprefix("-env:UserInstallation=file://"))
    assert not profile.exists()
    assert args[4:7] == ["--convert-to", "pdf", "--outdir"]
    assert args[8:] == [str(doc) for doc in docs]


@posix_only
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "echo 'javaldx: noise' >&2; echo 'Error: source file could not be loaded' >&2; exit 77",
            "LibreOffice failed (exit code 77) converting to PDF:\njavaldx: noise\nError: source file could not be loaded",
            id="exit-code",
        ),
        pytest.param(
            "echo 'Error: source file could not be loaded' >&2",
            "LibreOffice did not convert 2 of 2 files to PDF: a.docx, b.docx:\nError: source file could not be loaded",
            id="exit-0-but-no-pdf",
        ),
        pytest.param(
            CONVERT + ': > "$out/b.pdf"',
            "LibreOffice did not convert 1 of 2 files to PDF: b.docx",
            id="empty-pdf",
        ),
    ],
)
def test_failures_are_environment_problems(
    tmp_path: Path, docs: list[Path], body: str, expected: str
) -> None:
    out = tmp_path / "pdf"
    (out).mkdir()
    (out / "b.pdf").write_bytes(b"%PDF an old one")  # must not pass for a new one
    with pytest.raises(EnvironmentProblemError) as caught:
        convert_to_pdf(docs, out_dir=out, soffice=fake_soffice(tmp_path, body))
    assert str(caught.value) == expected
    assert sorted(p.name for p in out.iterdir()) == ["b.pdf"]
    assert (out / "b.pdf").read_bytes() == b"%PDF an old one"


@posix_only
def test_a_timeout_kills_libreoffice_and_its_children(tmp_path: Path, docs: list[Path]) -> None:
    marker = tmp_path / "still-running"
    body = f'echo starting >&2; (sleep 1; touch "{marker}") & wait\n'
    start = time.monotonic()
    with pytest.raises(EnvironmentProblemError) as caught:
        convert_to_pdf(
            docs, out_dir=tmp_path / "pdf", soffice=fake_soffice(tmp_path, body), timeout=0.5
        )
    assert time.monotonic() - start < 3
    assert str(caught.value) == "LibreOffice did not convert 2 files to PDF within 0.5 s:\nstarting"
    time.sleep(1.2)  # long enough for the child to have touched the marker, had it lived
    assert not marker.exists()


def test_inputs_that_would_clash(tmp_path: Path) -> None:
    files = [tmp_path / "x" / "a.docx", tmp_path / "y" / "A.docx"]
    for file in files:
        file.parent.mkdir()
        file.write_bytes(b"docx")
    with pytest.raises(RefusedError, match=r"several files would become A\.pdf, a\.pdf"):
        convert_to_pdf(files, out_dir=tmp_path / "pdf", soffice=Path(sys.executable))


def test_a_real_conversion_with_libreoffice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(
        "SLRBCALL_SOFFICE", raising=False
    )  # conftest hides LibreOffice from the other tests
    soffice = find_libreoffice()
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("needs LibreOffice (soffice) and pdftotext (poppler-utils); CI installs both")
    from slrbcall.documents.sample import sample_context

    values = sample_context("convention", "fr") | {
        "project_title": "Foyer & Co <SCRL> {{ 7*7 }}",
        "reference": "EMP24-042",
    }
    docx = tmp_path / "convention.docx"
    docx.write_bytes(Renderer(REPO / "templates" / "convention.fr.docx").render(values))
    [pdf] = convert_to_pdf([docx], out_dir=tmp_path / "pdf", soffice=soffice, timeout=120)
    assert pdf == tmp_path / "pdf" / "convention.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    flat = " ".join(text.split())
    assert "Convention de subvention" in flat
    assert "Foyer & Co <SCRL> {{ 7*7 }}" in flat
    assert "EMP24-042" in flat
    assert "{%" not in flat
